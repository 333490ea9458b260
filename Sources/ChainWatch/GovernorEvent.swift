import Ethereum
import EthereumRPC

/// A governor event Plenum follows, decoded from its log.
///
/// The signatures are OpenZeppelin Governor's, which Compound's GovernorBravo shares for the events
/// both emit (same topic0 and layout).
public enum GovernorEvent: Hashable, Sendable {
    case proposalCreated(ProposalCreated)
    case proposalCanceled(proposalId: UInt256)
    case proposalQueued(proposalId: UInt256, eta: UInt256)
    case proposalExecuted(proposalId: UInt256)
    case proposalExtended(proposalId: UInt256, deadline: UInt64)
    case voteCast(VoteCast)

    public struct ProposalCreated: Hashable, Sendable {
        public let proposalId: UInt256
        public let proposer: Address
        public let targets: [Address]
        public let values: [UInt256]
        public let signatures: [String]
        public let calldatas: [[UInt8]]
        /// Block number or timestamp, as the governor's ERC-6372 clock counts.
        public let voteStart: UInt256
        public let voteEnd: UInt256
        public let description: String

        public init(
            proposalId: UInt256, proposer: Address, targets: [Address], values: [UInt256], signatures: [String], calldatas: [[UInt8]],
            voteStart: UInt256, voteEnd: UInt256, description: String
        ) {
            self.proposalId = proposalId
            self.proposer = proposer
            self.targets = targets
            self.values = values
            self.signatures = signatures
            self.calldatas = calldatas
            self.voteStart = voteStart
            self.voteEnd = voteEnd
            self.description = description
        }
    }

    public struct VoteCast: Hashable, Sendable {
        public let voter: Address
        public let proposalId: UInt256
        public let support: UInt8
        public let weight: UInt256
        public let reason: String
        /// Present for `VoteCastWithParams`.
        public let params: [UInt8]?
    }

    public static let proposalCreatedEvent = try! ABIEvent(
        "ProposalCreated(uint256 proposalId, address proposer, address[] targets, uint256[] values, string[] signatures, bytes[] calldatas, uint256 voteStart, uint256 voteEnd, string description)"
    )
    public static let proposalCanceledEvent = try! ABIEvent("ProposalCanceled(uint256 proposalId)")
    public static let proposalQueuedEvent = try! ABIEvent("ProposalQueued(uint256 proposalId, uint256 etaSeconds)")
    public static let proposalExecutedEvent = try! ABIEvent("ProposalExecuted(uint256 proposalId)")
    public static let proposalExtendedEvent = try! ABIEvent("ProposalExtended(uint256 indexed proposalId, uint64 extendedDeadline)")
    public static let voteCastEvent = try! ABIEvent(
        "VoteCast(address indexed voter, uint256 proposalId, uint8 support, uint256 weight, string reason)")
    public static let voteCastWithParamsEvent = try! ABIEvent(
        "VoteCastWithParams(address indexed voter, uint256 proposalId, uint8 support, uint256 weight, string reason, bytes params)")

    static let all = [
        proposalCreatedEvent, proposalCanceledEvent, proposalQueuedEvent, proposalExecutedEvent, proposalExtendedEvent, voteCastEvent,
        voteCastWithParamsEvent,
    ]

    /// The topic0 of every followed event (the `eth_getLogs` topic filter).
    public static let topics: [Hash32] = all.map(\.topic0)

    /// Decodes a log. Throws `GovernorEventError` when its topic0 is not followed or its layout differs.
    public init(log: Log) throws {
        guard let topic0 = log.topics.first else { throw GovernorEventError.notFollowed(nil) }
        do {
            switch topic0 {
            case Self.proposalCreatedEvent.topic0:
                let v = try Self.proposalCreatedEvent.decode(topics: log.topics, data: log.data)
                self = .proposalCreated(
                    ProposalCreated(
                        proposalId: v[0].uintValue!, proposer: v[1].addressValue!, targets: v[2].arrayValue!.map { $0.addressValue! },
                        values: v[3].arrayValue!.map { $0.uintValue! }, signatures: v[4].arrayValue!.map { $0.stringValue! },
                        calldatas: v[5].arrayValue!.map { $0.bytesValue! }, voteStart: v[6].uintValue!, voteEnd: v[7].uintValue!,
                        description: v[8].stringValue!))
            case Self.proposalCanceledEvent.topic0:
                self = .proposalCanceled(
                    proposalId: try Self.proposalCanceledEvent.decode(topics: log.topics, data: log.data)[0].uintValue!)
            case Self.proposalQueuedEvent.topic0:
                let v = try Self.proposalQueuedEvent.decode(topics: log.topics, data: log.data)
                self = .proposalQueued(proposalId: v[0].uintValue!, eta: v[1].uintValue!)
            case Self.proposalExecutedEvent.topic0:
                self = .proposalExecuted(
                    proposalId: try Self.proposalExecutedEvent.decode(topics: log.topics, data: log.data)[0].uintValue!)
            case Self.proposalExtendedEvent.topic0:
                let v = try Self.proposalExtendedEvent.decode(topics: log.topics, data: log.data)
                self = .proposalExtended(proposalId: v[0].uintValue!, deadline: v[1].uintValue!.uint64Value!)
            case Self.voteCastEvent.topic0, Self.voteCastWithParamsEvent.topic0:
                let withParams = topic0 == Self.voteCastWithParamsEvent.topic0
                let event = withParams ? Self.voteCastWithParamsEvent : Self.voteCastEvent
                let v = try event.decode(topics: log.topics, data: log.data)
                self = .voteCast(
                    VoteCast(
                        voter: v[0].addressValue!, proposalId: v[1].uintValue!, support: UInt8(v[2].uintValue!.uint64Value!),
                        weight: v[3].uintValue!, reason: v[4].stringValue!, params: withParams ? v[5].bytesValue! : nil))
            default:
                throw GovernorEventError.notFollowed(topic0)
            }
        } catch let error as ABIError {
            throw GovernorEventError.undecodable("\(error)")
        }
    }

    /// The proposal the event is about.
    public var proposalId: UInt256 {
        switch self {
        case .proposalCreated(let p): p.proposalId
        case .proposalCanceled(let id), .proposalExecuted(let id): id
        case .proposalQueued(let id, _), .proposalExtended(let id, _): id
        case .voteCast(let v): v.proposalId
        }
    }

    /// A short stable name: `ProposalCreated`, `ProposalCanceled`, … `VoteCast`.
    public var name: String {
        switch self {
        case .proposalCreated: "ProposalCreated"
        case .proposalCanceled: "ProposalCanceled"
        case .proposalQueued: "ProposalQueued"
        case .proposalExecuted: "ProposalExecuted"
        case .proposalExtended: "ProposalExtended"
        case .voteCast(let v): v.params == nil ? "VoteCast" : "VoteCastWithParams"
        }
    }
}

/// Why a log is not a followed governor event.
public enum GovernorEventError: Error, Hashable, Sendable, CustomStringConvertible {
    case notFollowed(Hash32?)
    case undecodable(String)

    public var description: String {
        switch self {
        case .notFollowed(let topic): "log topic0 \(topic.map { "\($0)" } ?? "(none)") is not a followed governor event"
        case .undecodable(let why): "governor event does not decode: \(why)"
        }
    }
}
