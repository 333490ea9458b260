import Ethereum
import Governance

extension Bot {
    /// Delivers the result to every webhook not yet served, one attempt per URL per call, retrying
    /// with exponential backoff across calls. Every attempt is recorded. Returns true when each URL is
    /// delivered or has used all its attempts.
    func deliverWebhooks(_ p: BotProposal) async throws -> Bool {
        guard let signed = p.result else { return false }
        let urls = Array(Set(configuration.webhooks + p.rules.webhooks)).sorted()
        if urls.isEmpty { return true }
        let history = try await store.deliveries(p.key)
        var finished = true
        for url in urls {
            let attempts = history.filter { $0.url == url }
            if attempts.contains(where: \.delivered) { continue }
            if attempts.count >= configuration.webhookAttempts { continue }
            finished = false
            if let last = attempts.last {
                let wait = configuration.webhookBackoff * (1 << min(attempts.count - 1, 16))
                let waitMs = UInt64(wait.components.seconds * 1000) + UInt64(wait.components.attoseconds / 1_000_000_000_000_000)
                if now() < last.at + waitMs { continue }
            }
            let body = try webhookBody(p, signed)
            let timestamp = now() / 1000
            let headers = [
                ("Content-Type", "application/json"), ("X-Plenum-Event", "result"), ("X-Plenum-Delivery", "\(p.key):result"),
                ("X-Plenum-Timestamp", String(timestamp)),
                ("X-Plenum-Signature", WebhookSignature.sign(body: body, timestamp: timestamp, secret: configuration.webhookSecret)),
            ]
            var status: Int?
            var failure: String?
            do { status = try await webhooks.post(url: url, body: body, headers: headers) } catch {
                failure = String("\(error)".prefix(300))
            }
            let delivered = status.map { (200..<300).contains($0) } ?? false
            try await store.recordDelivery(
                WebhookDelivery(
                    proposalKey: p.key, url: url, attempt: attempts.count + 1, statusCode: status, error: failure, delivered: delivered,
                    at: now()))
            if delivered {
                statistics.webhookDeliveries += 1
            } else {
                statistics.webhookFailures += 1
                logger.warning(
                    "webhook delivery failed",
                    metadata: [
                        "proposal": "\(p.key)", "attempt": "\(attempts.count + 1)", "status": "\(status.map(String.init) ?? "none")",
                    ])
            }
        }
        return finished
    }

    func webhookBody(_ p: BotProposal, _ signed: SignedResult) throws -> [UInt8] {
        let payload: JSON = [
            "event": "result", "proposal": .string(p.key), "channel": .string(p.channel), "chainId": .number(String(p.chainId)),
            "proposalId": .string(p.proposalId), "title": .string(p.title), "result": try signed.result.json(),
            "typedData": try signed.result.typedDataJSON(), "digest": .string(signed.digest.description),
            "signature": .string(signed.signature.description), "signer": .string(configuration.key.address.checksummed),
        ]
        return Array(payload.serialized().utf8)
    }
}
