import BigInt
import Ethereum
import Governance

/// A second, deliberately plain implementation of every counting rule in `docs/voting.md`, written
/// separately from `Governance.Tally`: plain loops, arbitrary-precision integers everywhere, instant
/// runoff by rebuilding the ballots each round (as Snapshot does), Copeland by looking up positions,
/// square roots by Newton's method. Tests compare the two on random ballots.
enum ReferenceTally {
    struct Ballot {
        let choice: JSON
        let weight: BigUInt
    }

    static func big(_ w: UInt256) -> BigUInt { BigUInt(w.description)! }

    static let scale = BigUInt(10).power(18)

    /// Scores in units (integers, or 10^-18 units for fixed-point systems), or nil when a ballot is invalid
    /// (the caller filters invalid ballots with its own checks first).
    static func scores(system: VotingSystem, choiceCount n: Int, ballots: [Ballot]) -> [BigUInt] {
        switch system {
        case .basic, .singleChoice:
            return (1...n).map { c in ballots.filter { Int($0.choice.number!)! == c }.reduce(BigUInt(0)) { $0 + $1.weight } }
        case .approval:
            return (1...n).map { c in
                ballots.filter { $0.choice.arrayValue!.contains { Int($0.number!)! == c } }.reduce(BigUInt(0)) { $0 + $1.weight }
            }
        case .weighted:
            var out = [BigUInt](repeating: 0, count: n)
            for b in ballots where b.weight > 0 {
                let amounts = rationalAmounts(b.choice)
                for c in 1...n {
                    guard let a = amounts[c], a > 0 else { continue }
                    out[c - 1] += b.weight * a * scale / amounts.values.reduce(0, +)
                }
            }
            return out
        case .quadratic:
            var roots = [BigUInt](repeating: 0, count: n)
            var total = BigUInt(0)
            for b in ballots where b.weight > 0 {
                total += b.weight
                let amounts = rationalAmounts(b.choice)
                let sum = amounts.values.reduce(0, +)
                for c in 1...n {
                    guard let a = amounts[c], a > 0 else { continue }
                    roots[c - 1] += newtonSqrt(b.weight * a * scale * scale / sum)
                }
            }
            let squares = roots.map { $0 * $0 }
            let sumSquares = squares.reduce(0, +)
            return squares.map { sumSquares == 0 ? 0 : $0 * total * scale / sumSquares }
        case .rankedChoice:
            var live: [([Int], BigUInt)] = ballots.filter { $0.weight > 0 }.map {
                ($0.choice.arrayValue!.map { Int($0.number!)! }, $0.weight)
            }
            while true {
                var tally: [Int: BigUInt] = [:]
                for (ranking, w) in live { tally[ranking[0], default: 0] += w }
                let total = live.reduce(BigUInt(0)) { $0 + $1.1 }
                let candidates = tally.keys.sorted()
                let top = candidates.map { tally[$0]! }.max() ?? 0
                if top * 2 > total || candidates.count < 3 {
                    return (1...n).map { tally[$0] ?? 0 }
                }
                let lowest = candidates.map { tally[$0]! }.min()!
                let loser = candidates.first { tally[$0]! == lowest }!
                live = live.map { ($0.0.filter { $0 != loser }, $0.1) }
            }
        case .copeland:
            let valid = ballots.filter { $0.weight > 0 }
            let total = valid.reduce(BigUInt(0)) { $0 + $1.weight }
            if total == 0 { return [BigUInt](repeating: 0, count: n) }
            if n == 1 { return [total * scale] }
            let matrix = pairwise(choiceCount: n, ballots: valid)
            var values: [BigUInt] = []
            for i in 0..<n {
                var points = 0
                var support = BigUInt(0)
                for j in 0..<n where j != i {
                    let margin = matrix[i][j]
                    points += margin > 0 ? 2 : margin == 0 ? 1 : 0
                    support += valid.reduce(BigUInt(0)) { acc, b in
                        let r = b.choice.arrayValue!.map { Int($0.number!)! }
                        return r.firstIndex(of: i + 1)! < r.firstIndex(of: j + 1)! ? acc + b.weight : acc
                    }
                }
                values.append(BigUInt(points) * 2 * BigUInt(n - 1) * total + support)
            }
            let sum = values.reduce(0, +)
            return values.map { $0 * total * scale / sum }
        }
    }

    /// `matrix[i][j]` = weight preferring i+1 over j+1 minus the reverse.
    static func pairwise(choiceCount n: Int, ballots: [Ballot]) -> [[BigInt]] {
        var m = [[BigInt]](repeating: [BigInt](repeating: 0, count: n), count: n)
        for b in ballots {
            let r = b.choice.arrayValue!.map { Int($0.number!)! }
            for i in 0..<n {
                for j in 0..<n where i != j {
                    if r.firstIndex(of: i + 1)! < r.firstIndex(of: j + 1)! {
                        m[i][j] += BigInt(b.weight)
                    } else {
                        m[i][j] -= BigInt(b.weight)
                    }
                }
            }
        }
        return m
    }

    /// Amounts of a weighted ballot as integers over 10^18 (the tests only write up to 18 decimals).
    static func rationalAmounts(_ choice: JSON) -> [Int: BigUInt] {
        var out: [Int: BigUInt] = [:]
        for (key, value) in choice.objectValue! {
            let text = value.number!
            let parts = text.split(separator: ".")
            let fraction = parts.count == 2 ? String(parts[1]) : ""
            let digits = String(parts[0]) + fraction + String(repeating: "0", count: 18 - fraction.count)
            out[Int(key)!] = BigUInt(digits)!
        }
        return out
    }

    static func newtonSqrt(_ n: BigUInt) -> BigUInt {
        if n < 2 { return n }
        // Start above the root (2^ceil(bits/2) ≥ √n) and descend.
        var x = BigUInt(1) << ((n.bitWidth + 1) / 2)
        var y = (x + n / x) / 2
        while y < x {
            x = y
            y = (x + n / x) / 2
        }
        return x
    }
}

extension JSON {
    var number: String? {
        if case .number(let n) = self { return n }
        return nil
    }
}
