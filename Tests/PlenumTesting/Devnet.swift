import AsyncHTTPClient
import Ethereum
import EthereumRPC
import Foundation
import NIOCore

/// A devnet started for a test (`devnet/devnet up --port 0` in a temporary state dir), stopped
/// when `stop()` is called or the value is released. The node also exits by itself when this test
/// process dies (`--parent-pid`).
public final class Devnet: Sendable {
    public struct Account: Sendable {
        public let address: Address
        public let key: PrivateKey
        public let tokenBalance: UInt256
    }

    public let info: JSON
    public let rpcURL: String
    public let chainId: UInt64
    public let token: Address
    public let governor: Address
    public let wallet: Address
    public let multicall3: Address
    public let deployer: Account
    public let accounts: [Account]
    public let clockMode: String
    let stateDir: TemporaryDirectory

    /// Starts a devnet; `options` are extra `devnet up` flags (e.g. `["--voting-period", "50"]`).
    public init(accounts: Int = 5, clock: String = "blocknumber", faults: String? = nil, options: [String] = []) throws {
        let dir = try TemporaryDirectory()
        var arguments = [
            Repository.path("devnet/devnet"), "up", "--port", "0", "--state-dir", dir.path, "--accounts", "\(accounts)", "--clock", clock,
            "--parent-pid", "\(ProcessInfo.processInfo.processIdentifier)",
        ]
        if let faults { arguments += ["--faults", faults] }
        arguments += options
        let result = try ProcessRunner.run("/bin/bash", arguments)
        guard result.status == 0 else { throw OracleError("devnet up failed: \(result.stderrText.suffix(3000))") }
        let json = try JSONParser.parse(result.stdoutText)
        func address(_ path: [String]) throws -> Address {
            var node = json
            for key in path { node = node[key] ?? .null }
            return try Address(node.stringValue ?? "")
        }
        info = json
        stateDir = dir
        rpcURL = json["rpcUrl"]!.stringValue!
        guard case .number(let chain)? = json["chainId"], let id = UInt64(chain) else { throw OracleError("devnet.json has no chainId") }
        chainId = id
        token = try address(["contracts", "token"])
        governor = try address(["contracts", "governor"])
        wallet = try address(["contracts", "wallet"])
        multicall3 = try address(["contracts", "multicall3"])
        clockMode = json["clockMode"]?.stringValue ?? clock
        deployer = Account(
            address: try address(["deployer", "address"]), key: try PrivateKey(hex: json["deployer"]!["privateKey"]!.stringValue!),
            tokenBalance: .zero)
        self.accounts = try json["accounts"]!.arrayValue!.map {
            Account(
                address: try Address($0["address"]!.stringValue!), key: try PrivateKey(hex: $0["privateKey"]!.stringValue!),
                tokenBalance: try UInt256(parsing: $0["tokenBalance"]!.stringValue!))
        }
    }

    /// Stops the node (idempotent).
    public func stop() {
        _ = try? ProcessRunner.run("/bin/bash", [Repository.path("devnet/devnet"), "down", "--state-dir", stateDir.path])
    }

    deinit { stop() }

    /// An RPC client for this devnet (faults apply to it).
    public func client(timeout: Duration = .seconds(10), seed: UInt64 = 1) -> RPCClient {
        var configuration = RPCClient.Configuration(endpoints: [RPCEndpoint(url: rpcURL, name: "devnet")])
        configuration.requestTimeout = timeout
        return RPCClient(configuration: configuration, seed: seed)
    }

    /// A control call that injected faults never touch (`X-Devnet-No-Faults: 1`).
    @discardableResult
    public func control(_ method: String, _ params: [JSON] = []) async throws -> JSON {
        var request = HTTPClientRequest(url: rpcURL)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "X-Devnet-No-Faults", value: "1")
        let body: JSON = ["jsonrpc": "2.0", "id": 1, "method": .string(method), "params": .array(params)]
        request.body = .bytes(ByteBuffer(string: body.serialized()))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(120))
        let bytes = try await response.body.collect(upTo: 64 << 20)
        let json = try JSONParser(limits: .init(maxBytes: 64 << 20)).parse(Array(buffer: bytes))
        if let error = json["error"] { throw OracleError("\(method): \(error.serialized())") }
        return json["result"] ?? .null
    }

    /// Mines `n` empty blocks.
    public func mine(_ n: Int = 1) async throws {
        try await control("evm_mine", [.string("0x" + String(n, radix: 16))])
    }

    /// Replaces the last `depth` blocks by `newBlocks` new ones; `reinclude` is "all", "none" or tx hashes.
    @discardableResult
    public func reorg(depth: Int, newBlocks: Int? = nil, reinclude: JSON = "none", at: Int? = nil) async throws -> JSON {
        var options = JSONObject([("reinclude", reinclude)])
        if let at { options["reincludeAt"] = .number(String(at)) }
        return try await control("devnet_reorg", [.number(String(depth)), .number(String(newBlocks ?? depth)), .object(options)])
    }

    /// Sets the fault SPEC (`"off"` to clear).
    public func setFaults(_ spec: String) async throws {
        try await control("devnet_setFaults", [.string(spec)])
    }

    /// The same node on the path that injected faults never touch: an honest second endpoint
    /// beside a faulty (or lying) `rpcURL`, for cross-check tests.
    public var noFaultsURL: String { (rpcURL.hasSuffix("/") ? String(rpcURL.dropLast()) : rpcURL) + "/nofaults" }

    /// A no-faults client for test set-up (transactions, reads).
    public func setupClient() -> RPCClient {
        RPCClient(configuration: .init(endpoints: [RPCEndpoint(url: rpcURL, name: "devnet-setup")]), transport: NoFaultsTransport())
    }
}

/// An HTTP transport that marks every request exempt from injected faults.
public struct NoFaultsTransport: RPCTransport {
    public init() {}
    public func post(_ body: [UInt8], to endpoint: RPCEndpoint, timeout: Duration) async throws -> HTTPReply {
        var request = HTTPClientRequest(url: endpoint.url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "X-Devnet-No-Faults", value: "1")
        request.body = .bytes(ByteBuffer(bytes: body))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(Int64(timeout.components.seconds) + 1))
        let bytes = try await response.body.collect(upTo: 256 << 20)
        return HTTPReply(status: Int(response.status.code), body: Array(buffer: bytes))
    }
}
