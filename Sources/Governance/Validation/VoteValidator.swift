import Ethereum

/// Validates ballot envelopes for one proposal, each rejection a named `RejectionReason`.
///
/// Checks run in a fixed order and the first failure is reported: size and shape, duplicate id,
/// kind of ballot, domain (name and version, chain, contract), proposal (space, id, app), future
/// timestamp, voting window, choice, signature, nonce; then, with IO done by the caller or by
/// `validate`, the voter's contract wallet (EIP-1271) and voting power.
public struct VoteValidator: Sendable {
    public struct Configuration: Hashable, Sendable {
        public var limits = BallotEnvelope.Limits()
        /// How far a signed timestamp may lie ahead of the intake's clock, in seconds (Snapshot: 300).
        public var maxFutureSkew: UInt64 = 300

        public init() {}
    }

    public let proposal: ProposalContext
    public let configuration: Configuration

    public init(proposal: ProposalContext, configuration: Configuration = Configuration()) {
        self.proposal = proposal
        self.configuration = configuration
    }

    /// Every check that needs no IO. `parsed` is the body's JSON when the caller has already parsed
    /// it (nesting bounded at 16, as `BallotDetection.classify` does); nil parses `body`.
    public func check(_ body: [UInt8], parsed: JSON? = nil, context: ValidationContext) -> Result<CheckedBallot, VoteRejection> {
        let envelope: BallotEnvelope
        do {
            if let parsed {
                envelope = try BallotEnvelope.parse(json: parsed, byteCount: body.count, limits: configuration.limits)
            } else {
                envelope = try BallotEnvelope.parse(body, limits: configuration.limits)
            }
        } catch {
            return .failure(VoteRejection(error.reason, error.description))
        }
        let id = envelope.id
        func reject(
            _ reason: RejectionReason, _ detail: String, voter: Address? = envelope.claimedVoter
        ) -> Result<CheckedBallot, VoteRejection> {
            .failure(VoteRejection(reason, detail, id: id, voter: voter))
        }
        if context.seenIDs.contains(id) { return reject(.duplicate, "an envelope with id \(id) was already received") }

        let choice: JSON
        switch envelope.body {
        case .governor(let ballot):
            guard let target = proposal.governor else {
                return reject(.wrongProposal, "this proposal takes Snapshot votes, not \(ballot.form.rawValue) ballots")
            }
            guard proposal.rules.system == .basic else {
                return reject(.wrongProposal, "governor ballots count only in basic votes; this proposal is \(proposal.rules.system)")
            }
            if let rejection = checkGovernorDomain(envelope.domain, form: ballot.form, target: target) {
                return reject(rejection.0, rejection.1)
            }
            guard ballot.proposalId == target.proposalId else {
                return reject(.wrongProposal, "proposalId \(ballot.proposalId) is not proposal \(target.proposalId)")
            }
            if let rejection = checkWindow(context.now(in: proposal.window.clock), what: "the current \(proposal.window.clock.rawValue)") {
                return reject(rejection.0, rejection.1)
            }
            guard let support = Support(rawValue: ballot.support) else {
                return reject(.invalidChoice, "support \(ballot.support) is not 0 (against), 1 (for) or 2 (abstain)")
            }
            choice = .number(String(support.basicChoice))
        case .snapshot(let vote):
            guard let target = proposal.snapshot else {
                return reject(.wrongProposal, "this proposal takes governor ballots, not Snapshot votes")
            }
            if let rejection = checkSnapshotDomain(envelope.domain, target: target) { return reject(rejection.0, rejection.1) }
            guard vote.space.hasSameBytes(as: target.space) else {
                return reject(.wrongSpace, "space \"\(vote.space.prefix(80))\" is not \"\(target.space)\"")
            }
            guard vote.proposal.matches(target.proposal) else {
                return reject(.wrongProposal, "proposal \(vote.proposal.description.prefix(80)) is not \(target.proposal)")
            }
            if let apps = target.apps, !apps.contains(where: { $0.hasSameBytes(as: vote.app ?? "") }) {
                return reject(.wrongApp, "app \"\(vote.app ?? "")\" is not one of \(apps.map { "\"\($0)\"" }.joined(separator: ", "))")
            }
            let limit = context.timestamp.addingReportingOverflow(configuration.maxFutureSkew)
            if !limit.overflow, vote.timestamp > limit.partialValue {
                return reject(
                    .futureTimestamp,
                    "timestamp \(vote.timestamp) is more than \(configuration.maxFutureSkew) s ahead of the intake's clock \(context.timestamp)"
                )
            }
            if let rejection = checkWindow(context.now(in: proposal.window.clock), what: "the current \(proposal.window.clock.rawValue)") {
                return reject(rejection.0, rejection.1)
            }
            if proposal.window.clock == .timestamp, let rejection = checkWindow(vote.timestamp, what: "the signed timestamp") {
                return reject(rejection.0, rejection.1)
            }
            guard let parsedJSON = vote.choice else {
                return reject(.invalidChoice, "choice \(vote.signedChoice.serialized().prefix(80)) is not JSON text")
            }
            do {
                choice = try BallotChoice.parse(parsedJSON, system: proposal.rules.system, choiceCount: proposal.rules.choices.count).json
            } catch { return reject(.invalidChoice, error.description) }
        }

