import Synchronization

/// The validated types of recently parsed typed data, with their type hashes, so that documents
/// declaring the same `types` (every ballot of a channel, every receipt) are validated and hashed
/// once. Keyed by the `types` object itself, compared byte for byte (not as Swift strings, which
/// equate canonically equivalent spellings that hash differently); a few entries of bounded size,
/// replaced oldest first, so a stream of distinct types costs one comparison each and no growth.
final class TypedDataSchemaCache: Sendable {
    struct Schema: Sendable {
        let types: [String: [TypedData.Field]]
        let domainFields: [TypedData.Field]
        let typeHashes: [String: Hash32]
        let atomicTypes: [String: ABIType]
    }

    static let shared = TypedDataSchemaCache(capacity: 8, maxKeyBytes: 16 << 10)

    private struct State {
        var entries: [(key: JSONObject, schema: Schema)] = []
        var next = 0
    }

    private let capacity: Int
    private let maxKeyBytes: Int
    private let state = Mutex(State())

    init(capacity: Int, maxKeyBytes: Int) {
        self.capacity = capacity
        self.maxKeyBytes = maxKeyBytes
    }

    func schema(for types: JSONObject) -> Schema? {
        // Compared outside the lock: the array is copied by reference.
        let entries = state.withLock { $0.entries }
        return entries.first { Self.identical(.object($0.key), .object(types)) }?.schema
    }

    func remember(_ types: JSONObject, _ schema: Schema) {
        var budget = maxKeyBytes
        guard Self.fits(.object(types), within: &budget) else { return }
        state.withLock { state in
            guard !state.entries.contains(where: { Self.identical(.object($0.key), .object(types)) }) else { return }
            if state.entries.count < capacity {
                state.entries.append((types, schema))
            } else {
                state.entries[state.next] = (types, schema)
                state.next = (state.next + 1) % capacity
            }
        }
    }

    /// The same JSON, every key, string and number the same bytes, members in the same order.
    static func identical(_ a: JSON, _ b: JSON) -> Bool { a.hasSameBytes(as: b) }

    /// Whether the value's keys, strings and numbers add up to at most `budget` bytes.
    static func fits(_ value: JSON, within budget: inout Int) -> Bool {
        switch value {
        case .null, .bool: budget -= 1
        case .number(let s), .string(let s): budget -= s.utf8.count
        case .array(let items):
            for item in items where !fits(item, within: &budget) { return false }
        case .object(let object):
            for member in object {
                budget -= member.key.utf8.count
                if !fits(member.value, within: &budget) { return false }
            }
        }
        return budget >= 0
    }
}
