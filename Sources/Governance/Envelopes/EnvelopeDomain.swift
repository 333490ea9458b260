import Ethereum

/// The EIP-712 domain of an envelope, as signed.
public struct EnvelopeDomain: Hashable, Sendable {
    public let name: String?
    public let version: String?
    public let chainId: UInt256?
    public let verifyingContract: Address?
    public let salt: Hash32?
    /// The domain's field names in type order.
    public let fieldNames: [String]

    init(_ data: TypedData) throws(EnvelopeError) {
        let domain = data.domain
        name = domain["name"]?.stringValue
        version = domain["version"]?.stringValue
        chainId = domain["chainId"].flatMap(EnvelopeValue.integer)
        verifyingContract = domain["verifyingContract"]?.stringValue.flatMap { try? Address($0) }
        salt = domain["salt"]?.stringValue.flatMap { try? Hash32(hex: $0) }
        fieldNames = data.domainFields.map(\.name)
        // TypedData checked every value against its declared type; only undeclared types remain.
        for field in data.domainFields {
            let expected = ["name": "string", "version": "string", "chainId": "uint256", "verifyingContract": "address", "salt": "bytes32"]
            guard expected[field.name] == field.type else {
                throw .malformed("domain field \(field.name) must be declared as \(expected[field.name] ?? "nothing"), found \(field.type)")
            }
        }
    }
}

/// Reading typed-data values that `TypedData` has already validated.
enum EnvelopeValue {
    /// A JSON number or a decimal / 0x-hex string, as EIP-712 integers may be written.
    static func integer(_ json: JSON) -> UInt256? {
        switch json {
        case .number(let text): try? UInt256(decimal: text)
        case .string(let text): try? UInt256(parsing: text)
        default: nil
        }
    }
}
