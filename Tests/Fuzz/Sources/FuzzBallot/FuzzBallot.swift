import Ethereum
import FuzzDriver
import Governance

/// Ballot envelopes as members post them in chat (OpenZeppelin Ballot/ExtendedBallot, Snapshot Vote):
/// parsing either succeeds or throws a typed error; a parsed envelope's signer recovers or throws.
@_cdecl("FuzzBallot_main")
public func main(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv) { start, count in fuzzBallot(fuzzInput(start, count)) }
}

func fuzzBallot(_ bytes: [UInt8]) -> CInt {
    guard let envelope = try? BallotEnvelope.parse(bytes) else { return 0 }
    if let digest = try? envelope.typedData.digest(), let signature = try? Signature(bytes: envelope.signature) {
        _ = try? signature.recoverAddress(digest: digest)
    }
    _ = envelope.claimedVoter
    _ = envelope.signedTimestamp
    return 0
}
