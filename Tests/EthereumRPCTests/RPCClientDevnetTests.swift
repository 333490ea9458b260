import Ethereum
import EthereumRPC
import PlenumTesting
import Synchronization
import Testing

/// The RPC client against a real node: the devnet (py-evm behind JSON-RPC), with and without faults.
@Suite("RPC client against the devnet", .serialized)
struct RPCClientDevnetTests {
    static let devnet = try! Devnet(accounts: 6)
    static let clockCall = try! ABIFunction("clock() returns (uint48)")
    static let getPastVotes = try! ABIFunction("getPastVotes(address,uint256) returns (uint256)")

    var devnet: Devnet { Self.devnet }

    @Test func basicsAgreeWithDevnetJSON() async throws {
        let rpc = devnet.client()
        try await devnet.mine(4)
        #expect(try await rpc.chainId() == devnet.chainId)
        let head = try await rpc.blockNumber()
        let header = try #require(try await rpc.header(.number(head)))
        let parent = try #require(try await rpc.header(.number(head - 1)))
        #expect(header.parentHash == parent.hash)
        #expect(try await rpc.header(.hash(header.hash, requireCanonical: true)) == header)
        #expect(try await rpc.header(.number(head + 1000)) == nil)
        #expect(!(try await rpc.code(at: devnet.governor)).isEmpty)
        let batch = try await rpc.headers(Array((head - 3)...head))
        #expect(batch.compactMap { $0?.number } == Array((head - 3)...head))
    }

    @Test func logsOfAProposalDecodeToOpenZeppelinsHashProposal() async throws {
        let gov = DevnetGovernor(devnet)
        let (id, receipt) = try await gov.propose(
            "RPC test proposal \(UInt64.random(in: 0...UInt64.max))", from: gov.sender(devnet.accounts[0].key))
        let created = try ABIEvent("ProposalCreated(uint256,address,address[],uint256[],string[],bytes[],uint256,uint256,string)")
        let logs = try await devnet.client().logs(
            LogFilter(
                range: .blocks(from: receipt.blockNumber, to: receipt.blockNumber), addresses: [devnet.governor], topics: [[created.topic0]]
            ))
        #expect(logs.count == 1)
        let values = try created.decode(topics: logs[0].topics, data: logs[0].data)
        #expect(values[0] == .uint(id))
        #expect(values[1] == .address(devnet.accounts[0].address))
        #expect(logs[0].blockHash == receipt.blockHash)
        let byHash = try await devnet.client().logs(LogFilter(range: .blockHash(receipt.blockHash), addresses: [devnet.governor]))
        #expect(byHash == logs)
        let header = try #require(try await devnet.client().header(.hash(receipt.blockHash, requireCanonical: true)))
        #expect(header.bloomMayContain(address: devnet.governor, anyOf: [created.topic0]))
        #expect(!header.bloomMayContain(address: devnet.wallet, anyOf: [created.topic0]))
    }

    @Test func callsPinnedByBlockHashAndTheNumberFallback() async throws {
        try await devnet.mine(3)
        let rpc = devnet.client()
        let head = try await rpc.blockNumber()
        let old = try #require(try await rpc.header(.number(head - 2)))
        let data = try Self.clockCall.encodeCall([])
        let pinned = try await rpc.call(to: devnet.governor, data: data, at: .hash(old.hash, requireCanonical: true))
        #expect(try Self.clockCall.decodeReturn(pinned) == [.uint(UInt256(old.number))])
        // A provider that refuses EIP-1898 objects: the client retries by number and checks the hash.
        let refusing = RPCClient(
            configuration: .init(endpoints: [RPCEndpoint(url: devnet.rpcURL)]), transport: RefusesBlockHashObjects(), seed: 3)
        let viaNumber = try await refusing.call(to: devnet.governor, data: data, at: .hash(old.hash, requireCanonical: true))
        #expect(viaNumber == pinned)
    }

    @Test func multicallReadsEqualIndividualCallsAndFallBackWithoutCode() async throws {
        let rpc = devnet.client()
        let head = try await rpc.blockNumber()
        let block = try #require(try await rpc.header(.number(head - 1)))
        let reads = try devnet.accounts.map {
            Multicall3.Read(
                target: devnet.token, data: try Self.getPastVotes.encodeCall([.address($0.address), .uint(UInt256(block.number - 1))]))
        }
        let multicall = Multicall3(client: rpc, address: devnet.multicall3)
        let viaMulticall = try await multicall.read(reads, at: .hash(block.hash, requireCanonical: true))
        #expect(await multicall.isDeployed == true)
        var individually: [Multicall3.Outcome] = []
        for read in reads {
            individually.append(
                .success(try await rpc.call(to: read.target, data: read.data, at: .hash(block.hash, requireCanonical: true))))
        }
        #expect(viaMulticall == individually)
        let votes = try viaMulticall.map { outcome -> ABIValue in
            guard case .success(let data) = outcome else { throw OracleError("read failed") }
            return try Self.getPastVotes.decodeReturn(data)[0]
        }
        #expect(votes == devnet.accounts.map { .uint($0.tokenBalance) })
        let nowhere = Multicall3(client: rpc, address: try Address("0x000000000000000000000000000000000000dEaD"))
        #expect(try await nowhere.read(reads, at: .hash(block.hash, requireCanonical: true)) == viaMulticall)
        #expect(await nowhere.isDeployed == false)
        // A reverting read is reported as a failure, not an error.
        let bad = Multicall3.Read(
            target: devnet.token,
            data: try Self.getPastVotes.encodeCall([.address(devnet.accounts[0].address), .uint(UInt256(head + 100))]))
        let outcomes = try await multicall.read([bad, reads[0]], at: .latest)
        guard case .failure = outcomes[0], case .success = outcomes[1] else { Issue.record("\(outcomes)"); return }
    }

