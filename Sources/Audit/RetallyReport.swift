import Ethereum

/// What a re-tally found: per check, how many items it examined and how many failed; each failure
/// with where and what; the recomputed result; and the verdict.
public struct RetallyReport: Sendable {
    /// The checks, in the order they are reported.
    public enum Check: String, Sendable, CaseIterable, Comparable {
        /// The export's structure: lines in order, each readable, the file complete.
        case format
        /// The bot's signature over the header and the result's digest.
        case headerSignature = "header-signature"
        /// The group's first message (the bot's proposal descriptor) agrees with the header.
        case descriptor
        /// Each entry's hash recomputed, and linked to the previous one (seq + 1, prevHash).
        case hashChain = "hash-chain"
        /// Each entry's id recomputed from its fields and its signature recovered to its sender.
        case messageSignature = "message-signature"
        /// Each member message's decision recomputed (ballot parsing, domain, window, choice, ballot
        /// signature, duplicates, vote-change rule) and compared with the recorded one.
        case ballot
        /// Each voter's power: components against the strategy and the pinned blocks, sum, calls.
        case power
        /// Each counted ballot's weight equals its voter's power.
        case weight
        /// The intake clock recorded with each ballot respects the close notice.
        case clock
        /// Each receipt the bot posted in the log matches the decision and entry it names.
        case receipt
        /// The log head in the header and the result is the hash of that entry.
        case logHead = "log-head"
        /// The recomputed result equals the signed one, field by field.
        case result
        /// The bot's signature over the result.
        case resultSignature = "result-signature"
        /// A receipt a voter holds (`--receipt`): genuine, and its ballot stands at the receipted position.
        case heldReceipt = "held-receipt"
        /// `--rpc`: the proposal's log, snapshot, pinned blocks, voting power and quorum re-read from a node.
        case chain

        public static func < (a: Check, b: Check) -> Bool {
            allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
        }
    }

    /// One failed check.
    public struct Mismatch: Sendable, CustomStringConvertible {
        public let check: Check
        /// The line of the export (0 when the problem is with the whole file).
        public let line: Int
        /// The message's sequence, when the problem is with one.
        public let seq: UInt64?
        public let expected: String
        public let found: String
        public let detail: String

        public init(_ check: Check, line: Int, seq: UInt64? = nil, expected: String = "", found: String = "", _ detail: String) {
            self.check = check
            self.line = line
            self.seq = seq
            self.expected = expected
            self.found = found
            self.detail = detail
        }

        public var description: String {
            var where_ = line > 0 ? "line \(line)" : "file"
            if let seq { where_ += ", seq \(seq)" }
            var text = "\(check.rawValue) (\(where_)): \(detail)"
            if !expected.isEmpty || !found.isEmpty { text += " — expected \(expected.prefix(200)), found \(found.prefix(200))" }
            return text
        }

        public var json: JSON {
            .object(
                JSONObject([
                    ("check", .string(check.rawValue)), ("line", .number(String(line))), ("seq", seq.map { .number(String($0)) } ?? .null),
                    ("expected", .string(expected)), ("found", .string(found)), ("detail", .string(detail)),
                ]))
        }
    }

    public struct Count: Sendable {
        public var checked = 0
        public var failed = 0
    }

    public var counts: [Check: Count] = [:]
    /// The first `maxListed` mismatches (all are counted in `counts`).
    public var mismatches: [Mismatch] = []
    public var mismatchCount = 0
    public static let maxListed = 1000
    /// Notes that are not failures (what could not be checked offline, for instance).
    public var notes: [String] = []
    public var proposal = ""
    public var bot: Address?
    public var lines = 0
    public var messages = 0
    public var ballots = 0
    public var voters = 0
    /// The recomputed result's digest and the signed one.
    public var recomputedDigest: Hash32?
    public var signedDigest: Hash32?
    public var outcome = ""
    public var scores: [String] = []
    public var choices: [String] = []
    public var seconds = 0.0
    public var workers = 1

    public init() {}

    public var isMatch: Bool { mismatchCount == 0 }

