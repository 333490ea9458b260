import Ethereum

/// Checks a group's log as a reader receives it from a hub, entry by entry, trusting nothing the hub
/// computed: each entry's id is recomputed from its fields, its signature must recover to its sender,
/// its hash is recomputed, and each entry must be the next link after the previous one (`seq` + 1,
/// `prevHash` = the previous `hash`). Receipts the bot signed pin the log further: a receipt says
/// which hash the ballot's entry had when the bot read it, so a hub that later rewrote history (even
/// with every hash recomputed) is caught at the first receipt that names a rewritten entry.
///
/// Feed entries in order with `check(_:)`; each call returns the problems it found (empty when the
/// entry is sound). Memory grows by one hash per entry, at most `maxRemembered` (older hashes are
/// then forgotten, and receipts naming them are no longer cross-checked).
public struct ChatLogVerifier: Sendable {
    /// A problem with one entry.
    public struct Problem: Hashable, Sendable, CustomStringConvertible {
        public let seq: UInt64
        public let detail: String

        public init(seq: UInt64, detail: String) {
            self.seq = seq
            self.detail = detail
        }

        public var description: String { "seq \(seq): \(detail)" }
    }

    public let group: GroupID
    public let hub: String?
    /// The last entry checked (or the anchor).
    public private(set) var last: ChainHead?
    /// Entries checked so far.
    public private(set) var checked = 0
    /// The bot's address, once known: its receipts are cross-checked.
    public var bot: Address?
    var hashes: [UInt64: Hash32] = [:]
    var order: [UInt64] = []
    var orderStart = 0

    /// Hashes remembered for the receipt cross-check.
    public static let maxRemembered = 1_000_000

    /// - Parameters:
    ///   - hub: the hub name every entry must carry (nil: not checked).
    ///   - anchor: the entry the check starts after: `.empty` (seq 0, zero hash) to check from the first
    ///     entry; another head to continue after it; nil when nothing is known about what precedes.
    public init(group: GroupID, hub: String?, anchor: ChainHead?, bot: Address? = nil) {
        self.group = group
        self.hub = hub
        self.last = anchor
        self.bot = bot
        if let anchor, anchor.seq > 0 { remember(anchor.seq, anchor.hash) }
    }

    /// Checks the next entry.
    public mutating func check(_ entry: StoredMessage) -> [Problem] {
        var problems: [Problem] = []
        func note(_ detail: String) { problems.append(Problem(seq: entry.seq, detail: detail)) }
        if entry.group != group { note("the entry belongs to group \(entry.group), not \(group)") }
        if let hub, !entry.hub.hasSameBytes(as: hub) { note("the entry names hub \"\(entry.hub.prefix(80))\", not \"\(hub.prefix(80))\"") }
        if let problem = entry.verificationProblem() { note(problem) }
        if let last {
            if entry.seq != last.seq &+ 1 {
                note("expected seq \(last.seq &+ 1) after seq \(last.seq): an entry is missing, repeated or out of order")
            } else if entry.prevHash != last.hash {
                note("prevHash \(entry.prevHash) is not the hash \(last.hash) of seq \(last.seq): the chain is broken here")
            }
        } else if entry.seq == 1, entry.prevHash != .zero {
            note("the first entry's prevHash must be zero")
        }
        if let bot, entry.sender == bot, let problem = receiptProblem(entry.body, at: entry.seq) { note(problem) }
        remember(entry.seq, entry.hash)
        last = ChainHead(seq: entry.seq, hash: entry.hash)
        checked += 1
        return problems
    }

    /// Compares the last entry checked with a head the hub reported (when they have the same `seq`).
    public func headProblem(_ head: ChainHead) -> Problem? {
        guard let last else { return nil }
        if head.seq < last.seq { return Problem(seq: head.seq, detail: "the hub's head seq \(head.seq) is behind entry \(last.seq)") }
        if head.seq == last.seq, head.hash != last.hash {
            return Problem(seq: head.seq, detail: "the hub's head hash \(head.hash) is not the last entry's hash \(last.hash)")
        }
        return nil
    }

    /// A bot receipt's `sequence` and `logHead` must name an entry of this log as it was checked.
    func receiptProblem(_ body: String, at seq: UInt64) -> String? {
        guard body.contains("\"PlenumReceipt\""),
            let json = try? JSONParser(limits: .init(maxBytes: 64 * 1024, maxDepth: 16)).parse(Array(body.utf8)),
            json["primaryType"]?.stringValue == "PlenumReceipt", let message = json["message"],
            case .number(let s)? = message["sequence"], let sequence = UInt64(s),
            let headText = message["logHead"]?.stringValue, let logHead = try? Hash32(hex: headText)
        else { return nil }
        guard message["group"]?.stringValue?.hasSameBytes(as: group.rawValue) == true else {
            return "a bot receipt names group \(message["group"]?.stringValue?.prefix(80) ?? "none"), not this one"
        }
        guard sequence < seq else {
            return "a bot receipt for entry \(sequence) stands at seq \(seq), not after it: history was rewritten"
        }
        guard let hash = hashes[sequence] else { return nil }
        guard hash == logHead else {
            return "the bot's receipt says entry \(sequence) had hash \(logHead), but the log served has \(hash): history was rewritten"
        }
        return nil
    }

    mutating func remember(_ seq: UInt64, _ hash: Hash32) {
        hashes[seq] = hash
        order.append(seq)
        if order.count - orderStart > Self.maxRemembered {
            hashes[order[orderStart]] = nil
            orderStart += 1
            if orderStart > 4096 {
                order.removeFirst(orderStart)
                orderStart = 0
            }
        }
    }
}
