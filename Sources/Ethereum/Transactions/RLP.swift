/// Recursive Length Prefix encoding (Ethereum Yellow Paper, appendix B).
public indirect enum RLP: Hashable, Sendable {
    case bytes([UInt8])
    case list([RLP])

    /// An unsigned integer as RLP writes it: big-endian without leading zeros (zero is the empty string).
    public static func uint(_ value: UInt256) -> RLP {
        .bytes(Array(value.bigEndianBytes.drop(while: { $0 == 0 })))
    }

    public static func uint(_ value: UInt64) -> RLP { uint(UInt256(value)) }

    /// The encoding.
    public var encoded: [UInt8] {
        var out: [UInt8] = []
        encode(into: &out)
        return out
    }

    func encode(into out: inout [UInt8]) {
        switch self {
        case .bytes(let b):
            if b.count == 1 && b[0] < 0x80 {
                out.append(b[0])
            } else {
                RLP.header(b.count, offset: 0x80, into: &out)
                out += b
            }
        case .list(let items):
            var body: [UInt8] = []
            for item in items { item.encode(into: &body) }
            RLP.header(body.count, offset: 0xc0, into: &out)
            out += body
        }
    }

    static func header(_ length: Int, offset: UInt8, into out: inout [UInt8]) {
        if length < 56 {
            out.append(offset + UInt8(length))
        } else {
            let lengthBytes = Array(UInt256(UInt64(length)).bigEndianBytes.drop(while: { $0 == 0 }))
            out.append(offset + 55 + UInt8(lengthBytes.count))
            out += lengthBytes
        }
    }
}
