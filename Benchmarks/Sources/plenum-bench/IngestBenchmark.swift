import AsyncHTTPClient
import Chat
import Ethereum
import Foundation
import Governance
import Hummingbird
import Logging
import NIOCore
import PlenumService
import PlenumTesting
import Storage

/// Issue 6's benchmark: sustained ingest of pre-signed ballots through the hub over loopback HTTP,
/// each acknowledged (201) only after the SQLite transaction holding it has committed, from 64
/// concurrent keep-alive clients; beside the same run's single-core raw libsecp256k1 recovery rate.
///
/// `plenum-bench ingest [BALLOTS] [CLIENTS]` (defaults 64,000 and 64).
enum IngestBenchmark {
    struct Run {
        let ballots: Int
        let seconds: Double
        /// Acknowledgement latencies, milliseconds, sorted.
        let latencies: [Double]
        let transactions: Int
        /// Seconds the hub's writer spent in those transactions (commits and fsyncs included).
        var writerSeconds = 0.0

        var rate: Double { Double(ballots) / seconds }
        /// The share of the run during which the writer was in a transaction.
        var writerBusy: Double { writerSeconds / seconds }
        func percentile(_ q: Double) -> Double { latencies[min(latencies.count - 1, Int(Double(latencies.count) * q))] }
    }

    static func run(arguments: [String]) async throws {
        let ballots = arguments.first.flatMap { Int($0) } ?? 64_000
        let clients = arguments.dropFirst().first.flatMap { Int($0) } ?? 64
        print("## Hub ingest (release build, loopback HTTP, \(clients) clients)\n")
        let folder = try TemporaryDirectory()
        let store = try SQLiteStore(path: folder.file("ingest.sqlite"))
        var hubConfiguration = ChatHub.Configuration(hub: "bench.plenum")
        // Raised for the benchmark: every voter posts once, but all come from one IP (127.0.0.1).
        hubConfiguration.postRatePerAddress = nil
        let hub = ChatHub(store: store, configuration: hubConfiguration)
        var serverConfiguration = ChatServer.Configuration()
        serverConfiguration.port = 0
        serverConfiguration.requestRatePerIP = nil
        serverConfiguration.postRatePerIP = nil
        // The handler plenum serve uses (its cost per request is part of the hub's).
        var logger = Logger(label: "plenum-bench") { StandardErrorLogHandler(label: $0) }
        logger.logLevel = .critical
        let (ports, portSink) = AsyncStream<Int>.makeStream()
        let app = buildChatApplication(hub: hub, configuration: serverConfiguration, logger: logger) { port in
            portSink.yield(port)
            portSink.finish()
        }
        let server = Task { try await app.run() }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else { throw BenchFailure("the hub did not start") }
        let base = "http://127.0.0.1:\(port)"

        var http = HTTPClient.Configuration()
        http.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = clients
        http.connectionPool.idleTimeout = .seconds(120)
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: http)

        let warmGroup = try await hub.createGroup(GroupSpec(key: "warm-up", title: "Warm-up", topic: "", gating: .anyone)).id
        let group = try await hub.createGroup(GroupSpec(key: "poll:bench", title: "Benchmark poll", topic: "", gating: .anyone)).id
        let warmBodies = try presign(min(ballots / 8, 8000), group: warmGroup, hub: hubConfiguration.hub)
        var clock = ContinuousClock.now
        let bodies = try presign(ballots, group: group, hub: hubConfiguration.hub)
        let signing = seconds(ContinuousClock.now - clock)
        print(
            "pre-signed \(ballots) ballots of distinct voters (Snapshot Vote + ChatMessage, two signatures each) in \(format(signing, decimals: 1)) s\n"
        )

        // The hub checks every message's signature: a tampered one is refused.
        try await expectRefusal(tampered(bodies[0]), to: group, base: base, client: client)

        let recoveryBefore = rawRecoveryRate()
        _ = try await post(warmBodies, to: warmGroup, port: port, clients: clients, hub: hub)
        clock = ContinuousClock.now
        if ProcessInfo.processInfo.environment["PLENUM_BENCH_MARK"] != nil {
            // For profilers: the measured part starts now.
            FileHandle.standardError.write(Data("measuring\n".utf8))
        }
        let cpuBefore = cpuSeconds()
        let (run, generatorCPU) = try await post(bodies, to: group, port: port, clients: clients, hub: hub)
        let cpuPerVote = (cpuSeconds() - cpuBefore) / Double(ballots)
        let generatorPerVote = generatorCPU / Double(ballots)
        let hubPerVote = cpuPerVote - generatorPerVote
        _ = clock
        // The same work without HTTP: the hub's own part (checks, recovery, group commit).
        let direct = try await hub.createGroup(GroupSpec(key: "poll:direct", title: "In-process", topic: "", gating: .anyone)).id
        let directMessages = try presign(ballots, group: direct, hub: hubConfiguration.hub).map {
            try SignedChatMessage(json: try JSONParser(limits: .init(maxBytes: 1 << 20)).parse(Array(buffer: $0)), maxBodyBytes: 1 << 16)
        }
        let cpuBeforeDirect = cpuSeconds()
        let inProcess = try await submit(directMessages, clients: clients, hub: hub)
        let cpuPerVoteDirect = (cpuSeconds() - cpuBeforeDirect) / Double(ballots)
        let recoveryAfter = rawRecoveryRate()
        let recovery = (recoveryBefore + recoveryAfter) / 2

