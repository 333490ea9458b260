extension TypedData {
    /// `encodeType`: the type's own signature followed by those of every struct it references, sorted by name.
    public func encodeType(_ type: String) throws -> String {
        guard TypedData.isIdentifier(type), types[type] != nil else { throw TypedDataError.undeclaredType(type, context: "encodeType") }
        var dependencies = Set<String>()
        collectDependencies(type, into: &dependencies)
        dependencies.remove(type)
        return ([type] + dependencies.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }).map { name in
            "\(name)(" + types[name]!.map { "\($0.type) \($0.name)" }.joined(separator: ",") + ")"
        }.joined()
    }

    func collectDependencies(_ type: String, into found: inout Set<String>) {
        guard let fields = types[type], found.insert(type).inserted else { return }
        for field in fields {
            let base = TypedData.baseType(field.type)
            if types[base] != nil { collectDependencies(base, into: &found) }
        }
    }

    /// `T[2][]` → `T`.
    static func baseType(_ type: String) -> String {
        guard let bracket = type.firstIndex(of: "[") else { return type }
        return String(type[..<bracket])
    }

    /// Splits the outermost array suffix: `T[2][]` → (`T[2]`, nil); `T[3]` → (`T`, 3).
    static func arrayElement(_ type: String) -> (element: String, length: Int?)? {
        guard type.hasSuffix("]"), let open = type.lastIndex(of: "[") else { return nil }
        let inside = type[type.index(after: open)..<type.index(before: type.endIndex)]
        return (String(type[..<open]), inside.isEmpty ? nil : Int(inside))
    }

    func validateFieldType(_ type: String, in structName: String, field: String) throws {
        if let (element, _) = TypedData.arrayElement(type) {
            let inside = type[type.index(after: type.lastIndex(of: "[")!)..<type.index(before: type.endIndex)]
            guard inside.isEmpty || (Int(inside).map { $0 >= 1 && $0 <= 1 << 16 } ?? false) else {
                throw TypedDataError.invalidFieldType(type, in: structName, field: field)
            }
            return try validateFieldType(element, in: structName, field: field)
        }
        // Declared names are identifiers (ASCII), so only an identifier may name one: a lookup by
        // another spelling Swift calls equal ("\u{212A}ind" for "Kind") would resolve to it.
        if TypedData.isIdentifier(type), types[type] != nil { return }
        guard let atomic = try? ABIType(type), TypedData.isAtomic(atomic) else {
            let sized = ["uint", "int", "bytes"].contains { type.hasPrefix($0) && type.dropFirst($0.count).allSatisfy(\.isNumber) }
            if TypedData.isIdentifier(type) && !sized {
                throw TypedDataError.undeclaredType(type, context: "field \(structName).\(field)")
            }
            throw TypedDataError.invalidFieldType(type, in: structName, field: field)
        }
    }

    static func isAtomic(_ type: ABIType) -> Bool {
        switch type {
        case .array, .fixedArray, .tuple: false
        default: true
        }
    }

    func checkAcyclic(_ type: String, path: [String]) throws {
        if let start = path.firstIndex(of: type) {
            throw TypedDataError.recursiveType(Array(path[start...]) + [type])
        }
        guard let fields = types[type] else { return }
        for field in fields {
            let base = TypedData.baseType(field.type)
            if types[base] != nil { try checkAcyclic(base, path: path + [type]) }
        }
    }

    /// `keccak256(typeHash ‖ encodeData(value))`.
    func hashStruct(_ type: String, _ value: JSONObject, path: String) throws -> Hash32 {
        try hashStruct(type, value, at: { path })
    }

    /// The same, with the path built only for an error message (not for every member encoded).
    private func hashStruct(_ type: String, _ value: JSONObject, at path: () -> String) throws -> Hash32 {
        guard let fields = types[type] else { throw TypedDataError.undeclaredType(type, context: path()) }
        for member in value where !fields.contains(where: { $0.name.hasSameBytes(as: member.key) }) {
            throw TypedDataError.undeclaredField(path: "\(path()).\(member.key)", type: type)
        }
        var encoded: [UInt8] = []
        encoded.reserveCapacity(32 * (fields.count + 1))
        ABIEncoder.appendWord(try typeHash(type), to: &encoded)
        for field in fields {
            guard let member = value[field.name] else {
                throw TypedDataError.missingField(path: "\(path()).\(field.name)", type: field.type)
            }
            ABIEncoder.appendWord(try encodeValue(field.type, member, at: { "\(path()).\(field.name)" }), to: &encoded)
        }
        return Keccak256.hash(encoded)
    }

    /// The 32-byte `enc(value)` of one member.
    func encodeValue(_ type: String, _ value: JSON, path: String) throws -> Hash32 {
        try encodeValue(type, value, at: { path })
    }

    private func encodeValue(_ type: String, _ value: JSON, at path: () -> String) throws -> Hash32 {
        if let atomic = atomicTypes[type] {
            return try TypedData.encodeAtomic(atomic, value, typeName: type, path: path())
        }
        if let (element, length) = TypedData.arrayElement(type) {
            guard let items = value.arrayValue else { throw TypedDataError.wrongValue(path: path(), type: type, found: value.kind) }
            if let length, items.count != length {
                throw TypedDataError.wrongValue(path: path(), type: type, found: "an array of \(items.count)")
            }
            var hasher = Keccak256Hasher()
            for (i, item) in items.enumerated() {
                hasher.update(try encodeValue(element, item, at: { "\(path())[\(i)]" }).bytes)
            }
            return hasher.finalize()
        }
        if types[type] != nil {
            guard let object = value.objectValue else { throw TypedDataError.wrongValue(path: path(), type: type, found: value.kind) }
            return try hashStruct(type, object, at: path)
        }
        return try TypedData.encodeAtomic(try ABIType(type), value, typeName: type, path: path())
    }

    /// Every atomic type named by a field, directly or as an array's element, parsed once.
    static func atomicTypes(of types: [String: [Field]]) -> [String: ABIType] {
        var found: [String: ABIType] = [:]
        for fields in types.values {
            for field in fields {
                var type = field.type
                while let (element, _) = arrayElement(type) { type = element }
                if types[type] == nil, found[type] == nil, let atomic = try? ABIType(type), isAtomic(atomic) { found[type] = atomic }
            }
        }
        return found
    }

    static func encodeAtomic(_ type: ABIType, _ value: JSON, typeName: String, path: String) throws -> Hash32 {
        func wrong(_ found: String? = nil) -> TypedDataError {
            .wrongValue(path: path, type: typeName, found: found ?? value.kind)
        }
        switch type {
        case .bool:
            guard let b = value.boolValue else { throw wrong() }
            return UInt256(b ? 1 : 0).word
        case .address:
            guard let s = value.stringValue else { throw wrong() }
            do { return try Address(s).word } catch { throw TypedDataError.invalidValue(path: path, "\(error)") }
        case .string:
            guard let s = value.stringValue else { throw wrong() }
            return Keccak256.hash(s)
        case .bytes:
            guard let s = value.stringValue else { throw wrong() }
            do { return Keccak256.hash(try Hex.decode(s, requirePrefix: true)) } catch {
                throw TypedDataError.invalidValue(path: path, "bytes must be 0x-prefixed hex: \(error)")
            }
        case .fixedBytes(let n):
            guard let s = value.stringValue else { throw wrong() }
            let bytes: [UInt8]
            do { bytes = try Hex.decode(s, requirePrefix: true) } catch {
                throw TypedDataError.invalidValue(path: path, "bytes\(n) must be 0x-prefixed hex: \(error)")
            }
            guard bytes.count == n else {
                throw TypedDataError.invalidValue(path: path, "bytes\(n) needs exactly \(n) bytes, found \(bytes.count)")
            }
            return try Hash32(bytes: bytes + [UInt8](repeating: 0, count: 32 - n))
        case .uint(let bits):
            let v = try integerText(value, path: path, typeName: typeName)
            guard !v.hasPrefix("-") else { throw TypedDataError.invalidValue(path: path, "\(typeName) cannot be negative") }
            let parsed: UInt256
            do { parsed = try UInt256(parsing: v) } catch { throw TypedDataError.invalidValue(path: path, "\(error)") }
            guard parsed.bitWidth <= bits else { throw TypedDataError.invalidValue(path: path, "\(v) does not fit in \(typeName)") }
            return parsed.word
        case .int(let bits):
            let v = try integerText(value, path: path, typeName: typeName)
            let parsed: Int256
            do { parsed = try Int256(parsing: v) } catch { throw TypedDataError.invalidValue(path: path, "\(error)") }
            guard parsed.fits(bits: bits) else { throw TypedDataError.invalidValue(path: path, "\(v) does not fit in \(typeName)") }
            return parsed.bitPattern.word
        default:
            throw TypedDataError.invalidFieldType(typeName, in: path, field: "")
        }
    }

    /// Integers may be JSON numbers without fraction or exponent, decimal strings, or 0x hex strings.
    static func integerText(_ value: JSON, path: String, typeName: String) throws -> String {
        switch value {
        case .number(let n):
            guard !n.contains("."), !n.contains("e"), !n.contains("E") else {
                throw TypedDataError.invalidValue(path: path, "\(typeName) must be an integer, found \(n)")
            }
            return n
        case .string(let s):
            guard !s.isEmpty else { throw TypedDataError.invalidValue(path: path, "\(typeName) is an empty string") }
            return s
        default:
            throw TypedDataError.wrongValue(path: path, type: typeName, found: value.kind)
        }
    }
}
