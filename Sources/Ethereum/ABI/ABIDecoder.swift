/// Decodes ABI data strictly, for data from anyone.
///
/// Every offset and length is checked against the bytes available; padding must be zero; integers must
/// fit their declared width; bools are 0 or 1; strings are valid UTF-8. Decoding never allocates more
/// than the input could canonically hold: offsets that alias the same data to multiply the output are
/// refused (`ABIError.budgetExceeded`). Bytes after the last value are ignored, as the EVM does.
public enum ABIDecoder {
    /// Decodes `data` as the tuple `types`.
    public static func decode(_ types: [ABIType], from data: [UInt8]) throws -> [ABIValue] {
        try data.withUnsafeBufferPointer { buffer in
            var budget = Budget(values: buffer.count / 32 + 1, bytes: buffer.count)
            return try decodeTuple(types, buffer[...], path: "", budget: &budget)
        }
    }

    /// Decodes `data` as a single value of `type`.
    public static func decode(_ type: ABIType, from data: [UInt8]) throws -> ABIValue {
        try decode([type], from: data)[0]
    }

    struct Budget {
        var values: Int
        var bytes: Int

        mutating func spend(values n: Int, path: String) throws {
            values -= n
            if values < 0 { throw ABIError.budgetExceeded("more values than 32-byte words at \(path.isEmpty ? "top level" : path)") }
        }

        /// Fails early, before allocating, when `n` more values cannot fit.
        func ensure(values n: Int, path: String) throws {
            if n > values { throw ABIError.budgetExceeded("more values than 32-byte words at \(path.isEmpty ? "top level" : path)") }
        }

        mutating func spend(bytes n: Int, path: String) throws {
            bytes -= n
            if bytes < 0 { throw ABIError.budgetExceeded("more bytes than the input at \(path.isEmpty ? "top level" : path)") }
        }
    }

    typealias Bytes = Slice<UnsafeBufferPointer<UInt8>>

    /// `data` starts at the tuple's first head word; offsets are relative to that start.
    static func decodeTuple(_ types: [ABIType], _ data: Bytes, path: String, budget: inout Budget) throws -> [ABIValue] {
        var values: [ABIValue] = []
        values.reserveCapacity(types.count)
        var head = data.startIndex
        for (i, type) in types.enumerated() {
            let p = "\(path)[\(i)]"
            if type.isDynamic {
                let offsetWord = try word(data, at: head, path: p)
                let offset = try smallInt(offsetWord, limit: data.count) {
                    ABIError.offsetOutOfBounds(path: p, offset: "\(UInt256(word: offsetWord))", size: data.count)
                }
                let start = data.startIndex + offset
                guard start <= data.endIndex else {
                    throw ABIError.offsetOutOfBounds(path: p, offset: "\(offset)", size: data.count)
                }
                values.append(try decodeValue(type, data[start...], path: p, budget: &budget))
            } else {
                let size = type.headSize
                guard head + size <= data.endIndex else {
                    throw ABIError.truncated(path: p, needed: size, available: data.endIndex - head)
                }
                values.append(try decodeValue(type, data[head..<(head + size)], path: p, budget: &budget))
            }
            head += type.headSize
        }
        return values
    }

