import Bot
import ChainWatch
import Chat
import EthereumRPC
import Governance

/// What `/metrics` reads when scraped: each component that reports counters. Absent parts are
/// left out of the report.
public struct MetricsSources: Sendable {
    public var watchers: [GovernorWatcher]
    /// RPC clients by chain name (the chains' cross-check clients are reported beside them; their
    /// endpoints are named `NAME-check-N`).
    public var clients: [String: RPCClient]
    public var crossCheckClients: [String: RPCClient]
    public var botChain: RPCBotChain?
    public var bot: Bot?
    public var store: (any BotStore)?
    public var hub: ChatHub?

    public init(
        watchers: [GovernorWatcher] = [], clients: [String: RPCClient] = [:], crossCheckClients: [String: RPCClient] = [:],
        botChain: RPCBotChain? = nil, bot: Bot? = nil, store: (any BotStore)? = nil, hub: ChatHub? = nil
    ) {
        self.watchers = watchers
        self.clients = clients
        self.crossCheckClients = crossCheckClients
        self.botChain = botChain
        self.bot = bot
        self.store = store
        self.hub = hub
    }
}

extension PlenumServer {
    /// Every component of the running service.
    public var metricsSources: MetricsSources {
        MetricsSources(
            watchers: followers.watchers, clients: followers.clients, crossCheckClients: followers.crossCheckClients, botChain: botChain,
            bot: bot, store: store, hub: hub)
    }
}

/// What `/metrics` reports (docs/operations.md lists every metric with its labels).
public enum MetricsReport {
    /// The Prometheus text of every source's counters and gauges.
    public static func render(_ sources: MetricsSources) async -> String {
        var out = PrometheusText()
        for watcher in sources.watchers {
            let labels = [("chain", String(watcher.id.chainId)), ("governor", watcher.id.governor.checksummed)]
            let s = await watcher.statistics
            out.add("plenum_chain_events_read_total", s.eventsRead, labels: labels, help: "Governor events read (tentative or confirmed).")
            out.add("plenum_chain_blocks_scanned_total", Double(s.blocksScanned), labels: labels, help: "Blocks whose logs were read.")
            out.add("plenum_chain_reorgs_total", s.reorgs, labels: labels, help: "Reorganisations detected.")
            out.add("plenum_chain_deep_reorgs_total", s.deepReorgs, labels: labels, help: "Reorganisations deeper than the confirmations.")
            out.add("plenum_chain_getlogs_calls_total", s.getLogsCalls, labels: labels, help: "eth_getLogs calls.")
            out.add(
                "plenum_chain_cross_checks_total", s.crossChecks, labels: labels,
                help: "Confirmations checked against the chain's cross-check endpoint.")
            out.add(
                "plenum_chain_cross_check_mismatches_total", s.crossCheckMismatches, labels: labels,
                help: "Confirmations refused because the cross-check endpoint answered other logs.")
            if let cursor = await watcher.cursor {
                out.add("plenum_chain_cursor_block", Double(cursor), labels: labels, help: "Last block read.", type: "gauge")
            }
            if let head = await watcher.head {
                out.add("plenum_chain_head_block", Double(head), labels: labels, help: "Highest head seen.", type: "gauge")
            }
        }
        let clients = sources.clients.map { ($0.key, $0.value) } + sources.crossCheckClients.map { ($0.key, $0.value) }
        for (name, client) in clients.sorted(by: { $0.0 < $1.0 }) {
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
        if let botChain = sources.botChain {
            for (chainId, kinds) in botChain.crossCheckMismatches.sorted(by: { $0.key < $1.key }) {
                for (kind, n) in kinds.sorted(by: { $0.key < $1.key }) {
                    out.add(
                        "plenum_bot_cross_check_mismatches_total", n, labels: [("chain", String(chainId)), ("read", kind)],
                        help: "Bot reads refused because the two endpoints answered differently, by chain id and read.")
                }
            }
        }
        if let bot = sources.bot {
            let s = await bot.statistics
            out.add("plenum_votes_accepted_total", s.accepted, help: "Ballots accepted.")
            // Every reason is reported, zero until it happens, so rates work from the first scrape.
            let reasons = Set(RejectionReason.allCases.map(\.rawValue)).union(s.rejected.keys).sorted()
            for reason in reasons {
                out.add(
                    "plenum_votes_rejected_total", s.rejected[reason] ?? 0, labels: [("reason", reason)],
                    help: "Ballots rejected, by reason.")
            }
            out.add("plenum_chat_messages_total", s.chatMessages, help: "Member messages that were not ballots.")
            out.add("plenum_receipts_posted_total", s.receiptsPosted, help: "Signed receipts posted.")
            out.add("plenum_results_published_total", s.results, help: "Signed results published.")
            out.add("plenum_webhook_deliveries_total", s.webhookDeliveries, help: "Webhook deliveries that succeeded.")
            out.add("plenum_webhook_failures_total", s.webhookFailures, help: "Webhook delivery attempts that failed.")
            out.add(
                "plenum_bot_step_failures_total", s.stepFailures,
                help: "Times a proposal could not advance (a failed or disputed chain read); each is retried.")
            out.add("plenum_tally_duration_milliseconds", s.lastTallyMilliseconds, help: "Duration of the last tally.", type: "gauge")
        }
        if let store = sources.store, let counts = try? await store.proposalCounts() {
            for phase in BotProposal.Phase.allCases {
                out.add(
                    "plenum_proposals", counts[phase] ?? 0, labels: [("phase", phase.rawValue)], help: "Proposals and polls by phase.",
                    type: "gauge")
            }
        }
        if let hub = sources.hub {
            let commits = await hub.commitStatistics()
            out.add("plenum_hub_messages_committed_total", commits.messages, help: "Chat messages committed by the hub.")
            out.add("plenum_hub_commit_batches_total", commits.batches, help: "Transactions the hub committed them in.")
            let (seconds, attoseconds) = commits.storeTime.components
            out.add(
                "plenum_hub_commit_seconds_total", Double(seconds) + Double(attoseconds) / 1e18,
                help: "Seconds the hub's writer spent in those transactions (with their commits and fsyncs).")
            out.add(
                "plenum_hub_writes_waiting", await hub.writesWaiting(),
                help: "Posts waiting for the writer; at the hub's maxPending new posts get 503 overloaded.", type: "gauge")
        }
        return out.text
    }
}
