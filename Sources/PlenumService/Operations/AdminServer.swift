import Bot
import Foundation
import Governance
import Hummingbird
import Logging
import NIOCore

/// The admin HTTP server: `/health` (open), `/metrics` (Prometheus text, open) and `/admin/*`
/// (bearer token). Bound to 127.0.0.1 by default.
func buildAdminApplication(
    server: PlenumServer, token: String, host: String, port: Int, onServerRunning: @escaping @Sendable (Int) async -> Void
) -> some ApplicationProtocol {
    let router = Router()
    let api = AdminAPI(
        token: token, channels: server.configuration.channels, store: server.store, polls: ServerPolls(server: server))
    router.get("/health") { _, _ -> Response in
        Response(
            status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: "{\"status\":\"ok\"}")))
    }
    router.get("/metrics") { _, _ -> Response in
        let text = await MetricsReport.render(server)
        return Response(
            status: .ok, headers: [.contentType: "text/plain; version=0.0.4"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }
    for method in [HTTPRequest.Method.get, .post] {
        router.on("/admin/**", method: method) { request, context -> Response in
            let body = try await request.body.collect(upTo: 64 * 1024)
            let answer = await api.handle(
                method: method.rawValue, path: request.uri.path, authorization: request.headers[.authorization], body: Array(buffer: body))
            return Response(
                status: .init(code: answer.status), headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(string: answer.body.serialized())))
        }
    }
    return Application(
        router: router, configuration: .init(address: .hostname(host, port: port), serverName: "plenum-admin"),
        onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? 0) }, logger: Logger(label: "plenum.admin"))
}

/// Polls opened through the admin API, by the running bot.
struct ServerPolls: PollOpener {
    let server: PlenumServer

    func openPoll(_ request: PollRequest) async throws -> BotProposal {
        guard let channel = server.configuration.channels.first(where: { $0.name == request.channel }) else {
            throw PollError.invalid("no channel \"\(request.channel)\"")
        }
        let confirmations = channel.confirmations ?? server.configuration.chains[channel.chain]!.confirmations
        do {
            return try await server.bot.openPoll(
                channel: request.channel, title: request.title, description: request.description, choices: request.choices,
                system: request.system,
                duration: request.duration, snapshotBlock: request.snapshotBlock, confirmations: confirmations)
        } catch let error as BotError {
            throw PollError.invalid(error.description)
        } catch let error as TallyRulesError {
            throw PollError.invalid(error.description)
        }
    }
}
