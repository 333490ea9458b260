import Ethereum
import EthereumRPC

/// Drives the devnet's governor from Swift test code: proposals and votes as real transactions.
public struct DevnetGovernor: Sendable {
    public static let propose = try! ABIFunction("propose(address[],uint256[],bytes[],string)")
    public static let castVote = try! ABIFunction("castVote(uint256,uint8)")
    public static let cancelById = try! ABIFunction("cancelById(uint256)")
    public static let extendDeadline = try! ABIFunction("extendDeadline(uint256,uint64)")
    public static let delegate = try! ABIFunction("delegate(address)")
    public static let transfer = try! ABIFunction("transfer(address,uint256)")

    public let devnet: Devnet
    public let client: RPCClient

    public init(_ devnet: Devnet) {
        self.devnet = devnet
        self.client = devnet.setupClient()
    }

    public func sender(_ key: PrivateKey) -> TransactionSender { TransactionSender(client: client, key: key) }

    /// OpenZeppelin's `hashProposal` for a one-action signalling proposal on the governor.
    public func proposalId(description: String) throws -> UInt256 {
        let encoded = try ABIEncoder.encode(
            [
                .array([.address(devnet.governor)]), .array([.uint(.zero)]), .array([.bytes([])]),
                .fixedBytes(Keccak256.hash(description).bytes),
            ],
            as: [.array(.address), .array(.uint(256)), .array(.bytes), .fixedBytes(32)])
        return UInt256(word: Keccak256.hash(encoded))
    }

    /// Proposes a signalling action from `proposer`; returns the id and the receipt.
    @discardableResult
    public func propose(_ description: String, from proposer: TransactionSender) async throws -> (id: UInt256, receipt: TransactionReceipt)
    {
        let data = try Self.propose.encodeCall([
            .array([.address(devnet.governor)]), .array([.uint(.zero)]), .array([.bytes([])]), .string(description),
        ])
        let receipt = try await proposer.send(to: devnet.governor, data: data, gasLimit: 2_000_000)
        guard receipt.succeeded else { throw OracleError("propose reverted") }
        return (try proposalId(description: description), receipt)
    }

    public func cancel(_ id: UInt256) async throws -> TransactionReceipt {
        try await sender(devnet.deployer.key).send(
            to: devnet.governor, data: try Self.cancelById.encodeCall([.uint(id)]), gasLimit: 300_000)
    }

    public func extend(_ id: UInt256, to deadline: UInt64) async throws -> TransactionReceipt {
        try await sender(devnet.deployer.key).send(
            to: devnet.governor, data: try Self.extendDeadline.encodeCall([.uint(id), .uint(UInt256(deadline))]), gasLimit: 300_000)
    }

    public func vote(_ id: UInt256, support: UInt8, from voter: TransactionSender) async throws -> TransactionReceipt {
        try await voter.send(
            to: devnet.governor, data: try Self.castVote.encodeCall([.uint(id), .uint(UInt256(UInt64(support)))]), gasLimit: 500_000)
    }
}
