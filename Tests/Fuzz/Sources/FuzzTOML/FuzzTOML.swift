import FuzzDriver
import TOML

/// The TOML parser behind config/plenum.toml and proposals/*.toml: parses or throws an error with a
/// line number inside the input.
@_cdecl("FuzzTOML_main")
public func main(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv) { start, count in fuzzTOML(fuzzInput(start, count)) }
}

func fuzzTOML(_ bytes: [UInt8]) -> CInt {
    let text = String(decoding: bytes, as: UTF8.self)
    do {
        _ = try TOMLParser.parse(text)
    } catch let error as TOMLError {
        // Lines end at LF bytes (a CRLF is one Character in Swift, so split the UTF-8, not the String).
        let lines = text.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).count
        guard error.line >= 1 && error.line <= lines + 1 else { fatalError("error line \(error.line) outside 1...\(lines)") }
    } catch {
        fatalError("TOMLParser threw something other than TOMLError: \(error)")
    }
    return 0
}
