import Ethereum

extension VoteValidator {
    typealias Problem = (RejectionReason, String)

    func checkGovernorDomain(_ domain: EnvelopeDomain, form: GovernorBallot.Form, target: ProposalContext.Governor) -> Problem? {
        let expected =
            target.version == nil ? ["name", "chainId", "verifyingContract"] : ["name", "version", "chainId", "verifyingContract"]
        guard domain.fieldNames == expected else {
            return (
                .wrongDomain,
                "domain fields (\(domain.fieldNames.joined(separator: ", "))) are not the governor's (\(expected.joined(separator: ", ")))"
            )
        }
        // Byte for byte: the signature covers the bytes, and `==` equates canonically equivalent spellings.
        guard let name = domain.name, name.hasSameBytes(as: target.name) else {
            return (.wrongDomain, "domain name \"\(domain.name?.prefix(80) ?? "")\" is not the governor's \"\(target.name)\"")
        }
        let sameVersion =
            switch (domain.version, target.version) {
            case (nil, nil): true
            case (let signed?, let expected?): signed.hasSameBytes(as: expected)
            default: false
            }
        guard sameVersion else {
            return (.wrongDomain, "domain version \"\(domain.version?.prefix(20) ?? "")\" is not \"\(target.version ?? "")\"")
        }
        guard domain.chainId == target.chainId else {
            return (.wrongChain, "domain chainId \(domain.chainId?.description ?? "none") is not chain \(target.chainId)")
        }
        guard domain.verifyingContract == target.governor else {
            return (
                .wrongContract,
                "domain verifyingContract \(domain.verifyingContract?.description ?? "none") is not the governor \(target.governor)"
            )
        }
        return nil
    }

    func checkSnapshotDomain(_ domain: EnvelopeDomain, target: ProposalContext.Snapshot) -> Problem? {
        guard domain.fieldNames == ["name", "version"] || domain.fieldNames == ["name", "version", "chainId"] else {
            return (
                .wrongDomain,
                "Snapshot domain fields must be name, version (and optionally chainId), found \(domain.fieldNames.joined(separator: ", "))"
            )
        }
        guard domain.name?.hasSameBytes(as: ProposalContext.Snapshot.domainName) == true,
            domain.version?.hasSameBytes(as: ProposalContext.Snapshot.domainVersion) == true
        else {
            return (
                .wrongDomain,
                "domain {name: \"\(domain.name?.prefix(40) ?? "")\", version: \"\(domain.version?.prefix(20) ?? "")\"} is not {name: \"snapshot\", version: \"0.1.4\"}"
            )
        }
        if let chainId = domain.chainId, let expected = target.chainId, chainId != expected {
            return (.wrongChain, "domain chainId \(chainId) is not chain \(expected)")
        }
        return nil
    }

    func checkWindow(_ timepoint: UInt64, what: String) -> Problem? {
        switch proposal.window.position(of: timepoint) {
        case .open: nil
        case .notOpen: (.windowNotOpen, "\(what) \(timepoint) is before the voting window \(proposal.window)")
        case .closed: (.windowClosed, "\(what) \(timepoint) is after the voting window \(proposal.window)")
        }
    }

    /// ECDSA first (as OpenZeppelin's `SignatureChecker`); when it does not prove the claimed voter,
    /// the ballot needs the voter's contract wallet. Bravo ballots have no claimed voter: their signer votes.
    func verifySignature(_ envelope: BallotEnvelope) -> Result<(Address, CheckedBallot.SignatureStatus), VoteRejection> {
        let bytes = envelope.signature
        let kind: SignatureKind = bytes.count == 64 ? .compact : .ecdsa
        var recovered: Address?
        var problem = "the signature is not a 65-byte or 64-byte ECDSA signature"
        if bytes.count == 65 || bytes.count == 64 {
            do { recovered = try Signature(bytes: bytes).recoverAddress(digest: envelope.id) } catch { problem = "\(error)" }
        }
        guard let claimed = envelope.claimedVoter else {
            guard let recovered else {
                return .failure(VoteRejection(.invalidSignature, problem + " (Bravo ballots must be ECDSA)", id: envelope.id))
            }
            return .success((recovered, .verified(kind)))
        }
        if let recovered {
            if recovered == claimed { return .success((claimed, .verified(kind))) }
            return .success(
                (claimed, .needsContractCheck(failure: .wrongSigner, detail: "the signer \(recovered) is not the voter \(claimed)")))
        }
        return .success((claimed, .needsContractCheck(failure: .invalidSignature, detail: problem)))
    }
}
