import Synchronization

/// The validated types of recently parsed typed data, with their type hashes, so that documents
/// declaring the same `types` (every ballot of a channel, every receipt) are validated and hashed
/// once. Keyed by the `types` object itself, compared member by member; a few entries, replaced
/// oldest first, so a stream of distinct types costs one comparison each and no growth.
final class TypedDataSchemaCache: Sendable {
    struct Schema: Sendable {
        let types: [String: [TypedData.Field]]
        let domainFields: [TypedData.Field]
        let typeHashes: [String: Hash32]
        let atomicTypes: [String: ABIType]
    }

    static let shared = TypedDataSchemaCache(capacity: 8)

    private struct State {
        var entries: [(key: JSONObject, schema: Schema)] = []
        var next = 0
    }

    private let capacity: Int
    private let state = Mutex(State())

    init(capacity: Int) { self.capacity = capacity }

    func schema(for types: JSONObject) -> Schema? {
        // Compared outside the lock: the array is copied by reference.
        let entries = state.withLock { $0.entries }
        return entries.first { $0.key == types }?.schema
    }

    func remember(_ types: JSONObject, _ schema: Schema) {
        state.withLock { state in
            guard !state.entries.contains(where: { $0.key == types }) else { return }
            if state.entries.count < capacity {
                state.entries.append((types, schema))
            } else {
                state.entries[state.next] = (types, schema)
                state.next = (state.next + 1) % capacity
            }
        }
    }
}
