import Bot
import ChainWatch
import Chat
import Ethereum
import Governance

/// The lines of an export (JSON Lines, one object per line, `\n` after each; `docs/audit-format.md`):
///
/// 1. `{"plenum": "export", "format": 1, "header": "<header JSON text>", "signature": "0x…" | null}`
/// 2. `{"type": "power", …}` for every voter whose power was read, by address
/// 3. `{"type": "message", …}` for every entry of the group's log, by `seq`, with the bot's decision
/// 4. `{"type": "vote-cast", …}` for every confirmed on-chain `VoteCast` of the proposal
/// 5. `{"type": "result", "typedData": {…}, "signature": "0x…"}`, last
public enum ExportFormat {
    public static let format = ExportHeader.format

    /// The first line: the header's text as a JSON string (so it is hashed byte for byte as written)
    /// and the bot's anchor signature, when there is one.
    public static func headerLine(text: String, signature: Signature?) -> String {
        JSON.object(
            JSONObject([
                ("plenum", "export"), ("format", .number(String(format))), ("header", .string(text)),
                ("signature", signature.map { .string($0.description) } ?? .null),
            ])
        ).serialized()
    }

    /// A voter's power: the record's components, each chain-read one with the call that read it.
    public static func powerLine(_ record: VotingPowerRecord, calls: [(path: String, call: ContractCall, block: BlockRef)]) -> String {
        let components: [JSON] = record.components.map { c in
            var object = c.json.objectValue!
            if let read = calls.first(where: { $0.path == c.path }) {
                object["call"] = ["to": .string(read.call.to.checksummed), "data": .string(Hex.encode(read.call.data))]
            }
            return .object(object)
        }
        return JSON.object(
            JSONObject([
                ("type", "power"), ("voter", .string(record.voter.checksummed)), ("total", .string(record.total.description)),
                ("components", .array(components)),
            ])
        ).serialized()
    }

    /// An entry of the group's log with every field its hash covers, and the bot's decision on it
    /// (null for the bot's own messages and for messages it never decided).
    public static func messageLine(_ m: StoredMessage, decision: ExportDecision?) -> String {
        JSON.object(
            JSONObject([
                ("type", "message"), ("seq", .number(String(m.seq))), ("hub", .string(m.hub)), ("group", .string(m.group.rawValue)),
                ("prevHash", .string(m.prevHash.description)), ("hash", .string(m.hash.description)), ("id", .string(m.id.description)),
                ("sender", .string(m.sender.checksummed)), ("body", .string(m.body)), ("timestamp", .number(String(m.timestamp))),
                ("nonce", .string(m.nonce.description)), ("signature", .string(m.signature.description)),
                ("receivedAt", .number(String(m.receivedAt))), ("decision", decision?.json ?? .null),
            ])
        ).serialized()
    }

    /// An on-chain `VoteCast` log of the proposal, as the chain follower recorded it.
    public static func voteCastLine(_ record: ChainEventRecord) -> String {
        JSON.object(JSONObject([("type", "vote-cast"), ("event", record.json)])).serialized()
    }

    /// The last line: the signed result's typed data and the bot's signature.
    public static func resultLine(typedData: JSON, signature: Signature) -> String {
        JSON.object(JSONObject([("type", "result"), ("typedData", typedData), ("signature", .string(signature.description))]))
            .serialized()
    }
}
