/// EIP-712 typed structured data in the JSON form wallets sign with `eth_signTypedData_v4`:
/// `{"types": …, "primaryType": …, "domain": …, "message": …}`.
///
/// Parsing validates the whole document up front: every referenced type must be declared,
/// no type may refer to itself (directly or through others), the domain must match its type,
/// and every message field must be declared, present and of the declared type.
public struct TypedData: Sendable {
    /// A member of a struct type.
    public struct Field: Hashable, Sendable {
        public let name: String
        public let type: String
    }

    public let types: [String: [Field]]
    public let primaryType: String
    public let domain: JSONObject
    public let message: JSONObject
    /// The `EIP712Domain` fields, from `types` or inferred from the domain's members.
    public let domainFields: [Field]
    /// keccak256(encodeType(name)) for every declared type, computed once.
    public private(set) var typeHashes: [String: Hash32] = [:]
    /// The atomic types the fields name, parsed once (`TypedData.atomicTypes(of:)`).
    private(set) var atomicTypes: [String: ABIType] = [:]
    /// `hashStruct(domain)` and `hashStruct(message)`, computed once by the parse that validates them.
    private var hashes: (domain: Hash32, message: Hash32) = (.zero, .zero)

    /// Largest number of struct types accepted.
    public static let maxTypes = 128
    /// Largest number of fields in one struct type.
    public static let maxFields = 128

    /// Parses and validates the wallet JSON form.
    public init(json: JSON) throws {
        guard let root = json.objectValue else { throw TypedDataError.notAnObject("the typed data", json.kind) }
        guard let typesJSON = root["types"] else { throw TypedDataError.missingMember("types") }
        guard let typesObject = typesJSON.objectValue else { throw TypedDataError.notAnObject("types", typesJSON.kind) }
        guard let primary = root["primaryType"]?.stringValue else { throw TypedDataError.missingMember("primaryType (a string)") }
        guard let domainJSON = root["domain"] else { throw TypedDataError.missingMember("domain") }
        guard let domain = domainJSON.objectValue else { throw TypedDataError.notAnObject("domain", domainJSON.kind) }
        guard let messageJSON = root["message"] else { throw TypedDataError.missingMember("message") }
        guard let message = messageJSON.objectValue else { throw TypedDataError.notAnObject("message", messageJSON.kind) }
        guard typesObject.count <= TypedData.maxTypes else { throw TypedDataError.tooLarge("more than \(TypedData.maxTypes) types") }

        self.primaryType = primary
        self.domain = domain
        self.message = message
        // The same declared types (a channel's ballots all share theirs) are validated and hashed once.
        if let schema = TypedDataSchemaCache.shared.schema(for: typesObject) {
            self.types = schema.types
            self.domainFields = schema.domainFields
            self.typeHashes = schema.typeHashes
            self.atomicTypes = schema.atomicTypes
        } else {
            var types: [String: [Field]] = [:]
            for (name, value) in typesObject {
                guard TypedData.isIdentifier(name) else { throw TypedDataError.invalidTypeName(name) }
                guard let list = value.arrayValue else { throw TypedDataError.notAnArray("types.\(name)", value.kind) }
                guard list.count <= TypedData.maxFields else {
                    throw TypedDataError.tooLarge("type \(name) has more than \(TypedData.maxFields) fields")
                }
                var fields: [Field] = []
                var seen = Set<String>()
                for (i, entry) in list.enumerated() {
                    guard let fieldName = entry["name"]?.stringValue, let fieldType = entry["type"]?.stringValue else {
                        throw TypedDataError.invalidField(type: name, index: i, "each field needs a string \"name\" and \"type\"")
                    }
                    guard seen.insert(fieldName).inserted else {
                        throw TypedDataError.invalidField(type: name, index: i, "duplicate field name \"\(fieldName)\"")
                    }
                    fields.append(Field(name: fieldName, type: fieldType))
                }
                types[name] = fields
            }
            let domainFields: [Field]
            if let declared = types["EIP712Domain"] {
                domainFields = declared
            } else {
                domainFields = try TypedData.inferDomainFields(domain)
                types["EIP712Domain"] = domainFields
            }
            self.types = types
            self.domainFields = domainFields

            for name in types.keys.sorted() {
                for field in types[name]! { try validateFieldType(field.type, in: name, field: field.name) }
            }
            for name in types.keys.sorted() { try checkAcyclic(name, path: []) }
            // Every type is declared now, so encodeType cannot fail.
            for name in types.keys { typeHashes[name] = Keccak256.hash(try encodeType(name)) }
            atomicTypes = TypedData.atomicTypes(of: types)
            if typesObject.contains("EIP712Domain") {
                // Inferred domain fields depend on the domain, so only declared ones are shared.
                TypedDataSchemaCache.shared.remember(
                    typesObject,
                    TypedDataSchemaCache.Schema(types: types, domainFields: domainFields, typeHashes: typeHashes, atomicTypes: atomicTypes))
            }
        }
        guard TypedData.isIdentifier(primary), types[primary] != nil else {
            throw TypedDataError.undeclaredType(primary, context: "primaryType")
        }
        guard primary != "EIP712Domain" else {
            throw TypedDataError.unsupported("primaryType EIP712Domain (sign the domain as a message instead)")
        }
        // Encode once so that every value error surfaces at parse time; the values are immutable,
        // so the two hashes are kept for `digest()`.
        hashes = (try hashStruct("EIP712Domain", domain, path: "domain"), try hashStruct(primary, message, path: "message"))
    }

