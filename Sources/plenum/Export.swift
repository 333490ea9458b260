import ArgumentParser
import Foundation
import PlenumService
import Storage

struct Export: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a proposal's tamper-evident export (JSON Lines) for an offline re-tally.",
        discussion: """
            One self-contained file per proposal (docs/audit-format.md): the header the bot signed with
            the result, every voter's power with the block and call it was read with, every message of
            the group in order with its signature, hash link and the bot's decision, the on-chain
            VoteCast events, and the signed result last. Rows are streamed: memory stays constant
            whatever the size. The database is opened read-only, beside a running service if need be.
            --proposal writes one export to --out FILE (standard output without --out); --all or
            --channel NAME write one file per proposal into the folder --out DIR, named after the key.
            Exit status: 0 written; 1 a proposal has no group yet; 2 unusable input.
            """)

    @Option(name: .long, help: "A proposal key (gov:… or poll:…), a governor proposal id, or a poll id.")
    var proposal: String?

    @Flag(name: .long, help: "Export every proposal (archival); needs --out DIR.")
    var all = false

    @Option(name: .long, help: "Export every proposal of this channel; needs --out DIR.")
    var channel: String?

    @Option(name: .long, help: "The output file (--proposal) or folder (--all, --channel).")
    var out: String?

    @Option(name: .long, help: "The service configuration file.")
    var config: String = "config/plenum.toml"

    func validate() throws {
        let modes = [proposal != nil, all, channel != nil].filter { $0 }.count
        guard modes == 1 else { throw ValidationError("give exactly one of --proposal ID, --all, --channel NAME") }
        if proposal == nil, out == nil { throw ValidationError("--all and --channel write one file per proposal: give --out DIR") }
    }

    func run() async throws {
        try await AdminCLI.run {
            let (configuration, queries) = try AdminCLI.queries(config: config)
            let store: SQLiteStore
            do { store = try SQLiteStore(readOnlyPath: configuration.storagePath) } catch let error as StorageError {
                throw CLIFailure.input(error.description)
            }
            if let proposal {
                let key = try await queries.proposal(proposal).key
                let summary = try write(key, store: store, to: out)
                if out != nil { report(summary, file: out!) }
                return
            }
            if let channel { _ = try queries.channel(channel) }
            let folder = out!
            do { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) } catch {
                throw CLIFailure.input("cannot create \(folder): \(error)")
            }
            var skipped = 0
            for key in try store.exportableProposals(channel: channel) {
                guard try await queries.proposal(key).group != nil else {
                    skipped += 1
                    continue
                }
                let file = folder + "/" + Self.fileName(key)
                report(try write(key, store: store, to: file), file: file)
            }
            if skipped > 0 { FileHandle.standardError.write(Data("skipped \(skipped) proposal(s) without a group yet\n".utf8)) }
        }
    }

    /// `gov:1:0xabc…:42` → `gov-1-0xabc…-42.jsonl`.
    static func fileName(_ key: String) -> String {
        String(key.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "." ? $0 : "-" }) + ".jsonl"
    }

    func report(_ s: SQLiteStore.ExportSummary, file: String) {
        let state = s.hasResult ? (s.anchored ? "signed result" : "signed result, header not anchored") : "no result yet"
        FileHandle.standardError.write(
            Data("exported \(s.proposal) to \(file): \(s.lines) lines, \(s.messages) messages, \(s.voters) voters (\(state))\n".utf8))
    }

    /// Writes one export to `path` (through a temporary file renamed at the end) or standard output.
    func write(_ key: String, store: SQLiteStore, to path: String?) throws -> SQLiteStore.ExportSummary {
        let output: LineOutput
        do { output = try LineOutput(path: path.map { $0 + ".partial" }) } catch { throw CLIFailure.input("\(error)") }
        let summary: SQLiteStore.ExportSummary
        do {
            summary = try store.export(proposal: key) { try output.write($0) }
            try output.close()
        } catch let error as StorageError {
            try? output.close()
            if let path { try? FileManager.default.removeItem(atPath: path + ".partial") }
            throw CLIFailure.check(error.description)
        }
        if let path {
            _ = try? FileManager.default.removeItem(atPath: path)
            do { try FileManager.default.moveItem(atPath: path + ".partial", toPath: path) } catch {
                throw CLIFailure.input("cannot write \(path): \(error)")
            }
        }
        return summary
    }
}

/// Lines written through a buffer to a file or standard output.
final class LineOutput {
    let handle: FileHandle
    let ownsHandle: Bool
    var buffer: [UInt8] = []

    init(path: String?) throws {
        if let path {
            guard FileManager.default.createFile(atPath: path, contents: nil), let h = FileHandle(forWritingAtPath: path) else {
                throw CLIFailure.input("cannot create \(path)")
            }
            handle = h
            ownsHandle = true
        } else {
            handle = FileHandle.standardOutput
            ownsHandle = false
        }
        buffer.reserveCapacity(1 << 20)
    }

    func write(_ line: String) throws {
        buffer.append(contentsOf: line.utf8)
        buffer.append(0x0A)
        if buffer.count >= 1 << 20 { try flush() }
    }

    func flush() throws {
        try handle.write(contentsOf: buffer)
        buffer.removeAll(keepingCapacity: true)
    }

    func close() throws {
        try flush()
        if ownsHandle { try handle.close() }
    }
}