        // Everything acknowledged is stored once, in a hash-linked log whose entries verify.
        let head = try await store.head(of: group)
        guard head.seq == UInt64(ballots) else { throw BenchFailure("the group holds \(head.seq) entries, not \(ballots)") }
        let sample = try await store.messages(in: group, afterSeq: UInt64.random(in: 0..<UInt64(ballots - 100)), limit: 100)
        for entry in sample where entry.verificationProblem() != nil {
            throw BenchFailure("entry \(entry.seq): \(entry.verificationProblem()!)")
        }

        // The framework's share: the same server type, route, requests and answer size, no hub.
        let answer = JSON.object(JSONObject([("message", sample[0].json)])).serializedBytes()
        let floor = try await HTTPFloor.measure(
            bodies: bodies.map { Array(buffer: $0) }, path: "/v1/groups/\(group)/messages", answer: answer, clients: clients,
            logger: logger)

        print(
            "| ballots | clients | votes/s | ack p50 | ack p99 | ack max | transactions (mean batch) | raw recovery, 1 core | votes/s ÷ recovery |"
        )
        print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        print(
            "| \(ballots) | \(clients) | **\(format(run.rate))** | \(format(run.percentile(0.5), decimals: 1)) ms | **\(format(run.percentile(0.99), decimals: 1)) ms** | \(format(run.latencies.last!, decimals: 1)) ms | \(run.transactions) (\(format(Double(ballots) / Double(max(1, run.transactions)), decimals: 1))) | \(format(recovery))/s | \(format(100 * run.rate / recovery, decimals: 1))% |"
        )
        print(
            "| same ballots, in-process `ChatHub.submit` (no HTTP) | \(clients) tasks | \(format(inProcess.rate)) | \(format(inProcess.percentile(0.5), decimals: 1)) ms | \(format(inProcess.percentile(0.99), decimals: 1)) ms | \(format(inProcess.latencies.last!, decimals: 1)) ms | \(inProcess.transactions) (\(format(Double(ballots) / Double(max(1, inProcess.transactions)), decimals: 1))) | | \(format(100 * inProcess.rate / recovery, decimals: 1))% |"
        )
        print("\n(raw recovery before / after the run: \(format(recoveryBefore))/s / \(format(recoveryAfter))/s)")
        let cores = ProcessInfo.processInfo.activeProcessorCount
        print(
            "CPU time per vote over HTTP: \(format(hubPerVote * 1e6)) µs in the hub (server, HTTP and store), \(format(generatorPerVote * 1e6)) µs in the load generator's thread, \(format(cpuPerVote * 1e6)) µs in all; in-process \(format(cpuPerVoteDirect * 1e6)) µs. The hub alone with all \(cores) cores: \(format(Double(cores) / hubPerVote)) votes/s. Load average at the end \(loadAverage())"
        )
        print(
            "The hub's writer was in a transaction (commit and fsync included) \(format(100 * run.writerBusy))% of the HTTP run, \(format(1e3 * run.writerSeconds / Double(max(1, run.transactions)), decimals: 2)) ms per batch; in-process \(format(100 * inProcess.writerBusy))%."
        )
        print(
            "HTTP floor (Hummingbird alone: same server, route, requests and answer size; the handler only collects the body and answers 201): \(format(floor.rate)) requests/s, p99 \(format(floor.p99, decimals: 1)) ms, \(format(floor.serverCPU * 1e6)) µs of server CPU per request: the hub's own work over HTTP is \(format((hubPerVote - floor.serverCPU) * 1e6)) µs per vote."
        )
        print("goal: ≥ 10,000 votes/s with p99 < 50 ms: \(run.rate >= 10_000 && run.percentile(0.99) < 50 ? "met" : "NOT met")\n")

