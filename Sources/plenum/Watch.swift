import ArgumentParser
import ChainWatch
import Foundation
import PlenumService
import Storage

struct Watch: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Follow the configured governors and print their events as they are confirmed.",
        discussion: """
            Reads config/plenum.toml (chains, storage) and the channel files (governor, start block),
            catches up with eth_getLogs, then follows the head. Events print once they are
            `confirmations` blocks deep; a reorg deeper than that prints a REORG line (rolledBack in JSON).
            State is kept in the configured SQLite database: a restart resumes where it stopped and
            prints only what was not printed yet. On a terminal a progress line shows during catch-up.
            """
    )

    @Option(name: .long, help: "The service configuration file.")
    var config: String = "config/plenum.toml"

    @Flag(help: "Print one JSON object per line.")
    var json = false

    @Flag(help: "Print every notification from the beginning, not only those not printed yet.")
    var fromStart = false

    @Flag(help: "Exit once every governor has been read up to the chain's head and everything confirmed is printed.")
    var exitWhenCaughtUp = false

    func run() async throws {
        let configuration: PlenumConfiguration
        do { configuration = try PlenumConfiguration.load(path: config) } catch let error as ConfigurationError {
            CLIIO.printError(error.description)
            throw ExitCode(2)
        }
        let store = try SQLiteStore(path: configuration.storagePath)
        let followers: ChainFollowers
        do { followers = try await ChainFollowers.make(configuration, store: store) } catch let error as ConfigurationError {
            CLIIO.printError(error.description)
            throw ExitCode(2)
        }
        let consumer = "plenum-watch"
        let printJSON = json
        let exitWhenDone = exitWhenCaughtUp
        let startPosition = fromStart ? 0 : try await store.consumerPosition(consumer)
        let showProgress = isatty(STDERR_FILENO) == 1
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await followers.run() }
            group.addTask {
                _ = await SignalWaiter.wait()
            }
            group.addTask {
                var position = startPosition
                while !Task.isCancelled {
                    let batch = try await store.notifications(after: position, limit: 500)
                    for notification in batch {
                        print(printJSON ? WatchPrinter.jsonLine(notification) : WatchPrinter.textLine(notification))
                    }
                    fflush(nil)
                    if let last = batch.last {
                        position = last.sequence
                        try await store.setConsumerPosition(consumer, position)
                        continue
                    }
                    if exitWhenDone {
                        var done = true
                        for w in followers.watchers where !(await w.isCaughtUp) { done = false }
                        if done, try await store.notifications(after: position, limit: 1).isEmpty { return }
                    }
                    try await Task.sleep(for: .milliseconds(200))
                }
            }
            if showProgress {
                group.addTask { try await ProgressLine.run(followers.watchers) }
            }
            _ = try await group.next()
            group.cancelAll()
        }
        if showProgress { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    }
}

/// The catch-up progress line on standard error: blocks read of head, rate and time left.
enum ProgressLine {
    static func run(_ watchers: [GovernorWatcher]) async throws {
        let clock = ContinuousClock()
        let started = clock.now
        var first: [Int: UInt64] = [:]
        while !Task.isCancelled {
            try await Task.sleep(for: .milliseconds(500))
            var parts: [String] = []
            for (i, w) in watchers.enumerated() {
                guard let head = await w.head, let cursor = await w.cursor else { continue }
                if first[i] == nil { first[i] = cursor }
                if await w.isCaughtUp { continue }
                let elapsed = Double((clock.now - started).components.seconds) + 0.5
                let rate = Double(cursor - (first[i] ?? cursor)) / max(elapsed, 0.5)
                let left = head > cursor ? Double(head - cursor) : 0
                let eta = rate > 0 ? "ETA \(Int(left / rate))s" : "ETA ?"
                parts.append(
                    "\(w.id.governor.description.prefix(10))… block \(cursor) of \(head) (\(head > 0 ? cursor * 100 / head : 100)%), \(Int(rate)) blocks/s, \(eta)"
                )
            }
            let line = parts.isEmpty ? "" : "catching up: " + parts.joined(separator: " | ")
            FileHandle.standardError.write(Data("\r\u{1B}[K\(line.prefix(200))".utf8))
        }
    }
}
