import Bot
import Chat
import Ethereum
import Foundation
import Governance
import PlenumService
import PlenumTesting
import Testing

@Suite("Admin API over HTTP (real server, real SQLite, real bot with a fake chat and chain)")
struct AdminHTTPTests {
    @Test func everyAdminEndpointNeedsTheToken() async throws {
        let world = try AdminWorld()
        try await world.runProposals()
        try await LiveAdmin.run(api: world.api()) { live in
            let paths = ["/admin/channels", "/admin/channels/treasury", "/admin/proposals", "/admin/proposals/7", "/admin/results/7"]
            let sameLength = String(repeating: "x", count: AdminWorld.token.count)
            for path in paths {
                for token in [nil, "wrong", sameLength, AdminWorld.token + "x", String(AdminWorld.token.dropLast())] as [String?] {
                    let reply = try await live.get(path, token: token)
                    #expect(reply.status == 401 && reply.errorCode == "unauthorized", "\(path) with \(token ?? "no token")")
                    #expect(!reply.text.contains("treasury"), "a refused request learns nothing")
                }
                // Not a bearer token at all.
                let basic = try await live.request(.GET, path, token: nil, headers: [("Authorization", "Basic \(AdminWorld.token)")])
                #expect(basic.status == 401)
                #expect(try await live.get(path).status == 200, "\(path) with the token")
            }
            let poll = try await live.post("/admin/polls", "{}", token: nil)
            #expect(poll.status == 401, "POST is refused before its body is read")
            // The open endpoints need nothing.
            let health = try await live.get("/health", token: nil)
            #expect(health.status == 200 && health.json == ["status": "ok"])
            #expect(try await live.get("/metrics", token: nil).status == 200)
        }
    }

