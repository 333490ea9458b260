import ChainWatch
import Ethereum
import Governance
import Logging

/// The bot: opens a group per confirmed proposal, announces it, turns members' ballots into receipts,
/// closes voting at the deadline, tallies, and publishes the signed result to the group and webhooks.
///
/// It is a reconciler: each `step()` looks at the durable state and does the next idempotent piece
/// of work (every post carries an idempotency key, every decision is stored before it is announced),
/// so a crash at any point, restarted, neither skips a step nor posts anything twice.
public actor Bot {
    /// A channel the bot serves: a governor on a chain with its voting rules.
    public struct Channel: Hashable, Sendable {
        public let name: String
        public let chainId: UInt64
        public let governor: Address
        public let rules: ProposalRules

        public init(name: String, chainId: UInt64, governor: Address, rules: ProposalRules) {
            self.name = name
            self.chainId = chainId
            self.governor = governor
            self.rules = rules
        }
    }

    public struct Configuration: Sendable {
        public var key: PrivateKey
        public var channels: [Channel]
        /// Wait between steps when there is nothing to do.
        public var idleInterval: Duration = .seconds(1)
        /// Service-wide webhook URLs (each channel may add its own).
        public var webhooks: [String] = []
        public var webhookSecret: [UInt8] = []
        /// Delivery attempts per webhook before giving up (each recorded).
        public var webhookAttempts = 8
        /// First retry delay of a webhook; doubles per attempt.
        public var webhookBackoff: Duration = .seconds(2)
        /// Shown in announcements (e.g. " --hub http://host:8480").
        public var hubHint = ""
        /// Messages read per group per step.
        public var batchSize = 500

        public init(key: PrivateKey, channels: [Channel]) {
            self.key = key
            self.channels = channels
        }
    }

    let configuration: Configuration
    let store: any BotStore
    let chainEvents: any ChainWatchStore
    let chat: any BotChat
    let chain: any BotChain
    let webhooks: any WebhookSender
    let logger: Logger
    let now: @Sendable () -> UInt64
    var heads: [UInt64: ChainTip] = [:]
    var blockTimes: [UInt64: Double] = [:]
    public internal(set) var statistics = Statistics()

    /// Counters for `/metrics`.
    public struct Statistics: Hashable, Sendable {
        public var accepted = 0
        public var rejected: [String: Int] = [:]
        public var chatMessages = 0
        public var receiptsPosted = 0
        public var results = 0
        public var webhookDeliveries = 0
        public var webhookFailures = 0
        public var lastTallyMilliseconds: Double = 0
        /// Times a proposal could not advance in a step (a failed or disputed read); retried.
        public var stepFailures = 0
    }

    public init(
        configuration: Configuration, store: any BotStore, chainEvents: any ChainWatchStore, chat: any BotChat, chain: any BotChain,
        webhooks: any WebhookSender, logger: Logger = Logger(label: "plenum.bot"),
        now: @escaping @Sendable () -> UInt64 = { UInt64(WallClock.milliseconds()) }
    ) {
        self.configuration = configuration
        self.store = store
        self.chainEvents = chainEvents
        self.chat = chat
        self.chain = chain
        self.webhooks = webhooks
        self.logger = logger
        self.now = now
    }

    /// Steps until cancelled; failures are logged and retried.
    public func run() async throws {
        while !Task.isCancelled {
            var busy = false
            do {
                busy = try await step()
            } catch is CancellationError {
                return
            } catch {
                logger.warning("bot step failed; retrying", metadata: ["error": "\(error)"])
            }
            if !busy { try await Task.sleep(for: configuration.idleInterval) }
        }
    }

    /// One pass over chain notifications and active proposals. Returns whether anything happened.
    /// A proposal that cannot advance (its reads fail, or its two endpoints disagree) does not hold
    /// up the others: each is tried, and the first failure is thrown after the pass.
    @discardableResult
    public func step() async throws -> Bool {
        heads = [:]
        var busy = try await consumeChainNotifications()
        var failure: (any Error)?
        for proposal in try await store.activeProposals() {
            do {
                busy = try await advance(proposal) || busy
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                statistics.stepFailures += 1
                logger.warning("proposal could not advance; retrying", metadata: ["proposal": "\(proposal.key)", "error": "\(error)"])
                failure = failure ?? error
            }
        }
        if let failure { throw failure }
        return busy
    }

    func head(_ chainId: UInt64) async throws -> ChainTip {
        if let h = heads[chainId] { return h }
        let h = try await chain.head(chainId: chainId)
        heads[chainId] = h
        return h
    }

    func secondsPerBlock(_ chainId: UInt64) async -> Double {
        if let s = blockTimes[chainId] { return s }
        let s = (try? await chain.secondsPerBlock(chainId: chainId)) ?? 12
        blockTimes[chainId] = s
        return s
    }

    func channel(chainId: UInt64, governor: Address) -> Channel? {
        configuration.channels.first { $0.chainId == chainId && $0.governor == governor }
    }
}

/// The system's wall clock in milliseconds since the Unix epoch.
public enum WallClock {
    public static func milliseconds() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec) / 1_000_000
    }
}

#if canImport(Glibc)
import Glibc
#endif
