/// Timing helpers: each measurement is repeated in alternating rounds against its baseline, and
/// the median round is reported, so both sides see the same machine state.
enum Measure {
    /// Runs `body` `iterations` times and returns operations per second.
    static func rate(iterations: Int, _ body: (Int) -> Void) -> Double {
        let clock = ContinuousClock()
        let elapsed = clock.measure {
            for i in 0..<iterations { body(i) }
        }
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return Double(iterations) / seconds
    }

    /// Alternates subject and baseline for `rounds` rounds; returns the medians.
    static func compare(
        rounds: Int, iterations: Int, subject: (Int) -> Void, baseline: (Int) -> Void
    ) -> (subject: Double, baseline: Double) {
        var s: [Double] = [], b: [Double] = []
        _ = rate(iterations: max(1, iterations / 10), subject)  // warm-up
        _ = rate(iterations: max(1, iterations / 10), baseline)
        for _ in 0..<rounds {
            b.append(rate(iterations: iterations, baseline))
            s.append(rate(iterations: iterations, subject))
        }
        return (median(s), median(b))
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        return sorted[sorted.count / 2]
    }
}

func format(_ value: Double, decimals: Int = 0) -> String {
    guard value.isFinite else { return "–" }
    var text = String(Int(value.rounded()))
    if decimals > 0 {
        let scaled = (value * pow10(decimals)).rounded() / pow10(decimals)
        text = "\(scaled)"
    }
    return text
}

func pow10(_ n: Int) -> Double { (0..<n).reduce(1.0) { r, _ in r * 10 } }
