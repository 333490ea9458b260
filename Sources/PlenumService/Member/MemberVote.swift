import Bot
import Chat
import Ethereum
import Governance
import Synchronization

/// `plenum vote`: finds a proposal's group on a hub, builds and signs the member's ballot, posts it
/// as a chat message signed by the same key, and waits for the bot's signed receipt.
public struct MemberVote: Sendable {
    public struct Request: Sendable {
        public var proposal: ProposalReference
        public var choice: String
        public var reason: String?
        /// Wait for the bot's receipt.
        public var wait = true
        public var timeout: Duration = .seconds(60)
        /// When given, the descriptor (and so the receipts) must come from this address.
        public var bot: Address?

        public init(proposal: ProposalReference, choice: String) {
            self.proposal = proposal
            self.choice = choice
        }
    }

    /// The ballot as posted.
    public struct Posted: Sendable {
        public let group: HubGroup
        public let descriptor: ProposalDescriptor
        /// The sender of the descriptor message: the bot, whose receipts count.
        public let bot: Address
        public let choice: BallotChoice
        public let ballot: MemberBallot.Signed
        /// The chat entry carrying the ballot.
        public let entry: StoredMessage
        /// The governor ballot's nonce, or the Snapshot vote's timestamp.
        public let nonce: UInt256?
        public let timestamp: UInt64?
    }

    /// The bot's answer.
    public struct ReceiptReading: Sendable {
        public let receipt: Receipt
        /// The signed document as the bot posted it (with the unsigned `detail` when rejected).
        public let document: JSON
        /// The rejection's explanation (not signed).
        public let detail: String?
        /// The chat entry carrying the receipt.
        public let entry: StoredMessage
        public var counted: Bool { receipt.status == "counted" }
    }

    let client: HubClient
    let key: PrivateKey
    let now: @Sendable () -> UInt64
    let progress: @Sendable (String) -> Void

    /// - Parameters:
    ///   - now: Unix milliseconds (the wall clock by default).
    ///   - progress: notes for a person watching (standard error in the CLI).
    public init(
        client: HubClient, key: PrivateKey, now: @escaping @Sendable () -> UInt64 = { UInt64(WallClock.milliseconds()) },
        progress: @escaping @Sendable (String) -> Void = { _ in }
    ) {
        self.client = client
        self.key = key
        self.now = now
        self.progress = progress
    }

    /// Locates, builds, signs and posts the ballot.
    public func post(_ request: Request) async throws(MemberError) -> Posted {
        if let reason = request.reason, reason.unicodeScalars.count > MemberBallot.maxReasonLength {
            throw MemberError(.badInput, "--reason is \(reason.unicodeScalars.count) characters; at most \(MemberBallot.maxReasonLength)")
        }
        let hub: HubDescription
        do { hub = try await client.describe() } catch { throw Self.mapped(error) }
        let group = try await client.locate(request.proposal)
        guard group.isOpen else {
            throw MemberError(.rejected, "voting on \(group.key) has closed (its group closed at seq \(group.closingSeq ?? 0))")
        }
        let history = try await read(group, pageSize: min(500, hub.maxPage), bot: request.bot)
        guard let descriptor = history.descriptor, let bot = history.bot else {
            throw MemberError(
                .badInput,
                "group \(group.id) (\(group.key)) has no proposal descriptor\(request.bot.map { " from \($0)" } ?? ""); is it a proposal's group?"
            )
        }
        let choice = try MemberBallot.choice(request.choice, for: descriptor)
        let typed: JSON
        var nonce: UInt256?
        var timestamp: UInt64?
        switch descriptor.kind {
        case .governor:
            let next = try history.nextNonce()
            nonce = next
            typed = try MemberBallot.governorBallot(descriptor, choice: choice, voter: key.address, nonce: next, reason: request.reason)
        case .poll:
            let seconds = max(now() / 1000, history.lastTimestamp.map { $0 + 1 } ?? 0)
            timestamp = seconds
            typed = MemberBallot.snapshotVote(descriptor, choice: choice, voter: key.address, timestamp: seconds, reason: request.reason)
        }
        let ballot = try MemberBallot.sign(typed, with: key)
        guard ballot.body.utf8.count <= hub.maxBodyBytes else {
            throw MemberError(
                .badInput,
                "the signed ballot is \(ballot.body.utf8.count) bytes and this hub takes at most \(hub.maxBodyBytes); shorten --reason")
        }
        let message = ChatMessage(
            hub: group.hub, group: group.id, sender: key.address, body: ballot.body, timestamp: now(), nonce: ChatMessage.randomNonce())
        let posted: HubClient.Posted
        do { posted = try await client.post(message.signed(with: key)) } catch { throw Self.mapped(error, doing: "posting the ballot") }
        guard posted.entry.id == message.digest, posted.entry.sender == key.address,
            posted.entry.body.hasSameBytes(as: ballot.body), posted.entry.verificationProblem() == nil
        else {
            throw MemberError(.verification, "the hub's answer to the post is not the ballot that was sent")
        }
        progress("posted ballot \(ballot.id) as message seq \(posted.entry.seq) of group \(group.id) (\(descriptor.key))")
        return Posted(
            group: group, descriptor: descriptor, bot: bot, choice: choice, ballot: ballot, entry: posted.entry, nonce: nonce,
            timestamp: timestamp)
    }

