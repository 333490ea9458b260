import Audit
import AuditTesting
import CSecp256k1
import Ethereum
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Issue 7's benchmark: `export-gen` writes a large signed export; `retally` re-tallies it in this
/// process and reports its throughput beside the same run's raw libsecp256k1 recovery rate × the
/// workers, and the process's peak RSS.
enum RetallyBenchmark {
    static func option(_ name: String, _ arguments: [String]) -> String? {
        guard let i = arguments.firstIndex(of: name), i + 1 < arguments.count else { return nil }
        return arguments[i + 1]
    }

    static func generate(_ arguments: [String]) async throws {
        let ballots = Int(option("--ballots", arguments) ?? "") ?? 1_000_000
        let voters = Int(option("--voters", arguments) ?? "") ?? 100_000
        let out = option("--out", arguments) ?? "export-\(ballots).jsonl"
        print("generating \(ballots) ballots from \(voters) voters into \(out) …")
        let s = try await ExportGenerator.generate(to: out, configuration: .init(ballots: ballots, voters: voters))
        print(
            "wrote \(s.messages) messages (\(s.ballots) ballots, their receipts), \(s.voters) voters with power, \(s.bytes >> 20) MB in \(format(s.seconds, decimals: 1)) s"
        )
        print("result digest \(s.resultDigest), bot \(s.bot.checksummed)")
    }

    static func retally(_ arguments: [String]) async throws {
        guard let file = arguments.first(where: { !$0.hasPrefix("--") && Int($0) == nil }) else {
            print("usage: plenum-bench retally FILE [--threads N] [--skip-baseline]")
            return
        }
        let workers = Int(option("--threads", arguments) ?? "") ?? Retally.cores
        // --skip-baseline: for profilers, where only the re-tally should be sampled.
        let skipBaseline = arguments.contains("--skip-baseline")
        let recoveryBefore = skipBaseline ? .nan : rawRecoveryRate()
        var options = Retally.Options(workers: workers)
        let streaming = StreamingPeak()
        options.progress = { _, _ in streaming.sample() }
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        let cpuBefore = cpuSeconds(usage)
        let outcome = try await Retally.run(path: file, options: options)
        let r = outcome.report
        getrusage(RUSAGE_SELF.rawValue, &usage)
        let cpuUsed = cpuSeconds(usage) - cpuBefore
        let peakMB = Double(usage.ru_maxrss) / 1024
        // Measured again after the run and averaged: the machine's speed drifts over minutes.
        let recoveryAfter = skipBaseline ? .nan : rawRecoveryRate()
        let recovery = (recoveryBefore + recoveryAfter) / 2
        // Recoveries made: every message's chat signature, every ballot's, every receipt's, the result's and the header's.
        let signatures = (r.counts[.messageSignature]?.checked ?? 0) + r.ballots + (r.counts[.receipt]?.checked ?? 0) + 2
        let perBallot = Double(signatures) / Double(max(r.ballots, 1))
        // The re-tally reads and applies lines on a thread of its own beside the workers, so the
        // limit is that of every core of the machine, whatever the number of workers.
        let cores = Retally.cores
        let limit = recovery * Double(cores)
        let sigRate = Double(signatures) / r.seconds
        let ballotRate = Double(r.ballots) / r.seconds
        print("## Re-tally (release build, \(workers) worker(s))\n")
        print("verdict: \(r.isMatch ? "match" : "MISMATCH (\(r.mismatchCount))"); digest \(r.recomputedDigest?.description ?? "none")\n")
        print(
            "| ballots | messages | time | ballots/s | signatures recovered | signatures/s | raw recovery × \(cores) cores | ratio | CPU used | peak RSS |"
        )
        print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        print(
            "| \(r.ballots) | \(r.messages) | \(format(r.seconds, decimals: 1)) s | \(format(ballotRate)) | \(signatures) (\(format(perBallot, decimals: 2)) per ballot) | \(format(sigRate)) | \(format(limit))/s | **\(format(100 * sigRate / limit, decimals: 1))%** | \(format(100 * cpuUsed / r.seconds))% (\(format(1e6 * cpuUsed / Double(max(r.ballots, 1)))) µs per ballot) | \(format(peakMB)) MB |"
        )
        print(
            "\npeak RSS while streaming the lines: \(format(Double(streaming.value) / 1024)) MB; after the final tally: \(format(peakMB)) MB"
        )
        print(
            "ballots/s ceiling at this many signatures per ballot: \(format(limit / perBallot))/s; reached \(format(100 * ballotRate / (limit / perBallot), decimals: 1))%"
        )
        print("(raw recovery, 1 core, before / after the run: \(format(recoveryBefore))/s / \(format(recoveryAfter))/s)")
        if !r.isMatch { print(r.text.suffix(4000)) }
    }

    static func cpuSeconds(_ usage: rusage) -> Double {
        func s(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
        return s(usage.ru_utime) + s(usage.ru_stime)
    }

    /// One core's raw libsecp256k1 recoveries per second (parse + recover), median of 7 rounds.
    static func rawRecoveryRate() -> Double {
        let count = 4000
        let ctx = secp256k1_context_create(UInt32(SECP256K1_CONTEXT_NONE))!
        var inputs: [([UInt8], [UInt8], Int32)] = []
        for i in 0..<count {
            let key = PrivateKey.generate()
            let digest = Keccak256.hash(Array("recovery \(i)".utf8))
            let sig = key.sign(digest: digest)
            inputs.append((sig.r.bytes + sig.s.bytes, digest.bytes, Int32(sig.yParity)))
        }
        var sink: UInt64 = 0
        var rates: [Double] = []
        for _ in 0..<7 {
            rates.append(
                Measure.rate(iterations: count) { i in
                    var recoverable = secp256k1_ecdsa_recoverable_signature()
                    var pubkey = secp256k1_pubkey()
                    _ = secp256k1_ecdsa_recoverable_signature_parse_compact(ctx, &recoverable, inputs[i].0, inputs[i].2)
                    _ = secp256k1_ecdsa_recover(ctx, &pubkey, &recoverable, inputs[i].1)
                    sink &+= UInt64(pubkey.data.0)
                })
        }
        if sink == 42 { print("") }
        return Measure.median(rates)
    }
}

/// The process's peak RSS (KB) as seen after each batch.
final class StreamingPeak: @unchecked Sendable {
    // Written only from the re-tally's progress callback, which it calls from one task, in order.
    var value = 0

    func sample() {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        value = max(value, Int(usage.ru_maxrss))
    }
}
