import EthereumRPC

/// Chooses how many blocks each `eth_getLogs` spans during catch-up.
///
/// It starts at `initial`, takes the range a provider's refusal suggests, else the limit it states,
/// else shrinks (a tenth for "too many results", half otherwise). It remembers what it learned: a
/// stated block limit becomes a ceiling, a stated result cap is used with the density just seen to
/// size the next range. After successes it grows again (doubling after two in a row), never above
/// the ceiling or `maximum`, and never below one block.
public struct RangeSizer: Hashable, Sendable {
    public private(set) var size: UInt64
    public let maximum: UInt64
    /// A block-count limit the provider stated or implied.
    public private(set) var ceiling: UInt64?
    /// A result-count cap the provider stated.
    public private(set) var resultLimit: UInt64?
    var successes = 0

    public init(initial: UInt64 = 2000, maximum: UInt64 = 10_000) {
        precondition(initial >= 1 && maximum >= 1)
        size = min(initial, maximum)
        self.maximum = maximum
    }

    /// Restores a saved sizer.
    public init(size: UInt64, maximum: UInt64, ceiling: UInt64?, resultLimit: UInt64?) {
        self.size = max(1, min(size, maximum))
        self.maximum = max(1, maximum)
        self.ceiling = ceiling
        self.resultLimit = resultLimit
    }

    var cap: UInt64 { min(ceiling ?? maximum, maximum) }

    /// The provider refused `requested` with `error`.
    public mutating func refused(_ error: RPCError, requested: ClosedRange<UInt64>) {
        let span = UInt64(requested.count)
        successes = 0
        if let limit = error.statedResultLimit { resultLimit = limit }
        if let hint = error.suggestedRange, hint.lowerBound == requested.lowerBound, hint.upperBound < requested.upperBound {
            size = max(1, UInt64(hint.count))
            if !error.isTooManyResults, let stated = error.statedRangeLimit { ceiling = stated }
        } else if !error.isTooManyResults, let stated = error.statedRangeLimit, stated < span {
            ceiling = stated
            size = max(1, stated)
        } else if error.isTooManyResults {
            size = max(1, span / 10)
        } else {
            // An unexplained refusal ("block range is too wide"): this span is too much.
            ceiling = max(1, span - 1)
            size = max(1, span / 2)
        }
        size = min(size, cap)
    }

    /// `span` blocks were scanned and gave `results` logs.
    public mutating func succeeded(span: UInt64, results: Int) {
        successes += 1
        if let resultLimit, results > 0 {
            // Aim at 90% of the cap at the density just seen; at most double.
            let target = span * resultLimit * 9 / 10 / UInt64(results)
            size = max(1, min(target, span * 2, cap))
        } else if successes >= 2 {
            size = min(max(size, span) * 2, cap)
            successes = 0
        }
    }
}
