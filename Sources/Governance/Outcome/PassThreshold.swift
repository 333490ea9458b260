/// What a vote needs, beyond quorum, to pass.
public enum PassThreshold: Hashable, Sendable, CustomStringConvertible {
    /// basic: For strictly exceeds Against. Other systems: one choice has the strictly highest score.
    case simpleMajority
    /// As `simpleMajority`, and the winner holds at least `numerator/denominator` of the decisive total:
    /// For / (For + Against) for basic votes, the winner's score / the sum of all scores otherwise.
    case supermajority(numerator: UInt64, denominator: UInt64)

    /// Parses `simple-majority` or a fraction `n/d` with 0 < n ≤ d (e.g. `2/3`).
    public init(parsing text: String) throws(PassThresholdError) {
        if text == "simple-majority" {
            self = .simpleMajority
            return
        }
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, parts.allSatisfy({ !$0.isEmpty && $0.count <= 18 && $0.allSatisfy { $0.isASCII && $0.isNumber } }),
            let n = UInt64(parts[0]), let d = UInt64(parts[1]), n > 0, n <= d
        else { throw PassThresholdError(text: text) }
        self = .supermajority(numerator: n, denominator: d)
    }

    public var description: String {
        switch self {
        case .simpleMajority: "simple-majority"
        case .supermajority(let n, let d): "\(n)/\(d)"
        }
    }
}

/// Why text is not a pass threshold.
public struct PassThresholdError: Error, Equatable, Sendable, CustomStringConvertible {
    public let text: String
    public var description: String {
        "threshold \"\(text.prefix(40))\" must be \"simple-majority\" or a fraction n/d with 0 < n ≤ d, such as \"2/3\""
    }
}
