import Ethereum
import FuzzDriver

/// The JSON parser behind every API request, RPC response and signed document: within its limits
/// it parses or throws; whatever it parses serializes and parses back to the same value.
@_cdecl("FuzzJSON_main")
public func main(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv) { start, count in fuzzJSON(fuzzInput(start, count)) }
}

func fuzzJSON(_ bytes: [UInt8]) -> CInt {
    let text = String(decoding: bytes, as: UTF8.self)
    guard let value = try? JSONParser.parse(text) else { return 0 }
    let written = value.serialized()
    guard let again = try? JSONParser.parse(written) else { fatalError("serialized JSON does not parse: \(written)") }
    guard again == value else { fatalError("JSON changed in a round trip: \(written)") }
    return 0
}
