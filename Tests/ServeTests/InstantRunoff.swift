import Ethereum

/// The test's own instant-runoff count (written from Snapshot's description, not from `Governance`):
/// each round a ballot counts for its highest-ranked choice still standing; the choices holding any
/// ballot are the round's candidates; the count stops when the leader holds more than half of all
/// weight or fewer than three candidates remain, otherwise the weakest candidate (on a tie the
/// lowest number) drops out. The scores are the last round's counts.
struct InstantRunoff {
    /// Rankings are 1-based choice numbers, best first.
    struct Ballot {
        let ranking: [Int]
        let weight: UInt256
    }

    let scores: [UInt256]
    let winner: Int?
    /// Choices dropped, in order.
    let eliminated: [Int]

    init(choices: Int, ballots: [Ballot]) {
        let total = ballots.reduce(UInt256.zero) { $0 + $1.weight }
        var out: [Int] = []
        while true {
            var counts = [UInt256](repeating: .zero, count: choices + 1)
            var holding = Set<Int>()
            for ballot in ballots {
                guard let first = ballot.ranking.first(where: { !out.contains($0) }) else { continue }
                counts[first] += ballot.weight
                holding.insert(first)
            }
            let candidates = holding.sorted()
            let leader = candidates.max { counts[$0] < counts[$1] || (counts[$0] == counts[$1] && $0 > $1) }
            let majority = leader.map { counts[$0] + counts[$0] > total } ?? true
            if majority || candidates.count < 3 {
                scores = Array(counts.dropFirst())
                winner = leader
                eliminated = out
                return
            }
            let weakest = candidates.min { counts[$0] < counts[$1] || (counts[$0] == counts[$1] && $0 < $1) }!
            out.append(weakest)
        }
    }
}
