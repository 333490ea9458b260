import Ethereum
import Governance
import Testing

/// Each rejection reason, from the check that names it.
@Suite("Vote validation")
struct VoteValidatorTests {
    typealias F = EnvelopeFactory
    let alice = F.key(1), bob = F.key(2)

    func reason(_ result: Result<CheckedBallot, VoteRejection>) -> RejectionReason? {
        if case .failure(let r) = result { return r.reason }
        return nil
    }

    func validate(
        _ body: [UInt8], _ proposal: ProposalContext, _ context: ValidationContext, power: [Address: UInt256]? = nil,
        signatures: any ContractSignatureChecker = NoContractSignatures()
    ) async throws -> Result<AcceptedVote, VoteRejection> {
        try await VoteValidator(proposal: proposal).validate(
            body, context: context, signatures: signatures, power: FixedVotingPower(power ?? [alice.address: 10, bob.address: 20]))
    }

    @Test func acceptsEveryGovernorForm() async throws {
        for form in GovernorBallot.Form.allCases {
            let version: String? = form == .bravo ? nil : "1"
            let typed = F.governorBallot(form: form, voter: alice.address, support: 0, version: version)
            let vote = try await validate(F.signed(typed, by: alice), F.governorContext(version: version), F.openGovernor).get()
            #expect(vote.voter == alice.address && vote.weight == 10 && vote.kind == form.rawValue)
            #expect(vote.choice == 2)  // support 0 (against) is basic choice 2
            #expect(vote.id == F.digest(typed) && vote.time == F.timestamp)
        }
        // OpenZeppelin 4 signs the two-field Ballot under a domain with a version.
        let v4 = F.governorBallot(form: .bravo, voter: alice.address)
        #expect(try await validate(F.signed(v4, by: alice), F.governorContext(), F.openGovernor).get().signature == .ecdsa)
    }

    @Test func compactSignaturesVerify() async throws {
        let typed = F.snapshotVote(voter: bob.address, choice: 2)
        let vote = try await validate(F.signed(typed, by: bob, compact: true), F.snapshotContext(), F.openSnapshot).get()
        #expect(vote.signature == .compact && vote.choice == 2 && vote.time == F.timestamp)
    }

    /// Names, spaces and ids are the signed bytes: a spelling Swift's `==` calls equal ("é" composed
    /// or decomposed) signs a different digest, and is another domain, space or proposal.
    @Test func domainsSpacesAndProposalsMatchByteForByte() {
        let composed = "Caf\u{E9}", decomposed = "Cafe\u{301}"
        #expect(composed == decomposed)
        let governor = F.governorContext()
        let named = ProposalContext(
            governor: .init(
                chainId: F.chainId, governor: F.governor, name: composed + " Governor", version: "1", proposalId: F.proposalId),
            rules: governor.rules, window: governor.window, pinnedBlock: governor.pinnedBlock)
        let validator = VoteValidator(proposal: named)
        func check(_ typed: JSON) -> RejectionReason? { reason(validator.check(F.signed(typed, by: alice), context: F.openGovernor)) }
        #expect(check(F.governorBallot(voter: alice.address, name: composed + " Governor")) == nil)
        #expect(check(F.governorBallot(voter: alice.address, name: decomposed + " Governor")) == .wrongDomain)
        let poll = F.snapshotContext()
        let spaced = ProposalContext(
            snapshot: .init(space: composed + ".eth", proposal: "poll-" + composed, chainId: F.chainId, apps: [composed]),
            rules: poll.rules, window: poll.window, pinnedBlock: poll.pinnedBlock)
        let snapshot = VoteValidator(proposal: spaced)
        func checkVote(space: String, proposal: String, app: String) -> RejectionReason? {
            let typed = F.snapshotVote(voter: alice.address, choice: 1, space: space + ".eth", proposal: "poll-" + proposal, app: app)
            return reason(snapshot.check(F.signed(typed, by: alice), context: F.openSnapshot))
        }
        #expect(checkVote(space: composed, proposal: composed, app: composed) == nil)
        #expect(checkVote(space: decomposed, proposal: composed, app: composed) == .wrongSpace)
        #expect(checkVote(space: composed, proposal: decomposed, app: composed) == .wrongProposal)
        #expect(checkVote(space: composed, proposal: composed, app: decomposed) == .wrongApp)
    }

