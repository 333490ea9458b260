/// Keccak-256, the hash Ethereum uses everywhere (addresses, selectors, EIP-712).
///
/// This is the original Keccak submission with padding byte `0x01`, not FIPS 202 SHA3-256
/// (padding `0x06`): the two give different digests for every input.
public enum Keccak256 {
    /// Bytes absorbed per permutation (1088 bits = 1600 - 2 * 256).
    static let rate = 136

    /// The digest of a contiguous byte buffer.
    public static func hash(_ buffer: UnsafeRawBufferPointer) -> Hash32 {
        var state = KeccakState()
        var offset = 0
        let count = buffer.count
        if let base = buffer.baseAddress {
            while count - offset >= rate {
                state.absorbBlock(base + offset)
                state.permute()
                offset += rate
            }
        }
        absorbFinal(&state, tail: UnsafeRawBufferPointer(rebasing: buffer[offset...]))
        return state.digest256
    }

    /// The digest of any contiguous byte collection (`[UInt8]`, `ArraySlice`, `Data`, `String.UTF8View`…).
    @inlinable
    public static func hash<Bytes: Sequence>(_ bytes: Bytes) -> Hash32 where Bytes.Element == UInt8 {
        if let digest = bytes.withContiguousStorageIfAvailable({ hash(UnsafeRawBufferPointer($0)) }) {
            return digest
        }
        return hash(Array(bytes))
    }

    /// The digest of a string's UTF-8 bytes.
    public static func hash(_ string: String) -> Hash32 {
        var string = string
        return string.withUTF8 { hash(UnsafeRawBufferPointer($0)) }
    }

    /// Pads the final (possibly empty) partial block with `0x01 … 0x80` and absorbs it.
    static func absorbFinal(_ state: inout KeccakState, tail: UnsafeRawBufferPointer) {
        precondition(tail.count < rate)
        withUnsafeTemporaryAllocation(byteCount: rate, alignment: 8) { block in
            block.initializeMemory(as: UInt8.self, repeating: 0)
            if tail.count > 0 {
                block.copyMemory(from: tail)
            }
            block[tail.count] ^= 0x01
            block[rate - 1] ^= 0x80
            state.absorbBlock(UnsafeRawPointer(block.baseAddress!))
            state.permute()
        }
    }
}

/// Incremental Keccak-256 for data that arrives in pieces (exports, streams).
public struct Keccak256Hasher: Sendable {
    private var state = KeccakState()
    private var pending: [UInt8] = []

    public init() {
        pending.reserveCapacity(Keccak256.rate)
    }

    /// Absorbs more bytes.
    public mutating func update<Bytes: Sequence>(_ bytes: Bytes) where Bytes.Element == UInt8 {
        if bytes.withContiguousStorageIfAvailable({ update(buffer: UnsafeRawBufferPointer($0)) }) == nil {
            let copy = Array(bytes)
            copy.withUnsafeBytes { update(buffer: $0) }
        }
    }

    private mutating func update(buffer: UnsafeRawBufferPointer) {
        var input = buffer[...]
        if !pending.isEmpty {
            let take = min(Keccak256.rate - pending.count, input.count)
            pending.append(contentsOf: input.prefix(take))
            input = input.dropFirst(take)
            guard pending.count == Keccak256.rate else { return }
            pending.withUnsafeBytes { state.absorbBlock($0.baseAddress!) }
            state.permute()
            pending.removeAll(keepingCapacity: true)
        }
        let rest = UnsafeRawBufferPointer(rebasing: input)
        var offset = 0
        while rest.count - offset >= Keccak256.rate {
            state.absorbBlock(rest.baseAddress! + offset)
            state.permute()
            offset += Keccak256.rate
        }
        pending.append(contentsOf: rest[offset...])
    }

    /// The digest of everything absorbed so far; the hasher itself is left unchanged.
    public func finalize() -> Hash32 {
        var copy = state
        pending.withUnsafeBytes { Keccak256.absorbFinal(&copy, tail: $0) }
        return copy.digest256
    }
}
