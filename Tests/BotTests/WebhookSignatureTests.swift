import Bot
import Ethereum
import PlenumTesting
import Testing

/// The webhook signature a receiver checks: HMAC-SHA256 over "<timestamp>." + body, compared with
/// Python's hmac module, and refused when anything signed changes or the delivery is stale.
@Suite("Webhook signatures")
struct WebhookSignatureTests {
    static let body = Array(#"{"event":"result","proposalId":"7","outcome":"passed"}"#.utf8)
    static let secret = Array("s3cret\n".utf8)
    static let timestamp: UInt64 = 1_767_225_600

    @Test func matchesPythonsHMACOverTimestampDotBody() throws {
        var cases: [JSON] = []
        var expected: [String] = []
        for (i, (body, secret)) in [
            (Self.body, Self.secret), ([], Array("k".utf8)), (Array(repeating: 0xff, count: 300), Array(repeating: 7, count: 100)),
        ]
        .enumerated() {
            let timestamp = Self.timestamp + UInt64(i)
            cases.append([
                "key": .string(Hex.encode(secret, prefix: false)),
                "message": .string(Hex.encode(Array("\(timestamp).".utf8) + body, prefix: false)),
            ])
            expected.append(WebhookSignature.sign(body: body, timestamp: timestamp, secret: secret))
        }
        let oracle = try PythonOracle.run("hmac-sha256", input: .array(cases))
        let macs = try #require(oracle.arrayValue).map { "sha256=" + ($0.stringValue ?? "") }
        #expect(macs == expected)
    }

    @Test func anyChangeOrAStaleTimestampIsRefused() {
        let header = WebhookSignature.sign(body: Self.body, timestamp: Self.timestamp, secret: Self.secret)
        let now = Self.timestamp + 10
        #expect(WebhookSignature.verify(body: Self.body, timestamp: Self.timestamp, secret: Self.secret, header: header, now: now))
        var flipped = Self.body
        flipped[5] ^= 1
        #expect(!WebhookSignature.verify(body: flipped, timestamp: Self.timestamp, secret: Self.secret, header: header, now: now))
        #expect(!WebhookSignature.verify(body: Self.body, timestamp: Self.timestamp + 1, secret: Self.secret, header: header, now: now))
        #expect(
            !WebhookSignature.verify(body: Self.body, timestamp: Self.timestamp, secret: Array("s3creT\n".utf8), header: header, now: now))
        #expect(
            !WebhookSignature.verify(
                body: Self.body, timestamp: Self.timestamp, secret: Self.secret, header: String(header.dropFirst(7)), now: now))
        #expect(
            !WebhookSignature.verify(body: Self.body, timestamp: Self.timestamp, secret: Self.secret, header: header.uppercased(), now: now)
        )
        // Replayed later than the tolerance (300 s by default), or dated in the future beyond it.
        #expect(
            WebhookSignature.verify(
                body: Self.body, timestamp: Self.timestamp, secret: Self.secret, header: header, now: Self.timestamp + 300))
        #expect(
            !WebhookSignature.verify(
                body: Self.body, timestamp: Self.timestamp, secret: Self.secret, header: header, now: Self.timestamp + 301))
        #expect(
            !WebhookSignature.verify(
                body: Self.body, timestamp: Self.timestamp, secret: Self.secret, header: header, now: Self.timestamp - 301))
    }
}
