/// Why an answer that was cross-checked against a second, independent endpoint (a chain's
/// `cross_check_rpc`) could not be used. Nothing is acted on until both endpoints agree: a
/// provider that lies can delay Plenum, not mislead it.
public enum CrossCheckError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The two endpoints gave different answers. `what` names the read (`logs`, `calls`, `head`,
    /// `pins`, `name`); `detail` says where they differ (never an endpoint's URL).
    case mismatch(what: String, detail: String)
    /// The cross-check endpoint has not reached the block yet; asked again later.
    case behind(head: UInt64, needed: UInt64)

    public var description: String {
        switch self {
        case .mismatch(let what, let detail): "cross-check mismatch (\(what)): \(detail)"
        case .behind(let head, let needed): "cross-check endpoint is at block \(head), block \(needed) is needed"
        }
    }

    /// The metric label of a mismatch (`nil` when the endpoint was only behind).
    public var mismatchKind: String? {
        if case .mismatch(let what, _) = self { what } else { nil }
    }
}
