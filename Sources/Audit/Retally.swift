import Bot
import Ethereum
import Governance

#if canImport(Glibc)
import Glibc
#endif

/// The offline re-tally of an export: reads the file once, line by line, and re-verifies the hash
/// chain, every signature, every ballot's validity and weight, then recomputes the tally with the
/// Governance code and compares it with the bot's signed result (`docs/audit-format.md`).
///
/// It trusts nothing in the file that it can recompute, and reads nothing but the file (the
/// network only through `--rpc`, in `RetallyChainCheck`). Signature recovery, the expensive part,
/// runs on `workers` tasks at once over batches of lines; decisions are then applied in file order,
/// so the outcome does not depend on the number of workers.
public enum Retally {
    public struct Options: Sendable {
        /// Parallel workers (1 = a single thread of work).
        public var workers: Int
        /// The bot's address as the auditor knows it: the header must name it.
        public var bot: Address?
        /// Receipts a voter holds (file name and signed document).
        public var receipts: [(name: String, document: JSON)] = []
        /// Lines per batch handed to the workers (two batches are in memory at once: one being
        /// prepared, one being applied).
        public var batchLines = 512
        /// Keep each voter's recorded chain reads (for `--rpc`).
        public var keepReads = false
        /// Called after each batch with (bytes read, file size).
        public var progress: (@Sendable (Int64, Int64) -> Void)?

        public init(workers: Int = Retally.cores) { self.workers = max(1, workers) }
    }

    /// The cores this process may use.
    public static var cores: Int { max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) }

    /// What a re-tally leaves for the `--rpc` checks.
    public struct Outcome: Sendable {
        public var report: RetallyReport
        public let header: ExportHeader?
        /// Each voter's recorded chain reads (when `keepReads`).
        let reads: [Address: [RecordedRead]]
    }

    /// Re-tallies the export at `path`. Throws only when the file is not a readable export (exit 2);
    /// everything else is a mismatch in the report.
    public static func run(path: String, options: Options) async throws(RetallyInputError) -> Outcome {
        let started = ContinuousClock.now
        guard let reader = LineReader(path: path) else { throw RetallyInputError("cannot open \(path)") }
        let first: LineReader.Line?
        do { first = try reader.next() } catch { throw RetallyInputError("\(path): \(error)") }
        guard let first, let json = try? JSONParser(limits: PreparationContext.lineLimits).parse(first.bytes),
            json["plenum"]?.stringValue == "export"
        else { throw RetallyInputError("\(path) is not a Plenum export (its first line is not {\"plenum\": \"export\", …})") }
        guard case .number(let f)? = json["format"], Int(f) == ExportFormat.format else {
            throw RetallyInputError(
                "\(path): export format \(json["format"]?.serialized() ?? "missing") is not supported (this plenum reads format \(ExportFormat.format))"
            )
        }
        var report = RetallyReport()
        report.workers = options.workers
        report.lines = 1
        guard let text = json["header"]?.stringValue else {
            report.fail(.init(.format, line: 1, expected: "header: the header's JSON text", found: "none", "the header is missing"))
            return Outcome(report: report, header: nil, reads: [:])
        }
        let header: ExportHeader
        do { header = try ExportHeader(json: try JSONParser.parse(text)) } catch {
            report.fail(.init(.format, line: 1, expected: "a readable header", found: "\(error)", "the header cannot be read"))
            report.fail(.init(.headerSignature, line: 1, expected: "a header the bot signed", found: "an unreadable header", "header"))
            return Outcome(report: report, header: nil, reads: [:])
        }
        var signature: Signature?
        if let s = json["signature"]?.stringValue { signature = try? Signature(hex: s) }
        var held: [(name: String, receipt: Receipt)] = []
        var receiptProblems: [RetallyReport.Mismatch] = []
        for (name, document) in options.receipts {
            do { held.append((name, try Receipt(signedDocument: document, signer: options.bot ?? header.bot))) } catch {
                receiptProblems.append(
                    .init(.heldReceipt, line: 0, expected: "a receipt signed by the bot", found: "\(error)", "receipt \(name)"))
            }
        }
        var state = RetallyState(
            header: header, headerText: text, headerSignature: signature, expectedBot: options.bot, heldReceipts: held,
            keepReads: options.keepReads)
        state.report.workers = options.workers
        state.report.lines = 1
        for problem in receiptProblems { state.report.fail(problem) }
        for r in held where !r.receipt.proposal.hasSameBytes(as: header.proposal) {
            state.report.fail(
                .init(
                    .heldReceipt, line: 0, seq: r.receipt.sequence, expected: header.proposal, found: r.receipt.proposal,
                    "receipt \(r.name) is for another proposal"))
        }
        let context = PreparationContext(
            header: header, proposal: header.botProposal, validator: VoteValidator(proposal: header.botProposal.proposalContext),
            keepReads: options.keepReads)
        // A pipeline: while the workers prepare one batch, this task reads the next one and applies
        // the one before, in file order.
        var inFlight: (work: Task<[PreparedLine], Never>, offset: Int64)?
        while true {
            var batch: [LineReader.Line] = []
            batch.reserveCapacity(options.batchLines)
            do {
                while batch.count < options.batchLines, let line = try reader.next() { batch.append(line) }
            } catch {
                inFlight?.work.cancel()
                throw RetallyInputError("\(path): \(error)")
            }
            if let last = batch.last, !last.terminated { state.truncatedLine = last.number }
            let next =
                batch.isEmpty
                ? nil : (work: Task { [batch] in await prepare(batch, context: context, workers: options.workers) }, offset: reader.offset)
            if let (work, offset) = inFlight {
                let lines = await work.value
                for i in lines.indices { state.apply(lines[i]) }
                options.progress?(offset, reader.size)
            }
            guard let next else { break }
            inFlight = next
        }
        state.finish()
        state.report.seconds =
            Double((ContinuousClock.now - started).components.attoseconds) / 1e18
            + Double((ContinuousClock.now - started).components.seconds)
        return Outcome(report: state.report, header: header, reads: state.reads)
    }

    /// Prepares a batch on `workers` threads (outside the cooperative pool), each a contiguous
    /// slice; then evaluates power lines' strategies. Results in line order.
    static func prepare(_ batch: [LineReader.Line], context: PreparationContext, workers: Int) async -> [PreparedLine] {
        var prepared = await ParallelWork.map(batch.count, workers: workers) { context.prepare(batch[$0]) }
        for i in prepared.indices {
            if case .pendingPower(let number, let json) = prepared[i] {
                prepared[i] = .power(line: number, await context.preparePower(json))
            }
        }
        return prepared
    }
}

/// The input cannot be used as an export at all (exit 2).
public struct RetallyInputError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
