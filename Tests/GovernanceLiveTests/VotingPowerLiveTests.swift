import Ethereum
import EthereumRPC
import Foundation
import Governance
import PlenumService
import PlenumTesting
import Testing

/// Voting power of 500 voters read through `RPCChainReader` from the devnet's token and governor,
/// against web3.py's reads of the same blocks, with delegations changing around the snapshot.
@Suite("Voting power of 500 voters on the devnet", .serialized)
struct VotingPowerLiveTests {
    static let chain = Once { try await VoterChain.build() }

    func reader(_ chain: VoterChain, client: RPCClient, multicall3: Address? = nil) -> RPCChainReader {
        var configuration = RPCChainReader.Configuration()
        configuration.multicall3 = multicall3 ?? chain.devnet.multicall3
        return RPCChainReader(client: client, configuration: configuration)
    }

    /// getPastVotes at the checkpoint block, balanceOf at the snapshot block, the governor's getVotes.
    func strategy(_ chain: VoterChain) -> VotingPowerStrategy {
        .sum([
            .erc20Votes(token: chain.devnet.token), .erc20Balance(token: chain.devnet.token),
            .governorVotes(governor: chain.devnet.governor),
        ])
    }

    func powerReader(_ chain: VoterChain, _ strategy: VotingPowerStrategy, on reader: RPCChainReader) -> VotingPowerReader {
        VotingPowerReader(
            strategy: strategy, timepoint: UInt256(chain.snapshot.number), snapshotBlock: chain.snapshot,
            checkpointBlock: chain.checkpoint, chain: reader)
    }

    @Test func fiveHundredVotersMatchWeb3AtTheSameBlocksInTwoRoundTrips() async throws {
        let chain = try await Self.chain.value
        let voters = chain.voters
        try #require(Set(voters).count == 500)
        let client = chain.devnet.client()
        let power = powerReader(chain, strategy(chain), on: reader(chain, client: client))

        let started = ContinuousClock.now
        let records = try await power.votingPower(of: voters)
        let elapsed = ContinuousClock.now - started
        let metrics = await client.metrics
        print("500 voters, 3 strategies (1,500 calls at 2 blocks): \(metrics.totalRequests) HTTP requests in \(elapsed)")

        // At most two round trips: one JSON-RPC batch per block, Multicall3's code checked in the first.
        #expect(metrics.totalRequests <= 2)
        #expect(metrics.calls("eth_getCode") == 1)
        #expect(metrics.calls("eth_call") == 1_000 / 50 + 500 / 50, "aggregate3 calls of at most 50 calls each")

        // web3.py reads the same token at the same block numbers (and reports their hashes).
        let oracleStarted = ContinuousClock.now
        let oracle = try PythonOracle.run(
            "web3-votes",
            input: [
                "rpcUrl": .string(chain.devnet.rpcURL), "token": .string(chain.devnet.token.checksummed),
                "timepoint": .string(String(chain.snapshot.number)), "snapshotBlock": .number(String(chain.snapshot.number)),
                "checkpointBlock": .number(String(chain.checkpoint.number)), "addresses": .array(voters.map { .string($0.checksummed) }),
            ])
        print("web3.py read 4 × 500 values in \(ContinuousClock.now - oracleStarted)")
        #expect(oracle["snapshotBlockHash"]?.stringValue == chain.snapshot.hash.description)
        #expect(oracle["checkpointBlockHash"]?.stringValue == chain.checkpoint.hash.description)
        let rows = try #require(oracle["voters"]?.arrayValue)
        try #require(rows.count == voters.count && records.count == voters.count)
        func value(_ row: JSON, _ key: String) throws -> UInt256 { try UInt256(decimal: row[key]?.stringValue ?? "") }

        var mismatches: [String] = []
        var changedAfterSnapshot = 0
        for (record, row) in zip(records, rows) {
            let pastVotes = try value(row, "pastVotes"), balance = try value(row, "balanceAtSnapshot")
            let votesAtSnapshot = try value(row, "votesAtSnapshot"), votesNow = try value(row, "votesAtCheckpoint")
            let components = record.components.map(\.value)
            if try record.voter != Address(row["address"]?.stringValue ?? "") || components != [pastVotes, balance, pastVotes]
                || votesAtSnapshot != pastVotes || record.total != pastVotes + balance + pastVotes
            {
                mismatches.append("\(record.voter): Plenum \(components), web3 \(row.serialized())")
            }
            if votesNow != pastVotes { changedAfterSnapshot += 1 }
            #expect(record.components.map(\.block) == [chain.checkpoint, chain.snapshot, chain.checkpoint])
        }
        #expect(mismatches.isEmpty, "\(mismatches.count) voters differ, e.g. \(mismatches.prefix(3))")
        // The comparison has teeth: most voters hold something, and some votes moved after the snapshot.
        #expect(records.filter { !$0.components[0].value.isZero }.count > 100)
        #expect(records.filter { !$0.components[1].value.isZero }.count > 250)
        #expect(changedAfterSnapshot == 5, "T5, F252, T6, F0 and F254 have other votes now than at the snapshot")

        // One strategy reads one block: 500 voters in a single round trip, the code check included.
        let single = chain.devnet.client()
        let votesOnly = powerReader(chain, .erc20Votes(token: chain.devnet.token), on: reader(chain, client: single))
        let singleStarted = ContinuousClock.now
        let votes = try await votesOnly.votingPower(of: voters)
        let singleElapsed = ContinuousClock.now - singleStarted
        let requests = await single.metrics.totalRequests
        print("500 voters, erc20-votes (500 calls at 1 block): \(requests) HTTP request(s) in \(singleElapsed)")
        #expect(requests == 1)
        #expect(votes.map(\.total) == records.map { $0.components[0].value })
    }

