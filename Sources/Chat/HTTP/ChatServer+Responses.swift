import Ethereum
import HTTPTypes
import Hummingbird
import NIOCore

extension ChatServer {
    static let jsonContentType = "application/json; charset=utf-8"

    /// A JSON response.
    static func json(_ value: JSON, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status, headers: [.contentType: jsonContentType],
            body: .init(byteBuffer: ByteBuffer(bytes: value.serializedBytes())))
    }

    /// A response whose body is JSON text already written as bytes.
    static func json(bytes: [UInt8], status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: jsonContentType], body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// The JSON error response for `error`, with `Retry-After` when it has one.
    static func response(for error: ChatError) -> Response {
        var headers: HTTPFields = [.contentType: jsonContentType]
        if let retryAfter = error.retryAfter { headers[.retryAfter] = String(retryAfter) }
        return Response(
            status: HTTPResponse.Status(code: error.status), headers: headers,
            body: .init(byteBuffer: ByteBuffer(string: error.json.serialized())))
    }

    /// Maps anything thrown by a route to a `ChatError`.
    static func chatError(_ error: any Error) -> ChatError {
        switch error {
        case let error as ChatError: return error
        case is NIOTooManyBytesError: return ChatError(.tooLarge, "the request body is larger than this hub accepts")
        case let error as HTTPError:
            switch error.status.code {
            case 404: return ChatError(.notFound, "no such endpoint (see docs/chat-api.md)")
            case 405: return ChatError(.methodNotAllowed, "method not allowed on this endpoint")
            case 413: return ChatError(.tooLarge, "the request body is larger than this hub accepts")
            case 400..<500: return ChatError(.badParameter, error.body ?? "bad request (\(error.status.code))")
            default: return ChatError(.internalError, error.body ?? "internal error (\(error.status.code))")
            }
        case let error as any HTTPResponseError:
            return ChatError(error.status.code == 404 ? .notFound : .badParameter, "request refused (\(error.status.code))")
        default:
            return ChatError(.internalError, "internal error: \(type(of: error))")
        }
    }
}

/// Answers every error as JSON (`{"error": {"code", "message"}}`), including unknown routes.
struct ChatErrorMiddleware: RouterMiddleware {
    typealias Context = ChatRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do { return try await next(request, context) } catch {
            let chatError = ChatServer.chatError(error)
            if chatError.code == .internalError { context.logger.error("chat request failed", metadata: ["error": "\(error)"]) }
            return ChatServer.response(for: chatError)
        }
    }
}

/// Takes a token from the client IP's bucket for every request except `/health`.
struct IPRateLimitMiddleware: RouterMiddleware {
    typealias Context = ChatRequestContext
    let limiter: RateLimiter<String>
    let clock: any ChatClock

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if request.uri.path != "/health", let wait = limiter.take(context.clientIP, now: clock.now()) {
            throw ChatError(.rateLimited, "too many requests from \(context.clientIP); retry in \(wait) s", retryAfter: wait)
        }
        return try await next(request, context)
    }
}
