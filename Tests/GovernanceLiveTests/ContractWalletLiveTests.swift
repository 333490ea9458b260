import Ethereum
import EthereumRPC
import Governance
import PlenumService
import PlenumTesting
import Testing

/// EIP-1271 votes and block pinning through `RPCChainReader` against the devnet: its SmartWallet,
/// Governor and token, real transactions, a real reorganisation.
@Suite("Contract wallets and pinned reads on the devnet", .serialized)
struct ContractWalletLiveTests {
    static let devnet = try! Devnet(accounts: 4)

    var devnet: Devnet { Self.devnet }

    func reader(_ client: RPCClient? = nil) -> RPCChainReader {
        var configuration = RPCChainReader.Configuration()
        configuration.multicall3 = devnet.multicall3
        return RPCChainReader(client: client ?? devnet.client(), configuration: configuration)
    }

    /// An OpenZeppelin `Ballot` for the devnet's governor, as wallet-signable typed data.
    func ballot(proposalId: UInt256, voter: Address, nonce: UInt256, support: Int = 1) -> JSON {
        let field = { (name: String, type: String) -> JSON in ["name": .string(name), "type": .string(type)] }
        return [
            "types": [
                "EIP712Domain": [
                    field("name", "string"), field("version", "string"), field("chainId", "uint256"), field("verifyingContract", "address"),
                ],
                "Ballot": [
                    field("proposalId", "uint256"), field("support", "uint8"), field("voter", "address"), field("nonce", "uint256"),
                ],
            ],
            "primaryType": "Ballot",
            "domain": [
                "name": .string(devnet.info["governor"]?["name"]?.stringValue ?? ""), "version": "1",
                "chainId": .string(String(devnet.chainId)), "verifyingContract": .string(devnet.governor.checksummed),
            ],
            "message": [
                "proposalId": .string(proposalId.description), "support": .number(String(support)), "voter": .string(voter.checksummed),
                "nonce": .string(nonce.description),
            ],
        ]
    }

    func body(_ typed: JSON, signature: [UInt8]) -> [UInt8] {
        var object = typed.objectValue!
        object["signature"] = .string(Hex.encode(signature))
        return Array(JSON.object(object).serialized().utf8)
    }