    @Test func wrongDomainChainContractAndProposal() {
        let validator = VoteValidator(proposal: F.governorContext())
        func check(_ typed: JSON) -> RejectionReason? { reason(validator.check(F.signed(typed, by: alice), context: F.openGovernor)) }
        #expect(check(F.governorBallot(voter: alice.address, name: "Other Governor")) == .wrongDomain)
        #expect(check(F.governorBallot(voter: alice.address, version: "2")) == .wrongDomain)
        #expect(check(F.governorBallot(voter: alice.address, version: nil)) == .wrongDomain)
        #expect(check(F.governorBallot(voter: alice.address, chainId: 1)) == .wrongChain)
        #expect(check(F.governorBallot(voter: alice.address, governor: bob.address)) == .wrongContract)
        #expect(check(F.governorBallot(voter: alice.address, proposalId: 7)) == .wrongProposal)
        #expect(check(F.governorBallot(voter: alice.address, support: 3)) == .invalidChoice)
        #expect(check(F.snapshotVote(voter: alice.address, choice: 1)) == .wrongProposal)  // no Snapshot votes here
        let snapshot = VoteValidator(proposal: F.snapshotContext())
        func checkVote(_ typed: JSON) -> RejectionReason? { reason(snapshot.check(F.signed(typed, by: alice), context: F.openSnapshot)) }
        #expect(checkVote(F.snapshotVote(voter: alice.address, choice: 1, space: "other.eth")) == .wrongSpace)
        #expect(checkVote(F.snapshotVote(voter: alice.address, choice: 1, proposal: "0x01")) == .wrongProposal)
        #expect(
            checkVote(
                F.snapshotVote(voter: alice.address, choice: 1, proposal: F.pollId.uppercased().replacingOccurrences(of: "0X", with: "0x")))
                == nil)
        #expect(checkVote(F.snapshotVote(voter: alice.address, choice: 1, domainChainId: 5)) == .wrongChain)
        #expect(checkVote(F.snapshotVote(voter: alice.address, choice: 1, domainChainId: F.chainId)) == nil)
        #expect(checkVote(F.snapshotVote(voter: alice.address, choice: 4)) == .invalidChoice)
        #expect(checkVote(F.governorBallot(voter: alice.address)) == .wrongProposal)
        let apps = VoteValidator(proposal: F.snapshotContext(apps: ["plenum"]))
        #expect(
            reason(apps.check(F.signed(F.snapshotVote(voter: alice.address, choice: 1, app: "other"), by: alice), context: F.openSnapshot))
                == .wrongApp)
    }

    @Test func votingWindowOnBothClocks() {
        let governor = VoteValidator(proposal: F.governorContext())
        let body = F.signed(F.governorBallot(voter: alice.address), by: alice)
        func at(_ block: UInt64) -> RejectionReason? {
            reason(governor.check(body, context: ValidationContext(blockNumber: block, timestamp: 0)))
        }
        #expect(at(100) == .windowNotOpen)  // the snapshot block itself: Pending in OpenZeppelin
        #expect(at(101) == nil && at(200) == nil)
        #expect(at(201) == .windowClosed)
        let snapshot = VoteValidator(proposal: F.snapshotContext())
        func vote(signedAt t: UInt64, now: UInt64) -> RejectionReason? {
            reason(
                snapshot.check(
                    F.signed(F.snapshotVote(voter: alice.address, choice: 1, timestamp: t), by: alice),
                    context: ValidationContext(blockNumber: 0, timestamp: now)))
        }
        #expect(vote(signedAt: F.timestamp, now: F.timestamp) == nil)
        #expect(vote(signedAt: F.timestamp - 3_601, now: F.timestamp) == .windowNotOpen)
        #expect(vote(signedAt: F.timestamp, now: F.timestamp + 3_601) == .windowClosed)
        #expect(vote(signedAt: F.timestamp + 300, now: F.timestamp) == nil)
        #expect(vote(signedAt: F.timestamp + 301, now: F.timestamp) == .futureTimestamp)
    }

    @Test func signaturesThatDoNotProveTheVoter() async throws {
        let typed = F.governorBallot(voter: alice.address)
        let validator = VoteValidator(proposal: F.governorContext())
        // Signed by Bob for Alice: a valid signature by the wrong signer.
        guard case .success(let checked) = validator.check(F.signed(typed, by: bob), context: F.openGovernor) else {
            Issue.record("check"); return
        }
        #expect(
            checked.signature
                == .needsContractCheck(failure: .wrongSigner, detail: "the signer \(bob.address) is not the voter \(alice.address)"))
        #expect(try await validate(F.signed(typed, by: bob), F.governorContext(), F.openGovernor).failure?.reason == .wrongSigner)
        // High s (the other valid-looking signature for the same digest) is not canonical.
        let good = try alice.signTypedData(TypedData(json: typed))
        let order = try UInt256(parsing: "0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141")
        let highS = good.r.bytes + (order - UInt256(word: good.s)).bigEndianBytes + [28 - good.yParity]
        #expect(
            try await validate(F.body(typed, signature: highS), F.governorContext(), F.openGovernor).failure?.reason == .invalidSignature)
        #expect(
            try await validate(F.body(typed, signature: [1, 2, 3]), F.governorContext(), F.openGovernor).failure?.reason
                == .invalidSignature)
        // Bravo ballots have no claimed voter: an unrecoverable signature is simply invalid.
        let bravo = F.governorBallot(form: .bravo, voter: alice.address, version: nil)
        #expect(
            reason(VoteValidator(proposal: F.governorContext(version: nil)).check(F.body(bravo, signature: [0]), context: F.openGovernor))
                == .invalidSignature)
    }

    @Test func contractWalletsThroughEIP1271() async throws {
        let wallet = try Address("0x" + String(repeating: "cd", count: 20))
        let typed = F.governorBallot(voter: wallet)
        let body = F.signed(typed, by: alice)
        let power: [Address: UInt256] = [wallet: 77]
        let owned = InMemoryContractSignatureChecker(owners: [wallet: alice.address])
        let vote = try await validate(body, F.governorContext(), F.openGovernor, power: power, signatures: owned).get()
        #expect(vote.voter == wallet && vote.signature == .contract && vote.weight == 77)
        // The owner hands the wallet to Bob: Alice's signature stops counting.
        let handedOver = InMemoryContractSignatureChecker(owners: [wallet: bob.address])
        #expect(
            try await validate(body, F.governorContext(), F.openGovernor, power: power, signatures: handedOver).failure?.reason
                == .wrongSigner)
        // Without a pinned block there is nothing to ask.
        let unpinned = ProposalContext(
            governor: F.governorContext().governor, rules: F.governorContext().rules, window: F.governorContext().window, pinnedBlock: nil)
        #expect(try await validate(body, unpinned, F.openGovernor, power: power, signatures: owned).failure?.reason == .wrongSigner)
    }

    @Test func chainBackedEIP1271ReadsTheMagicValueAtThePinnedBlock() async throws {
        let wallet = try Address("0x" + String(repeating: "cd", count: 20))
        let pinned = F.governorContext().pinnedBlock!
        let reader = InMemoryChainReader { call, block in
            guard call.to == wallet, Array(call.data.prefix(4)) == EIP1271.magicValue, block == pinned else { return .reverted([]) }
            return .success(EIP1271.magicValue + [UInt8](repeating: 0, count: 28))
        }
        let checker = ChainContractSignatureChecker(chain: reader)
        #expect(try await checker.isValidSignature(wallet: wallet, digest: .zero, signature: [1], atBlock: pinned))
        #expect(
            try await !checker.isValidSignature(wallet: wallet, digest: .zero, signature: [1], atBlock: BlockRef(number: 101, hash: .zero)))
        #expect(reader.roundTrips == 2)
        #expect(!EIP1271.isMagic(EIP1271.magicValue + [UInt8](repeating: 1, count: 28)))
        #expect(!EIP1271.isMagic(EIP1271.magicValue))
    }

    @Test func duplicatesNoncesAndPower() async throws {
        let typed = F.governorBallot(voter: alice.address, nonce: 3)
        let body = F.signed(typed, by: alice)
        var context = F.openGovernor
        context.seenIDs = [F.digest(typed)]
        #expect(try await validate(body, F.governorContext(), context).failure?.reason == .duplicate)
        context = F.openGovernor
        context.nonces = [alice.address: 4]
        #expect(try await validate(body, F.governorContext(), context).failure?.reason == .wrongNonce)
        context.nonces = [alice.address: 3]
        #expect(try await validate(body, F.governorContext(), context).get().weight == 10)
        #expect(try await validate(body, F.governorContext(), F.openGovernor, power: [:]).failure?.reason == .noVotingPower)
    }

    @Test func malformedUnknownAndOversizedBodies() {
        let validator = VoteValidator(proposal: F.snapshotContext())
        func check(_ text: String) -> RejectionReason? { reason(validator.check(Array(text.utf8), context: F.openSnapshot)) }
        #expect(check("not json") == .malformed)
        #expect(check("[]") == .malformed)
        #expect(check("{\"message\": \"hello\"}") == .malformed)
        var odd = F.snapshotVote(voter: alice.address, choice: 1).objectValue!
        odd["types"] = ["Vote": [F.field("from", "address"), F.field("choice", "uint32")]]
        odd["message"] = ["from": .string(alice.address.checksummed), "choice": 1]
        #expect(reason(validator.check(F.signed(.object(odd), by: alice), context: F.openSnapshot)) == .unknownType)
        let long = F.snapshotVote(voter: alice.address, choice: 1, reason: String(repeating: "é", count: 5_001))
        #expect(reason(validator.check(F.signed(long, by: alice), context: F.openSnapshot)) == .tooLarge)
        let app = F.snapshotVote(voter: alice.address, choice: 1, app: String(repeating: "a", count: 25))
        #expect(reason(validator.check(F.signed(app, by: alice), context: F.openSnapshot)) == .tooLarge)
        #expect(reason(validator.check([UInt8](repeating: 0x20, count: 100_001), context: F.openSnapshot)) == .tooLarge)
        var unsigned = F.snapshotVote(voter: alice.address, choice: 1).objectValue!
        unsigned["signature"] = "zz"
        #expect(check(JSON.object(unsigned).serialized()) == .invalidSignature)
    }

    /// A body the caller has already parsed (the bot's ballot detection does) is judged exactly as
    /// the same body parsed by the validator: same outcome, id, voter, choice and reason.
    @Test func anAlreadyParsedBodyIsJudgedTheSame() throws {
        var small = VoteValidator.Configuration()
        small.limits.maxBodyBytes = 600
        let governor = F.governorBallot(form: .extendedBallot, voter: alice.address, support: 1, version: "1")
        var unsigned = F.snapshotVote(voter: alice.address, choice: 1).objectValue!
        unsigned["signature"] = "zz"
        let bodies: [[UInt8]] = [
            F.signed(governor, by: alice), F.signed(governor, by: bob), F.signed(F.snapshotVote(voter: bob.address, choice: 2), by: bob),
            F.signed(F.snapshotVote(voter: alice.address, choice: 1, app: String(repeating: "a", count: 25)), by: alice),
            Array(JSON.object(unsigned).serialized().utf8), Array("{\"message\": \"hello\"}".utf8), Array("[1, 2]".utf8),
        ]
        func outcome(_ r: Result<CheckedBallot, VoteRejection>) -> String {
            switch r {
            case .success(let c): "ok \(c.id) \(c.voter) \(c.choice.serialized()) \(c.signature) \(c.time)"
            case .failure(let e): "no \(e.reason) \(e.description) \(e.id?.description ?? "-") \(e.voter?.description ?? "-")"
            }
        }
        for (proposal, context) in [(F.governorContext(version: "1"), F.openGovernor), (F.snapshotContext(), F.openSnapshot)] {
            for configuration in [VoteValidator.Configuration(), small] {
                let validator = VoteValidator(proposal: proposal, configuration: configuration)
                for body in bodies {
                    let parsed = try JSONParser(limits: .init(maxBytes: 64 * 1024, maxDepth: 16)).parse(body)
                    let once = outcome(validator.check(body, parsed: parsed, context: context))
                    #expect(once == outcome(validator.check(body, context: context)))
                }
            }
        }
    }

    @Test func snapshotSequencerEnvelopesAndStringChoices() async throws {
        let typed = F.snapshotVote(voter: bob.address, choice: "{\"1\":1,\"3\":2.5}", choiceType: .string)
        let signature = try bob.signTypedData(TypedData(json: typed))
        var data = typed.objectValue!
        data["primaryType"] = nil
        let envelope: JSON = ["address": .string(bob.address.checksummed), "sig": .string(signature.description), "data": .object(data)]
        let vote = try await validate(Array(envelope.serialized().utf8), F.snapshotContext(.weighted), F.openSnapshot).get()
        #expect(vote.choice.serialized() == "{\"1\":1,\"3\":2.5}")
        var impostor = envelope.objectValue!
        impostor["address"] = .string(alice.address.checksummed)
        #expect(
            try await validate(Array(JSON.object(impostor).serialized().utf8), F.snapshotContext(.weighted), F.openSnapshot).failure?.reason
                == .wrongSigner)
        let notJSON = F.snapshotVote(voter: bob.address, choice: "{1:", choiceType: .string)
        #expect(
            try await validate(F.signed(notJSON, by: bob), F.snapshotContext(.weighted), F.openSnapshot).failure?.reason == .invalidChoice)
        let ranked = F.snapshotVote(voter: bob.address, choice: [2, 3, 1], choiceType: .uint32Array)
        #expect(try await validate(F.signed(ranked, by: bob), F.snapshotContext(.rankedChoice), F.openSnapshot).get().choice == [2, 3, 1])
        let partial = F.snapshotVote(voter: bob.address, choice: [2, 3], choiceType: .uint32Array)
        #expect(
            try await validate(F.signed(partial, by: bob), F.snapshotContext(.rankedChoice), F.openSnapshot).failure?.reason
                == .invalidChoice)
    }

    @Test func rejectionCodesAreStable() {
        #expect(
            RejectionReason.allCases.map(\.rawValue) == [
                "malformed", "unknown-type", "too-large", "wrong-domain", "wrong-chain", "wrong-contract", "wrong-space", "wrong-app",
                "wrong-proposal", "window-not-open", "window-closed", "future-timestamp", "invalid-choice", "invalid-signature",
                "wrong-signer",
                "duplicate", "wrong-nonce", "no-voting-power", "superseded", "already-voted",
            ])
    }
}

extension Result {
    var failure: Failure? {
        if case .failure(let f) = self { return f }
        return nil
    }
}
