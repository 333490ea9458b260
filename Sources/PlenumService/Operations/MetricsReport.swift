import Bot
import ChainWatch

/// What `/metrics` reports, gathered from every component when scraped.
enum MetricsReport {
    static func render(_ server: PlenumServer) async -> String {
        var out = PrometheusText()
        for watcher in server.followers.watchers {
            let labels = [("chain", String(watcher.id.chainId)), ("governor", watcher.id.governor.checksummed)]
            let s = await watcher.statistics
            out.add("plenum_chain_events_read_total", s.eventsRead, labels: labels, help: "Governor events read (tentative or confirmed).")
            out.add("plenum_chain_blocks_scanned_total", Double(s.blocksScanned), labels: labels, help: "Blocks whose logs were read.")
            out.add("plenum_chain_reorgs_total", s.reorgs, labels: labels, help: "Reorganisations detected.")
            out.add("plenum_chain_deep_reorgs_total", s.deepReorgs, labels: labels, help: "Reorganisations deeper than the confirmations.")
            out.add("plenum_chain_getlogs_calls_total", s.getLogsCalls, labels: labels, help: "eth_getLogs calls.")
            if let cursor = await watcher.cursor {
                out.add("plenum_chain_cursor_block", Double(cursor), labels: labels, help: "Last block read.", type: "gauge")
            }
            if let head = await watcher.head {
                out.add("plenum_chain_head_block", Double(head), labels: labels, help: "Highest head seen.", type: "gauge")
            }
        }
        for (name, client) in server.followers.clients.sorted(by: { $0.key < $1.key }) {
            let metrics = await client.metrics
            for (endpoint, m) in metrics.endpoints.sorted(by: { $0.key < $1.key }) {
                for (method, n) in m.callsByMethod.sorted(by: { $0.key < $1.key }) {
                    out.add(
                        "plenum_rpc_calls_total", n, labels: [("chain", name), ("endpoint", endpoint), ("method", method)],
                        help: "JSON-RPC calls sent, by endpoint and method.")
                }
                for (kind, n) in m.errors.sorted(by: { $0.key < $1.key }) {
                    out.add(
                        "plenum_rpc_errors_total", n, labels: [("chain", name), ("endpoint", endpoint), ("kind", kind)],
                        help: "JSON-RPC failures, by endpoint and kind.")
                }
            }
        }
        let bot = await server.bot.statistics
        out.add("plenum_votes_accepted_total", bot.accepted, help: "Ballots accepted.")
        for (reason, n) in bot.rejected.sorted(by: { $0.key < $1.key }) {
            out.add("plenum_votes_rejected_total", n, labels: [("reason", reason)], help: "Ballots rejected, by reason.")
        }
        out.add("plenum_chat_messages_total", bot.chatMessages, help: "Member messages that were not ballots.")
        out.add("plenum_receipts_posted_total", bot.receiptsPosted, help: "Signed receipts posted.")
        out.add("plenum_results_published_total", bot.results, help: "Signed results published.")
        out.add("plenum_webhook_deliveries_total", bot.webhookDeliveries, help: "Webhook deliveries that succeeded.")
        out.add("plenum_webhook_failures_total", bot.webhookFailures, help: "Webhook delivery attempts that failed.")
        out.add("plenum_tally_duration_milliseconds", bot.lastTallyMilliseconds, help: "Duration of the last tally.", type: "gauge")
        if let proposals = try? await server.store.allProposals() {
            for phase in BotProposal.Phase.allCases {
                out.add(
                    "plenum_proposals", proposals.filter { $0.phase == phase }.count, labels: [("phase", phase.rawValue)],
                    help: "Proposals by phase.",
                    type: "gauge")
            }
        }
        let commits = await server.hub.commitStatistics()
        out.add("plenum_hub_messages_committed_total", commits.messages, help: "Chat messages committed by the hub.")
        out.add("plenum_hub_commit_batches_total", commits.batches, help: "Transactions the hub committed them in.")
        return out.text
    }
}
