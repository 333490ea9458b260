import Bot
import ChainWatch
import Ethereum
import Governance

/// The admin API's logic, independent of the HTTP server: routes, bearer-token check, JSON answers.
///
/// | method | path | answer |
/// |---|---|---|
/// | GET | /admin/channels | every channel: name, chain, governor, rules |
/// | GET | /admin/channels/{name} | one channel |
/// | GET | /admin/proposals | every proposal the bot knows (summary) |
/// | GET | /admin/proposals/{key or proposal id} | one proposal in full |
/// | GET | /admin/results/{key or proposal id} | the signed result |
/// | POST | /admin/polls | opens an off-chain poll (see `PollRequest`) |
public struct AdminAPI: Sendable {
    public struct Response: Sendable {
        public let status: Int
        public let body: JSON
    }

    let token: [UInt8]
    let channels: [PlenumConfiguration.Channel]
    let store: any BotStore
    let polls: (any PollOpener)?

    public init(token: String, channels: [PlenumConfiguration.Channel], store: any BotStore, polls: (any PollOpener)?) {
        self.token = Array(token.utf8)
        self.channels = channels
        self.store = store
        self.polls = polls
    }

    /// Answers one request. `authorization` is the request's `Authorization` header.
    public func handle(method: String, path: String, authorization: String?, body: [UInt8]) async -> Response {
        guard authorized(authorization) else {
            return Response(status: 401, body: Self.error("unauthorized", "admin endpoints need the header Authorization: Bearer <token>"))
        }
        let parts = path.split(separator: "/").map(String.init)
        do {
            switch (method, parts.count > 1 ? parts[1] : "", parts.count > 2 ? parts[2] : nil) {
            case ("GET", "channels", nil):
                return Response(status: 200, body: .array(channels.map(Self.channelJSON)))
            case ("GET", "channels", let name?):
                guard let c = channels.first(where: { $0.name == name }) else { return notFound("channel \(name)") }
                return Response(status: 200, body: Self.channelJSON(c))
            case ("GET", "proposals", nil):
                return Response(status: 200, body: .array(try await store.allProposals().map { Self.proposalJSON($0, full: false) }))
            case ("GET", "proposals", let id?):
                guard let p = try await find(id) else { return notFound("proposal \(id)") }
                var json = Self.proposalJSON(p, full: true).objectValue!
                let votes = try await store.votes(p.key)
                json["votes"] = .array(votes.map(Self.voteJSON))
                return Response(status: 200, body: .object(json))
            case ("GET", "results", let id?):
                guard let p = try await find(id) else { return notFound("proposal \(id)") }
                guard let r = p.result else {
                    return Response(
                        status: 404, body: Self.error("no-result", "proposal \(p.key) has no result yet (phase \(p.phase.rawValue))"))
                }
                return Response(status: 200, body: try Self.resultJSON(r))
            case ("POST", "polls", nil):
                guard let polls else { return Response(status: 503, body: Self.error("unavailable", "polls need the running service")) }
                let request: PollRequest
                do { request = try PollRequest(json: try JSONParser(limits: .init(maxBytes: 64 * 1024, maxDepth: 8)).parse(body)) } catch {
                    return Response(status: 400, body: Self.error("bad-request", "\(error)"))
                }
                let poll = try await polls.openPoll(request)
                return Response(status: 201, body: Self.proposalJSON(poll, full: true))
            default:
                return Response(status: 404, body: Self.error("not-found", "no admin endpoint \(method) \(path)"))
            }
        } catch let error as PollError {
            return Response(status: 400, body: Self.error("bad-request", error.description))
        } catch {
            return Response(status: 500, body: Self.error("internal", "\(error)"))
        }
    }

    func authorized(_ header: String?) -> Bool {
        guard !token.isEmpty, let header, header.hasPrefix("Bearer ") else { return false }
        let given = Array(header.dropFirst("Bearer ".count).utf8)
        guard given.count == token.count else { return false }
        var diff: UInt8 = 0
        for i in given.indices { diff |= given[i] ^ token[i] }
        return diff == 0
    }

    func find(_ id: String) async throws -> BotProposal? {
        if let p = try await store.proposal(id) { return p }
        return try await store.allProposals().first { $0.proposalId == id || $0.key.hasSuffix(":\(id)") }
    }

    func notFound(_ what: String) -> Response { Response(status: 404, body: Self.error("not-found", "\(what) does not exist")) }

    static func error(_ code: String, _ message: String) -> JSON { ["error": ["code": .string(code), "message": .string(message)]] }

    static func channelJSON(_ c: PlenumConfiguration.Channel) -> JSON {
        [
            "name": .string(c.name), "chain": .string(c.chain), "governor": .string(c.governor.checksummed),
            "startBlock": .number(String(c.startBlock)), "confirmations": c.confirmations.map { .number(String($0)) } ?? .null,
            "rules": c.rules.json, "file": .string(c.file),
        ]
    }

