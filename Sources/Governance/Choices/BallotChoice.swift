import Ethereum

/// A choice that is valid for its voting system and number of choices (parsing checks it).
///
/// Indices are 1-based, as Snapshot writes them.
public enum BallotChoice: Hashable, Sendable {
    /// basic, single choice: one index.
    case single(Int)
    /// approval: a set of distinct indices in ballot order (possibly empty);
    /// ranked choice and Copeland: a full ranking, most preferred first.
    case list([Int])
    /// weighted, quadratic: amounts by index, sorted by index, at least one positive.
    case amounts([IndexedAmount])

    /// One entry of a weighted or quadratic ballot.
    public struct IndexedAmount: Hashable, Sendable {
        public let index: Int
        public let amount: ChoiceAmount

        public init(index: Int, amount: ChoiceAmount) {
            self.index = index
            self.amount = amount
        }
    }

    /// The JSON form (`1`, `[2, 1]`, `{"1": 2, "3": 0.5}`), as Snapshot carries it.
    public var json: JSON {
        switch self {
        case .single(let i): .number(String(i))
        case .list(let items): .array(items.map { .number(String($0)) })
        case .amounts(let entries):
            .object(JSONObject(entries.map { (String($0.index), JSON.number($0.amount.description)) }))
        }
    }

    /// Whether the ballot selects (gives any weight to, or ranks first) a choice in `set`:
    /// the test for counting its weight toward quorum.
    func selectsAny(of set: Set<Int>) -> Bool {
        switch self {
        case .single(let i): set.contains(i)
        case .list(let items): items.contains { set.contains($0) }
        case .amounts(let entries): entries.contains { !$0.amount.isZero && set.contains($0.index) }
        }
    }
}
