/// A JSON-RPC endpoint of one chain. Endpoints are tried in the order configured; a failing one
/// cools down and the next takes over.
public struct RPCEndpoint: Hashable, Sendable, CustomStringConvertible {
    /// `http://` or `https://` URL. Never logged in full: it may carry an API key.
    public let url: String
    /// A short name for logs and metrics (defaults to the URL's host).
    public let name: String

    public init(url: String, name: String? = nil) {
        self.url = url
        self.name = name ?? RPCEndpoint.host(of: url)
    }

    public var description: String { name }

    public static func host(of url: String) -> String {
        var rest = Substring(url)
        if let scheme = rest.range(of: "://") { rest = rest[scheme.upperBound...] }
        if let at = rest.firstIndex(of: "@") { rest = rest[rest.index(after: at)...] }
        let end = rest.firstIndex(where: { $0 == "/" || $0 == "?" }) ?? rest.endIndex
        return String(rest[..<end])
    }
}
