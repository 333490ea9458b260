import Ethereum

/// `ChatTransport` over an in-process `ChatHub`, posting with the bot's key.
public struct HubTransport: ChatTransport {
    public let hub: ChatHub
    let key: PrivateKey

    public init(hub: ChatHub, botKey: PrivateKey) {
        self.hub = hub
        self.key = botKey
    }

    public func createGroup(_ spec: GroupSpec) async throws -> GroupInfo {
        try await hub.createGroup(spec)
    }

    /// Identities are addresses (EIP-55 or lowercase hex).
    public func invite(_ identities: [String], to group: GroupID) async throws {
        var addresses: [Address] = []
        for identity in identities {
            do { addresses.append(try Address(identity)) } catch {
                throw ChatError(.badParameter, "hub members are wallet addresses; \"\(identity.prefix(80))\" is not one: \(error)")
            }
        }
        _ = try await hub.addMembers(addresses, to: group)
    }

    public func post(_ body: String, to group: GroupID, transactionID: String) async throws -> TransportMessage {
        Self.message(try await hub.post(body, to: group, signedBy: key, idempotencyKey: transactionID))
    }

    /// The cursor here is a group `seq`.
    public func history(of group: GroupID, after cursor: ChatCursor?, limit: Int) async throws -> [TransportMessage] {
        let seq = try cursor.map { c throws -> UInt64 in
            guard let seq = UInt64(c.token.dropFirst("seq:".count)), c.token.hasPrefix("seq:") else {
                throw ChatError(.badParameter, "a hub history cursor is seq:<n>, found \(c.token.prefix(80))")
            }
            return seq
        }
        return try await hub.messages(in: group, after: seq ?? 0, limit: limit).map { entry in
            let m = Self.message(entry)
            return TransportMessage(
                group: m.group, id: m.id, sender: m.sender, signer: m.signer, body: m.body, sentAt: m.sentAt,
                cursor: ChatCursor("seq:\(entry.seq)"), entry: entry)
        }
    }

    /// The cursor is the hub's global position (`position:<n>`).
    public func events(since: ChatCursor?) -> AsyncThrowingStream<TransportMessage, any Error> {
        let start: Int64
        if let since {
            guard since.token.hasPrefix("position:"), let p = Int64(since.token.dropFirst("position:".count)) else {
                return AsyncThrowingStream {
                    throw ChatError(.badParameter, "a hub events cursor is position:<n>, found \(since.token.prefix(80))")
                }
            }
            start = p
        } else {
            start = 0
        }
        let source = CommitSource(hub.committed(after: start).makeAsyncIterator())
        return AsyncThrowingStream {
            guard let entry = try await source.next() else { return nil }
            return Self.message(entry)
        }
    }

    public func close(_ group: GroupID, notice: String, transactionID: String) async throws -> TransportMessage {
        Self.message(try await hub.close(group, notice: notice, signedBy: key, idempotencyKey: transactionID))
    }

    static func message(_ entry: StoredMessage) -> TransportMessage {
        TransportMessage(
            group: entry.group, id: entry.id.description, sender: entry.sender.checksummed, signer: entry.sender, body: entry.body,
            sentAt: entry.timestamp, cursor: ChatCursor("position:\(entry.position)"), entry: entry)
    }
}

/// Holds a commit iterator for a stream that pulls from it (one consumer at a time).
private actor CommitSource {
    private var iterator: CommitSubscription.AsyncIterator

    init(_ iterator: CommitSubscription.AsyncIterator) { self.iterator = iterator }

    func next() async throws -> StoredMessage? {
        var copy = iterator
        let entry = try await copy.next()
        iterator = copy
        return entry
    }
}