    @Test func multicallSendsAllChunksInOneRequestWithTheCodeCheck() async throws {
        let setup = devnet.setupClient()
        let head = try await setup.blockNumber()
        let block = try #require(try await setup.header(.number(head - 1)))
        let holders = devnet.accounts
        let rpc = devnet.client()
        let reads = try (0..<120).map { i in
            Multicall3.Read(
                target: devnet.token,
                data: try Self.getPastVotes.encodeCall([.address(holders[i % holders.count].address), .uint(UInt256(block.number - 1))]))
        }
        let multicall = Multicall3(client: rpc, address: devnet.multicall3, chunkSize: 50)
        let first = try await multicall.read(reads, at: .hash(block.hash, requireCanonical: true))
        var metrics = await rpc.metrics
        #expect(metrics.totalRequests == 1, "the code check and three aggregate3 calls in one batch")
        #expect(metrics.calls("eth_getCode") == 1 && metrics.calls("eth_call") == 3)
        let second = try await multicall.read(reads, at: .hash(block.hash, requireCanonical: true))
        metrics = await rpc.metrics
        #expect(metrics.totalRequests == 2 && metrics.calls("eth_getCode") == 1)
        #expect(first == second)
        #expect(first == (0..<120).map { .success(holders[$0 % holders.count].tokenBalance.bigEndianBytes) })
    }

    @Test func everyCallSucceedsThroughInjectedFaults() async throws {
        try await devnet.mine(5)
        let reference = devnet.setupClient()
        let head = try await reference.blockNumber()
        let expectedHeaders = try await reference.headers(Array((head - 5)...head))
        try await devnet.setFaults("seed=11,http429=0.05,http429_retry_after=0.05:1,rpc429=0.1,batch429=0.15,malformed=0.08,hang=0.04:2s")
        var configuration = RPCClient.Configuration(endpoints: [RPCEndpoint(url: devnet.rpcURL)])
        configuration.requestTimeout = .milliseconds(700)
        configuration.retry.baseBackoff = .milliseconds(10)
        configuration.retry.failureCooldown = .milliseconds(20)
        configuration.retry.rateLimitCooldown = .milliseconds(20)
        configuration.retry.maxAttempts = 30
        let rpc = RPCClient(configuration: configuration, seed: 5)
        for _ in 0..<40 {
            #expect(try await rpc.chainId() == devnet.chainId)
            #expect(try await rpc.headers(Array((head - 5)...head)) == expectedHeaders)
        }
        try await devnet.setFaults("off")
        let metrics = await rpc.metrics
        let errors = metrics.endpoints.values.flatMap(\.errors)
        #expect(
            errors.contains { $0.key == "http_429" } && errors.contains { $0.key == "rate_limited" }
                && errors.contains { $0.key == "malformed" })
    }

    @Test func aDeadEndpointDoesNotStopProgress() async throws {
        var configuration = RPCClient.Configuration(endpoints: [
            RPCEndpoint(url: "http://127.0.0.1:9", name: "dead"), RPCEndpoint(url: devnet.rpcURL, name: "devnet"),
        ])
        configuration.requestTimeout = .seconds(2)
        // A rest longer than the test, however slowly it runs (under ThreadSanitizer the default
        // second passed before the twentieth call, and the dead endpoint was tried again).
        configuration.retry.failureCooldown = .seconds(60)
        let rpc = RPCClient(configuration: configuration, seed: 9)
        for _ in 0..<20 { #expect(try await rpc.chainId() == devnet.chainId) }
        let metrics = await rpc.metrics
        #expect(metrics.endpoints["dead"]?.requests == 1, "the dead endpoint was tried once, then cooled down")
        #expect(metrics.endpoints["devnet"]?.requests == 20)
    }
}

/// A transport that behaves like a provider without EIP-1898 support.
struct RefusesBlockHashObjects: RPCTransport {
    let inner = NoFaultsTransport()
    func post(_ body: [UInt8], to endpoint: RPCEndpoint, timeout: Duration) async throws -> HTTPReply {
        let json = try JSONParser().parse(body)
        if let params = json["params"]?.arrayValue, params.count == 2, params[1].objectValue != nil {
            let answer: JSON = [
                "jsonrpc": "2.0", "id": json["id"]!,
                "error": ["code": -32602, "message": "invalid argument 1: hex string without 0x prefix"],
            ]
            return HTTPReply(status: 200, body: Array(answer.serialized().utf8))
        }
        return try await inner.post(body, to: endpoint, timeout: timeout)
    }
}
