import Hummingbird
import HummingbirdWebSocket
import NIOCore

/// The request context of the hub's routes: Hummingbird's core storage, the WebSocket handler
/// slot, and the client's IP (for per-IP limits).
public struct ChatRequestContext: RequestContext, WebSocketRequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let webSocket: WebSocketHandlerReference<ChatRequestContext>
    public let remoteAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        webSocket = .init()
        remoteAddress = source.channel.remoteAddress
    }

    /// The client's IP address as text ("unknown" when the socket has none).
    public var clientIP: String { remoteAddress?.ipAddress ?? "unknown" }
}
