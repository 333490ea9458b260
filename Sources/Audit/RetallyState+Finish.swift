import Bot
import Ethereum
import Governance

extension RetallyState {
    /// After the last line: completeness, the recomputed result against the signed one, the bot's
    /// signatures over the result and the header, and receipts held that named no line.
    mutating func finish() {
        if let line = truncatedLine {
            report.fail(
                .init(
                    .format, line: line, expected: "every line ended by a newline", found: "a last line cut short",
                    "the file ends inside a line: it was truncated"))
        }
        let needed = max(header.logHeadSeq, header.decidedThrough, header.closeSeq)
        if lastSeq < needed {
            report.fail(
                .init(
                    .format, line: 0, expected: "messages through seq \(needed)", found: "the log ends at seq \(lastSeq)",
                    "messages the result covers are missing: the file was cut short or the log truncated"))
        }
        for (seq, receipts) in held.sorted(by: { $0.key < $1.key }) {
            for (name, _) in receipts {
                report.fail(
                    .init(
                        .heldReceipt, line: 0, seq: seq, expected: "an entry at seq \(seq)", found: "none",
                        "receipt \(name): the export has no message at the receipted position: the ballot was left out"))
            }
        }
        if derivedClocks > 0 {
            report.notes.append(
                "\(derivedClocks) ballot(s) were recorded before the intake clock was kept: their window checks use the close notice and the recorded reason"
            )
        }
        if contractAnswersTaken > 0 {
            report.notes.append("\(contractAnswersTaken) contract-wallet (EIP-1271) answer(s) were taken from the export, not re-asked")
        }
        if undecidedAfterTally > 0 { report.notes.append("\(undecidedAfterTally) message(s) after the tally were never decided") }
        guard let (line, signed) = result else {
            report.fail(
                .init(
                    .format, line: 0, expected: "a result line last", found: "none",
                    "the export has no result: truncated, or the proposal was never tallied"))
            report.fail(
                .init(
                    .headerSignature, line: 1, expected: "a header bound to a result", found: "no result",
                    "the header cannot be verified without the result it was signed with"))
            return
        }
        // What only the streaming needed goes first: the result's lists are the largest thing built here.
        seen = []
        pendingReceipts = [:]
        power = [:]
        var rejectedIds = rejected
        rejected = []
        // The result, recomputed with the Governance tally from the ledger of effective ballots.
        let ballots = ledger.tallyBallots
        report.voters = max(report.voters, 0)
        var recomputed: TallyResult?
        do {
            let rules = try header.rules.tallyRules(quorum: header.quorum.amount)
            let tally = Tally.run(rules, ballots: ballots)
            // Results name the proposal by its key; those signed before that change named it by its id.
            let legacy = signed.typedData["message"]?["proposal"]?.stringValue == header.proposalId
            let base = TallyResult(
                proposal: legacy ? header.proposalId : header.proposal, report: tally, ballots: ballots, logHead: header.logHead,
                chainId: UInt256(header.chainId))
            rejectedIds.append(contentsOf: base.rejected)
            recomputed = TallyResult(
                proposal: base.proposal, system: base.system, choices: base.choices, scores: base.scores, validWeight: base.validWeight,
                invalidWeight: base.invalidWeight, validVotes: base.validVotes, invalidVotes: base.invalidVotes, voters: base.voters,
                quorum: base.quorum, quorumVotes: base.quorumVotes, outcome: base.outcome, winningChoice: base.winningChoice,
                counted: base.counted, rejected: consume rejectedIds, logHead: base.logHead, chainId: base.chainId)
        } catch {
            report.fail(.init(.result, line: line, expected: "rules that can be tallied", found: "\(error)", "the header's rules"))
        }
        if let recomputed {
            report.outcome = recomputed.outcome.rawValue
            report.scores = recomputed.scores.map(\.description)
            compareResult(recomputed, signed, line: line)
        }
        // The bot's signatures: over the result, and over the header with the result's digest.
        let resultSigned = signed.signer == header.bot && signed.problem == nil
        report.check(
            .resultSignature,
            resultSigned
                ? nil
                : .init(
                    .resultSignature, line: line, expected: header.bot.checksummed,
                    found: signed.problem ?? signed.signer?.checksummed ?? "no signer", "the result is not signed by the bot"))
        report.signedDigest = signed.digest
        for posted in postedResults where posted.digest != signed.digest {
            report.fail(
                .init(
                    .result, line: posted.line, seq: posted.seq, expected: signed.digest?.description ?? "none",
                    found: posted.digest.description, "the result the bot posted in the group is not the exported result"))
        }
        checkHeaderSignature(resultDigest: signed.digest)
    }

    mutating func compareResult(_ recomputed: TallyResult, _ signed: PreparedResult, line: Int) {
        guard let mine = try? recomputed.typedDataJSON() else {
            report.fail(
                .init(
                    .result, line: line, expected: "a result that fits its EIP-712 type", found: "one that does not",
                    "the recomputed result"))
            return
        }
        report.recomputedDigest = try? recomputed.digest()
        var problems = 0
        for key in ["domain", "primaryType", "types"] where mine[key] != signed.typedData[key] {
            report.fail(
                .init(
                    .result, line: line, expected: mine[key]?.serialized() ?? "", found: signed.typedData[key]?.serialized() ?? "missing",
                    "result.\(key)"))
            problems += 1
        }
        for (key, value) in mine["message"]?.objectValue ?? JSONObject() {
            let found = signed.typedData["message"]?[key]
            if found != value {
                report.fail(
                    .init(.result, line: line, expected: value.serialized(), found: found?.serialized() ?? "missing", "result.\(key)"))
                problems += 1
            }
        }
        if problems == 0 {
            report.pass(.result)
            if report.recomputedDigest != signed.digest {
                report.fail(
                    .init(
                        .result, line: line, expected: report.recomputedDigest?.description ?? "", found: signed.digest?.description ?? "",
                        "the result's digest"))
            }
        }
    }

    mutating func checkHeaderSignature(resultDigest: Hash32?) {
        var problem: String?
        if let expectedBot, expectedBot != header.bot {
            problem = "the header names the bot \(header.bot.checksummed), not \(expectedBot.checksummed)"
        } else if let headerSignature, let resultDigest {
            let digest = try? ExportAnchor.digest(
                proposal: header.proposal, headerHash: ExportAnchor.headerHash(headerText), resultDigest: resultDigest,
                chainId: header.chainId)
            let signer = digest.flatMap { try? headerSignature.recoverAddress(digest: $0) }
            if signer != header.bot {
                problem =
                    "the PlenumExport signature over the header and the result recovers to \(signer?.checksummed ?? "nothing"), not the bot"
            }
        } else if headerSignature == nil {
            problem = "the header is not signed (the proposal was tallied before exports were anchored)"
        } else {
            problem = "the result's digest cannot be computed"
        }
        report.check(
            .headerSignature,
            problem.map {
                .init(.headerSignature, line: 1, expected: "the bot's signature over this header and result", found: $0, "header")
            })
    }
}