    /// Parses the wallet JSON text.
    public init(jsonText: String) throws {
        try self.init(json: try JSONParser.parse(jsonText))
    }

    /// keccak256(encodeType(type)).
    public func typeHash(_ type: String) throws -> Hash32 {
        guard TypedData.isIdentifier(type), let hash = typeHashes[type] else {
            throw TypedDataError.undeclaredType(type, context: "typeHash")
        }
        return hash
    }

    /// `hashStruct(domain)` (computed when the document was parsed).
    public func domainSeparator() throws -> Hash32 { hashes.domain }

    /// `hashStruct(message)` under `primaryType` (computed when the document was parsed).
    public func structHash() throws -> Hash32 { hashes.message }

    /// `keccak256(0x19 ‖ 0x01 ‖ domainSeparator ‖ hashStruct(message))`: what the wallet signs.
    public func digest() throws -> Hash32 {
        TypedData.digest(domainSeparator: try domainSeparator(), structHash: try structHash())
    }

    /// The EIP-712 digest from its two parts.
    public static func digest(domainSeparator: Hash32, structHash: Hash32) -> Hash32 {
        var bytes: [UInt8] = [0x19, 0x01]
        bytes.reserveCapacity(66)
        domainSeparator.withUnsafeBytes { bytes.append(contentsOf: $0) }
        structHash.withUnsafeBytes { bytes.append(contentsOf: $0) }
        return Keccak256.hash(bytes)
    }

    static func isIdentifier(_ s: String) -> Bool {
        guard let first = s.unicodeScalars.first, !s.isEmpty, s.utf8.count <= 256 else { return false }
        let ok: (Unicode.Scalar) -> Bool = { c in
            (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || (c >= "0" && c <= "9") || c == "_" || c == "$"
        }
        return s.unicodeScalars.allSatisfy(ok) && !(first >= "0" && first <= "9")
    }

    /// The EIP712Domain fields for the members present, in the order EIP-712 lists them.
    static func inferDomainFields(_ domain: JSONObject) throws -> [Field] {
        let canonical: [(String, String)] = [
            ("name", "string"), ("version", "string"), ("chainId", "uint256"),
            ("verifyingContract", "address"), ("salt", "bytes32"),
        ]
        for key in domain.keys where !canonical.contains(where: { $0.0 == key }) {
            throw TypedDataError.unknownDomainField(key)
        }
        return canonical.filter { domain.contains($0.0) }.map { Field(name: $0.0, type: $0.1) }
    }
}
