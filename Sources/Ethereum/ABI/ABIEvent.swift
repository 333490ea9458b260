/// A contract event: its topic0 and the decoding of logs it emits.
public struct ABIEvent: Hashable, Sendable {
    public let name: String
    public let parameters: [ABIParameter]
    public let anonymous: Bool

    /// Parses `VoteCast(address indexed voter, uint256 proposalId, uint8 support, uint256 weight, string reason)`
    /// or the bare canonical form `ProposalCanceled(uint256)` (no parameter indexed).
    public init(_ signature: String) throws {
        let parsed = try ABISignatureParser(text: signature).parse()
        guard parsed.returns.isEmpty else { throw ABIError.invalidSignature(signature, "an event has no return values") }
        guard parsed.parameters.filter(\.indexed).count <= (parsed.anonymous ? 4 : 3) else {
            throw ABIError.invalidSignature(signature, "too many indexed parameters")
        }
        name = parsed.name
        parameters = parsed.parameters
        anonymous = parsed.anonymous
    }

    /// `Name(type1,type2)` with canonical types.
    public var canonicalSignature: String {
        "\(name)(\(parameters.map(\.type.canonical).joined(separator: ",")))"
    }

    /// keccak256(canonical signature).
    public var topic0: Hash32 { Keccak256.hash(canonicalSignature) }

    /// Decodes a log's topics and data into the parameters' values, in declaration order.
    ///
    /// An indexed parameter of a dynamic type (string, bytes, arrays, tuples) is only present as the
    /// keccak256 of its encoding; it decodes to `.fixedBytes` of that 32-byte hash.
    public func decode(topics: [Hash32], data: [UInt8]) throws -> [ABIValue] {
        let indexed = parameters.filter(\.indexed)
        let expectedTopics = indexed.count + (anonymous ? 0 : 1)
        guard topics.count == expectedTopics else { throw ABIError.topicCount(expected: expectedTopics, found: topics.count) }
        var topicIterator = topics.makeIterator()
        if !anonymous {
            let first = topicIterator.next()!
            guard first == topic0 else { throw ABIError.topic0Mismatch(expected: topic0, found: first) }
        }
        let nonIndexed = try ABIDecoder.decode(parameters.filter { !$0.indexed }.map(\.type), from: data)
        var dataIterator = nonIndexed.makeIterator()
        var values: [ABIValue] = []
        for p in parameters {
            if p.indexed {
                let topic = topicIterator.next()!
                if p.type.isDynamic || !isWordSized(p.type) {
                    values.append(.fixedBytes(topic.bytes))
                } else {
                    values.append(try ABIDecoder.decode(p.type, from: topic.bytes))
                }
            } else {
                values.append(dataIterator.next()!)
            }
        }
        return values
    }

    /// Decodes into a dictionary by parameter name (unnamed parameters are left out).
    public func decodeNamed(topics: [Hash32], data: [UInt8]) throws -> [String: ABIValue] {
        let values = try decode(topics: topics, data: data)
        var out: [String: ABIValue] = [:]
        for (p, v) in zip(parameters, values) { if let name = p.name { out[name] = v } }
        return out
    }

    private func isWordSized(_ type: ABIType) -> Bool {
        switch type {
        case .tuple, .fixedArray: false
        default: true
        }
    }
}
