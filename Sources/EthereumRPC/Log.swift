import Ethereum

/// A log entry as `eth_getLogs` returns it.
public struct Log: Hashable, Sendable {
    public let address: Address
    public let topics: [Hash32]
    public let data: [UInt8]
    public let blockNumber: UInt64
    public let blockHash: Hash32
    public let transactionHash: Hash32
    public let transactionIndex: UInt64
    /// Position in the block (block-wide).
    public let logIndex: UInt64
    public let removed: Bool

    public init(
        address: Address, topics: [Hash32], data: [UInt8], blockNumber: UInt64, blockHash: Hash32, transactionHash: Hash32,
        transactionIndex: UInt64, logIndex: UInt64, removed: Bool = false
    ) {
        self.address = address
        self.topics = topics
        self.data = data
        self.blockNumber = blockNumber
        self.blockHash = blockHash
        self.transactionHash = transactionHash
        self.transactionIndex = transactionIndex
        self.logIndex = logIndex
        self.removed = removed
    }

    public init(json: JSON) throws {
        let m = "eth_getLogs"
        func hash(_ name: String) throws -> Hash32 {
            guard let s = json[name]?.stringValue, let h = try? Hash32(hex: s) else {
                throw RPCClientError.unexpectedResult(method: m, "\(name) is not 32 bytes of hex")
            }
            return h
        }
        guard let a = json["address"]?.stringValue, let address = try? Address(a) else {
            throw RPCClientError.unexpectedResult(method: m, "address is not an address")
        }
        guard let topicList = json["topics"]?.arrayValue, topicList.count <= 4 else {
            throw RPCClientError.unexpectedResult(method: m, "topics is not an array of at most 4")
        }
        self.address = address
        self.topics = try topicList.map {
            guard let s = $0.stringValue, let h = try? Hash32(hex: s) else {
                throw RPCClientError.unexpectedResult(method: m, "a topic is not 32 bytes")
            }
            return h
        }
        guard let d = json["data"]?.stringValue, let data = try? Hex.decode(d, requirePrefix: true) else {
            throw RPCClientError.unexpectedResult(method: m, "data is not hex")
        }
        self.data = data
        blockNumber = try Quantity.field(json, "blockNumber", method: m)
        blockHash = try hash("blockHash")
        transactionHash = try hash("transactionHash")
        transactionIndex = try Quantity.field(json, "transactionIndex", method: m)
        logIndex = try Quantity.field(json, "logIndex", method: m)
        removed = json["removed"]?.boolValue ?? false
    }
}

/// An `eth_getLogs` filter: a block range or one block hash, addresses, and topics by position
/// (`nil` = any; an array = any of these).
public struct LogFilter: Hashable, Sendable {
    public enum Range: Hashable, Sendable {
        case blocks(from: UInt64, to: UInt64)
        case blockHash(Hash32)
    }

    public var range: Range
    public var addresses: [Address]
    public var topics: [[Hash32]?]

    public init(range: Range, addresses: [Address], topics: [[Hash32]?] = []) {
        self.range = range
        self.addresses = addresses
        self.topics = topics
    }

    var json: JSON {
        var object = JSONObject()
        switch range {
        case .blocks(let from, let to):
            object["fromBlock"] = .string(Quantity.format(from))
            object["toBlock"] = .string(Quantity.format(to))
        case .blockHash(let h):
            object["blockHash"] = .string(h.description)
        }
        object["address"] = addresses.count == 1 ? .string(addresses[0].lowercased) : .array(addresses.map { .string($0.lowercased) })
        if !topics.isEmpty {
            object["topics"] = .array(
                topics.map { position in
                    guard let position else { return .null }
                    return position.count == 1 ? .string(position[0].description) : .array(position.map { .string($0.description) })
                })
        }
        return .object(object)
    }
}
