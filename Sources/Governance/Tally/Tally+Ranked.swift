import BigInt
import Ethereum

extension Tally {
    /// Instant runoff as Snapshot counts it, over full rankings of positive weight.
    ///
    /// Each round, a ballot counts for its highest-ranked choice not yet eliminated; the round's
    /// candidates are the choices holding at least one such ballot. The count stops when the leader
    /// holds more than half of the weight, or when fewer than three candidates remain; otherwise the
    /// candidate with the least weight is eliminated (on a tie, the lowest index). Scores are the
    /// final round's counts.
    static func instantRunoff(_ ballots: [Counted], choiceCount n: Int) -> Computed {
        let rankings: [[Int]] = ballots.map {
            guard case .list(let ranking) = $0.choice else { preconditionFailure("ranked ballot without a ranking") }
            return ranking.map { $0 - 1 }
        }
        var cursor = [Int](repeating: 0, count: ballots.count)
        var eliminated = [Bool](repeating: false, count: n)
        var total = WeightSum()
        for ballot in ballots { total.add(ballot.weight) }
        let totalWeight = total.bigUInt
        var rounds: [RankedChoiceRound] = []
        while true {
            var sums = [WeightSum](repeating: WeightSum(), count: n)
            var present = [Bool](repeating: false, count: n)
            for (b, ballot) in ballots.enumerated() {
                while eliminated[rankings[b][cursor[b]]] { cursor[b] += 1 }
                let first = rankings[b][cursor[b]]
                sums[first].add(ballot.weight)
                present[first] = true
            }
            let counts = sums.map(\.bigUInt)
            let candidates = (0..<n).filter { present[$0] }
            let top = candidates.map { counts[$0] }.max() ?? 0
            var bottom: Int?
            for c in candidates where bottom == nil || counts[c] < counts[bottom!] { bottom = c }
            let done = top * 2 > totalWeight || candidates.count < 3
            rounds.append(RankedChoiceRound(counts: counts, candidates: candidates.map { $0 + 1 }, eliminated: done ? nil : bottom! + 1))
            if done { return Computed(scores: counts, rankingValues: counts, rounds: rounds) }
            eliminated[bottom!] = true
        }
    }

    /// Copeland as Snapshot scores it, with exact arithmetic up to one final floor.
    ///
    /// Points: 2 per pairwise win, 1 per pairwise tie. Support S_i: the weight of every (ballot,
    /// lower-ranked choice) pair choice i beats. With T the valid weight and D = 2(n−1)T, a choice's
    /// exact value is V_i = points_i × D + S_i (Snapshot's points + ½·S_i/((n−1)T), times D), and its
    /// score floor(V_i × T × 10^18 / Σ V). One choice scores all of T; no weight scores nothing.
    static func copeland(_ ballots: [Counted], choiceCount n: Int) -> Computed {
        var above = [WeightSum](repeating: WeightSum(), count: n * n)
        var total = WeightSum()
        for ballot in ballots {
            guard case .list(let ranking) = ballot.choice else { preconditionFailure("Copeland ballot without a ranking") }
            total.add(ballot.weight)
            for p in 0..<ranking.count {
                let row = (ranking[p] - 1) * n
                for q in (p + 1)..<ranking.count {
                    above[row + ranking[q] - 1].add(ballot.weight)
                }
            }
        }
        let wins = above.map(\.bigUInt)
        var pairwise = [[BigInt]](repeating: [BigInt](repeating: 0, count: n), count: n)
        var points = [Int](repeating: 0, count: n)
        var support = [BigUInt](repeating: 0, count: n)
        for i in 0..<n {
            for j in 0..<n where j != i {
                let margin = BigInt(wins[i * n + j]) - BigInt(wins[j * n + i])
                pairwise[i][j] = margin
                points[i] += margin.signum() > 0 ? 2 : margin.isZero ? 1 : 0
                support[i] += wins[i * n + j]
            }
        }
        let validWeight = total.bigUInt
        let details = CopelandDetails(pairwise: pairwise, points: points, support: support)
        if validWeight.isZero {
            let zeros = [BigUInt](repeating: 0, count: n)
            return Computed(scores: zeros, rankingValues: zeros, copeland: details)
        }
        if n == 1 {
            return Computed(scores: [validWeight * FixedPoint.scale], rankingValues: [validWeight], copeland: details)
        }
        let denominator = BigUInt(2 * (n - 1)) * validWeight
        let values = (0..<n).map { BigUInt(points[$0]) * denominator + support[$0] }
        let sum = values.reduce(BigUInt(0), +)
        let scores = values.map { $0 * validWeight * FixedPoint.scale / sum }
        return Computed(scores: scores, rankingValues: values, copeland: details)
    }
}
