import Ethereum

/// The parts of a block header that following a chain needs.
public struct BlockHeader: Hashable, Sendable {
    public let number: UInt64
    public let hash: Hash32
    public let parentHash: Hash32
    public let timestamp: UInt64
    /// The 256-byte bloom filter of the block's logs.
    public let logsBloom: [UInt8]

    public init(number: UInt64, hash: Hash32, parentHash: Hash32, timestamp: UInt64, logsBloom: [UInt8] = .init(repeating: 0, count: 256)) {
        self.number = number
        self.hash = hash
        self.parentHash = parentHash
        self.timestamp = timestamp
        self.logsBloom = logsBloom
    }

    /// Parses an `eth_getBlockBy…` result.
    public init(json: JSON) throws {
        let m = "eth_getBlockByNumber"
        number = try Quantity.field(json, "number", method: m)
        timestamp = try Quantity.field(json, "timestamp", method: m)
        guard let h = json["hash"]?.stringValue, let hash = try? Hash32(hex: h) else {
            throw RPCClientError.unexpectedResult(method: m, "hash is not 32 bytes of hex")
        }
        guard let p = json["parentHash"]?.stringValue, let parent = try? Hash32(hex: p) else {
            throw RPCClientError.unexpectedResult(method: m, "parentHash is not 32 bytes of hex")
        }
        guard let b = json["logsBloom"]?.stringValue, let bloom = try? Hex.decode(b, requirePrefix: true), bloom.count == 256 else {
            throw RPCClientError.unexpectedResult(method: m, "logsBloom is not 256 bytes of hex")
        }
        self.hash = hash
        self.parentHash = parent
        self.logsBloom = bloom
    }

    /// Whether the bloom may contain a log from `address` with topic0 in `topics` (no false negatives).
    public func bloomMayContain(address: Address, anyOf topics: [Hash32]) -> Bool {
        guard BlockHeader.bloomContains(logsBloom, address.bytes) else { return false }
        return topics.isEmpty || topics.contains { BlockHeader.bloomContains(logsBloom, $0.bytes) }
    }

    /// The Ethereum log bloom: three 11-bit indexes from keccak256(item), bits counted from the end.
    static func bloomContains(_ bloom: [UInt8], _ item: [UInt8]) -> Bool {
        let h = Keccak256.hash(item).bytes
        for i in stride(from: 0, to: 6, by: 2) {
            let bit = (Int(h[i]) << 8 | Int(h[i + 1])) & 2047
            let byte = 255 - bit / 8
            if bloom[byte] & (1 << UInt8(bit % 8)) == 0 { return false }
        }
        return true
    }
}
