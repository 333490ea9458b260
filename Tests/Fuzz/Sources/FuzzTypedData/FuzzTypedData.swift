import Ethereum
import FuzzDriver

/// EIP-712 typed data in the wallet JSON form, as `plenum verify` and the hub read it: parsing and
/// hashing must either succeed or throw, never trap, and a digest must be deterministic.
@_cdecl("FuzzTypedData_main")
public func main(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv) { start, count in fuzzTypedData(fuzzInput(start, count)) }
}

func fuzzTypedData(_ bytes: [UInt8]) -> CInt {
    let text = String(decoding: bytes, as: UTF8.self)
    guard let typedData = try? TypedData(jsonText: text), let digest = try? typedData.digest() else { return 0 }
    guard (try? TypedData(jsonText: text).digest()) == digest else { fatalError("the same typed data hashed twice differs") }
    return 0
}
