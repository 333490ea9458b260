import Bot
import ChainWatch
import Ethereum
import Foundation
import Governance

/// The admin API's logic, independent of the HTTP server: routes, bearer-token check, JSON answers
/// (shapes in `AdminJSON`, lookups in `AdminQueries`).
///
/// | method | path | answer |
/// |---|---|---|
/// | GET | /admin/channels | every channel: name, chain, governor, rules |
/// | GET | /admin/channels/{name} | one channel |
/// | GET | /admin/proposals | every proposal the bot knows (summary) |
/// | GET | /admin/proposals/{key, proposal id or poll id} | one proposal in full, with its votes |
/// | GET | /admin/results/{key, proposal id or poll id} | the signed result |
/// | POST | /admin/polls | opens an off-chain poll (see `PollRequest`) |
///
/// Errors are `{"error": {"code", "message"}}`: 401 `unauthorized`, 400 `bad-request`, 404
/// `not-found` / `no-result`, 405 `method-not-allowed`, 409 `ambiguous`, 503 `unavailable`, 500 `internal`.
public struct AdminAPI: Sendable {
    public struct Response: Sendable {
        public let status: Int
        public let body: JSON

        public init(status: Int, body: JSON) {
            self.status = status
            self.body = body
        }
    }

    /// Largest request body, bytes.
    public static let maxBodyBytes = 64 * 1024

    let token: [UInt8]
    let queries: AdminQueries
    let polls: (any PollOpener)?

    public init(token: String, channels: [PlenumConfiguration.Channel], store: any BotStore, polls: (any PollOpener)?) {
        self.token = Array(token.utf8)
        self.queries = AdminQueries(channels: channels, store: store)
        self.polls = polls
    }

    /// Answers one request. `authorization` is the request's `Authorization` header.
    public func handle(method: String, path: String, authorization: String?, body: [UInt8]) async -> Response {
        guard authorized(authorization) else {
            return Response(
                status: 401, body: AdminJSON.error("unauthorized", "admin endpoints need the header Authorization: Bearer <token>"))
        }
        let parts = path.split(separator: "/").map { String($0).removingPercentEncoding ?? String($0) }
        guard parts.count >= 2, parts.count <= 3, parts[0] == "admin" else { return noEndpoint(method, path) }
        let resource = parts[1], id = parts.count == 3 ? parts[2] : nil
        let allowed: String
        switch (resource, id) {
        case ("channels", _), ("proposals", _), ("results", _?): allowed = "GET"
        case ("polls", nil): allowed = "POST"
        default: return noEndpoint(method, path)
        }
        guard method == allowed else {
            return Response(
                status: 405, body: AdminJSON.error("method-not-allowed", "\(path) answers \(allowed) only, not \(method)"))
        }
        do {
            switch (resource, id) {
            case ("channels", nil):
                return Response(status: 200, body: .array(queries.channels.map(AdminJSON.channel)))
            case ("channels", let name?):
                return Response(status: 200, body: AdminJSON.channel(try queries.channel(name)))
            case ("proposals", nil):
                return Response(status: 200, body: .array(try await queries.proposals().map { AdminJSON.proposal($0, full: false) }))
            case ("proposals", let id?):
                let (p, votes) = try await queries.proposalWithVotes(id)
                return Response(status: 200, body: AdminJSON.proposal(p, votes: votes))
            case ("results", let id?):
                return Response(status: 200, body: try AdminJSON.result(try await queries.result(id).1))
            default:
                return try await openPoll(body)
            }
        } catch let error as AdminLookupError {
            return Response(status: error.status, body: AdminJSON.error(error.code, error.description))
        } catch let error as PollError {
            return Response(status: 400, body: AdminJSON.error("bad-request", error.description))
        } catch {
            return Response(status: 500, body: AdminJSON.error("internal", "\(error)"))
        }
    }

    func openPoll(_ body: [UInt8]) async throws -> Response {
        guard let polls else { return Response(status: 503, body: AdminJSON.error("unavailable", "polls need the running service")) }
        let request: PollRequest
        do {
            request = try PollRequest(json: try JSONParser(limits: .init(maxBytes: Self.maxBodyBytes, maxDepth: 8)).parse(body))
        } catch let error as PollError {
            throw error
        } catch {
            throw PollError.invalid("the body is not JSON: \(error)")
        }
        let poll = try await polls.openPoll(request)
        return Response(status: 201, body: AdminJSON.proposal(poll, full: true))
    }

