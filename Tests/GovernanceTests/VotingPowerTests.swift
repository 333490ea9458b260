import BigInt
import Ethereum
import Governance
import Testing

/// Strategies from configuration, evaluated over an in-memory chain: values, composition, the
/// blocks they were read at, and the number of round trips.
@Suite("Voting power")
struct VotingPowerTests {
    static let governor = try! Address("0x" + String(repeating: "01", count: 20))
    static let votesToken = try! Address("0x" + String(repeating: "02", count: 20))
    static let erc20 = try! Address("0x" + String(repeating: "03", count: 20))
    static let nft = try! Address("0x" + String(repeating: "04", count: 20))
    static let snapshotBlock = BlockRef(number: 1_000, hash: Keccak256.hash("snapshot"))
    static let checkpointBlock = BlockRef(number: 1_010, hash: Keccak256.hash("later"))

    /// A chain where getPastVotes(a, 1000) = 3·k, balanceOf = 5·k, NFT balance = k mod 4, governor
    /// getVotes = 7·k for the k-th account (address k).
    @Sendable static func respond(_ call: ContractCall, _ block: BlockRef) -> ContractCallResult {
        let selector = Array(call.data.prefix(4))
        let account = Int(try! UInt256(bigEndian: call.data[16..<36]).uint64Value!)
        func word(_ v: Int) -> ContractCallResult { .success(UInt256(v).bigEndianBytes) }
        switch (call.to, selector, block) {
        case (votesToken, Array(Keccak256.hash("getPastVotes(address,uint256)").bytes.prefix(4)), checkpointBlock):
            return try! UInt256(bigEndian: call.data[36..<68]) == 1_000 ? word(3 * account) : .reverted([])
        case (governor, Array(Keccak256.hash("getVotes(address,uint256)").bytes.prefix(4)), checkpointBlock): return word(7 * account)
        case (erc20, Array(Keccak256.hash("balanceOf(address)").bytes.prefix(4)), snapshotBlock): return word(5 * account)
        case (nft, Array(Keccak256.hash("balanceOf(address)").bytes.prefix(4)), snapshotBlock): return word(account % 4)
        default: return .reverted([])
        }
    }

    static func account(_ k: Int) -> Address { try! Address(bytes: [UInt8](repeating: 0, count: 12) + UInt64(k).bigEndianBytes) }

    static func strategy(_ text: String) throws -> VotingPowerStrategy { try VotingPowerStrategy(json: try JSONParser.parse(text)) }

