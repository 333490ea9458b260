import Ethereum

/// One JSON-RPC method call.
public struct RPCCall: Hashable, Sendable {
    public let method: String
    public let params: [JSON]

    public init(_ method: String, _ params: [JSON] = []) {
        self.method = method
        self.params = params
    }

    func request(id: Int) -> JSON {
        ["jsonrpc": "2.0", "id": .number(String(id)), "method": .string(method), "params": .array(params)]
    }
}
