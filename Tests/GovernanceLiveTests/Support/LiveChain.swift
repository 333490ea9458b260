import Ethereum
import EthereumRPC
import Governance
import PlenumTesting

/// Set-up helpers for tests against a devnet: signed transactions sent many per request, blocks as
/// `BlockRef`s, and the contract functions the tests call.
enum LiveChain {
    static let transfer = try! ABIFunction("transfer(address,uint256) returns (bool)")
    static let delegate = try! ABIFunction("delegate(address)")
    static let balanceOf = try! ABIFunction("balanceOf(address) returns (uint256)")
    static let getPastVotes = try! ABIFunction("getPastVotes(address,uint256) returns (uint256)")
    static let getVotes = try! ABIFunction("getVotes(address) returns (uint256)")
    static let setOwner = try! ABIFunction("setOwner(address)")
    static let owner = try! ABIFunction("owner() returns (address)")
    static let castVoteBySig = try! ABIFunction("castVoteBySig(uint256,uint8,address,bytes) returns (uint256)")
    static let hasVoted = try! ABIFunction("hasVoted(uint256,address) returns (bool)")
    static let proposalSnapshot = try! ABIFunction("proposalSnapshot(uint256) returns (uint256)")
    static let proposalDeadline = try! ABIFunction("proposalDeadline(uint256) returns (uint256)")
    static let governorNonces = try! ABIFunction("nonces(address) returns (uint256)")

    /// One token in base units (18 decimals).
    static let unit = UInt256(1_000_000_000_000_000_000 as UInt64)

    /// The block at `number`, pinned by its hash.
    static func block(_ number: UInt64, _ client: RPCClient) async throws -> BlockRef {
        guard let header = try await client.header(.number(number)) else { throw OracleError("no block \(number)") }
        return BlockRef(number: header.number, hash: header.hash)
    }

    /// The head block, pinned by its hash.
    static func head(_ client: RPCClient) async throws -> BlockRef {
        try await block(try await client.blockNumber(), client)
    }

    /// A uint256 read at the latest block.
    static func readUInt(
        _ function: ABIFunction, _ arguments: [ABIValue], on contract: Address, _ client: RPCClient
    ) async throws
        -> UInt256
    {
        let data = try await client.call(to: contract, data: try function.encodeCall(arguments), at: .latest)
        guard case .uint(let value)? = try function.decodeReturn(data).first else { throw OracleError("\(function) returned \(data)") }
        return value
    }
}

/// Signs EIP-1559 transactions locally and sends them many per JSON-RPC batch. The devnet mines each
/// in its own block in the order sent, so a batch is a sequence of blocks in one round trip.
struct TransactionBatch {
    struct Entry {
        let from: PrivateKey
        let to: Address
        let data: [UInt8]
        let value: UInt256
        let gasLimit: UInt64
    }

    private(set) var entries: [Entry] = []

    mutating func add(from: PrivateKey, to: Address, data: [UInt8] = [], value: UInt256 = .zero, gasLimit: UInt64 = 200_000) {
        entries.append(Entry(from: from, to: to, data: data, value: value, gasLimit: gasLimit))
    }

    mutating func call(_ function: ABIFunction, _ arguments: [ABIValue], on contract: Address, from key: PrivateKey) throws {
        add(from: key, to: contract, data: try function.encodeCall(arguments))
    }

    /// Sends every transaction in order and returns their receipts; throws unless all were mined and succeeded.
    func send(_ client: RPCClient, chainId: UInt64) async throws -> [TransactionReceipt] {
        if entries.isEmpty { return [] }
        var senders: [Address] = []
        for entry in entries where !senders.contains(entry.from.address) { senders.append(entry.from.address) }
        let counts = try await client.batch(senders.map { RPCCall("eth_getTransactionCount", [.string($0.lowercased), "latest"]) })
        var nonces: [Address: UInt64] = [:]
        for (sender, answer) in zip(senders, counts) {
            guard let text = try answer.get().stringValue, let nonce = Quantity.parse(text) else { throw OracleError("nonce of \(sender)") }
            nonces[sender] = nonce
        }
        guard let priceText = try await client.call("eth_gasPrice").stringValue, let price = Quantity.parse(priceText) else {
            throw OracleError("eth_gasPrice")
        }
        // The devnet's blocks are nearly empty, so the base fee only falls while these are mined.
        let tip = UInt256(1_000_000_000 as UInt64)
        let raw = entries.map { entry -> RPCCall in
            let nonce = nonces[entry.from.address]!
            nonces[entry.from.address] = nonce + 1
            let tx = EIP1559Transaction(
                chainId: chainId, nonce: nonce, maxPriorityFeePerGas: tip, maxFeePerGas: UInt256(price) * 2 + tip, gasLimit: entry.gasLimit,
                to: entry.to, value: entry.value, data: entry.data)
            return RPCCall("eth_sendRawTransaction", [.string(Hex.encode(tx.signed(with: entry.from)))])
        }
        let hashes = try await client.batch(raw).enumerated().map { i, answer in
            guard let text = try answer.get().stringValue else { throw OracleError("transaction \(i) was not accepted") }
            return text
        }
        let receipts = try await client.batch(hashes.map { RPCCall("eth_getTransactionReceipt", [.string($0)]) }).map {
            try TransactionReceipt(json: try $0.get())
        }
        for (i, receipt) in receipts.enumerated() where !receipt.succeeded {
            throw OracleError("transaction \(i) (\(receipt.transactionHash)) failed in block \(receipt.blockNumber)")
        }
        return receipts
    }
}

/// Counts HTTP requests of an `RPCClient` across an operation.
func requests(of client: RPCClient, during operation: () async throws -> Void) async rethrows -> Int {
    let before = await client.metrics.totalRequests
    try await operation()
    return await client.metrics.totalRequests - before
}
