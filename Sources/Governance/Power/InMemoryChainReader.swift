import Ethereum
import Synchronization

/// A `ChainReader` over a function, for tests: it answers each call from `respond` and counts the
/// batches it was asked for (each batch is one round trip of a real reader).
public final class InMemoryChainReader: ChainReader {
    public typealias Responder = @Sendable (ContractCall, BlockRef) -> ContractCallResult

    private let respond: Responder
    private let batches = Mutex<[(block: BlockRef, calls: Int)]>([])

    public init(respond: @escaping Responder) {
        self.respond = respond
    }

    public func call(_ calls: [ContractCall], at block: BlockRef) async throws -> [ContractCallResult] {
        batches.withLock { $0.append((block, calls.count)) }
        return calls.map { respond($0, block) }
    }

    /// Batches served so far: the number of round trips a real reader would have made.
    public var roundTrips: Int { batches.withLock { $0.count } }

    /// The blocks and sizes of the batches served so far, in order.
    public var batchLog: [(block: BlockRef, calls: Int)] { batches.withLock { $0 } }
}
