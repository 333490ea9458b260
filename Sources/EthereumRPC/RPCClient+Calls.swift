import Ethereum

extension RPCClient {
    /// `eth_chainId`.
    public func chainId() async throws -> UInt64 {
        try quantity(await call("eth_chainId"), "eth_chainId")
    }

    /// `eth_blockNumber`.
    public func blockNumber() async throws -> UInt64 {
        try quantity(await call("eth_blockNumber"), "eth_blockNumber")
    }

    /// A header by number or tag; `nil` when the node has no such block (beyond its head).
    public func header(_ block: BlockReference) async throws -> BlockHeader? {
        let result: JSON
        switch block {
        case .hash(let h, _): result = try await call("eth_getBlockByHash", [.string(h.description), false])
        default: result = try await call("eth_getBlockByNumber", [block.stateParameter, false])
        }
        if result == .null { return nil }
        return try BlockHeader(json: result)
    }

    /// Headers of several block numbers in one batch (a missing block gives `nil`).
    public func headers(_ numbers: [UInt64]) async throws -> [BlockHeader?] {
        let answers = try await batch(numbers.map { RPCCall("eth_getBlockByNumber", [.string(Quantity.format($0)), false]) })
        return try answers.map { answer in
            let json = try answer.get()
            return json == .null ? nil : try BlockHeader(json: json)
        }
    }

    /// `eth_getLogs`. A provider's range refusal is thrown as `RPCError` (see `isLogRangeLimit`).
    public func logs(_ filter: LogFilter, rotation: Int = 0) async throws -> [Log] {
        let result = try await call("eth_getLogs", [filter.json], rotation: rotation)
        guard let items = result.arrayValue else {
            throw RPCClientError.unexpectedResult(method: "eth_getLogs", "result is \(result.kind)")
        }
        return try items.map { try Log(json: $0) }
    }

    /// `eth_call` at a block. Pinned to a block hash (EIP-1898) when the reference is a hash; if the
    /// endpoint refuses that form, the call is made by number and the block's hash checked afterwards.
    public func call(to: Address, data: [UInt8], at block: BlockReference) async throws -> [UInt8] {
        let tx: JSON = ["to": .string(to.lowercased), "data": .string(Hex.encode(data))]
        do {
            return try bytes(await call("eth_call", [tx, block.stateParameter]), "eth_call")
        } catch let error as RPCError where RPCClient.refusesBlockHashParameter(error, block) {
            guard case .hash(let hash, _) = block, let header = try await header(.hash(hash, requireCanonical: true)) else { throw error }
            let result = try bytes(await call("eth_call", [tx, .string(Quantity.format(header.number))]), "eth_call")
            guard try await self.header(.number(header.number))?.hash == hash else { throw RPCClientError.blockNotCanonical(hash) }
            return result
        }
    }

    /// State calls (`eth_call`, `eth_getCode`, …) at one block, sent as one batch (split at
    /// `maxBatchSize`): each call's parameters get the block parameter appended. Each answer is the
    /// result or the node's error (a revert among them), in order.
    ///
    /// Pinned like `call(to:data:at:)`: when the endpoint refuses the EIP-1898 `{"blockHash": …}`
    /// object, the batch is sent again by number, with that number's header in the same batch to
    /// check that the block is still the one asked for (else `RPCClientError.blockNotCanonical`).
    public func batch(_ calls: [RPCCall], at block: BlockReference) async throws -> [Result<JSON, RPCError>] {
        let answers = try await batch(calls.map { RPCCall($0.method, $0.params + [block.stateParameter]) })
        guard case .hash(let hash, _) = block,
            let refusal = answers.lazy.compactMap(\.rpcError).first(where: { RPCClient.refusesBlockHashParameter($0, block) })
        else { return answers }
        guard let header = try await header(.hash(hash, requireCanonical: true)) else { throw refusal }
        let number = JSON.string(Quantity.format(header.number))
        var again = try await batch(
            calls.map { RPCCall($0.method, $0.params + [number]) } + [RPCCall("eth_getBlockByNumber", [number, false])])
        let check = try again.removeLast().get()
        guard check != .null, try BlockHeader(json: check).hash == hash else { throw RPCClientError.blockNotCanonical(hash) }
        return again
    }

    /// `eth_getCode`.
    public func code(at address: Address, block: BlockReference = .latest) async throws -> [UInt8] {
        try bytes(await call("eth_getCode", [.string(address.lowercased), block.stateParameter]), "eth_getCode")
    }

    static func refusesBlockHashParameter(_ error: RPCError, _ block: BlockReference) -> Bool {
        guard case .hash = block, !error.isRevert else { return false }
        let m = error.message.lowercased()
        return error.code == -32602 || m.contains("blockhash") || m.contains("invalid argument 1") || m.contains("cannot unmarshal")
    }

    func quantity(_ json: JSON, _ method: String) throws -> UInt64 {
        guard let s = json.stringValue, let v = Quantity.parse(s) else {
            throw RPCClientError.unexpectedResult(method: method, "expected a hex quantity, found \(json.serialized().prefix(80))")
        }
        return v
    }

    func bytes(_ json: JSON, _ method: String) throws -> [UInt8] {
        guard let s = json.stringValue, let b = try? Hex.decode(s, requirePrefix: true) else {
            throw RPCClientError.unexpectedResult(method: method, "expected hex data, found \(json.serialized().prefix(80))")
        }
        return b
    }
}

extension Result where Failure == RPCError {
    /// The node's error, when the answer is one.
    var rpcError: RPCError? {
        if case .failure(let error) = self { return error }
        return nil
    }
}