    public static func proposalJSON(_ p: BotProposal, full: Bool) -> JSON {
        var object = JSONObject([
            ("key", .string(p.key)), ("kind", .string(p.kind.rawValue)), ("channel", .string(p.channel)),
            ("chainId", .number(String(p.chainId))),
            ("proposalId", .string(p.proposalId)), ("title", .string(p.title)), ("phase", .string(p.phase.rawValue)),
            ("clock", .string(p.clock.rawValue)), ("snapshot", .string(String(p.snapshot))), ("deadline", .string(String(p.deadline))),
            ("group", p.group.map { .string($0) } ?? .null),
        ])
        if let g = p.governor { object["governor"] = .string(g.checksummed) }
        if let r = p.result { object["outcome"] = .string(r.result.outcome.rawValue) }
        if full {
            object["description"] = .string(p.description)
            object["rules"] = p.rules.json
            object["processedSeq"] = .number(String(p.processedSeq))
            if let c = p.closeSeq { object["closeSeq"] = .number(String(c)) }
            if let pins = p.pins { object["pins"] = pins.json }
            if let created = p.created { object["created"] = created.json }
        }
        return .object(object)
    }

    static func voteJSON(_ v: VoteRecord) -> JSON {
        var object = JSONObject([
            ("seq", .number(String(v.seq))), ("sender", .string(v.sender.checksummed)), ("status", .string(v.status.rawValue)),
            ("messageHash", .string(v.messageHash.description)),
        ])
        if let id = v.ballotId { object["ballot"] = .string(id.description) }
        if let voter = v.voter { object["voter"] = .string(voter.checksummed) }
        if let reason = v.reason { object["reason"] = .string(reason.rawValue) }
        if let detail = v.detail { object["detail"] = .string(detail) }
        if let vote = v.vote { object["vote"] = vote.json }
        return .object(object)
    }

    public static func resultJSON(_ r: SignedResult) throws -> JSON {
        var document = try r.result.typedDataJSON().objectValue!
        document["signature"] = .string(r.signature.description)
        return ["result": try r.result.json(), "digest": .string(r.digest.description), "signed": .object(document)]
    }
}

/// Opens polls (the running service's bot implements it).
public protocol PollOpener: Sendable {
    func openPoll(_ request: PollRequest) async throws -> BotProposal
}

/// `POST /admin/polls` and `plenum polls create`: `{"channel", "title", "choices": [...], "system",
/// "duration": "1h", "description"?, "snapshot"? (block number)}`.
public struct PollRequest: Sendable, Hashable {
    public let channel: String
    public let title: String
    public let description: String
    public let choices: [String]
    public let system: VotingSystem
    public let duration: Duration
    public let snapshotBlock: UInt64?

    public init(
        channel: String, title: String, description: String, choices: [String], system: VotingSystem, duration: Duration,
        snapshotBlock: UInt64?
    ) {
        self.channel = channel
        self.title = title
        self.description = description
        self.choices = choices
        self.system = system
        self.duration = duration
        self.snapshotBlock = snapshotBlock
    }

    public init(json: JSON) throws {
        guard let channel = json["channel"]?.stringValue, !channel.isEmpty else { throw PollError.invalid("channel is required") }
        guard let title = json["title"]?.stringValue, !title.isEmpty, title.count <= 200 else {
            throw PollError.invalid("title is required (at most 200 characters)")
        }
        guard let choices = json["choices"]?.arrayValue?.compactMap(\.stringValue), !choices.isEmpty else {
            throw PollError.invalid("choices must be a non-empty array of strings")
        }
        guard let s = json["system"]?.stringValue, let system = VotingSystem(rawValue: s) else {
            throw PollError.invalid("system must be one of \(VotingSystem.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard let d = json["duration"]?.stringValue, let duration = TOMLReader.parseDuration(d), duration >= .seconds(10),
            duration <= .seconds(366 * 86400)
        else { throw PollError.invalid("duration must be like \"30m\", \"2h\", \"3d\" (10 s to a year)") }
        var snapshot: UInt64?
        if let value = json["snapshot"] {
            guard case .number(let n) = value, let b = UInt64(n) else { throw PollError.invalid("snapshot must be a block number") }
            snapshot = b
        }
        self.init(
            channel: channel, title: title, description: json["description"]?.stringValue ?? "", choices: choices, system: system,
            duration: duration,
            snapshotBlock: snapshot)
    }
}

public enum PollError: Error, CustomStringConvertible {
    case invalid(String)
    public var description: String {
        switch self {
        case .invalid(let why): why
        }
    }
}
