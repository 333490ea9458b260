import Ethereum
import Governance

extension Bot {
    /// Opens an off-chain poll on a channel: Snapshot `Vote` ballots (space = the channel's name,
    /// proposal = the poll's id), weighed by the channel's power strategy at `snapshotBlock` (by
    /// default the latest confirmed block), open from now for `duration`.
    public func openPoll(
        channel requested: String, title: String, description: String, choices: [String], system: VotingSystem, duration: Duration,
        snapshotBlock: UInt64?, confirmations: UInt64
    ) async throws -> BotProposal {
        // The configured spelling, byte for byte: it becomes the Snapshot space every voter signs.
        guard let channel = configuration.channels.first(where: { $0.name.hasSameBytes(as: requested) }) else {
            throw BotError.unknownChannel(requested, known: configuration.channels.map(\.name))
        }
        var rules = channel.rules
        rules.system = system
        rules.choices = choices
        rules.title = title
        if rules.quorumCounting != nil, system != .basic { rules.quorumCounting = nil }
        if case .governor = rules.quorum { rules.quorum = .none }  // a governor's quorum is for its own proposals
        _ = try rules.tallyRules(quorum: nil)  // choices valid for the system
        let head = try await chain.head(chainId: channel.chainId)
        let block = snapshotBlock ?? (head.number > confirmations + 1 ? head.number - confirmations - 1 : 0)
        guard block + 1 <= head.number else { throw BotError.snapshotInFuture(block, head: head.number) }
        let created = now()
        let start = created / 1000
        let seconds = UInt64(duration.components.seconds)
        let name = channel.name
        let id = Keccak256.hash(Array("\(name)\n\(title)\n\(created)\n\(configuration.key.address)".utf8)).description
        let poll = BotProposal(
            key: "poll:\(name):\(id)", kind: .poll, channel: name, chainId: channel.chainId, governor: channel.governor, proposalId: id,
            title: title,
            description: title + (description.isEmpty ? "" : "\n\n" + description), proposer: configuration.key.address, clock: .timestamp,
            snapshot: start, deadline: start + seconds, created: nil, rules: rules, governorName: nil, powerBlock: block, createdAt: created
        )
        guard try await store.insertProposal(poll) else { throw BotError.duplicatePoll(poll.key) }
        logger.info("poll opened", metadata: ["poll": "\(poll.key)", "snapshotBlock": "\(block)"])
        return poll
    }
}

public enum BotError: Error, CustomStringConvertible {
    case unknownChannel(String, known: [String])
    case snapshotInFuture(UInt64, head: UInt64)
    case duplicatePoll(String)

    public var description: String {
        switch self {
        case .unknownChannel(let name, let known): "no channel \"\(name)\" (channels: \(known.joined(separator: ", ")))"
        case .snapshotInFuture(let b, let head): "snapshot block \(b) is not below the chain's head \(head)"
        case .duplicatePoll(let key): "poll \(key) already exists"
        }
    }
}
