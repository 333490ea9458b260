import Ethereum

extension BallotEnvelope {
    /// Parses a message body into an envelope, checking shape, type, size bounds and the
    /// signature's encoding (not whether it verifies: see `VoteValidator`).
    public static func parse(_ bytes: [UInt8], limits: Limits = Limits()) throws(EnvelopeError) -> BallotEnvelope {
        guard bytes.count <= limits.maxBodyBytes else { throw .tooLarge(field: "body", size: bytes.count, limit: limits.maxBodyBytes) }
        let json: JSON
        do { json = try JSONParser(limits: .init(maxBytes: limits.maxBodyBytes, maxDepth: 16)).parse(bytes) } catch {
            throw .malformed("\(error)")
        }
        return try parse(json: json, byteCount: bytes.count, limits: limits)
    }

    /// The same, for a body of `byteCount` bytes already parsed as JSON with nesting bounded at 16
    /// (as `BallotDetection.classify` does), so that it is not parsed twice.
    public static func parse(json: JSON, byteCount: Int, limits: Limits = Limits()) throws(EnvelopeError) -> BallotEnvelope {
        guard byteCount <= limits.maxBodyBytes else { throw .tooLarge(field: "body", size: byteCount, limit: limits.maxBodyBytes) }
        guard let root = json.objectValue else { throw .malformed("the body must be a JSON object, found \(json.kind)") }

        var typed: JSONObject
        let signatureText: JSON?
        var envelopeAddress: String?
        if root.contains("data") {
            for key in root.keys where !["address", "sig", "data"].contains(key) {
                throw .malformed("unknown member \"\(key.prefix(40))\" in a Snapshot envelope {address, sig, data}")
            }
            guard let data = root["data"]?.objectValue else { throw .malformed("data must be an object") }
            typed = data
            signatureText = root["sig"]
            guard let address = root["address"]?.stringValue else { throw .malformed("a Snapshot envelope needs an address string") }
            envelopeAddress = address
        } else {
            typed = root
            signatureText = typed["signature"]
            typed["signature"] = nil
        }
        for key in typed.keys where !["types", "primaryType", "domain", "message"].contains(key) {
            throw .malformed("unknown member \"\(key.prefix(40))\" (expected types, primaryType, domain, message)")
        }
        if typed["primaryType"] == nil, let types = typed["types"]?.objectValue {
            let named = types.keys.filter { $0 != "EIP712Domain" }
            guard named.count == 1 else { throw .malformed("primaryType is missing and types declares \(named.count) types") }
            typed["primaryType"] = .string(named[0])
        }
        let data: TypedData
        do { data = try TypedData(json: .object(typed)) } catch { throw .malformed("\(error)") }

        let fields = data.types[data.primaryType]!.map { ($0.name, $0.type) }
        let others = data.types.keys.filter { $0 != "EIP712Domain" && $0 != data.primaryType }
        guard others.isEmpty else { throw .unknownType("types other than \(data.primaryType): \(others.sorted().joined(separator: ", "))") }
        let governorForm = GovernorBallot.Form.allCases.first {
            $0.primaryType == data.primaryType && $0.fields.elementsEqual(fields, by: { $0.name == $1.0 && $0.type == $1.1 })
        }
        let snapshotVariant =
            data.primaryType != "Vote"
            ? nil
            : SnapshotVoteVariant.all.first {
                $0.fields.elementsEqual(fields, by: { $0.name == $1.0 && $0.type == $1.1 })
            }
        guard governorForm != nil || snapshotVariant != nil else {
            let signature = data.primaryType + "(" + fields.map { "\($0.1) \($0.0)" }.joined(separator: ",") + ")"
            throw .unknownType(String(signature.prefix(300)))
        }

        let message = data.message
        func string(_ name: String) -> String? { message[name]?.stringValue }
        func bound(_ name: String, _ limit: Int) throws(EnvelopeError) {
            if let value = string(name), value.unicodeScalars.count > limit {
                throw .tooLarge(field: "message.\(name)", size: value.unicodeScalars.count, limit: limit)
            }
        }

        guard let signatureHex = signatureText?.stringValue else { throw .badSignatureEncoding("a 0x hex signature is required") }
        guard signatureHex.utf8.count <= 2 + 2 * limits.maxSignatureBytes else {
            throw .tooLarge(field: "signature", size: (signatureHex.utf8.count - 2) / 2, limit: limits.maxSignatureBytes)
        }
        let signature: [UInt8]
        do { signature = try Hex.decode(signatureHex, requirePrefix: true) } catch { throw .badSignatureEncoding("\(error)") }
        let domain = try EnvelopeDomain(data)
        let id: Hash32
        do { id = try data.digest() } catch { throw .malformed("\(error)") }

        let body: Body
        if let form = governorForm {
            try bound("reason", limits.maxReasonLength)
            var params: [UInt8]?
            if let hex = string("params") {
                params = try? Hex.decode(hex, requirePrefix: true)
                if let p = params, p.count > limits.maxParamsBytes {
                    throw .tooLarge(field: "message.params", size: p.count, limit: limits.maxParamsBytes)
                }
            }
            let support = EnvelopeValue.integer(message["support"]!)!.uint64Value!
            body = .governor(
                GovernorBallot(
                    form: form, proposalId: EnvelopeValue.integer(message["proposalId"]!)!, support: UInt8(support),
                    voter: string("voter").flatMap { try? Address($0) }, nonce: message["nonce"].flatMap(EnvelopeValue.integer),
                    reason: string("reason"), params: params))
        } else {
            let variant = snapshotVariant!
            try bound("reason", limits.maxReasonLength)
            try bound("app", limits.maxAppLength)
            try bound("metadata", limits.maxMetadataLength)
            try bound("space", limits.maxSpaceLength)
            if variant.proposal == .string { try bound("proposal", limits.maxProposalLength) }
            let fromText = string("from")!
            let from: Address
            do { from = try Address(fromText) } catch { throw .malformed("message.from: \(error) (only EVM addresses vote)") }
            if let envelopeAddress {
                guard let signer = try? Address(envelopeAddress), signer == from else {
                    throw .addressMismatch("the envelope address \(envelopeAddress.prefix(66)) is not the vote's from \(fromText)")
                }
            }
            let proposal: SnapshotVote.ProposalReference =
                variant.proposal == .bytes32 ? .bytes32(try! Hash32(hex: string("proposal")!)) : .text(string("proposal")!)
            let signedChoice = message["choice"]!
            var choice: JSON?
            switch variant.choice {
            case .uint32:
                choice = .number(EnvelopeValue.integer(signedChoice)!.description)
            case .uint32Array:
                let items = signedChoice.arrayValue!
                guard items.count <= limits.maxChoiceEntries else {
                    throw .tooLarge(field: "message.choice", size: items.count, limit: limits.maxChoiceEntries)
                }
                choice = .array(items.map { .number(EnvelopeValue.integer($0)!.description) })
            case .string:
                let text = signedChoice.stringValue!
                guard text.utf8.count <= limits.maxChoiceTextBytes else {
                    throw .tooLarge(field: "message.choice", size: text.utf8.count, limit: limits.maxChoiceTextBytes)
                }
                choice = try? JSONParser(limits: .init(maxBytes: limits.maxChoiceTextBytes, maxDepth: 4)).parse(Array(text.utf8))
            }
            body = .snapshot(
                SnapshotVote(
                    variant: variant, from: from, space: string("space")!,
                    timestamp: EnvelopeValue.integer(message["timestamp"]!)!.uint64Value!, proposal: proposal, choice: choice,
                    signedChoice: signedChoice, reason: string("reason"), app: string("app"), metadata: string("metadata")))
        }
        return BallotEnvelope(body: body, typedData: data, id: id, domain: domain, signature: signature)
    }
}
