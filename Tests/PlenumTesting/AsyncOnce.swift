/// Builds a value once, on first use, shared by every test that asks (e.g. a prepared devnet).
public actor AsyncOnce<Value: Sendable> {
    private var value: Value?
    private var building: Task<Value, any Error>?
    private let make: @Sendable () async throws -> Value

    public init(_ make: @escaping @Sendable () async throws -> Value) { self.make = make }

    public func get() async throws -> Value {
        if let value { return value }
        if let building { return try await building.value }
        let task = Task { try await make() }
        building = task
        let built = try await task.value
        value = built
        return built
    }
}