    @Test func readsAnswerTheSharedShapes() async throws {
        let world = try AdminWorld()
        try await world.runProposals()
        let proposals = try await world.store.allProposals()
        let closed = proposals[0], open = proposals[1]
        try await LiveAdmin.run(api: world.api()) { live in
            let channels = try await live.get("/admin/channels")
            #expect(channels.headers.first(name: "Content-Type")?.hasPrefix("application/json") == true)
            #expect(channels.json == .array(world.configuration.channels.map(AdminJSON.channel)))
            #expect(channels.json.arrayValue?.first?["governor"]?.stringValue == AdminWorld.governor.checksummed)
            #expect(try await live.get("/admin/channels/treasury").json == AdminJSON.channel(world.configuration.channels[0]))
            let noChannel = try await live.get("/admin/channels/nope")
            #expect(noChannel.status == 404 && noChannel.errorCode == "not-found" && noChannel.errorMessage.contains("treasury"))

            let list = try await live.get("/admin/proposals")
            #expect(list.json == .array(proposals.map { AdminJSON.proposal($0, full: false) }))
            #expect(list.json.arrayValue?.map { $0["phase"]?.stringValue ?? "" } == ["closed", "open"])
            #expect(list.json.arrayValue?.first?["outcome"]?.stringValue == "passed")

            // One proposal, by governor proposal id or by key (percent-encoded or not): the same document.
            let votes = try await world.store.votes(closed.key)
            let expected = AdminJSON.proposal(closed, votes: votes)
            for id in ["7", closed.key, closed.key.replacingOccurrences(of: ":", with: "%3A")] {
                let shown = try await live.get("/admin/proposals/\(id)")
                #expect(shown.status == 200 && shown.json == expected, "\(id)")
            }
            let decisions = expected["votes"]?.arrayValue ?? []
            #expect(
                decisions.map { $0["status"]?.stringValue ?? "" } == ["accepted", "accepted", "accepted", "rejected", "rejected", "chat"])
            #expect(decisions.compactMap { $0["reason"]?.stringValue } == ["wrong-signer", "no-voting-power"])
            #expect(try await live.get("/admin/proposals/999").status == 404)

            // The result: the signed document verifies as the bot's, as plenum verify would check it.
            let result = try await live.get("/admin/results/7")
            let expectedResult = try AdminJSON.result(try require(closed.result))
            #expect(result.status == 200 && result.json == expectedResult)
            let signed = try require(result.json["signed"], "signed")
            let document = try SignableDocument(bytes: Array(signed.serialized().utf8), allowPlainText: false)
            #expect(try document.recoverSigner() == world.botKey.address)
            #expect(result.json["result"]?["scores"] == ["1000", "0", "500"])
            let pending = try await live.get("/admin/results/\(open.key)")
            #expect(pending.status == 404 && pending.errorCode == "no-result" && pending.errorMessage.contains("phase open"))
        }
    }

    @Test func unknownRoutesMethodsAndAmbiguousIds() async throws {
        let world = try AdminWorld()
        try await world.runProposals()
        // A poll whose id is the governor proposal's id on another channel makes "7" ambiguous.
        var twin = try require(try await world.store.proposal(try await world.store.allProposals()[0].key))
        twin = BotProposal(
            key: "poll:other:7", kind: .poll, channel: "other", chainId: twin.chainId, governor: twin.governor, proposalId: "7",
            title: "Twin", description: "", proposer: nil, clock: .timestamp, snapshot: 1, deadline: 2, created: nil, rules: twin.rules,
            governorName: nil, powerBlock: 1, createdAt: 1)
        #expect(try await world.store.insertProposal(twin))
        try await LiveAdmin.run(api: world.api()) { live in
            for path in ["/admin/nothing", "/admin", "/admin/channels/treasury/more", "/admin/results"] {
                let reply = try await live.get(path)
                #expect(reply.status == 404 && reply.errorCode == "not-found", "\(path): \(reply.status) \(reply.text)")
            }
            let outside = try await live.get("/elsewhere", token: nil)
            #expect(outside.status == 404 && outside.errorCode == "not-found", "\(outside.text)")
            let wrongMethod = try await live.post("/admin/channels", "{}")
            #expect(wrongMethod.status == 405 && wrongMethod.errorCode == "method-not-allowed")
            #expect(try await live.get("/admin/polls").status == 405)
            let ambiguous = try await live.get("/admin/proposals/7")
            #expect(ambiguous.status == 409 && ambiguous.errorCode == "ambiguous" && ambiguous.errorMessage.contains("poll:other:7"))
        }
    }

    @Test func pollsAreCheckedThenOpenedByTheBot() async throws {
        let world = try AdminWorld()
        world.chain.setHead(200)
        try await LiveAdmin.run(api: world.api()) { live in
            let good =
                #"{"channel":"treasury","title":"Pick a logo","choices":["Owl","Fox","Bee"],"system":"single-choice","duration":"1h"}"#
            let bad: [(String, String)] = [
                ("not json", "not JSON"),
                ("[1,2]", "must be a JSON object"),
                (good.replacingOccurrences(of: #""channel":"treasury","#, with: ""), "channel is required"),
                (good.replacingOccurrences(of: "treasury", with: "nope"), "no channel \"nope\""),
                (good.replacingOccurrences(of: "single-choice", with: "plurality"), "system \"plurality\" is not one of"),
                (good.replacingOccurrences(of: #""1h""#, with: #""soon""#), "duration must be"),
                (good.replacingOccurrences(of: #""1h""#, with: #""2s""#), "10 s to 366 days"),
                (good.replacingOccurrences(of: #"["Owl","Fox","Bee"]"#, with: #"["Owl",2]"#), "choices[1] must be a non-empty string"),
                (good.replacingOccurrences(of: #""title""#, with: #""titel""#), "unknown member \"titel\""),
                (good.replacingOccurrences(of: "}", with: #","snapshot":"latest"}"#), "snapshot must be a block number"),
                (good.replacingOccurrences(of: "}", with: #","snapshot":500}"#), "is not below the chain's head 200"),
                (good.replacingOccurrences(of: #"["Owl","Fox","Bee"]"#, with: "[]"), "choices must be a non-empty array"),
            ]
            for (body, message) in bad {
                let reply = try await live.post("/admin/polls", body)
                #expect(reply.status == 400 && reply.errorCode == "bad-request", "\(body): \(reply.status) \(reply.text)")
                #expect(reply.errorMessage.contains(message), "\(body): \(reply.errorMessage)")
            }
            #expect(try await world.store.allProposals().isEmpty, "nothing refused was stored")
            let tooLarge = try await live.post("/admin/polls", String(repeating: " ", count: 70 * 1024) + good)
            #expect(tooLarge.status == 413 && tooLarge.errorCode == "too-large")

            let created = try await live.post("/admin/polls", good)
            #expect(created.status == 201, "\(created.text)")
            let key = try require(created.json["key"]?.stringValue, "key")
            #expect(key.hasPrefix("poll:treasury:0x") && created.json["kind"] == "poll" && created.json["group"] == .null)
            #expect(created.json["powerBlock"] == "197", "head 200 less 2 confirmations less one")
            let start = world.clock.now / 1000
            #expect(created.json["snapshot"] == .string(String(start)) && created.json["deadline"] == .string(String(start + 3600)))
            // The bot opens its group on its next step; the API then shows it.
            try await world.bot.step()
            let shown = try await live.get("/admin/proposals/\(try require(created.json["proposalId"]?.stringValue))")
            #expect(shown.status == 200 && shown.json["group"]?.stringValue != nil && shown.json["phase"] == "open", "\(shown.text)")
            #expect(shown.json["rules"]?["choices"] == ["Owl", "Fox", "Bee"])
            // The same poll again in the same millisecond would have the same id: refused, not duplicated.
            let again = try await live.post("/admin/polls", good)
            #expect(again.status == 400 && again.errorMessage.contains("already exists"))
            world.clock.advance(seconds: 1)
            #expect(try await live.post("/admin/polls", good).status == 201)
            #expect(try await world.store.allProposals().count == 2)
        }
    }

    @Test func perIPRateLimitAnswers429ButHealthStaysOpen() async throws {
        let world = try AdminWorld()
        var configuration = AdminServer.Configuration()
        configuration.requestRatePerIP = RateLimit(perSecond: 0.001, burst: 3)
        try await LiveAdmin.run(api: world.api(), configuration: configuration) { live in
            for _ in 0..<3 { #expect(try await live.get("/admin/channels").status == 200) }
            let limited = try await live.get("/admin/channels")
            #expect(limited.status == 429 && limited.errorCode == "rate-limited")
            #expect(Int(limited.headers.first(name: "Retry-After") ?? "") ?? 0 >= 1)
            #expect(try await live.get("/admin/channels", token: "wrong").status == 429, "refused before the token is looked at")
            #expect(try await live.get("/metrics", token: nil).status == 429)
            #expect(try await live.get("/health", token: nil).status == 200)
        }
    }

    @Test func withoutABotPollsAreUnavailable() async throws {
        let world = try AdminWorld()
        let api = AdminAPI(token: AdminWorld.token, channels: world.configuration.channels, store: world.store, polls: nil)
        try await LiveAdmin.run(api: api) { live in
            let reply = try await live.post("/admin/polls", "{}")
            #expect(reply.status == 503 && reply.errorCode == "unavailable")
        }
    }
}
