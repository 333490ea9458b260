import Chat
import Ethereum
import Synchronization

/// A settable wall clock (Unix ms) for the hub.
final class ManualChatClock: ChatClock {
    private let time: Mutex<UInt64>

    init(_ start: UInt64 = 1_767_225_600_000) { time = Mutex(start) }

    func now() -> UInt64 { time.withLock { $0 } }
    func advance(_ milliseconds: UInt64) { time.withLock { $0 += milliseconds } }
    func set(_ value: UInt64) { time.withLock { $0 = value } }
}

/// Keys and helpers shared by the chat tests.
enum ChatFixtures {
    static let hubName = "chat.test.plenum"
    static let bot = try! PrivateKey(hex: "0x" + String(repeating: "b0", count: 32))
    static let alice = try! PrivateKey(hex: "0x" + String(repeating: "a1", count: 32))
    static let bob = try! PrivateKey(hex: "0x" + String(repeating: "b2", count: 32))
    static let mallory = try! PrivateKey(hex: "0x" + String(repeating: "c3", count: 32))

    static func configuration(_ edit: (inout ChatHub.Configuration) -> Void = { _ in }) -> ChatHub.Configuration {
        var configuration = ChatHub.Configuration(hub: hubName)
        configuration.postRatePerAddress = nil
        edit(&configuration)
        return configuration
    }

    static func spec(_ key: String, gating: GatingRule = .anyone) -> GroupSpec {
        GroupSpec(key: key, title: "Proposal \(key)", topic: "Discuss and vote on \(key)", gating: gating)
    }

    /// A message from `key` to `group`, signed, timestamped by `clock`.
    static func signed(
        _ body: String, by key: PrivateKey, in group: GroupID, hub: String = hubName, at timestamp: UInt64, nonce: Hash32? = nil
    ) -> SignedChatMessage {
        ChatMessage(
            hub: hub, group: group, sender: key.address, body: body, timestamp: timestamp, nonce: nonce ?? ChatMessage.randomNonce()
        )
        .signed(with: key)
    }

    /// Checks a group's log: seq 1…n, each prevHash the previous hash, each entry self-consistent.
    static func chainProblem(_ entries: [StoredMessage]) -> String? {
        var previous = Hash32.zero
        for (i, entry) in entries.enumerated() {
            if entry.seq != UInt64(i + 1) { return "entry \(i) has seq \(entry.seq)" }
            if entry.prevHash != previous { return "seq \(entry.seq) does not link to seq \(entry.seq - 1)" }
            if let problem = entry.verificationProblem() { return "seq \(entry.seq): \(problem)" }
            previous = entry.hash
        }
        return nil
    }
}

/// A policy for tests: allows the listed addresses, counts calls.
final class ListPolicy: PostingPolicy {
    private let allowed: Set<Address>
    private let calls = Mutex(0)

    init(_ allowed: Set<Address>) { self.allowed = allowed }

    func mayPost(sender: Address, group: GroupInfo) async throws -> PostingDecision {
        calls.withLock { $0 += 1 }
        return allowed.contains(sender) ? .allow : .deny(reason: "\(sender) has no voting power at the snapshot")
    }

    var callCount: Int { calls.withLock { $0 } }
}