        try await client.shutdown()
        server.cancel()
        _ = try? await server.value
    }

    /// `count` ballots of distinct new voters for a ranked-choice poll, each the body of a chat
    /// message signed by the same voter, serialized as posted.
    static func presign(_ count: Int, group: GroupID, hub: String) throws -> [ByteBuffer] {
        let variant = SnapshotVoteVariant.current(choice: .uint32Array)
        let types: JSON = [
            "EIP712Domain": [["name": "name", "type": "string"], ["name": "version", "type": "string"]],
            "Vote": .array(variant.fields.map { ["name": .string($0.name), "type": .string($0.type)] }),
        ]
        let domain: JSON = [
            "name": .string(ProposalContext.Snapshot.domainName), "version": .string(ProposalContext.Snapshot.domainVersion),
        ]
        let now = UInt64(Date().timeIntervalSince1970 * 1000)
        var out: [ByteBuffer] = []
        out.reserveCapacity(count)
        for i in 0..<count {
            let key = PrivateKey.generate()
            var ranking = [1, 2, 3, 4]
            ranking.swapAt(i % 4, (i / 4) % 4)
            let typed: JSON = [
                "types": types, "primaryType": "Vote", "domain": domain,
                "message": [
                    "from": .string(key.address.checksummed), "space": "bench", "timestamp": .number(String(now / 1000)),
                    "proposal": .string(group.rawValue), "choice": .array(ranking.map { .number(String($0)) }), "reason": "",
                    "app": "plenum", "metadata": "{}",
                ],
            ]
            var object = typed.objectValue!
            object["signature"] = .string(try key.signTypedData(try TypedData(json: typed)).description)
            let body = JSON.object(object).serialized()
            if i < 16 {
                // The bot's intake must read these as ballots of their voters.
                let envelope = try BallotEnvelope.parse(Array(body.utf8))
                guard try Signature(bytes: envelope.signature).recoverAddress(digest: envelope.id) == key.address else {
                    throw BenchFailure("a pre-signed ballot does not verify")
                }
            }
            let message = ChatMessage(
                hub: hub, group: group, sender: key.address, body: body, timestamp: now, nonce: ChatMessage.randomNonce())
            out.append(ByteBuffer(string: message.signed(with: key).json.serialized()))
        }
        return out
    }

    /// Posts every body from `clients` concurrent keep-alive connections (each its share, one at
    /// a time) driven by the low-cost generator, timing each request from send to the end of the
    /// answer; any answer but 201 fails the benchmark.
    static func post(_ bodies: [ByteBuffer], to group: GroupID, port: Int, clients: Int, hub: ChatHub) async throws -> (Run, Double) {
        let load = LoopbackLoad(port: UInt16(port), path: "/v1/groups/\(group)/messages", connections: clients)
        let before = await hub.commitStatistics()
        let outcome = try await load.post(bodies.map { Array(buffer: $0) })
        let after = await hub.commitStatistics()
        let run = Run(
            ballots: bodies.count, seconds: outcome.seconds, latencies: outcome.latencies.map { $0 * 1000 }.sorted(),
            transactions: after.batches - before.batches, writerSeconds: seconds(after.storeTime - before.storeTime))
        return (run, outcome.cpuSeconds)
    }

    /// Submits every message to the hub in-process from `clients` concurrent tasks.
    static func submit(_ messages: [SignedChatMessage], clients: Int, hub: ChatHub) async throws -> Run {
        let before = await hub.commitStatistics()
        let clock = ContinuousClock()
        let start = clock.now
        let latencies = try await withThrowingTaskGroup(of: [Double].self) { tasks in
            for c in 0..<clients {
                tasks.addTask {
                    var out: [Double] = []
                    for i in stride(from: c, to: messages.count, by: clients) {
                        let t = clock.now
                        _ = try await hub.submit(messages[i])
                        out.append(seconds(clock.now - t) * 1000)
                    }
                    return out
                }
            }
            return try await tasks.reduce(into: []) { $0 += $1 }
        }
        let elapsed = seconds(clock.now - start)
        let after = await hub.commitStatistics()
        return Run(
            ballots: messages.count, seconds: elapsed, latencies: latencies.sorted(), transactions: after.batches - before.batches,
            writerSeconds: seconds(after.storeTime - before.storeTime))
    }

    /// The posted form of `body` with one character of the ballot changed after signing.
    static func tampered(_ body: ByteBuffer) throws -> ByteBuffer {
        var json = try JSONParser(limits: .init(maxBytes: 1 << 20)).parse(Array(buffer: body)).objectValue!
        var message = json["message"]!.objectValue!
        message["body"] = .string(message["body"]!.stringValue!.replacingOccurrences(of: "\"app\":\"plenum\"", with: "\"app\":\"plenuM\""))
        json["message"] = .object(message)
        return ByteBuffer(string: JSON.object(json).serialized())
    }

    static func expectRefusal(_ body: ByteBuffer, to group: GroupID, base: String, client: HTTPClient) async throws {
        var request = HTTPClientRequest(url: "\(base)/v1/groups/\(group)/messages")
        request.method = .POST
        request.body = .bytes(body)
        let response = try await client.execute(request, timeout: .seconds(10))
        let answer = String(buffer: try await response.body.collect(upTo: 1 << 20))
        guard response.status.code == 401 || response.status.code == 403, answer.contains("signer-mismatch") else {
            throw BenchFailure("a tampered message was answered \(response.status.code): \(answer.prefix(300))")
        }
    }

    /// Single-core raw libsecp256k1 recoveries per second (median of 7 rounds; as in `primitives`).
    static func rawRecoveryRate() -> Double {
        PrimitivesBenchmark.rawRecovery(count: 4000, rounds: 7)
    }

    /// User and system CPU time used by this process so far.
    static func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        func s(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
        return s(usage.ru_utime) + s(usage.ru_stime)
    }

    /// The 1-minute load average (other work on the machine shares its cores).
    static func loadAverage() -> String {
        (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ").first.map(String.init) ?? "?"
    }

    static func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18 }
}
