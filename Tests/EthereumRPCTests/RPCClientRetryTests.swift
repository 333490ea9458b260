import Ethereum
import EthereumRPC
import PlenumTesting
import Testing

@Suite("RPC client: retries, rate limits, failover (scripted transport, virtual time)")
struct RPCClientRetryTests {
    func client(_ transport: ScriptedTransport, endpoints: Int = 1, clock: VirtualClock = VirtualClock()) -> RPCClient {
        let list = (0..<endpoints).map { RPCEndpoint(url: "http://e\($0)", name: "e\($0)") }
        return RPCClient(configuration: .init(endpoints: list), transport: transport, clock: clock, seed: 7)
    }

    let blockNumber = ScriptedTransport.Step.answer { _, _ in ScriptedTransport.result("0x2a") }

    @Test func honoursRetryAfterOnHTTP429() async throws {
        let clock = VirtualClock()
        let transport = ScriptedTransport([
            .reply(HTTPReply(status: 429, retryAfter: .seconds(7), body: ScriptedTransport.body("{}"))), blockNumber,
        ])
        let n = try await client(transport, clock: clock).blockNumber()
        #expect(n == 42)
        #expect(transport.sent.count == 2)
        #expect(clock.now() >= .seconds(7), "the retry waited for Retry-After")
    }

    @Test func http429WithoutRetryAfterBacksOffAndPrefersAnotherEndpoint() async throws {
        let clock = VirtualClock()
        let transport = ScriptedTransport([.reply(HTTPReply(status: 429, body: [])), blockNumber])
        #expect(try await client(transport, endpoints: 2, clock: clock).blockNumber() == 42)
        #expect(transport.sent.map(\.endpoint) == ["e0", "e1"])
    }

    @Test func jsonRPC429InsideHTTP200IsRetried() async throws {
        let transport = ScriptedTransport([
            .answer { _, _ in ScriptedTransport.error(429, "Too Many Requests: rate limit exceeded") }, blockNumber,
        ])
        #expect(try await client(transport).blockNumber() == 42)
        #expect(transport.sent.count == 2)
    }

    @Test func onlyTheRateLimitedBatchElementIsRetried() async throws {
        let transport = ScriptedTransport(
            [
                .answer { method, params in
                    params.first == "0x2" ? ScriptedTransport.error(429, "rate limit exceeded") : ScriptedTransport.result(params.first!)
                }
            ],
            then: .answer { _, params in ScriptedTransport.result(params.first!) })
        let calls = (1...4).map { RPCCall("echo", [.string("0x\($0)")]) }
        let results = try await client(transport).batch(calls)
        #expect(try results.map { try $0.get() } == ["0x1", "0x2", "0x3", "0x4"])
        #expect(transport.sent.count == 2)
        #expect(transport.sent[1].methods.count == 1, "the retry carried only the rate-limited element")
    }

    @Test func deterministicErrorsAreNotRetried() async throws {
        let transport = ScriptedTransport([
            .answer { _, _ in ["error": ["code": 3, "message": "execution reverted", "data": "0x08c379a0"]] }
        ])
        let rpc = client(transport)
        let error = try await #require(throws: RPCError.self) { try await rpc.call("eth_call", []) }
        #expect(error.isRevert)
        #expect(transport.sent.count == 1)
        let invalid = ScriptedTransport([.answer { _, _ in ScriptedTransport.error(-32602, "invalid argument 0") }])
        await #expect(throws: RPCError.self) { try await client(invalid).call("eth_getBalance", []) }
        #expect(invalid.sent.count == 1)
    }

    @Test func timeoutsAndDeadEndpointsFailOver() async throws {
        let clock = VirtualClock()
        let transport = ScriptedTransport([.fail(ConnectionRefused()), blockNumber, blockNumber])
        let rpc = client(transport, endpoints: 2, clock: clock)
        #expect(try await rpc.blockNumber() == 42)
        #expect(try await rpc.blockNumber() == 42)
        #expect(transport.sent.map(\.endpoint) == ["e0", "e1", "e1"], "the dead endpoint cools down while the other serves")
        let metrics = await rpc.metrics
        #expect(metrics.endpoints["e0"]?.errors["transport"] == 1)
    }

    @Test func malformedAnswersAreRetried() async throws {
        let transport = ScriptedTransport([
            .reply(HTTPReply(status: 200, body: ScriptedTransport.body("{\"jsonrpc\":\"2.0\",\"id\":1,\"res"))),
            .reply(HTTPReply(status: 502, body: ScriptedTransport.body("<html>bad gateway</html>"))),
            blockNumber,
        ])
        #expect(try await client(transport).blockNumber() == 42)
        #expect(transport.sent.count == 3)
    }

    @Test func givesUpAfterMaxAttemptsNamingTheLastFailure() async throws {
        let transport = ScriptedTransport([], then: .fail(ConnectionRefused()))
        let rpc = client(transport)
        let error = try await #require(throws: RPCClientError.self) { try await rpc.blockNumber() }
        guard case .retriesExhausted(let method, let attempts, let last) = error else { Issue.record("\(error)"); return }
        #expect(method == "eth_blockNumber" && attempts == 10 && last.contains("connection refused"))
        #expect(transport.sent.count == 10)
    }

    @Test func backoffGrowsWithJitterWithinBounds() async throws {
        let clock = VirtualClock()
        let transport = ScriptedTransport([.fail(ConnectionRefused()), .fail(ConnectionRefused()), .fail(ConnectionRefused()), blockNumber])
        _ = try await client(transport, clock: clock).blockNumber()
        // Sleeps: backoff after each failure (in [base·2^k/2, base·2^k]) and the wait for the cooldown.
        let backoffs = clock.sleeps
        #expect(backoffs.count >= 3)
        #expect(backoffs[0] >= .milliseconds(50) && backoffs[0] <= .milliseconds(100))
    }

    @Test func rangeLimitWordingsAreRecognised() {
        let hint = RPCError(
            code: -32602,
            message:
                "Log response size exceeded. You can make eth_getLogs requests with up to a 500 block range and no limit on the response size, or you can request any block range with a cap of 10000 logs in the response. Based on your parameters, this block range should work: [0x0, 0x1f3]"
        )
        #expect(hint.isLogRangeLimit && hint.suggestedRange == 0...499 && hint.statedRangeLimit == 500)
        let limit = RPCError(code: -32602, message: "query block range 601 exceeds limit of 500")
        #expect(limit.isLogRangeLimit && limit.statedRangeLimit == 500 && limit.suggestedRange == nil)
        let results = RPCError(code: -32005, message: "query returned more than 10000 results. Try with this block range [0x10, 0x20].")
        #expect(results.isLogRangeLimit && results.isTooManyResults && results.suggestedRange == 16...32)
        #expect(RPCError(code: -32000, message: "block range is too wide").isLogRangeLimit)
        #expect(!RPCError(code: 3, message: "execution reverted").isLogRangeLimit)
        #expect(RPCError(code: -32005, message: "query returned more than 10000 results").isTooManyResults)
    }
}