    @Test func delegationsRightAfterTheSnapshotDoNotChangeSnapshotPower() async throws {
        let chain = try await Self.chain.value
        let t = chain.tests.map(\.address), f = chain.fresh.map(\.address)
        let client = chain.devnet.client()
        let votes = powerReader(chain, .erc20Votes(token: chain.devnet.token), on: reader(chain, client: client))
        let subjects = [t[5], f[252], t[6], f[0], f[254], t[3], f[251], t[0], f[250], t[1], t[2], f[253], f[150], f[399]]
        let records = try await votes.votingPower(of: subjects)
        let power = Dictionary(uniqueKeysWithValues: records.map { ($0.voter, $0.total) })
        typealias C = VoterChain
        // Changed right after the snapshot: T5 delegated to F252 at snapshot + 1.
        #expect(power[t[5]] == chain.balanceAfterSetup(5) + C.x(55), "T5's own tokens and F55's, delegated to it")
        #expect(power[f[252]] == 0)
        // T6 gave all its tokens away at snapshot + 2; F0 re-delegated at snapshot + 3.
        #expect(power[t[6]] == chain.balanceAfterSetup(6) + C.x(56))
        #expect(power[f[0]] == C.x(0) && power[f[254]] == 0)
        // Changed in the snapshot block and the two before it: the new state counts.
        #expect(power[t[3]] == C.x(53) && power[f[251]] == chain.balanceAfterSetup(3))
        #expect(power[t[0]] == C.x(50) && power[f[250]] == chain.balanceAfterSetup(0))
        #expect(power[t[1]] == chain.balanceAfterSetup(1) - C.t1ToT2 + C.x(51))
        #expect(power[t[2]] == chain.balanceAfterSetup(2) + C.t1ToT2 + C.x(52))
        // Tokens without a delegate carry no votes; an untouched key has none.
        #expect(power[f[253]] == 0 && power[f[150]] == 0 && power[f[399]] == 0)
        // The current votes did move: the reader is not simply reading the present.
        let now = try await LiveChain.readUInt(LiveChain.getVotes, [.address(t[5])], on: chain.devnet.token, chain.devnet.setupClient())
        #expect(now == C.x(55))
        let received = try await LiveChain.readUInt(
            LiveChain.getVotes, [.address(f[252])], on: chain.devnet.token, chain.devnet.setupClient())
        #expect(received == chain.balanceAfterSetup(5))
    }