    @Test func fiveHundredVotersInTwoRoundTrips() async throws {
        let config = """
            {"strategy": "sum", "of": [
              {"strategy": "erc20-votes", "token": "\(Self.votesToken)"},
              {"strategy": "erc20-balance", "token": "\(Self.erc20)"},
              {"strategy": "erc721-balance", "token": "\(Self.nft)"},
              {"strategy": "governor-votes", "governor": "\(Self.governor)"},
              {"strategy": "allowlist", "weights": {"\(Self.account(3))": "1000"}},
              {"strategy": "one-per-member", "members": ["\(Self.account(4))", "\(Self.account(5))"]}
            ]}
            """
        let chain = InMemoryChainReader(respond: Self.respond)
        let reader = VotingPowerReader(
            strategy: try Self.strategy(config), timepoint: 1_000, snapshotBlock: Self.snapshotBlock, checkpointBlock: Self.checkpointBlock,
            chain: chain)
        let voters = (1...500).map(Self.account)
        let records = try await reader.votingPower(of: voters + voters.prefix(10))
        #expect(records.count == 500)
        #expect(chain.roundTrips == 2)
        #expect(chain.batchLog.map(\.block) == [Self.snapshotBlock, Self.checkpointBlock])
        #expect(chain.batchLog.map(\.calls) == [1_000, 1_000])
        for (i, record) in records.enumerated() {
            let k = i + 1
            let expected = 3 * k + 5 * k + k % 4 + 7 * k + (k == 3 ? 1_000 : 0) + (k == 4 || k == 5 ? 1 : 0)
            #expect(record.voter == Self.account(k) && record.total == UInt256(expected))
        }
        let three = records[2]
        #expect(three.components.map(\.path) == (0..<6).map { "strategy.of[\($0)]" })
        #expect(
            three.components.map(\.block) == [Self.checkpointBlock, Self.snapshotBlock, Self.snapshotBlock, Self.checkpointBlock, nil, nil])
        #expect(three.json["components"]?.arrayValue?.first?["block"]?["number"] == "1010")
    }

    @Test func strategiesWithoutChainReadsNeedNoRoundTrip() async throws {
        let chain = InMemoryChainReader { _, _ in .reverted([]) }
        let reader = VotingPowerReader(
            strategy: .onePerMember([Self.account(1)]), timepoint: 1, snapshotBlock: Self.snapshotBlock,
            checkpointBlock: Self.checkpointBlock, chain: chain)
        let records = try await reader.votingPower(of: [Self.account(1), Self.account(2)])
        #expect(records.map(\.total) == [1, 0] && chain.roundTrips == 0)
    }

    @Test func failedReadsAreErrorsNotZeroPower() async throws {
        let chain = InMemoryChainReader { _, _ in .reverted([]) }
        let reader = VotingPowerReader(
            strategy: .erc20Votes(token: Self.votesToken), timepoint: 1, snapshotBlock: Self.snapshotBlock,
            checkpointBlock: Self.checkpointBlock, chain: chain)
        await #expect(throws: VotingPowerError.self) { try await reader.votingPower(of: [Self.account(1)]) }
        let short = InMemoryChainReader { _, _ in .success([1, 2]) }
        let reader2 = VotingPowerReader(
            strategy: .erc20Balance(token: Self.erc20), timepoint: 1, snapshotBlock: Self.snapshotBlock,
            checkpointBlock: Self.checkpointBlock, chain: short)
        await #expect(throws: VotingPowerError.self) { try await reader2.votingPower(of: [Self.account(1)]) }
        let huge = InMemoryChainReader { _, _ in .success(UInt256.max.bigEndianBytes) }
        let reader3 = VotingPowerReader(
            strategy: .sum([.erc20Balance(token: Self.erc20), .erc721Balance(token: Self.nft)]), timepoint: 1,
            snapshotBlock: Self.snapshotBlock,
            checkpointBlock: Self.checkpointBlock, chain: huge)
        await #expect(throws: VotingPowerError.overflow(voter: Self.account(1))) { try await reader3.votingPower(of: [Self.account(1)]) }
    }

    @Test func configurationRoundTripsAndIsChecked() throws {
        let text = """
            {"strategy":"sum","of":[{"strategy":"allowlist","weights":{"\(Self.account(2))":"5","\(Self.account(1))":"7"}},{"strategy":"erc20-votes","token":"\(Self.votesToken)"}]}
            """
        let parsed = try Self.strategy(text)
        #expect(try VotingPowerStrategy(json: parsed.json) == parsed)
        guard case .sum(let terms) = parsed, case .allowlist(let entries) = terms[0] else { Issue.record("shape"); return }
        #expect(entries.map(\.address) == [Self.account(1), Self.account(2)])  // sorted
        for bad in [
            "{\"strategy\": \"erc20-votes\"}", "{\"strategy\": \"magic\"}", "{\"strategy\": \"erc20-votes\", \"token\": \"0x12\"}",
            "{\"strategy\": \"erc20-votes\", \"token\": \"\(Self.votesToken)\", \"extra\": 1}", "{\"strategy\": \"sum\", \"of\": []}",
            "{\"strategy\": \"allowlist\", \"weights\": {\"\(Self.account(1))\": 5}}",
            "{\"strategy\": \"allowlist\", \"weights\": {\"\(Self.account(1))\": \"-5\"}}",
            "{\"strategy\": \"one-per-member\", \"members\": [\"\(Self.account(1))\", \"\(Self.account(1))\"]}",
            String(repeating: "{\"strategy\": \"sum\", \"of\": [", count: 6) + "{\"strategy\": \"one-per-member\", \"members\": []}"
                + String(repeating: "]}", count: 6),
        ] {
            #expect(throws: VotingPowerStrategyError.self, "\(bad)") { try Self.strategy(bad) }
        }
    }

    @Test func quorumRequirements() async throws {
        #expect(try QuorumRequirement.none.resolve() == nil)
        #expect(try QuorumRequirement.absolute(500).resolve() == 500)
        let fraction = QuorumRequirement.fractionOfSupply(token: Self.votesToken, numerator: 4, denominator: 100, source: .pastTotalSupply)
        #expect(try fraction.resolve(supply: 1_999) == 79)  // floor, as GovernorVotesQuorumFraction
        #expect(throws: QuorumError.self) { try fraction.resolve() }
        let chain = InMemoryChainReader { call, block in
            let selector = Array(call.data.prefix(4))
            if selector == Array(Keccak256.hash("quorum(uint256)").bytes.prefix(4)), block == Self.checkpointBlock {
                return .success(UInt256(4_000).bigEndianBytes)
            }
            if selector == Array(Keccak256.hash("getPastTotalSupply(uint256)").bytes.prefix(4)), block == Self.checkpointBlock {
                return .success(UInt256(10_000).bigEndianBytes)
            }
            if selector == Array(Keccak256.hash("totalSupply()").bytes.prefix(4)), block == Self.snapshotBlock {
                return .success(UInt256(20_000).bigEndianBytes)
            }
            return .reverted([])
        }
        func resolve(_ q: QuorumRequirement) async throws -> QuorumRequirement.Resolved {
            try await q.resolve(timepoint: 1_000, snapshotBlock: Self.snapshotBlock, checkpointBlock: Self.checkpointBlock, chain: chain)
        }
        #expect(try await resolve(.governor(Self.governor)).amount == 4_000)
        #expect(try await resolve(fraction) == .init(amount: 400, readValue: 10_000, readBlock: Self.checkpointBlock))
        let current = QuorumRequirement.fractionOfSupply(token: Self.erc20, numerator: 1, denominator: 10, source: .totalSupply)
        #expect(try await resolve(current).amount == 2_000)
    }
}

extension UInt64 {
    var bigEndianBytes: [UInt8] { (0..<8).map { UInt8(truncatingIfNeeded: self >> (56 - 8 * $0)) } }
}
