import Ethereum

/// A mined transaction's receipt.
public struct TransactionReceipt: Hashable, Sendable {
    public let transactionHash: Hash32
    public let blockNumber: UInt64
    public let blockHash: Hash32
    /// true when the transaction succeeded (status 1).
    public let succeeded: Bool
    public let gasUsed: UInt64
    public let logs: [Log]

    public init(json: JSON) throws {
        let m = "eth_getTransactionReceipt"
        guard let t = json["transactionHash"]?.stringValue, let tx = try? Hash32(hex: t),
            let b = json["blockHash"]?.stringValue, let block = try? Hash32(hex: b)
        else { throw RPCClientError.unexpectedResult(method: m, "missing hashes") }
        transactionHash = tx
        blockHash = block
        blockNumber = try Quantity.field(json, "blockNumber", method: m)
        gasUsed = try Quantity.field(json, "gasUsed", method: m)
        succeeded = try Quantity.field(json, "status", method: m) == 1
        logs = try (json["logs"]?.arrayValue ?? []).map { try Log(json: $0) }
    }
}

/// Signs and sends EIP-1559 transactions from one key, tracking its nonce, and waits for receipts.
public actor TransactionSender {
    let client: RPCClient
    let key: PrivateKey
    let clock: any RPCClock
    var chainId: UInt64?
    var nextNonce: UInt64?
    /// Fixed fees (max fee, tip) instead of asking the node before each transaction.
    let fixedFees: (maxFee: UInt256, tip: UInt256)?

    public init(
        client: RPCClient, key: PrivateKey, clock: any RPCClock = SystemRPCClock(), fixedFees: (maxFee: UInt256, tip: UInt256)? = nil
    ) {
        self.client = client
        self.key = key
        self.clock = clock
        self.fixedFees = fixedFees
    }

    public var address: Address { key.address }

    /// Sends a transaction and waits until it is mined (up to `timeout`).
    @discardableResult
    public func send(
        to: Address?, data: [UInt8], value: UInt256 = .zero, gasLimit: UInt64? = nil, timeout: Duration = .seconds(60)
    )
        async throws -> TransactionReceipt
    {
        let hash = try await submit(to: to, data: data, value: value, gasLimit: gasLimit)
        return try await receipt(hash, timeout: timeout)
    }

    /// Signs and submits a transaction; returns its hash without waiting.
    public func submit(to: Address?, data: [UInt8], value: UInt256 = .zero, gasLimit: UInt64? = nil) async throws -> Hash32 {
        let chain = try await chainIdentifier()
        let nonce = try await takeNonce()
        var call = JSONObject([
            ("from", .string(key.address.lowercased)), ("data", .string(Hex.encode(data))), ("value", .string(value.hexQuantity)),
        ])
        if let to { call["to"] = .string(to.lowercased) }
        let gas: UInt64
        if let gasLimit {
            gas = gasLimit
        } else {
            let estimate = try await quantity(client.call("eth_estimateGas", [.object(call)]))
            gas = estimate + estimate / 4 + 10_000
        }
        let tip: UInt256, maxFee: UInt256
        if let fixedFees {
            (maxFee, tip) = fixedFees
        } else {
            tip = UInt256(try await quantity(client.call("eth_maxPriorityFeePerGas")))
            maxFee = UInt256(try await quantity(client.call("eth_gasPrice"))) * 2 + tip
        }
        let tx = EIP1559Transaction(
            chainId: chain, nonce: nonce, maxPriorityFeePerGas: tip, maxFeePerGas: maxFee, gasLimit: gas, to: to, value: value, data: data)
        let raw = tx.signed(with: key)
        do {
            let answer = try await client.call("eth_sendRawTransaction", [.string(Hex.encode(raw))])
            guard let text = answer.stringValue, let hash = try? Hash32(hex: text) else {
                throw RPCClientError.unexpectedResult(method: "eth_sendRawTransaction", "not a hash")
            }
            return hash
        } catch {
            nextNonce = nil  // re-read the nonce next time
            throw error
        }
    }

    /// Polls for the receipt of `hash`.
    public func receipt(_ hash: Hash32, timeout: Duration = .seconds(60)) async throws -> TransactionReceipt {
        let deadline = clock.now() + timeout
        var delay = Duration.milliseconds(20)
        while true {
            let json = try await client.call("eth_getTransactionReceipt", [.string(hash.description)])
            if json != .null { return try TransactionReceipt(json: json) }
            guard clock.now() < deadline else {
                throw RPCClientError.unexpectedResult(
                    method: "eth_getTransactionReceipt", "transaction \(hash) not mined within \(timeout)")
            }
            try await clock.sleep(for: delay)
            delay = min(delay * 2, .seconds(2))
        }
    }

    func chainIdentifier() async throws -> UInt64 {
        if let chainId { return chainId }
        let id = try await client.chainId()
        chainId = id
        return id
    }

    func takeNonce() async throws -> UInt64 {
        if nextNonce == nil {
            nextNonce = try await quantity(client.call("eth_getTransactionCount", [.string(key.address.lowercased), "pending"]))
        }
        defer { nextNonce! += 1 }
        return nextNonce!
    }

    func quantity(_ json: JSON) throws -> UInt64 {
        guard let s = json.stringValue, let v = Quantity.parse(s) else {
            throw RPCClientError.unexpectedResult(method: "quantity", "\(json.kind)")
        }
        return v
    }
}
