import Ethereum
import EthereumRPC
import Governance
import PlenumTesting

/// A devnet with 500 distinct voters whose delegations change around a snapshot block.
///
/// The 100 test accounts T (self-delegated, `tokenBalance` each) and 400 fresh keys F. Before the
/// snapshot, in one batch of transactions:
/// - F[0..<100] get 1 ETH and x(i) tokens from T[i]; F[0..<50] delegate to themselves, F[50..<100]
///   to T[i − 50];
/// - T[50..<100] delegate to F[100..<150];
/// - T[j] sends y(j) tokens to F[150 + j] (j < 100), who never delegate: balance, no votes;
/// - F[250..<400] get nothing.
/// Then one transaction per block: T0 delegates to F250 (snapshot − 2); T1 sends 123 tokens to T2
/// (snapshot − 1); T3 delegates to F251 (in the snapshot block); T5 delegates to F252 (snapshot + 1);
/// T6 sends all its tokens to F253 (snapshot + 2); F0 delegates to F254 (snapshot + 3); one empty
/// block follows, the checkpoint block.
struct VoterChain: Sendable {
    let devnet: Devnet
    let tests: [Devnet.Account]
    let fresh: [PrivateKey]
    let snapshot: BlockRef
    let checkpoint: BlockRef

    /// `devnet up` documents up to 200 test accounts, but above about 115 its single set-up block
    /// exceeds the 30,000,000 gas limit and the node fails to start; 100 leaves a margin.
    static let testAccounts = 100
    static let freshKeys = 400

    /// Tokens T[i] sends F[i].
    static func x(_ i: Int) -> UInt256 { LiveChain.unit * UInt256(3 * (i + 1)) + UInt256(i) }
    /// Tokens T[j] sends F[150 + j].
    static func y(_ j: Int) -> UInt256 { LiveChain.unit * UInt256(2 * (j + 1)) + 1 }
    static let t1ToT2 = LiveChain.unit * 123

    /// All 500 voters: test accounts first, then the fresh keys.
    var voters: [Address] { tests.map(\.address) + fresh.map(\.address) }

    /// T[i]'s balance after the transfers made before the snapshot (i ≥ 7 or untouched around it).
    func balanceAfterSetup(_ i: Int) -> UInt256 { tests[i].tokenBalance - Self.x(i) - Self.y(i) }

    static func build() async throws -> VoterChain {
        let started = ContinuousClock.now
        let devnet = try Devnet(accounts: testAccounts)
        let client = devnet.setupClient()
        let t = devnet.accounts
        guard t.count == testAccounts else { throw OracleError("the devnet has \(t.count) test accounts") }
        let f = try (0..<freshKeys).map { try PrivateKey(bytes: Keccak256.hash("plenum live voter \($0)").bytes) }
        let token = devnet.token

        var before = TransactionBatch()
        for k in 0..<100 {
            before.add(from: devnet.deployer.key, to: f[k].address, value: LiveChain.unit, gasLimit: 21_000)
        }
        for i in 0..<100 {
            try before.call(LiveChain.transfer, [.address(f[i].address), .uint(x(i))], on: token, from: t[i].key)
        }
        for k in 0..<100 {
            let delegatee = k < 50 ? f[k].address : t[k - 50].address
            try before.call(LiveChain.delegate, [.address(delegatee)], on: token, from: f[k])
        }
        for i in 50..<100 {
            try before.call(LiveChain.delegate, [.address(f[100 + i - 50].address)], on: token, from: t[i].key)
        }
        for j in 0..<100 {
            try before.call(LiveChain.transfer, [.address(f[150 + j].address), .uint(y(j))], on: token, from: t[j].key)
        }
        _ = try await before.send(client, chainId: devnet.chainId)

        var around = TransactionBatch()
        try around.call(LiveChain.delegate, [.address(f[250].address)], on: token, from: t[0].key)
        try around.call(LiveChain.transfer, [.address(t[2].address), .uint(t1ToT2)], on: token, from: t[1].key)
        try around.call(LiveChain.delegate, [.address(f[251].address)], on: token, from: t[3].key)
        try around.call(LiveChain.delegate, [.address(f[252].address)], on: token, from: t[5].key)
        let t6Balance = t[6].tokenBalance - x(6) - y(6)
        try around.call(LiveChain.transfer, [.address(f[253].address), .uint(t6Balance)], on: token, from: t[6].key)
        try around.call(LiveChain.delegate, [.address(f[254].address)], on: token, from: f[0])
        let receipts = try await around.send(client, chainId: devnet.chainId)
        let blocks = receipts.map(\.blockNumber)
        guard blocks == Array(blocks[0]..<blocks[0] + 6) else { throw OracleError("not one block per transaction: \(blocks)") }
        try await devnet.mine(1)
        let snapshot = try await LiveChain.block(receipts[2].blockNumber, client)
        guard snapshot.hash == receipts[2].blockHash else { throw OracleError("the snapshot block changed") }
        let checkpoint = try await LiveChain.head(client)
        print(
            "500-voter devnet: started and \(before.entries.count + around.entries.count) transactions mined in \(ContinuousClock.now - started)"
        )
        return VoterChain(devnet: devnet, tests: t, fresh: f, snapshot: snapshot, checkpoint: checkpoint)
    }
}

/// Runs an expensive set-up once and hands every caller its result.
actor Once<Value: Sendable> {
    private var task: Task<Value, any Error>?
    private let make: @Sendable () async throws -> Value

    init(_ make: @escaping @Sendable () async throws -> Value) { self.make = make }

    var value: Value {
        get async throws {
            if task == nil { task = Task { try await make() } }
            return try await task!.value
        }
    }
}