    @Test func aContractWalletVoteVerifiesAtThePinnedBlockAndFailsOnceTheOwnerChanges() async throws {
        let setup = devnet.setupClient()
        let gov = DevnetGovernor(devnet)
        let owner = devnet.accounts[0], heir = devnet.accounts[1]
        try #require(devnet.info["wallet"]?["owner"]?.stringValue == owner.address.checksummed)
        let walletBalance = try UInt256(parsing: try #require(devnet.info["wallet"]?["balance"]?.stringValue))

        // Given an active proposal, its snapshot block pinned by hash.
        let (proposalId, _) = try await gov.propose(
            "EIP-1271 live vote \(UInt64.random(in: 0...UInt64.max))", from: gov.sender(devnet.accounts[2].key))
        let snapshot = try await LiveChain.readUInt(LiveChain.proposalSnapshot, [.uint(proposalId)], on: devnet.governor, setup)
        let deadline = try await LiveChain.readUInt(LiveChain.proposalDeadline, [.uint(proposalId)], on: devnet.governor, setup)
        try await devnet.mine(2)
        let pinned = try await LiveChain.block(try #require(snapshot.uint64Value), setup)
        let checkpoint = try await LiveChain.head(setup)
        try #require(checkpoint.number > pinned.number)
        let nonce = try await LiveChain.readUInt(LiveChain.governorNonces, [.address(devnet.wallet)], on: devnet.governor, setup)

        // The wallet's owner signs a Ballot whose voter is the wallet (the raw EIP-712 digest).
        let typed = ballot(proposalId: proposalId, voter: devnet.wallet, nonce: nonce)
        let digest = try TypedData(json: typed).digest()
        let signature = try owner.key.signTypedData(try TypedData(json: typed)).bytes
        let reader = reader()
        let checker = ChainContractSignatureChecker(chain: reader)
        func proposal(pinnedAt block: BlockRef) throws -> ProposalContext {
            ProposalContext(
                governor: .init(
                    chainId: UInt256(devnet.chainId), governor: devnet.governor,
                    name: devnet.info["governor"]?["name"]?.stringValue ?? "", proposalId: proposalId),
                rules: try TallyRules(system: .basic, choices: []),
                window: .governor(snapshot: snapshot.uint64Value!, deadline: deadline.uint64Value!, clock: .blockNumber),
                pinnedBlock: block)
        }
        let power = VotingPowerReader(
            strategy: .erc20Votes(token: devnet.token), timepoint: snapshot, snapshotBlock: pinned, checkpointBlock: checkpoint,
            chain: reader)
        let context = ValidationContext(blockNumber: checkpoint.number, timestamp: 0, nonces: [devnet.wallet: nonce])

        // When Plenum validates it at the pinned block: accepted as an EIP-1271 vote with the wallet's tokens.
        let vote = try await VoteValidator(proposal: try proposal(pinnedAt: pinned)).validate(
            body(typed, signature: signature), context: context, signatures: checker, power: power
        ).get()
        #expect(vote.voter == devnet.wallet && vote.signature == .contract && vote.id == digest)
        #expect(vote.weight == walletBalance)
        #expect(vote.power?.components.first?.block == checkpoint)

        // The governor agrees: the same signature, relayed with castVoteBySig, counts for the wallet.
        let relay = try await gov.sender(devnet.accounts[3].key).send(
            to: devnet.governor,
            data: try LiveChain.castVoteBySig.encodeCall([.uint(proposalId), .uint(1), .address(devnet.wallet), .bytes(signature)]),
            gasLimit: 1_000_000)
        #expect(relay.succeeded)

        // Then the owner hands the wallet to another key.
        let handover = try await TransactionSender(client: setup, key: owner.key).send(
            to: devnet.wallet, data: try LiveChain.setOwner.encodeCall([.address(heir.address)]), gasLimit: 200_000)
        try #require(handover.succeeded)
        let after = try await LiveChain.block(handover.blockNumber, setup)
        let ownerNow = try await setup.call(to: devnet.wallet, data: try LiveChain.owner.encodeCall([]), at: .latest)
        #expect(try LiveChain.owner.decodeReturn(ownerNow) == [.address(heir.address)])

        // Pinned after the handover, the old owner's signature no longer proves the wallet's vote…
        let afterContext = ValidationContext(blockNumber: after.number, timestamp: 0)
        let rejected = try await VoteValidator(proposal: try proposal(pinnedAt: after)).validate(
            body(typed, signature: signature), context: afterContext, signatures: checker, power: power)
        guard case .failure(let rejection) = rejected else {
            Issue.record("the old owner's signature was accepted after the handover")
            return
        }
        #expect(rejection.reason == .wrongSigner)
        // …while at the original pinned block it still does: the answer is the pinned block's.
        #expect(try await checker.isValidSignature(wallet: devnet.wallet, digest: digest, signature: signature, atBlock: pinned))
        #expect(try await !checker.isValidSignature(wallet: devnet.wallet, digest: digest, signature: signature, atBlock: after))
        // The new owner's signature of the same digest holds from the handover on, and not before.
        let heirSignature = heir.key.sign(digest: digest).bytes
        #expect(try await checker.isValidSignature(wallet: devnet.wallet, digest: digest, signature: heirSignature, atBlock: after))
        #expect(try await !checker.isValidSignature(wallet: devnet.wallet, digest: digest, signature: heirSignature, atBlock: pinned))
        // An account without code is never a contract wallet.
        #expect(
            try await !checker.isValidSignature(wallet: owner.address, digest: digest, signature: signature, atBlock: after))
    }

    @Test func aBlockReorganisedAwayFailsTheWholeBatchInsteadOfReadingAnother() async throws {
        let setup = devnet.setupClient()
        try await devnet.mine(3)
        let head = try await LiveChain.head(setup)
        let pinned = try await LiveChain.block(head.number - 1, setup)
        let call = try ContractCall(to: devnet.token, function: LiveChain.balanceOf, arguments: [.address(devnet.accounts[0].address)])
        let refusing = reader(RPCClient(configuration: .init(endpoints: [RPCEndpoint(url: devnet.rpcURL)]), transport: RefusesEIP1898()))
        let direct = reader()
        let before = try await direct.call([call], at: pinned)
        #expect(try await refusing.call([call], at: pinned) == before)

        // The last three blocks are replaced: same heights, other hashes.
        try await devnet.reorg(depth: 3)
        let replaced = try await LiveChain.block(pinned.number, setup)
        try #require(replaced.hash != pinned.hash)
        await #expect(throws: RPCError.self) { try await direct.call([call], at: pinned) }
        await #expect(throws: RPCClientError.blockNotCanonical(pinned.hash)) { try await refusing.call([call], at: pinned) }
        // A fresh reader (its first batch also checks Multicall3's code) fails the same way.
        await #expect(throws: RPCError.self) { try await reader().call([call], at: pinned) }
        // Voting power read there is an error, never a number from another block.
        let power = VotingPowerReader(
            strategy: .erc20Balance(token: devnet.token), timepoint: UInt256(pinned.number), snapshotBlock: pinned, checkpointBlock: head,
            chain: direct)
        do {
            let records = try await power.votingPower(of: [devnet.accounts[0].address])
            Issue.record("read \(records) at a block that is no longer canonical")
        } catch let error as VotingPowerError {
            guard case .chain(let block, _) = error else {
                Issue.record("\(error)")
                return
            }
            #expect(block == pinned)
        }
        #expect(try await direct.call([call], at: replaced) == before, "the balance did not change in the replaced blocks")
    }

    @Test func anEndpointWithoutEIP1898StillReadsThePinnedBlock() async throws {
        let setup = devnet.setupClient()
        let holder = devnet.accounts[1]
        let pinned = try await LiveChain.head(setup)
        // Move tokens after the pinned block, so that reading "latest" instead would show.
        let moved = try await TransactionSender(client: setup, key: holder.key).send(
            to: devnet.token, data: try LiveChain.transfer.encodeCall([.address(devnet.accounts[2].address), .uint(LiveChain.unit)]),
            gasLimit: 200_000)
        try #require(moved.succeeded && moved.blockNumber > pinned.number)
        let calls = try [holder.address, devnet.accounts[2].address].map {
            try ContractCall(to: devnet.token, function: LiveChain.balanceOf, arguments: [.address($0)])
        }
        let client = RPCClient(configuration: .init(endpoints: [RPCEndpoint(url: devnet.rpcURL)]), transport: RefusesEIP1898())
        let viaNumbers = try await reader(client).call(calls, at: pinned)
        var expected: [ContractCallResult] = []
        for call in calls {
            expected.append(.success(try await setup.call(to: call.to, data: call.data, at: .number(pinned.number))))
        }
        #expect(viaNumbers == expected)
        let latest = try await setup.call(to: calls[0].to, data: calls[0].data, at: .latest)
        #expect(viaNumbers[0] != .success(latest))
        let metrics = await client.metrics
        #expect(metrics.calls("eth_getBlockByNumber") >= 1, "the block's hash was checked by number")
    }
}

/// A transport behaving like a provider without EIP-1898: any request (or batch) naming a block by
/// `{"blockHash": …}` is refused with -32602, every element of it.
struct RefusesEIP1898: RPCTransport {
    let inner = NoFaultsTransport()

    func post(_ body: [UInt8], to endpoint: RPCEndpoint, timeout: Duration) async throws -> HTTPReply {
        let json = try JSONParser().parse(body)
        let elements = json.arrayValue ?? [json]
        let usesObjects = elements.contains { element in element["params"]?.arrayValue?.last?["blockHash"] != nil }
        guard usesObjects else { return try await inner.post(body, to: endpoint, timeout: timeout) }
        let answers = elements.map { element -> JSON in
            [
                "jsonrpc": "2.0", "id": element["id"] ?? .null,
                "error": ["code": -32602, "message": "invalid argument 1: hex string without 0x prefix"],
            ]
        }
        let reply: JSON = json.arrayValue == nil ? answers[0] : .array(answers)
        return HTTPReply(status: 200, body: Array(reply.serialized().utf8))
    }
}
