import Bot
import Ethereum
import Governance
import TOML

/// Channel files carry the rules of their proposals (`ProposalRules`); this reads them from TOML.
extension ProposalRules {
    /// Reads the rules from a channel file's tables, reporting problems with lines.
    static func read(_ reader: inout TOMLReader, governor: Address?) -> ProposalRules {
        let file = reader.file
        let title = reader.string("title")
        var system = VotingSystem.basic
        var choices: [String] = []
        var voteChange = VoteChangeRule.lastVoteWins
        var threshold = PassThreshold.simpleMajority
        var counting: QuorumCounting?
        if let (table, line) = reader.table("voting") {
            var voting = TOMLReader(file: file, table: table, prefix: "voting", line: line)
            if let s = voting.string("system") {
                if let parsed = VotingSystem(rawValue: s) {
                    system = parsed
                } else {
                    voting.problem("system", "\"\(s)\" is not one of \(VotingSystem.allCases.map(\.rawValue).joined(separator: ", "))")
                }
            }
            choices = voting.stringArray("choices") ?? []
            if let v = voting.string("vote_change") {
                if let parsed = VoteChangeRule(rawValue: v) {
                    voteChange = parsed
                } else {
                    voting.problem("vote_change", "must be \"last-vote-wins\" or \"first-vote-is-final\"")
                }
            }
            if let t = voting.string("threshold") {
                do { threshold = try PassThreshold(parsing: t) } catch { voting.problem("threshold", "\(error)") }
            }
            if let node = voting.node("quorum_counting", required: false) {
                switch node.value {
                case .string("all"): counting = .allValidBallots
                case .array(let items):
                    let ints = items.compactMap { if case .integer(let i) = $0.value { Int(i) } else { nil } }
                    if ints.count == items.count {
                        counting = .choices(Set(ints))
                    } else {
                        voting.problem("quorum_counting", "must be \"all\" or a list of 1-based choice numbers")
                    }
                default: voting.problem("quorum_counting", "must be \"all\" or a list of 1-based choice numbers")
                }
            }
            voting.rejectUnknownKeys()
            reader.problems += voting.problems
        }
        if system == .basic && choices.isEmpty { choices = VotingSystem.basicChoices }
        if system != .basic && choices.isEmpty { reader.problem("voting", "choices are required for \(system.rawValue) votes") }
        do { _ = try TallyRules(system: system, choices: choices, quorumCounting: counting, threshold: threshold) } catch {
            reader.problem("voting", "\(error)")
        }

        // (When the governor itself is missing the file already has a problem; the placeholder is never used.)
        var power: VotingPowerStrategy = governor.map { .governorVotes(governor: $0) } ?? .onePerMember([])
        if let node = reader.node("power", required: false) {
            do { power = try VotingPowerStrategy(json: node.jsonValue) } catch { reader.problem("power", "\(error)") }
        }

        var quorum: QuorumRequirement = governor.map { .governor($0) } ?? .none
        if let (table, line) = reader.table("quorum") {
            var q = TOMLReader(file: file, table: table, prefix: "quorum", line: line)
            switch q.string("rule", required: true) {
            case "none": quorum = .none
            case "governor":
                if let g = q.address("governor") ?? governor { quorum = .governor(g) } else { q.problem("governor", "is required") }
            case "absolute":
                if let text = q.string("amount", required: true) {
                    if let amount = try? UInt256(decimal: text) {
                        quorum = .absolute(amount)
                    } else {
                        q.problem("amount", "must be a decimal string of token base units")
                    }
                }
            case "fraction":
                let token = q.address("token", required: true)
                let n = q.integer("numerator", required: true, range: 1...Int64.max)
                let d = q.integer("denominator", required: true, range: 1...Int64.max)
                let source = q.string("source") ?? "past-total-supply"
                if let token, let n, let d {
                    if n > d { q.problem("numerator", "must not exceed the denominator") }
                    if let s = QuorumRequirement.SupplySource(rawValue: source) {
                        quorum = .fractionOfSupply(token: token, numerator: UInt256(UInt64(n)), denominator: UInt256(UInt64(d)), source: s)
                    } else {
                        q.problem("source", "must be \"past-total-supply\" or \"total-supply\"")
                    }
                }
            case let other?:
                q.problem("rule", "\"\(other)\" is not none, governor, absolute or fraction")
            case nil: break
            }
            q.rejectUnknownKeys()
            reader.problems += q.problems
        }

        var gating = Gating.votingPower
        if let (table, line) = reader.table("gating") {
            var g = TOMLReader(file: file, table: table, prefix: "gating", line: line)
            switch g.string("rule", required: true) {
            case "voting-power": gating = .votingPower
            case "anyone": gating = .anyone
            case "allowlist":
                let members = (g.stringArray("members", required: true) ?? []).compactMap { text -> Address? in
                    do { return try Address(text) } catch {
                        g.problem("members", "\(error)")
                        return nil
                    }
                }
                gating = .allowlist(members)
            case let other?: g.problem("rule", "\"\(other)\" is not voting-power, allowlist or anyone")
            case nil: break
            }
            g.rejectUnknownKeys()
            reader.problems += g.problems
        }

        var reminders: [Duration] = []
        if let (table, line) = reader.table("reminders") {
            var r = TOMLReader(file: file, table: table, prefix: "reminders", line: line)
            for text in r.stringArray("before") ?? [] {
                if let d = TOMLReader.parseDuration(text) {
                    if d <= TOMLReader.longestDuration {
                        reminders.append(d)
                    } else {
                        r.problem("before", "\"\(text)\" is longer than the longest duration Plenum accepts (366 days)")
                    }
                } else {
                    r.problem("before", "\"\(text)\" is not a duration")
                }
            }
            r.rejectUnknownKeys()
            reader.problems += r.problems
        }
        var webhooks: [String] = []
        if let (table, line) = reader.table("webhooks") {
            var w = TOMLReader(file: file, table: table, prefix: "webhooks", line: line)
            webhooks = w.stringArray("urls") ?? []
            for url in webhooks where !(url.hasPrefix("https://") || url.hasPrefix("http://")) {
                w.problem("urls", "\"\(url)\" is not an http(s) URL")
            }
            w.rejectUnknownKeys()
            reader.problems += w.problems
        }
        return ProposalRules(
            title: title, system: system, choices: choices, voteChange: voteChange, threshold: threshold, quorumCounting: counting,
            power: power,
            quorum: quorum, gating: gating, reminders: reminders.sorted(by: >), webhooks: webhooks)
    }
}

extension TOMLNode {
    /// The node as JSON (strings, numbers as literals, booleans, arrays, tables as objects).
    var jsonValue: JSON {
        switch value {
        case .string(let s): .string(s)
        case .integer(let i): .number(String(i))
        case .float(let d): .number(String(d))
        case .bool(let b): .bool(b)
        case .array(let items): .array(items.map(\.jsonValue))
        case .table(let t): .object(JSONObject(t.keys.map { ($0, t[$0]!.jsonValue) }))
        }
    }
}