    /// Waits for the bot's receipt of a posted ballot, checks it, and returns it. Throws `noReceipt`
    /// when none comes within `timeout` or the group closes first, and `verification` when the
    /// receipt does not verify or does not match the ballot.
    public func receipt(for posted: Posted, timeout: Duration) async throws(MemberError) -> ReceiptReading {
        let found = Found()
        let client = self.client
        let outcome: HubClient.FollowEnd?
        do {
            outcome = try await withThrowingTaskGroup(of: HubClient.FollowEnd?.self) { tasks in
                tasks.addTask {
                    try await client.follow(group: posted.group.id, after: posted.entry.seq, maxReconnects: 30) { frame in
                        guard case .message(let entry) = frame, let result = Self.examine(entry, for: posted) else { return .proceed }
                        found.withLock { $0 = result }
                        return .stop
                    }
                }
                tasks.addTask {
                    try await Task.sleep(for: timeout)
                    return nil
                }
                let first = try await tasks.next() ?? nil
                tasks.cancelAll()
                return first
            }
        } catch let error as HubClientError {
            throw Self.mapped(error, doing: "waiting for the receipt")
        } catch {
            throw MemberError(.unreachable, "waiting for the receipt: \(error)")
        }
        if let result = found.withLock({ $0 }) { return try result.get() }
        let where_ = "ballot \(posted.ballot.id) is message seq \(posted.entry.seq) of group \(posted.group.id)"
        if case .closed(let seq)? = outcome {
            throw MemberError(.noReceipt, "the group closed at seq \(seq) without a receipt for the ballot; \(where_)")
        }
        throw MemberError(
            .noReceipt,
            "no receipt from the bot within \(timeout); \(where_) — look for it later with `plenum chat read --group \(posted.group.id) --after \(posted.entry.seq)`"
        )
    }

    /// Whether `entry` is the bot's receipt for the posted ballot: nil when it is something else,
    /// otherwise the checked receipt or why it cannot be trusted.
    static func examine(_ entry: StoredMessage, for posted: Posted) -> Result<ReceiptReading, MemberError>? {
        guard entry.sender == posted.bot, entry.body.contains("\"PlenumReceipt\""),
            let json = try? JSONParser(limits: .init(maxBytes: 64 * 1024, maxDepth: 16)).parse(Array(entry.body.utf8)),
            json["primaryType"]?.stringValue == Receipt.primaryType, case .number(let s)? = json["message"]?["sequence"],
            UInt64(s) == posted.entry.seq, json["message"]?["group"]?.stringValue?.hasSameBytes(as: posted.group.id.rawValue) == true
        else { return nil }
        func failed(_ why: String) -> Result<ReceiptReading, MemberError> {
            .failure(MemberError(.verification, "the receipt at seq \(entry.seq) \(why)"))
        }
        if let problem = entry.verificationProblem() { return failed("is not a verifiable chat message: \(problem)") }
        let receipt: Receipt
        do { receipt = try Receipt(signedDocument: json, signer: posted.bot) } catch {
            return failed("does not verify as signed by the bot \(posted.bot): \(error)")
        }
        guard receipt.proposal.hasSameBytes(as: posted.descriptor.key) else { return failed("is for proposal \(receipt.proposal)") }
        guard receipt.logHead == posted.entry.hash else {
            return failed("names log hash \(receipt.logHead), but the ballot's entry has hash \(posted.entry.hash)")
        }
        guard receipt.ballot == posted.ballot.id || (receipt.status == "rejected" && receipt.ballot == .zero) else {
            return failed("is for ballot \(receipt.ballot), not \(posted.ballot.id)")
        }
        return .success(ReceiptReading(receipt: receipt, document: json, detail: json["detail"]?.stringValue, entry: entry))
    }

