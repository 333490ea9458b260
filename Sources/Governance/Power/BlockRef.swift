import Ethereum

/// A block pinned by number and hash: reads at a `BlockRef` see exactly that block, even across a
/// reorganisation (`eth_call` with `{"blockHash": …}`, EIP-1898).
public struct BlockRef: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let number: UInt64
    public let hash: Hash32

    public init(number: UInt64, hash: Hash32) {
        self.number = number
        self.hash = hash
    }

    public static func < (lhs: BlockRef, rhs: BlockRef) -> Bool {
        (lhs.number, lhs.hash) < (rhs.number, rhs.hash)
    }

    public var description: String { "#\(number) (\(hash))" }

    /// `{"number": "123", "hash": "0x…"}`.
    public var json: JSON { ["number": .string(String(number)), "hash": .string(hash.description)] }
}
