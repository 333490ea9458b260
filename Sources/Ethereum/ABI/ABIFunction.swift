/// A contract function: its 4-byte selector, argument encoding and return decoding.
public struct ABIFunction: Hashable, Sendable {
    public let name: String
    public let parameters: [ABIParameter]
    public let returns: [ABIParameter]

    /// Parses `transfer(address,uint256)`, `balanceOf(address owner) view returns (uint256)` and the like.
    public init(_ signature: String) throws {
        let parsed = try ABISignatureParser(text: signature).parse()
        name = parsed.name
        parameters = parsed.parameters
        returns = parsed.returns
    }

    public var inputs: [ABIType] { parameters.map(\.type) }
    public var outputs: [ABIType] { returns.map(\.type) }

    /// `name(type1,type2)` with canonical types.
    public var canonicalSignature: String {
        "\(name)(\(inputs.map(\.canonical).joined(separator: ",")))"
    }

    /// The first four bytes of keccak256(canonical signature).
    public var selector: [UInt8] { Array(Keccak256.hash(canonicalSignature).bytes.prefix(4)) }

    /// Call data for these arguments.
    public func encodeCall(_ arguments: [ABIValue]) throws -> [UInt8] {
        try ABIEncoder.callData(self, arguments)
    }

    /// Decodes return data by `returns`.
    public func decodeReturn(_ data: [UInt8]) throws -> [ABIValue] {
        try ABIDecoder.decode(outputs, from: data)
    }
}