    @Test func revertsAreErrorsNeverZeroPower() async throws {
        let chain = try await Self.chain.value
        let client = chain.devnet.client()
        let reader = reader(chain, client: client)
        let voter = chain.tests[0].address

        // A lookup at the checkpoint block itself (not yet past) reverts with ERC5805FutureLookup.
        let future = VotingPowerReader(
            strategy: .erc20Votes(token: chain.devnet.token), timepoint: UInt256(chain.checkpoint.number), snapshotBlock: chain.snapshot,
            checkpointBlock: chain.checkpoint, chain: reader)
        let reverted = await #expect(throws: VotingPowerError.self) { try await future.votingPower(of: [voter]) }
        guard case .reverted(_, _, let who, let block)? = reverted else {
            Issue.record("expected a revert, got \(String(describing: reverted))")
            return
        }
        #expect(who == voter && block == chain.checkpoint)
        // A token address without code answers nothing: an error too, not zero.
        let nowhere = powerReader(chain, .erc20Votes(token: chain.fresh[399].address), on: reader)
        let empty = await #expect(throws: VotingPowerError.self) { try await nowhere.votingPower(of: [voter]) }
        guard case .malformedReturn? = empty else {
            Issue.record("expected a malformed return, got \(String(describing: empty))")
            return
        }

        // In one batch a revert is that call's result; the calls around it still answer.
        let good = try ContractCall(
            to: chain.devnet.token, function: LiveChain.getPastVotes, arguments: [.address(voter), .uint(UInt256(chain.snapshot.number))])
        let bad = try ContractCall(
            to: chain.devnet.token, function: LiveChain.getPastVotes, arguments: [.address(voter), .uint(UInt256(chain.checkpoint.number))])
        let results = try await reader.call([good, bad, good], at: chain.checkpoint)
        try #require(results.count == 3)
        let expected = try await chain.devnet.setupClient().call(to: good.to, data: good.data, at: .number(chain.checkpoint.number))
        #expect(results[0] == .success(expected) && results[2] == .success(expected))
        guard case .reverted(let data) = results[1] else {
            Issue.record("expected a revert, got \(results[1])")
            return
        }
        let selector = Array(Keccak256.hash("ERC5805FutureLookup(uint256,uint48)").bytes.prefix(4))
        #expect(Array(data.prefix(4)) == selector)
        #expect(
            try ABIDecoder.decode([.uint(256), .uint(48)], from: Array(data.dropFirst(4)))[0] == .uint(UInt256(chain.checkpoint.number)))
    }

    @Test func aCallTooLargeForMulticall3IsReadOnItsOwn() async throws {
        let chain = try await Self.chain.value
        let client = chain.devnet.client()
        let reader = reader(chain, client: client)
        // Call data past the devnet Multicall3's 4,096-byte bound makes its aggregate3 revert; the
        // token ignores the extra bytes, so plain eth_calls answer.
        let plain = try ContractCall(to: chain.devnet.token, function: LiveChain.balanceOf, arguments: [.address(chain.tests[7].address)])
        let padded = ContractCall(to: plain.to, data: plain.data + [UInt8](repeating: 0, count: 5_000))
        let results = try await reader.call([padded, plain], at: chain.snapshot)
        let direct = try await chain.devnet.setupClient().call(to: plain.to, data: plain.data, at: .number(chain.snapshot.number))
        #expect(results == [.success(direct), .success(direct)])
        #expect(direct != UInt256.zero.bigEndianBytes)
        #expect(await reader.usesMulticall3 == true)
    }

    @Test func withoutMulticall3CodeTheSameRecordsComeFromPlainCalls() async throws {
        let chain = try await Self.chain.value
        let voters = chain.voters
        let viaMulticall = try await powerReader(chain, strategy(chain), on: reader(chain, client: chain.devnet.client())).votingPower(
            of: voters)
        let client = chain.devnet.client()
        let plainReader = reader(chain, client: client, multicall3: try Address("0x000000000000000000000000000000000000dEaD"))
        let started = ContinuousClock.now
        let plain = try await powerReader(chain, strategy(chain), on: plainReader).votingPower(of: voters)
        let elapsed = ContinuousClock.now - started
        let metrics = await client.metrics
        print("500 voters without Multicall3: \(metrics.totalRequests) HTTP requests in \(elapsed)")
        #expect(plain == viaMulticall)
        #expect(await plainReader.usesMulticall3 == false)
        // 1,500 plain eth_calls, plus the first batch's probe: a code check and the aggregate3 calls
        // for the snapshot block's 500 balances, sent with it.
        #expect(metrics.calls("eth_getCode") == 1)
        #expect(metrics.calls("eth_call") == 1_500 + 500 / 50)
    }
}
