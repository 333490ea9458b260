import Ethereum
import FuzzDriver

/// ABI decoding of untrusted bytes. The first input byte picks a type list; the rest is the data.
/// Whatever decodes must re-encode, and decoding that encoding gives the same values back.
let typeLists: [[ABIType]] = [
    "uint256", "int8", "address", "bool", "bytes32", "bytes", "string", "uint256[]", "string[]",
    "(uint256,string)[]", "bytes[2]", "(address,(bytes,uint8[])[])", "uint8[][3]", "int256[2][]",
    // ProposalCreated's non-indexed data, and VoteCastWithParams'.
    "(uint256,address,address[],uint256[],string[],bytes[],uint256,uint256,string)",
    "(uint256,uint8,uint256,string,bytes)",
].map { text in
    let type = try! ABIType(text)
    if case .tuple(let members) = type { return members }
    return [type]
}

@_cdecl("FuzzABI_main")
public func main(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv) { start, count in fuzzABI(fuzzInput(start, count)) }
}

func fuzzABI(_ bytes: [UInt8]) -> CInt {
    guard !bytes.isEmpty else { return 0 }
    let types = typeLists[Int(bytes[0]) % typeLists.count]
    guard let values = try? ABIDecoder.decode(types, from: Array(bytes.dropFirst())) else { return 0 }
    let encoded: [UInt8]
    do { encoded = try ABIEncoder.encode(values, as: types) } catch { fatalError("decoded values do not re-encode: \(error)") }
    guard let again = try? ABIDecoder.decode(types, from: encoded), again == values else {
        fatalError("the canonical encoding of decoded values does not decode to them")
    }
    return 0
}
