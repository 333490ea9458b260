import ChainWatch
import Ethereum
import Governance

extension ExportHeader {
    /// The header as JSON, members in a fixed order (see `docs/audit-format.md`).
    public var json: JSON {
        var quorumJSON = JSONObject([("amount", quorum.amount.map { .string($0.description) } ?? .null)])
        quorumJSON["readValue"] = quorum.readValue.map { .string($0.description) } ?? .null
        quorumJSON["readBlock"] = quorum.readBlock?.json ?? .null
        return .object(
            JSONObject([
                ("format", .number(String(Self.format))), ("proposal", .string(proposal)), ("kind", .string(kind.rawValue)),
                ("channel", .string(channel)), ("chainId", .string(String(chainId))),
                ("governor", governor.map { .string($0.checksummed) } ?? .null), ("proposalId", .string(proposalId)),
                ("governorName", governorName.map { .string($0) } ?? .null), ("title", .string(title)), ("bot", .string(bot.checksummed)),
                ("group", .string(group)), ("created", created?.json ?? .null), ("clock", .string(clock.rawValue)),
                ("snapshot", .string(String(snapshot))), ("deadline", .string(String(deadline))),
                ("powerBlock", powerBlock.map { .string(String($0)) } ?? .null), ("pins", pins?.json ?? .null), ("rules", rules.json),
                ("quorum", .object(quorumJSON)), ("closeSeq", .string(String(closeSeq))),
                ("decidedThrough", .string(String(decidedThrough))),
                ("logHead", ["seq": .string(String(logHeadSeq)), "hash": .string(logHead.description)]),
            ]))
    }

    /// The header's text: the exact bytes the bot hashes and signs.
    public var text: String { json.serialized() }

    /// Reads a header; every member must be present and well formed.
    public init(json: JSON) throws(ExportHeaderError) {
        func member(_ key: String) throws(ExportHeaderError) -> JSON {
            guard let value = json[key] else { throw ExportHeaderError(field: key, "is missing") }
            return value
        }
        func string(_ key: String) throws(ExportHeaderError) -> String {
            guard let s = try member(key).stringValue else { throw ExportHeaderError(field: key, "must be a string") }
            return s
        }
        func uint(_ key: String) throws(ExportHeaderError) -> UInt64 {
            guard let v = UInt64(try string(key)) else { throw ExportHeaderError(field: key, "must be a decimal integer string") }
            return v
        }
        func optional<T>(_ key: String, _ make: (JSON) throws -> T) throws(ExportHeaderError) -> T? {
            let value = try member(key)
            if value == .null { return nil }
            do { return try make(value) } catch { throw ExportHeaderError(field: key, "is malformed: \(error)") }
        }
        guard case .number(let f) = try member("format"), Int(f) == Self.format else {
            throw ExportHeaderError(field: "format", "must be \(Self.format)")
        }
        guard let kind = BotProposal.Kind(rawValue: try string("kind")) else { throw ExportHeaderError(field: "kind", "is unknown") }
        guard let clock = VotingWindow.Clock(rawValue: try string("clock")) else { throw ExportHeaderError(field: "clock", "is unknown") }
        let bot: Address
        do { bot = try Address(try string("bot")) } catch { throw ExportHeaderError(field: "bot", "is not an address") }
        let rules: ProposalRules
        do { rules = try ProposalRules(json: try member("rules")) } catch { throw ExportHeaderError(field: "rules", "\(error)") }
        let q = try member("quorum")
        func quorumPart<T>(_ key: String, _ make: (JSON) throws -> T) throws(ExportHeaderError) -> T? {
            guard let value = q[key] else { throw ExportHeaderError(field: "quorum.\(key)", "is missing") }
            if value == .null { return nil }
            do { return try make(value) } catch { throw ExportHeaderError(field: "quorum.\(key)", "is malformed") }
        }
        let amount = try quorumPart("amount") { try UInt256(decimal: $0.stringValue ?? "") }
        let readValue = try quorumPart("readValue") { try UInt256(decimal: $0.stringValue ?? "") }
        let readBlock = try quorumPart("readBlock") { try Self.block($0) }
        let head = try member("logHead")
        guard let hs = head["seq"]?.stringValue, let headSeq = UInt64(hs), let hh = head["hash"]?.stringValue,
            let headHash = try? Hash32(hex: hh)
        else { throw ExportHeaderError(field: "logHead", "must be {\"seq\", \"hash\"}") }
        self.init(
            proposal: try string("proposal"), kind: kind, channel: try string("channel"), chainId: try uint("chainId"),
            governor: try optional("governor") { try Address($0.stringValue ?? "") }, proposalId: try string("proposalId"),
            governorName: try optional("governorName") { v -> String in
                guard let s = v.stringValue else { throw RulesDecodingError(what: "governorName") }
                return s
            },
            title: try string("title"), bot: bot, group: try string("group"),
            created: try optional("created") { try ChainEventRecord(json: $0) }, clock: clock, snapshot: try uint("snapshot"),
            deadline: try uint("deadline"),
            powerBlock: try optional("powerBlock") { v -> UInt64 in
                guard let n = v.stringValue.flatMap({ UInt64($0) }) else { throw RulesDecodingError(what: "powerBlock") }
                return n
            },
            pins: try optional("pins") { try PowerPins(json: $0) }, rules: rules,
            quorum: .init(amount: amount, readValue: readValue, readBlock: readBlock), closeSeq: try uint("closeSeq"),
            decidedThrough: try uint("decidedThrough"), logHeadSeq: headSeq, logHead: headHash)
        if kind == .governor, governor == nil { throw ExportHeaderError(field: "governor", "is required for governor proposals") }
    }

    static func block(_ json: JSON) throws -> BlockRef {
        guard let n = json["number"]?.stringValue, let number = UInt64(n), let h = json["hash"]?.stringValue else {
            throw RulesDecodingError(what: "block")
        }
        return BlockRef(number: number, hash: try Hash32(hex: h))
    }
}

/// A header member that is missing or malformed.
public struct ExportHeaderError: Error, Hashable, Sendable, CustomStringConvertible {
    public let field: String
    public let problem: String

    public init(field: String, _ problem: String) {
        self.field = field
        self.problem = problem
    }

    public var description: String { "header.\(field) \(problem)" }
}
