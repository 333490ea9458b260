import Audit
import AuditTesting
import Ethereum
import FuzzDriver

#if canImport(Glibc)
import Glibc
#endif

/// Export files through `Retally.run`, the reader behind `plenum retally`. A reference export is
/// generated at start (`ExportGenerator`, as `plenum-bench export-gen --ballots 6 --voters 3`
/// writes it) and must re-tally to a match. The first input byte, modulo 3, picks what the rest
/// is: 0, lines that follow the reference header; 1, a replacement for one line of the reference
/// export (the second byte, modulo the line count, picks the line; the replacement may hold several
/// lines or none); 2, a whole export file. Then: the re-tally returns a report, or throws only when the first line
/// is not an export header; every line is read unless the header cannot be (a mismatch); a line
/// that is not a JSON object of a known kind within the parser's limits (64 levels of nesting,
/// counted here independently) is a mismatch naming that line, never a match; so is a last line
/// cut short.
///
/// With `PLENUM_FUZZ_REFERENCE=FILE` set it only writes the reference export to FILE (make-seeds.py
/// cuts the seeds from it, so that they are lines of the very export the harness re-tallies).
@_cdecl("FuzzExportLine_main")
public func main(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    if let out = getenv("PLENUM_FUZZ_REFERENCE") {
        writeFile(String(cString: out), reference.flatMap { $0 + [UInt8(ascii: "\n")] })
        return 0
    }
    return runFuzzer(argc, argv) { start, count in fuzzExportLine(fuzzInput(start, count)) }
}

/// The reference export's size: small, so that re-tallying it whole stays fast.
let referenceBallots = 6
let referenceVoters = 3

let scratch = makeScratchDirectory("fuzz-export")

/// The reference export's lines (without their `\n`), checked once to re-tally to a match.
let reference: [[UInt8]] = {
    let path = "\(scratch)/reference.jsonl"
    let generated = runBlocking { () -> String? in
        var configuration = ExportGenerator.Configuration(ballots: referenceBallots, voters: referenceVoters)
        configuration.workers = 1
        do { _ = try await ExportGenerator.generate(to: path, configuration: configuration) } catch { return "\(error)" }
        return nil
    }
    if let generated { fatalError("cannot generate the reference export: \(generated)") }
    guard case .success(let outcome) = retally(path), outcome.report.isMatch else {
        fatalError("the reference export does not re-tally to a match")
    }
    let bytes = readFile(path) ?? []
    return Array(bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).dropLast().map(Array.init))
}()

/// Lines known to be well formed, skipped by the harness's own check.
let referenceLines = Set(reference)

let limits = JSONParser.Limits(maxBytes: 8 << 20, maxDepth: 64)
let lineKinds: Set<String> = ["power", "message", "vote-cast", "result"]

func fuzzExportLine(_ bytes: [UInt8]) -> CInt {
    guard let mode = bytes.first else { return 0 }
    let newline = [UInt8(ascii: "\n")]
    var file: [UInt8]
    switch mode % 3 {
    case 0:
        file = reference[0] + newline + bytes.dropFirst()
    case 1:
        guard bytes.count >= 2 else { return 0 }
        let replaced = Int(bytes[1]) % reference.count
        file = reference[..<replaced].flatMap { $0 + newline } + bytes.dropFirst(2) + newline
        file += reference[(replaced + 1)...].flatMap { $0 + newline }
    default:
        file = Array(bytes.dropFirst())
    }
    let path = "\(scratch)/fuzzed.jsonl"
    writeFile(path, file)

    var lines = file.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
    let cutShort = !(lines.last?.isEmpty ?? true)
    if !cutShort { lines.removeLast() }

    let report: RetallyReport
    switch retally(path) {
    case .failure(let error):
        guard !error.description.isEmpty else { fatalError("a RetallyInputError without a description") }
        // Refusing is right unless the first line is a header (an empty file has no first line).
        if let first = lines.first, isExportHeader(first) {
            fatalError("an export whose first line is a format-1 header was refused as input: \(error)")
        }
        return 0
    case .success(let outcome):
        report = outcome.report
    }
    guard let first = lines.first, isExportHeader(first) else {
        fatalError("a file whose first line is not an export header was read as one")
    }
    // Every line is read, unless the header cannot be (then nothing after it can be checked).
    let unreadableHeader = report.mismatches.contains { $0.check == .format && $0.line == 1 }
    guard report.lines == lines.count || (report.lines == 1 && unreadableHeader && !report.isMatch) else {
        fatalError("\(lines.count) lines, \(report.lines) read:\n\(report.text.suffix(3000))")
    }
    let listedAll = report.mismatches.count < RetallyReport.maxListed
    let named = Set(report.mismatches.map(\.line))
    for (index, line) in lines.enumerated().dropFirst(report.lines == lines.count ? 1 : lines.count)
    where !referenceLines.contains(Array(line)) {
        guard let why = malformed(line) else { continue }
        guard !report.isMatch else { fatalError("line \(index + 1) is \(why), yet the verdict is a match") }
        guard !listedAll || named.contains(index + 1) else {
            fatalError("line \(index + 1) is \(why), yet no mismatch names it:\n\(report.text.suffix(3000))")
        }
    }
    if cutShort && report.isMatch { fatalError("a file that ends inside a line re-tallied to a match") }
    return 0
}

func retally(_ path: String) -> Result<Retally.Outcome, RetallyInputError> {
    runBlocking {
        do throws(RetallyInputError) {
            return .success(try await Retally.run(path: path, options: Retally.Options(workers: 1)))
        } catch {
            return .failure(error)
        }
    }
}

/// `{"plenum": "export", "format": 1, …}` within the parser's limits: a first line the re-tally must accept.
func isExportHeader(_ line: ArraySlice<UInt8>) -> Bool {
    guard malformedJSON(line) == nil, let json = try? JSONParser(limits: limits).parse(Array(line)) else { return false }
    return json["plenum"]?.stringValue == "export" && json["format"] == .number("1")
}

/// Why a line after the header is not one the re-tally can use, or nil when it may be.
func malformed(_ line: ArraySlice<UInt8>) -> String? {
    if let why = malformedJSON(line) { return why }
    guard let json = try? JSONParser(limits: limits).parse(Array(line)) else { return "not JSON" }
    if json["plenum"] != nil { return "a second header" }
    guard let kind = json["type"]?.stringValue, lineKinds.contains(kind) else { return "of no known kind" }
    return nil
}

/// Nesting deeper than the parser's limit, counted here without the parser.
func malformedJSON(_ line: ArraySlice<UInt8>) -> String? {
    var depth = 0
    var deepest = 0
    var inString = false
    var escaped = false
    for byte in line {
        if inString {
            if escaped {
                escaped = false
            } else if byte == UInt8(ascii: "\\") {
                escaped = true
            } else if byte == UInt8(ascii: "\"") {
                inString = false
            }
            continue
        }
        switch byte {
        case UInt8(ascii: "\""): inString = true
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            depth += 1
            deepest = max(deepest, depth)
        case UInt8(ascii: "}"), UInt8(ascii: "]"): depth -= 1
        default: break
        }
    }
    return deepest > limits.maxDepth ? "nested \(deepest) levels deep" : nil
}
