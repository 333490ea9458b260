import Ethereum

/// Which block a state query or log range refers to.
public enum BlockReference: Hashable, Sendable, CustomStringConvertible {
    case number(UInt64)
    /// `latest`, `safe`, `finalized`, `earliest`, `pending`.
    case tag(String)
    /// EIP-1898: a block by hash; with `requireCanonical` the node must refuse a block off the canonical chain.
    case hash(Hash32, requireCanonical: Bool)

    public static let latest = BlockReference.tag("latest")
    public static let safe = BlockReference.tag("safe")
    public static let finalized = BlockReference.tag("finalized")

    /// The parameter as `eth_call`/`eth_getCode` take it.
    public var stateParameter: JSON {
        switch self {
        case .number(let n): .string(Quantity.format(n))
        case .tag(let t): .string(t)
        case .hash(let h, let canonical): ["blockHash": .string(h.description), "requireCanonical": .bool(canonical)]
        }
    }

    public var description: String {
        switch self {
        case .number(let n): "block \(n)"
        case .tag(let t): t
        case .hash(let h, _): "block \(h)"
        }
    }
}
