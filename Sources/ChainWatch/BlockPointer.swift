import Ethereum

/// A block by number and hash.
public struct BlockPointer: Hashable, Sendable, CustomStringConvertible {
    public let number: UInt64
    public let hash: Hash32

    public init(number: UInt64, hash: Hash32) {
        self.number = number
        self.hash = hash
    }

    public var description: String { "#\(number) \(hash.description.prefix(10))…" }
}

/// A remembered block of the follower's recent window: its hash, and its parent's when known.
public struct WindowEntry: Hashable, Sendable {
    public let number: UInt64
    public let hash: Hash32
    public let parentHash: Hash32?

    public init(number: UInt64, hash: Hash32, parentHash: Hash32?) {
        self.number = number
        self.hash = hash
        self.parentHash = parentHash
    }
}

/// Where a followed event sits on the chain; (blockHash, logIndex) identifies it.
public struct LogPosition: Hashable, Sendable {
    public let blockNumber: UInt64
    public let blockHash: Hash32
    public let transactionHash: Hash32
    public let logIndex: UInt64

    public init(blockNumber: UInt64, blockHash: Hash32, transactionHash: Hash32, logIndex: UInt64) {
        self.blockNumber = blockNumber
        self.blockHash = blockHash
        self.transactionHash = transactionHash
        self.logIndex = logIndex
    }
}