        let signature = verifySignature(envelope)
        let voter: Address
        let status: CheckedBallot.SignatureStatus
        switch signature {
        case .failure(let rejection): return .failure(rejection)
        case .success(let (v, s)): (voter, status) = (v, s)
        }
        if case .governor(let ballot) = envelope.body, let nonce = ballot.nonce, let current = context.nonces[voter], nonce != current {
            return reject(.wrongNonce, "nonce \(nonce) is not \(voter)'s current governor nonce \(current)", voter: voter)
        }
        let time = envelope.signedTimestamp ?? context.receivedAt
        return .success(CheckedBallot(envelope: envelope, voter: voter, choice: choice, signature: status, time: time))
    }

    /// Completes a checked ballot with the contract-wallet answer (when one was needed) and the voter's power.
    public func finish(
        _ ballot: CheckedBallot, contractSignatureValid: Bool?, power: VotingPowerRecord?
    ) -> Result<AcceptedVote, VoteRejection> {
        let kind: SignatureKind
        switch ballot.signature {
        case .verified(let k): kind = k
        case .needsContractCheck(let failure, let detail):
            guard contractSignatureValid == true else {
                return .failure(
                    VoteRejection(
                        failure, detail + " and the voter's contract wallet (EIP-1271) does not accept it", id: ballot.id,
                        voter: ballot.voter))
            }
            kind = .contract
        }
        guard let power, power.voter == ballot.voter, !power.total.isZero else {
            return .failure(
                VoteRejection(.noVotingPower, "\(ballot.voter) has no voting power at the snapshot", id: ballot.id, voter: ballot.voter))
        }
        return .success(
            AcceptedVote(
                id: ballot.id, voter: ballot.voter, kind: ballot.envelope.kind, choice: ballot.choice, weight: power.total,
                time: ballot.time,
                signature: kind, power: power))
    }

    /// All checks for one ballot, reading the voter's power and (when needed) asking their contract
    /// wallet. Throws only when the IO fails; a ballot that fails a check is a `.failure`.
    public func validate(
        _ body: [UInt8], context: ValidationContext, signatures: any ContractSignatureChecker, power: any VotingPowerProvider
    ) async throws -> Result<AcceptedVote, VoteRejection> {
        let checked: CheckedBallot
        switch check(body, context: context) {
        case .failure(let rejection): return .failure(rejection)
        case .success(let c): checked = c
        }
        var contractValid: Bool?
        if case .needsContractCheck = checked.signature, let block = proposal.pinnedBlock {
            contractValid = try await signatures.isValidSignature(
                wallet: checked.voter, digest: checked.id, signature: checked.envelope.signature, atBlock: block)
        }
        let record = try await power.votingPower(of: [checked.voter]).first
        return finish(checked, contractSignatureValid: contractValid, power: record)
    }
}
