import Bot

/// Read-only questions an admin asks of the configuration and the bot's store, answered the same
/// way by the admin API and by `plenum channels|proposals|results` (which read the database directly).
public struct AdminQueries: Sendable {
    public let channels: [PlenumConfiguration.Channel]
    public let store: any BotStore

    public init(channels: [PlenumConfiguration.Channel], store: any BotStore) {
        self.channels = channels
        self.store = store
    }

    /// The channel named `name`.
    public func channel(_ name: String) throws(AdminLookupError) -> PlenumConfiguration.Channel {
        try Self.channel(name, in: channels)
    }

    /// The channel named `name` among `channels`.
    public static func channel(
        _ name: String, in channels: [PlenumConfiguration.Channel]
    ) throws(AdminLookupError)
        -> PlenumConfiguration.Channel
    {
        guard let c = channels.first(where: { $0.name == name }) else {
            throw .notFound("channel \"\(name)\" is not configured (channels: \(channels.map(\.name).joined(separator: ", ")))")
        }
        return c
    }

    /// Every proposal and poll the bot knows, oldest first.
    public func proposals() async throws -> [BotProposal] { try await store.allProposals() }

    /// The proposal that `id` names: its key (`gov:…`, `poll:…`), a governor proposal id (decimal),
    /// or a poll id (`0x…`). An id that several proposals share (the same governor proposal id on two
    /// governors) is ambiguous: use the key.
    public func proposal(_ id: String) async throws -> BotProposal {
        if let p = try await store.proposal(id) { return p }
        let wanted = id.lowercased()
        let matches = try await store.allProposals().filter { $0.proposalId.lowercased() == wanted }
        switch matches.count {
        case 0: throw AdminLookupError.notFound("no proposal or poll \"\(id)\" (give its key, governor proposal id or poll id)")
        case 1: return matches[0]
        default: throw AdminLookupError.ambiguous(id, keys: matches.map(\.key))
        }
    }

    /// The proposal and every decision on its group's messages.
    public func proposalWithVotes(_ id: String) async throws -> (BotProposal, [VoteRecord]) {
        let p = try await proposal(id)
        return (p, try await store.votes(p.key))
    }

    /// The proposal's signed result.
    public func result(_ id: String) async throws -> (BotProposal, SignedResult) {
        let p = try await proposal(id)
        guard let r = p.result else { throw AdminLookupError.noResult(key: p.key, phase: p.phase.rawValue) }
        return (p, r)
    }
}

/// Why an admin question has no answer.
public enum AdminLookupError: Error, Hashable, Sendable, CustomStringConvertible {
    case notFound(String)
    case ambiguous(String, keys: [String])
    case noResult(key: String, phase: String)

    /// The API's error code.
    public var code: String {
        switch self {
        case .notFound: "not-found"
        case .ambiguous: "ambiguous"
        case .noResult: "no-result"
        }
    }

    /// The API's HTTP status.
    public var status: Int {
        switch self {
        case .notFound, .noResult: 404
        case .ambiguous: 409
        }
    }

    public var description: String {
        switch self {
        case .notFound(let what): what
        case .ambiguous(let id, let keys):
            "\"\(id)\" names \(keys.count) proposals; give one of their keys: \(keys.joined(separator: ", "))"
        case .noResult(let key, let phase): "proposal \(key) has no result yet (phase \(phase))"
        }
    }
}
