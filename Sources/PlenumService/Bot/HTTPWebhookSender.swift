import AsyncHTTPClient
import Bot
import EthereumRPC
import NIOCore

/// Webhook POSTs over AsyncHTTPClient, with a timeout and a bounded answer.
public struct HTTPWebhookSender: WebhookSender {
    let client: HTTPClient
    let timeout: Duration

    public init(client: HTTPClient = HTTPTransport.failFastClient, timeout: Duration = .seconds(10)) {
        self.client = client
        self.timeout = timeout
    }

    public func post(url: String, body: [UInt8], headers: [(String, String)]) async throws -> Int {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        request.body = .bytes(ByteBuffer(bytes: body))
        let response = try await client.execute(request, timeout: .seconds(Int64(timeout.components.seconds)))
        _ = try await response.body.collect(upTo: 64 * 1024)
        return Int(response.status.code)
    }
}
