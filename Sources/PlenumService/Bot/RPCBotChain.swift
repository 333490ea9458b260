import Bot
import Ethereum
import EthereumRPC
import Governance

/// The bot's view of the chains, over JSON-RPC: heads, confirmed pins, voting power through the
/// Governance strategies (Multicall3-batched, pinned by hash), EIP-1271 checks and quorum reads.
///
/// A chain with a `crossCheck` client has every read the bot acts on answered by both endpoints:
/// contract calls through `CrossCheckedChainReader`, the head and the pinned blocks by comparing
/// hashes at the same height (the lower of the two heads, so a provider claiming a later block
/// cannot close a vote early), the governor's name by comparing it. A difference throws
/// `CrossCheckError` (counted in `crossCheckMismatches`) and the bot reads again on its next step.
public actor RPCBotChain: BotChain {
    public struct Chain: Sendable {
        public let client: RPCClient
        public let confirmations: UInt64
        public let multicall3: Address
        /// The chain's independent second endpoint, if cross-checked.
        public let crossCheck: RPCClient?

        public init(
            client: RPCClient, confirmations: UInt64, multicall3: Address = Multicall3.canonicalAddress, crossCheck: RPCClient? = nil
        ) {
            self.client = client
            self.confirmations = confirmations
            self.multicall3 = multicall3
            self.crossCheck = crossCheck
        }
    }

    let chains: [UInt64: Chain]
    var readers: [UInt64: any ChainReader] = [:]
    let mismatches = CrossCheckCounter()
    /// Reads refused because the two endpoints differed, by chain id and kind (`calls`, `head`, `pins`, `name`).
    nonisolated public var crossCheckMismatches: [UInt64: [String: Int]] { mismatches.snapshot }
    static let nameFunction = try! ABIFunction("name() returns (string)")

    public init(chains: [UInt64: Chain]) {
        self.chains = chains
        // Cross-checked chains report every kind from the start (zero until it happens).
        for (id, chain) in chains where chain.crossCheck != nil {
            mismatches.register(id, kinds: ["calls", "head", "pins", "name"])
        }
    }

    /// A mismatch of a chain's two endpoints, counted (as `CrossCheckedChainReader` counts its own).
    func mismatch(_ chainId: UInt64, _ what: String, _ detail: String) -> CrossCheckError {
        mismatches.add(chainId, what)
        return .mismatch(what: what, detail: detail)
    }

    /// Throws a `pins`/`head` mismatch unless the witness has the same hash at each header's height.
    func agree(_ headers: [BlockHeader], chainId: UInt64, witness: RPCClient, what: String) async throws {
        let theirs: [BlockHeader?] = try await witness.headers(headers.map(\.number))
        for (ours, other) in zip(headers, theirs) where other?.hash != ours.hash {
            throw mismatch(
                chainId, what,
                "block \(ours.number) is \(ours.hash) on the primary endpoint, \(other.map { "\($0.hash)" } ?? "unknown") on the cross-check endpoint"
            )
        }
    }

    func chain(_ id: UInt64) throws -> Chain {
        guard let c = chains[id] else { throw RPCClientError.unexpectedResult(method: "chain", "chain \(id) is not configured") }
        return c
    }

    func reader(_ id: UInt64) throws -> any ChainReader {
        if let r = readers[id] { return r }
        let c = try chain(id)
        var configuration = RPCChainReader.Configuration()
        configuration.multicall3 = c.multicall3
        var r: any ChainReader = RPCChainReader(client: c.client, configuration: configuration)
        if let witness = c.crossCheck {
            r = CrossCheckedChainReader(
                primary: r, witness: RPCChainReader(client: witness, configuration: configuration), chainId: id, mismatches: mismatches)
        }
        readers[id] = r
        return r
    }

    public func head(chainId: UInt64) async throws -> ChainTip {
        let c = try chain(chainId)
        guard var h = try await c.client.header(.latest) else {
            throw RPCClientError.unexpectedResult(method: "eth_getBlockByNumber", "no latest block")
        }
        if let witness = c.crossCheck {
            let theirs = try await witness.blockNumber()
            if theirs < h.number, let lower = try await c.client.header(.number(theirs)) { h = lower }
            try await agree([h], chainId: chainId, witness: witness, what: "head")
        }
        return ChainTip(number: h.number, timestamp: h.timestamp, hash: h.hash)
    }

    public func pins(for proposal: BotProposal) async throws -> PowerPins? {
        let c = try chain(proposal.chainId)
        let head = try await c.client.blockNumber()
        let snapshotNumber: UInt64, checkpointNumber: UInt64
        if let block = proposal.powerBlock {
            snapshotNumber = block
            checkpointNumber = block + 1
        } else {
            switch proposal.clock {
            case .blockNumber:
                snapshotNumber = proposal.snapshot
                checkpointNumber = proposal.snapshot + 1
            case .timestamp:
                guard let first = try await firstBlock(after: proposal.snapshot, client: c.client, head: head) else { return nil }
                checkpointNumber = first
                snapshotNumber = first - 1
            }
        }
        guard head >= checkpointNumber + c.confirmations else { return nil }
        let headers: [BlockHeader?] = try await c.client.headers([snapshotNumber, checkpointNumber])
        guard let s = headers.first ?? nil, let k = headers.last ?? nil else { return nil }
        if let witness = c.crossCheck {
            try await agree([s, k], chainId: proposal.chainId, witness: witness, what: "pins")
        }
        return PowerPins(snapshotBlock: BlockRef(number: s.number, hash: s.hash), checkpointBlock: BlockRef(number: k.number, hash: k.hash))
    }

    /// The first block whose timestamp is above `timestamp` (binary search over headers).
    func firstBlock(after timestamp: UInt64, client: RPCClient, head: UInt64) async throws -> UInt64? {
        guard let top = try await client.header(.number(head)), top.timestamp > timestamp else { return nil }
        var low: UInt64 = 0, high = head
        while low < high {
            let mid = (low + high) / 2
            guard let h = try await client.header(.number(mid)) else { return nil }
            if h.timestamp > timestamp { high = mid } else { low = mid + 1 }
        }
        return low
    }

    public func votingPower(of voters: [Address], for proposal: BotProposal, pins: PowerPins) async throws -> [VotingPowerRecord] {
        let reader = VotingPowerReader(
            strategy: proposal.rules.power, timepoint: UInt256(proposal.powerTimepoint), snapshotBlock: pins.snapshotBlock,
            checkpointBlock: pins.checkpointBlock, chain: try reader(proposal.chainId))
        return try await reader.votingPower(of: voters)
    }

    public func isValidSignature(
        wallet: Address, digest: Hash32, signature: [UInt8], for proposal: BotProposal, pins: PowerPins
    ) async throws
        -> Bool
    {
        let checker = ChainContractSignatureChecker(chain: try reader(proposal.chainId))
        return try await checker.isValidSignature(wallet: wallet, digest: digest, signature: signature, atBlock: pins.checkpointBlock)
    }

    public func quorum(for proposal: BotProposal, pins: PowerPins) async throws -> QuorumRequirement.Resolved {
        let reader = try reader(proposal.chainId)
        return try await proposal.rules.quorum.resolve(
            timepoint: UInt256(proposal.powerTimepoint), snapshotBlock: pins.snapshotBlock, checkpointBlock: pins.checkpointBlock,
            chain: reader)
    }

    public func governorName(chainId: UInt64, governor: Address) async throws -> String {
        let c = try chain(chainId)
        let call = try Self.nameFunction.encodeCall([])
        let name =
            try Self.nameFunction.decodeReturn(try await c.client.call(to: governor, data: call, at: .latest)).first?.stringValue ?? ""
        if let witness = c.crossCheck {
            let theirs = try Self.nameFunction.decodeReturn(try await witness.call(to: governor, data: call, at: .latest)).first?
                .stringValue
            // Byte for byte: the name is the domain name every governor ballot signs.
            guard theirs?.hasSameBytes(as: name) == true else {
                throw mismatch(chainId, "name", "the governor's name() differs between the endpoints")
            }
        }
        return name
    }

    public func secondsPerBlock(chainId: UInt64) async throws -> Double {
        let client = try chain(chainId).client
        let head = try await client.blockNumber()
        let back: UInt64 = min(head, 100)
        guard back > 0 else { return 12 }
        let headers: [BlockHeader?] = try await client.headers([head - back, head])
        guard let a = headers.first ?? nil, let b = headers.last ?? nil, b.timestamp > a.timestamp else { return 12 }
        return Double(b.timestamp - a.timestamp) / Double(back)
    }
}
