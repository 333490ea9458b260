/// Why typed data is not valid EIP-712, naming the member at fault.
public enum TypedDataError: Error, Equatable, Sendable, CustomStringConvertible {
    case notAnObject(String, String)
    case notAnArray(String, String)
    case missingMember(String)
    case invalidTypeName(String)
    case invalidField(type: String, index: Int, String)
    case invalidFieldType(String, in: String, field: String)
    case undeclaredType(String, context: String)
    case recursiveType([String])
    case unknownDomainField(String)
    case undeclaredField(path: String, type: String)
    case missingField(path: String, type: String)
    case wrongValue(path: String, type: String, found: String)
    case invalidValue(path: String, String)
    case tooLarge(String)
    case unsupported(String)

    public var description: String {
        switch self {
        case .notAnObject(let what, let found): "\(what) must be a JSON object, found \(found)"
        case .notAnArray(let what, let found): "\(what) must be a JSON array of fields, found \(found)"
        case .missingMember(let m): "typed data has no \(m)"
        case .invalidTypeName(let n): "\"\(n.prefix(80))\" is not a valid EIP-712 type name"
        case .invalidField(let t, let i, let why): "field \(i) of type \(t): \(why)"
        case .invalidFieldType(let type, let s, let f): "\"\(type.prefix(80))\" (\(s)\(f.isEmpty ? "" : ".\(f)")) is not an EIP-712 type"
        case .undeclaredType(let t, let context): "type \"\(t.prefix(80))\" used by \(context) is not declared in types"
        case .recursiveType(let cycle): "recursive type: \(cycle.joined(separator: " → ")); Plenum rejects self-referencing types"
        case .unknownDomainField(let f):
            "domain field \"\(f)\" is not an EIP-712 domain field (name, version, chainId, verifyingContract, salt); declare EIP712Domain in types to use it"
        case .undeclaredField(let p, let t): "\(p) is not a field of type \(t)"
        case .missingField(let p, let t): "\(p) (\(t)) is missing"
        case .wrongValue(let p, let t, let f): "\(p) must be a value of type \(t), found \(f)"
        case .invalidValue(let p, let why): "\(p): \(why)"
        case .tooLarge(let why): "typed data too large: \(why)"
        case .unsupported(let what): "unsupported: \(what)"
        }
    }
}