    /// `data` starts where the value's encoding starts.
    static func decodeValue(_ type: ABIType, _ data: Bytes, path: String, budget: inout Budget) throws -> ABIValue {
        // Every leaf and every dynamic array occupies at least one 32-byte word of a canonical
        // encoding; tuples and fixed arrays occupy only their elements' words.
        switch type {
        case .tuple, .fixedArray: break
        default: try budget.spend(values: 1, path: path)
        }
        let start = data.startIndex
        switch type {
        case .uint(let bits):
            let v = UInt256(word: try word(data, at: start, path: path))
            guard v.bitWidth <= bits else { throw ABIError.nonZeroPadding(path: path, "uint\(bits) value has bits set above bit \(bits)") }
            return .uint(v)
        case .int(let bits):
            let v = Int256(bitPattern: UInt256(word: try word(data, at: start, path: path)))
            guard v.fits(bits: bits) else { throw ABIError.nonZeroPadding(path: path, "int\(bits) value is not sign-extended") }
            return .int(v)
        case .address:
            let w = try word(data, at: start, path: path)
            guard w.w0 == 0, w.w1 >> 32 == 0 else { throw ABIError.nonZeroPadding(path: path, "address has non-zero high 12 bytes") }
            return .address(Address(lowBytesOf: w))
        case .bool:
            let w = try word(data, at: start, path: path)
            guard w.w0 == 0, w.w1 == 0, w.w2 == 0, w.w3 <= 1 else { throw ABIError.invalidBool(path: path) }
            return .bool(w.w3 == 1)
        case .fixedBytes(let n):
            _ = try word(data, at: start, path: path)
            guard data[(start + n)..<(start + 32)].allSatisfy({ $0 == 0 }) else {
                throw ABIError.nonZeroPadding(path: path, "bytes\(n) has non-zero bytes after the first \(n)")
            }
            return .fixedBytes(Array(data[start..<(start + n)]))
        case .bytes:
            return .bytes(try dynamicBytes(data, path: path, budget: &budget))
        case .string:
            let raw = try dynamicBytes(data, path: path, budget: &budget)
            guard let s = String(validating: raw, as: UTF8.self) else { throw ABIError.invalidUTF8(path: path) }
            return .string(s)
        case .array(let element):
            let lengthWord = try word(data, at: start, path: path)
            let available = data.count - 32
            let length = try smallInt(lengthWord, limit: available / 32) {
                ABIError.lengthOutOfBounds(path: path, length: "\(UInt256(word: lengthWord)) elements", available: available)
            }
            guard length * element.headSize <= available else {
                throw ABIError.lengthOutOfBounds(path: path, length: "\(length) elements", available: available)
            }
            try budget.ensure(values: length, path: path)
            let elements = try decodeTuple(Array(repeating: element, count: length), data[(start + 32)...], path: path, budget: &budget)
            return .array(elements)
        case .fixedArray(let element, let k):
            try budget.ensure(values: k, path: path)
            return .array(try decodeTuple(Array(repeating: element, count: k), data, path: path, budget: &budget))
        case .tuple(let components):
            return .tuple(try decodeTuple(components, data, path: path, budget: &budget))
        }
    }

    static func dynamicBytes(_ data: Bytes, path: String, budget: inout Budget) throws -> [UInt8] {
        let start = data.startIndex
        let lengthWord = try word(data, at: start, path: path)
        let available = data.count - 32
        let length = try smallInt(lengthWord, limit: available) {
            ABIError.lengthOutOfBounds(path: path, length: "\(UInt256(word: lengthWord)) bytes", available: available)
        }
        let padded = (length + 31) / 32 * 32
        guard padded <= available else {
            throw ABIError.truncated(path: path, needed: padded, available: available)
        }
        try budget.spend(bytes: length, path: path)
        let body = start + 32
        guard data[(body + length)..<(body + padded)].allSatisfy({ $0 == 0 }) else {
            throw ABIError.nonZeroPadding(path: path, "bytes after the \(length)-byte value are not zero")
        }
        return Array(data[body..<(body + length)])
    }

    static func word(_ data: Bytes, at index: Int, path: String) throws -> Hash32 {
        guard index + 32 <= data.endIndex else {
            throw ABIError.truncated(path: path, needed: 32, available: max(0, data.endIndex - index))
        }
        let base = UnsafeRawPointer(data.base.baseAddress!) + index
        return Hash32(
            words: (
                UInt64(bigEndian: base.loadUnaligned(as: UInt64.self)),
                UInt64(bigEndian: base.loadUnaligned(fromByteOffset: 8, as: UInt64.self)),
                UInt64(bigEndian: base.loadUnaligned(fromByteOffset: 16, as: UInt64.self)),
                UInt64(bigEndian: base.loadUnaligned(fromByteOffset: 24, as: UInt64.self))
            ))
    }

    /// A word as an `Int` no larger than `limit`, else the error `make` builds.
    static func smallInt(_ w: Hash32, limit: Int, _ make: () -> ABIError) throws -> Int {
        guard w.w0 == 0, w.w1 == 0, w.w2 == 0, w.w3 <= UInt64(limit) else { throw make() }
        return Int(w.w3)
    }
}
