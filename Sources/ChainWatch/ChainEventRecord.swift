import Ethereum

/// A followed log as Plenum records it: where it is, what it says, and (for a new proposal) what the
/// governor answered about it at that very block.
public struct ChainEventRecord: Hashable, Sendable {
    public let chainId: UInt64
    public let governor: Address
    public let position: LogPosition
    /// The decoded event, or why it could not be decoded (kept, never dropped silently).
    public let event: Result<GovernorEvent, GovernorEventError>
    /// For `ProposalCreated`: `proposalSnapshot`, `proposalDeadline` and `state` read at the event's block hash.
    public let proposal: ProposalReading?

    public init(
        chainId: UInt64, governor: Address, position: LogPosition, event: Result<GovernorEvent, GovernorEventError>,
        proposal: ProposalReading?
    ) {
        self.chainId = chainId
        self.governor = governor
        self.position = position
        self.event = event
        self.proposal = proposal
    }

    /// The event's JSON with its position: what `plenum watch --json` prints and exports carry.
    public var json: JSON {
        var object = JSONObject([
            ("chainId", .number(String(chainId))), ("governor", .string(governor.checksummed)),
            ("blockNumber", .number(String(position.blockNumber))), ("blockHash", .string(position.blockHash.description)),
            ("transactionHash", .string(position.transactionHash.description)), ("logIndex", .number(String(position.logIndex))),
        ])
        switch event {
        case .success(let e):
            for (k, v) in e.json.objectValue! { object[k] = v }
        case .failure(let error):
            object["event"] = "Undecodable"
            object["error"] = .string(error.description)
        }
        if let proposal { object["onChain"] = proposal.json }
        return .object(object)
    }
}

extension ChainEventRecord {
    /// Reads the JSON form back (as stored).
    public init(json: JSON) throws {
        func number(_ k: String) throws -> UInt64 {
            guard case .number(let n)? = json[k], let v = UInt64(n) else { throw GovernorEventError.undecodable("\(k) missing") }
            return v
        }
        func hash(_ k: String) throws -> Hash32 {
            guard let s = json[k]?.stringValue else { throw GovernorEventError.undecodable("\(k) missing") }
            return try Hash32(hex: s)
        }
        guard let g = json["governor"]?.stringValue else { throw GovernorEventError.undecodable("governor missing") }
        let position = LogPosition(
            blockNumber: try number("blockNumber"), blockHash: try hash("blockHash"), transactionHash: try hash("transactionHash"),
            logIndex: try number("logIndex"))
        let event: Result<GovernorEvent, GovernorEventError>
        if json["event"]?.stringValue == "Undecodable" {
            event = .failure(.undecodable(json["error"]?.stringValue ?? ""))
        } else {
            event = .success(try GovernorEvent(json: json))
        }
        self.init(
            chainId: try number("chainId"), governor: try Address(g), position: position, event: event,
            proposal: try json["onChain"].map { try ProposalReading(json: $0) })
    }
}

/// What the governor says about a proposal, read with calls pinned to a block hash.
public struct ProposalReading: Hashable, Sendable {
    public let snapshot: UInt256
    public let deadline: UInt256
    /// OpenZeppelin's ProposalState index (0 Pending … 7 Executed).
    public let state: UInt8
    /// The governor's ERC-6372 clock: `blocknumber` or `timestamp`.
    public let clockMode: ClockMode
    public let blockHash: Hash32

    public init(snapshot: UInt256, deadline: UInt256, state: UInt8, clockMode: ClockMode, blockHash: Hash32) {
        self.snapshot = snapshot
        self.deadline = deadline
        self.state = state
        self.clockMode = clockMode
        self.blockHash = blockHash
    }

    public var json: JSON {
        [
            "snapshot": .string(snapshot.description), "deadline": .string(deadline.description), "state": .number(String(state)),
            "clockMode": .string(clockMode.rawValue), "readAtBlockHash": .string(blockHash.description),
        ]
    }

    public init(json: JSON) throws {
        guard let s = json["snapshot"]?.stringValue, let d = json["deadline"]?.stringValue, case .number(let st)? = json["state"],
            let state = UInt8(st), let mode = json["clockMode"]?.stringValue.flatMap(ClockMode.init(rawValue:)),
            let h = json["readAtBlockHash"]?.stringValue
        else { throw GovernorEventError.undecodable("proposal reading") }
        self.init(
            snapshot: try UInt256(parsing: s), deadline: try UInt256(parsing: d), state: state, clockMode: mode,
            blockHash: try Hash32(hex: h))
    }
}

/// ERC-6372: what a governor's timepoints count.
public enum ClockMode: String, Hashable, Sendable {
    case blocknumber
    case timestamp

    /// Parses `CLOCK_MODE()`'s answer (`mode=blocknumber&from=default`, `mode=timestamp`).
    public init?(clockModeString: String) {
        let mode = clockModeString.split(separator: "&").first { $0.hasPrefix("mode=") }?.dropFirst(5)
        switch mode {
        case "blocknumber": self = .blocknumber
        case "timestamp": self = .timestamp
        default: return nil
        }
    }
}
