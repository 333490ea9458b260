import Chat
import Ethereum

/// How a member names a proposal on the command line: the group key the bot uses
/// (`gov:<chainId>:<governor>:<proposalId>`, `poll:<channel>:<id>`), or just the id — a governor
/// proposal id in decimal or `0x` hex, or a poll's id.
public struct ProposalReference: Hashable, Sendable, CustomStringConvertible {
    public let text: String
    /// The normalised key, when a full key was given.
    let key: String?
    /// The id as a number, when it reads as one (governor ids).
    let number: UInt256?

    public init(_ text: String) throws(MemberError) {
        let trimmed = String(text.filter { !$0.isWhitespace })
        guard !trimmed.isEmpty, trimmed.utf8.count <= 512 else {
            throw MemberError(.badInput, "--proposal must be a proposal id or a group key (gov:… or poll:…) of at most 512 characters")
        }
        self.text = trimmed
        if trimmed.hasPrefix("gov:") || trimmed.hasPrefix("poll:") {
            key = Self.normalise(trimmed)
            number = nil
        } else {
            key = nil
            number = try? UInt256(parsing: trimmed)
            guard number != nil || trimmed.hasPrefix("0x") || !trimmed.contains(":") else {
                throw MemberError(.badInput, "--proposal \(trimmed.prefix(80)) is neither an id nor a key starting with gov: or poll:")
            }
        }
    }

    public var description: String { text }

    /// Whether the group with this key is the proposal named.
    public func matches(groupKey: String) -> Bool {
        if let key { return Self.normalise(groupKey).hasSameBytes(as: key) }
        let parts = groupKey.split(separator: ":", omittingEmptySubsequences: false)
        guard let last = parts.last, parts.count >= 3 else { return false }
        switch parts.first {
        case "gov":
            guard parts.count == 4, let number, let id = try? UInt256(parsing: last) else { return false }
            return id == number
        case "poll":
            if last.utf8.count == 66, text.utf8.count == 66, let a = try? Hash32(hex: last), let b = try? Hash32(hex: text) {
                return a == b
            }
            return last.hasSameBytes(as: text)
        default:
            return false
        }
    }

    /// `gov:` keys with the chain id and proposal id in decimal and the governor in lowercase hex;
    /// `poll:` keys with a hex id in lowercase.
    static func normalise(_ key: String) -> String {
        let parts = key.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        if parts.count == 4, parts[0] == "gov" {
            let chain = UInt64(parts[1]).map(String.init) ?? parts[1]
            let governor = (try? Address(parts[2]))?.lowercased ?? parts[2].lowercased()
            let id = (try? UInt256(parsing: parts[3]))?.description ?? parts[3]
            return "gov:\(chain):\(governor):\(id)"
        }
        if parts.count >= 3, parts[0] == "poll", let last = parts.last, last.utf8.count == 66, last.hasPrefix("0x") {
            return (parts.dropLast() + [last.lowercased()]).joined(separator: ":")
        }
        return key
    }
}

extension HubClient {
    /// The group of the proposal named: the one whose key matches. Several matches (the same id on
    /// two governors, say) are refused with the keys to choose from.
    public func locate(_ proposal: ProposalReference) async throws(MemberError) -> HubGroup {
        var matches: [HubGroup] = []
        do {
            try await forEachGroup { group in
                if proposal.matches(groupKey: group.key) { matches.append(group) }
                return matches.count < 20
            }
        } catch let error as HubClientError {
            throw MemberError.from(error)
        } catch {
            throw MemberError(.unreachable, "\(error)")
        }
        guard !matches.isEmpty else {
            throw MemberError(.badInput, "no group on the hub at \(baseURL) is for proposal \(proposal) (see `plenum chat groups`)")
        }
        guard matches.count == 1 else {
            throw MemberError(
                .badInput,
                "proposal \(proposal) names \(matches.count) groups; give the full key: " + matches.map(\.key).joined(separator: ", "))
        }
        return matches[0]
    }

    /// The group named by `--group`: a group id, or a key (`gov:…`, `poll:…`) looked up among the groups.
    public func resolveGroup(_ text: String) async throws(MemberError) -> GroupID {
        if text.hasPrefix("gov:") || text.hasPrefix("poll:") {
            return try await locate(try ProposalReference(text)).id
        }
        do { return try GroupID(text) } catch { throw MemberError(.badInput, "--group: \(error.message)") }
    }
}

extension MemberError {
    /// Maps a client failure: an unreachable or incoherent hub is exit 2, a refusal exit 1
    /// (`too-large` and `malformed` are input problems, exit 2).
    public static func from(_ error: HubClientError, doing action: String = "") -> MemberError {
        let prefix = action.isEmpty ? "" : action + ": "
        switch error {
        case .invalidURL: return MemberError(.badInput, prefix + error.description)
        case .unreachable, .badResponse: return MemberError(.unreachable, prefix + error.description)
        case .refused(let refusal):
            switch refusal.code {
            case "too-large", "malformed", "bad-parameter", "group-not-found":
                return MemberError(.badInput, prefix + "the hub refused: \(refusal.code) — \(refusal.message)")
            default:
                return MemberError(.rejected, prefix + "the hub refused: \(refusal.code) — \(refusal.message)")
            }
        }
    }
}