    mutating func pass(_ check: Check, _ n: Int = 1) { counts[check, default: Count()].checked += n }

    mutating func fail(_ mismatch: Mismatch) {
        counts[mismatch.check, default: Count()].checked += 1
        counts[mismatch.check, default: Count()].failed += 1
        mismatchCount += 1
        if mismatches.count < Self.maxListed { mismatches.append(mismatch) }
    }

    /// Records one examined item of `check`: a pass when `problem` is nil.
    mutating func check(_ check: Check, _ problem: Mismatch?) {
        if let problem { fail(problem) } else { pass(check) }
    }

    /// The machine-readable report (`plenum retally --json`; shape in `docs/audit-format.md`).
    public var json: JSON {
        let checks: [JSON] = counts.keys.sorted().map { c in
            .object(
                JSONObject([
                    ("check", .string(c.rawValue)), ("checked", .number(String(counts[c]!.checked))),
                    ("failed", .number(String(counts[c]!.failed))),
                ]))
        }
        return .object(
            JSONObject([
                ("verdict", .string(isMatch ? "match" : "mismatch")), ("proposal", .string(proposal)),
                ("bot", bot.map { .string($0.checksummed) } ?? .null), ("lines", .number(String(lines))),
                ("messages", .number(String(messages))), ("ballots", .number(String(ballots))), ("voters", .number(String(voters))),
                ("checks", .array(checks)),
                (
                    "result",
                    .object(
                        JSONObject([
                            ("outcome", .string(outcome)), ("choices", .array(choices.map { .string($0) })),
                            ("scores", .array(scores.map { .string($0) })),
                            ("recomputedDigest", recomputedDigest.map { .string($0.description) } ?? .null),
                            ("signedDigest", signedDigest.map { .string($0.description) } ?? .null),
                        ]))
                ),
                ("mismatchCount", .number(String(mismatchCount))), ("mismatches", .array(mismatches.map(\.json))),
                ("notes", .array(notes.map { .string($0) })), ("workers", .number(String(workers))),
                ("seconds", .number(String(format3(seconds)))),
            ]))
    }

    /// The report for people: counts per check, the result, each mismatch, the verdict.
    public var text: String {
        var lines = ["proposal \(proposal)", "bot      \(bot?.checksummed ?? "unknown")"]
        lines.append("read     \(self.lines) lines: \(messages) messages, \(ballots) ballots, \(voters) voters")
        for c in counts.keys.sorted() {
            let n = counts[c]!
            let name = c.rawValue.padding(16)
            lines.append("  \(name) \(String(n.checked).leftPadding(9)) checked  \(n.failed == 0 ? "ok" : "\(n.failed) FAILED")")
        }
        if !choices.isEmpty {
            lines.append("result   \(outcome)")
            for (i, choice) in choices.enumerated() where i < scores.count { lines.append("  \(i + 1) \(choice): \(scores[i])") }
        }
        if let recomputedDigest { lines.append("digest   \(recomputedDigest) (recomputed)") }
        if let signedDigest { lines.append("         \(signedDigest) (signed)") }
        for note in notes { lines.append("note: \(note)") }
        for m in mismatches { lines.append("MISMATCH \(m)") }
        if mismatchCount > mismatches.count { lines.append("… and \(mismatchCount - mismatches.count) more mismatches") }
        lines.append(
            isMatch
                ? "verdict: match — every check passed; the result is reproduced exactly"
                : "verdict: MISMATCH — \(mismatchCount) check(s) failed")
        return lines.joined(separator: "\n")
    }
}

func format3(_ x: Double) -> String {
    let ms = Int((x * 1000).rounded())
    let frac = String(ms % 1000)
    return "\(ms / 1000).\(String(repeating: "0", count: 3 - frac.count))\(frac)"
}

extension String {
    func padding(_ n: Int) -> String { count >= n ? self : self + String(repeating: " ", count: n - count) }
    func leftPadding(_ n: Int) -> String { count >= n ? self : String(repeating: " ", count: n - count) + self }
}
