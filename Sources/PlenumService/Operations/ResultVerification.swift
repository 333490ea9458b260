import Bot
import Ethereum
import Governance

/// Whether a stored result is signed by the bot: its digest is recomputed from the result's
/// EIP-712 typed data, and the signer recovered from that digest must be the expected address.
public struct ResultVerification: Hashable, Sendable {
    public let expected: Address
    /// The signer recovered from the recomputed digest; nil when nothing can be recovered.
    public let recovered: Address?
    /// Whether the stored digest is the one recomputed from the result.
    public let digestMatches: Bool
    /// Why it does not verify, when it does not.
    public let problem: String?

    public var isValid: Bool { problem == nil }

    public init(_ signed: SignedResult, expected: Address) {
        self.expected = expected
        let digest: Hash32
        do { digest = try signed.result.digest() } catch {
            recovered = nil
            digestMatches = false
            problem = "the result's digest cannot be computed: \(error)"
            return
        }
        digestMatches = digest == signed.digest
        recovered = try? signed.signature.recoverAddress(digest: digest)
        if !digestMatches {
            problem = "the stored digest \(signed.digest) is not the result's digest \(digest)"
        } else if let recovered, recovered != expected {
            problem = "signed by \(recovered.checksummed), not the bot \(expected.checksummed)"
        } else if recovered == nil {
            problem = "no signer can be recovered from the signature"
        } else {
            problem = nil
        }
    }

    /// `{"valid", "expected", "recovered", "digestMatches", "problem"?}`.
    public var json: JSON {
        var object = JSONObject([
            ("valid", .bool(isValid)), ("expected", .string(expected.checksummed)),
            ("recovered", recovered.map { .string($0.checksummed) } ?? .null), ("digestMatches", .bool(digestMatches)),
        ])
        if let problem { object["problem"] = .string(problem) }
        return .object(object)
    }
}
