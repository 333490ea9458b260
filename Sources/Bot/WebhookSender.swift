import Crypto
import Ethereum

/// Sends webhook POSTs; `PlenumService` implements it with AsyncHTTPClient.
public protocol WebhookSender: Sendable {
    /// POSTs `body` with `headers`; returns the HTTP status. Throws on connection failures and timeouts.
    func post(url: String, body: [UInt8], headers: [(String, String)]) async throws -> Int
}

/// The signature header of webhook deliveries: `X-Plenum-Signature: sha256=<hex>` where hex is
/// HMAC-SHA256(secret, timestamp ‖ "." ‖ body), and `X-Plenum-Timestamp` carries the timestamp (seconds).
public enum WebhookSignature {
    public static func sign(body: [UInt8], timestamp: UInt64, secret: [UInt8]) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Array("\(timestamp).".utf8) + body, using: SymmetricKey(data: secret))
        return "sha256=" + Hex.encode(Array(mac), prefix: false)
    }

    /// Checks a delivery as a receiver should: the signature (constant-time comparison) and that the
    /// timestamp is within `tolerance` seconds of `now` (Unix seconds), so that a recorded delivery
    /// cannot be replayed later.
    public static func verify(
        body: [UInt8], timestamp: UInt64, secret: [UInt8], header: String, now: UInt64, tolerance: UInt64 = 300
    ) -> Bool {
        let age = now >= timestamp ? now - timestamp : timestamp - now
        return age <= tolerance && verify(body: body, timestamp: timestamp, secret: secret, header: header)
    }

    /// Checks a delivery's signature only (constant-time comparison).
    public static func verify(body: [UInt8], timestamp: UInt64, secret: [UInt8], header: String) -> Bool {
        let expected = Array(sign(body: body, timestamp: timestamp, secret: secret).utf8)
        let given = Array(header.utf8)
        guard expected.count == given.count else { return false }
        var diff: UInt8 = 0
        for i in expected.indices { diff |= expected[i] ^ given[i] }
        return diff == 0
    }
}