    func noEndpoint(_ method: String, _ path: String) -> Response {
        Response(status: 404, body: AdminJSON.error("not-found", "no admin endpoint \(method) \(path) (see docs/operations.md)"))
    }

    /// Checks the bearer token. Both sides are hashed first, so the comparison takes the same time
    /// whatever the given token's length and wherever it first differs.
    func authorized(_ header: String?) -> Bool {
        guard !token.isEmpty, let header, header.hasPrefix("Bearer ") else { return false }
        let given = Keccak256.hash(Array(header.utf8.dropFirst("Bearer ".utf8.count))).bytes
        let expected = Keccak256.hash(token).bytes
        var diff: UInt8 = 0
        for i in 0..<32 { diff |= given[i] ^ expected[i] }
        return diff == 0
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

    /// The members a request may have.
    public static let members = ["channel", "title", "description", "choices", "system", "duration", "snapshot"]

    /// Reads a request body; each error names the member and the rule.
    public init(json: JSON) throws(PollError) {
        guard let object = json.objectValue else { throw .invalid("the body must be a JSON object, found \(json.kind)") }
        for key in object.keys where !Self.members.contains(key) {
            throw .invalid("unknown member \"\(key.prefix(40))\" (expected \(Self.members.joined(separator: ", ")))")
        }
        guard let channel = object["channel"]?.stringValue, !channel.isEmpty else { throw .invalid("channel is required (a string)") }
        guard let title = object["title"]?.stringValue, !title.isEmpty, title.count <= 200 else {
            throw .invalid("title is required (a string of at most 200 characters)")
        }
        var description = ""
        if let value = object["description"] {
            guard let text = value.stringValue, text.count <= 10_000 else {
                throw .invalid("description must be a string of at most 10000 characters")
            }
            description = text
        }
        guard let items = object["choices"]?.arrayValue, !items.isEmpty, items.count <= 100 else {
            throw .invalid("choices must be a non-empty array of at most 100 strings")
        }
        var choices: [String] = []
        for (i, item) in items.enumerated() {
            guard let choice = item.stringValue, !choice.isEmpty, choice.count <= 200 else {
                throw .invalid("choices[\(i)] must be a non-empty string of at most 200 characters, found \(item.kind)")
            }
            choices.append(choice)
        }
        let systems = VotingSystem.allCases.map(\.rawValue).joined(separator: ", ")
        guard let s = object["system"]?.stringValue else { throw .invalid("system is required: one of \(systems)") }
        guard let system = VotingSystem(rawValue: s) else { throw .invalid("system \"\(s.prefix(40))\" is not one of \(systems)") }
        guard let d = object["duration"]?.stringValue, let duration = TOMLReader.parseDuration(d), duration >= .seconds(10),
            duration <= .seconds(366 * 86400)
        else { throw .invalid("duration must be a string like \"30m\", \"2h\", \"3d\" (10 s to 366 days)") }
        var snapshot: UInt64?
        if let value = object["snapshot"], value != .null {
            guard case .number(let n) = value, let b = UInt64(n) else { throw .invalid("snapshot must be a block number") }
            snapshot = b
        }
        self.init(
            channel: channel, title: title, description: description, choices: choices, system: system, duration: duration,
            snapshotBlock: snapshot)
    }

    /// A request body from text as a user typed it (the service checks it: see `init(json:)`).
    /// `snapshot` is a block number; anything else is sent as given, for the service to refuse.
    public static func body(
        channel: String, title: String, description: String?, choices: [String], system: String, duration: String, snapshot: String?
    ) -> JSON {
        var object = JSONObject([
            ("channel", .string(channel)), ("title", .string(title)), ("choices", .array(choices.map { .string($0) })),
            ("system", .string(system)), ("duration", .string(duration)),
        ])
        if let description { object["description"] = .string(description) }
        if let snapshot { object["snapshot"] = UInt64(snapshot).map { .number(String($0)) } ?? .string(snapshot) }
        return .object(object)
    }
}

/// A poll request the service refuses, with the reason.
public enum PollError: Error, Hashable, Sendable, CustomStringConvertible {
    case invalid(String)
    public var description: String {
        switch self {
        case .invalid(let why): why
        }
    }
}