    /// The receipt found by the stream handler.
    final class Found: Sendable {
        let value = Mutex<Result<ReceiptReading, MemberError>?>(nil)
        func withLock<R: Sendable>(_ body: (inout Result<ReceiptReading, MemberError>?) -> R) -> R { value.withLock { body(&$0) } }
    }

    /// What was learned from reading a group's log.
    struct History {
        var descriptor: ProposalDescriptor?
        var bot: Address?
        /// The member's governor ballots already in the group (signature verified), and their highest nonce.
        var governorBallots = 0
        var highestNonce: UInt256?
        /// The latest timestamp of the member's Snapshot votes already in the group.
        var lastTimestamp: UInt64?

        /// The nonce for the next governor ballot: the number of the member's ballots already in the
        /// group, or one more than the highest nonce they carry when that is larger.
        func nextNonce() throws(MemberError) -> UInt256 {
            var next = UInt256(UInt64(governorBallots))
            if let highest = highestNonce {
                let (bumped, overflow) = highest.addingReportingOverflow(UInt256(1))
                guard !overflow else { throw MemberError(.badInput, "an earlier ballot of yours used the largest nonce") }
                if bumped > next { next = bumped }
            }
            return next
        }
    }

    /// Most entries read from one group.
    public static let maxEntries = 1_000_000

    /// Reads the group's log: the descriptor (the first entry that is a descriptor for the group's
    /// key and verifies; from `bot` when given) and the member's earlier ballots.
    func read(_ group: HubGroup, pageSize: Int, bot: Address?) async throws(MemberError) -> History {
        var history = History()
        var after: UInt64 = 0
        var read = 0
        let me = key.address
        let needle = String(me.lowercased.dropFirst(2))
        while true {
            let page: MessagePage
            do { page = try await client.messages(in: group.id, after: after, limit: pageSize) } catch {
                throw Self.mapped(error, doing: "reading group \(group.id)")
            }
            for entry in page.messages {
                if history.descriptor == nil, ProposalDescriptor.looksLikeDescriptor(entry.body), bot == nil || entry.sender == bot,
                    let descriptor = try? ProposalDescriptor(body: entry.body), descriptor.key.hasSameBytes(as: group.key),
                    entry.verificationProblem() == nil
                {
                    history.descriptor = descriptor
                    history.bot = entry.sender
                }
                guard entry.body.utf8.count < 200_000, entry.body.lowercased().contains(needle),
                    let envelope = try? BallotEnvelope.parse(Array(entry.body.utf8)),
                    let signature = try? Signature(bytes: envelope.signature), (try? signature.recoverAddress(digest: envelope.id)) == me
                else { continue }
                switch envelope.body {
                case .governor(let ballot):
                    history.governorBallots += 1
                    if let nonce = ballot.nonce { history.highestNonce = max(history.highestNonce ?? nonce, nonce) }
                case .snapshot(let vote):
                    history.lastTimestamp = max(history.lastTimestamp ?? vote.timestamp, vote.timestamp)
                }
            }
            read += page.messages.count
            guard let next = page.next, !page.messages.isEmpty else { return history }
            guard read < Self.maxEntries else {
                throw MemberError(
                    .badInput, "group \(group.id) has more than \(Self.maxEntries) messages; this tool reads at most that many")
            }
            after = next
        }
    }

    static func mapped(_ error: any Error, doing action: String = "") -> MemberError {
        switch error {
        case let error as MemberError: return error
        case let error as HubClientError: return MemberError.from(error, doing: action)
        default: return MemberError(.unreachable, (action.isEmpty ? "" : action + ": ") + "\(error)")
        }
    }
}
