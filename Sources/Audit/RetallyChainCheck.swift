import Bot
import ChainWatch
import Ethereum
import EthereumRPC
import Governance

/// `plenum retally --rpc`: re-reads from a node, at the block hashes the export records, what the
/// bot read from the chain: the `ProposalCreated` log, the governor's snapshot and deadline, the
/// pinned blocks, every voter's chain-read power and the quorum. Each disagreement is a `chain` mismatch.
public enum RetallyChainCheck {
    static let proposalSnapshot = try! ABIFunction("proposalSnapshot(uint256) returns (uint256)")
    static let proposalDeadline = try! ABIFunction("proposalDeadline(uint256) returns (uint256)")

    /// Runs the chain checks and adds them to the outcome's report. Throws when the node cannot be used at all.
    public static func run(_ outcome: inout Retally.Outcome, header: ExportHeader, rpc url: String) async throws {
        var configuration = RPCClient.Configuration(endpoints: [RPCEndpoint(url: url)])
        configuration.retry.maxAttempts = 3
        configuration.requestTimeout = .seconds(20)
        let client = RPCClient(configuration: configuration)
        var report = outcome.report
        func mismatch(_ what: String, expected: String, found: String) {
            report.fail(.init(.chain, line: 1, expected: expected, found: found, what))
        }
        let chainId = try await client.chainId()
        guard chainId == header.chainId else {
            mismatch("the node serves another chain", expected: String(header.chainId), found: String(chainId))
            outcome.report = report
            return
        }
        report.pass(.chain)
        // The proposal's log, at its block hash.
        if let created = header.created, let governor = header.governor {
            let logs = try await client.logs(LogFilter(range: .blockHash(created.position.blockHash), addresses: [governor]))
            let log = logs.first { $0.logIndex == created.position.logIndex }
            if let log, log.transactionHash == created.position.transactionHash, log.blockNumber == created.position.blockNumber,
                let event = try? GovernorEvent(log: log), case .success(let recorded) = created.event, event == recorded
            {
                report.pass(.chain)
            } else {
                mismatch(
                    "the ProposalCreated log",
                    expected:
                        "log \(created.position.logIndex) of tx \(created.position.transactionHash) in block \(created.position.blockHash)",
                    found: log.map { "log \($0.logIndex) of tx \($0.transactionHash)" } ?? "no such log on the node's chain")
            }
            if let id = try? UInt256(decimal: header.proposalId) {
                let snapshot = try? await client.call(
                    to: governor, data: try proposalSnapshot.encodeCall([.uint(id)]),
                    at: .hash(created.position.blockHash, requireCanonical: true))
                let value = snapshot.flatMap { $0.count == 32 ? try? UInt256(bigEndian: $0) : nil }
                if value == UInt256(header.snapshot) {
                    report.pass(.chain)
                } else {
                    mismatch(
                        "the governor's proposalSnapshot at the proposal's block", expected: String(header.snapshot),
                        found: value?.description ?? "no answer")
                }
                let deadline = try? await client.call(to: governor, data: try proposalDeadline.encodeCall([.uint(id)]), at: .latest)
                let d = deadline.flatMap { $0.count == 32 ? try? UInt256(bigEndian: $0) : nil }
                if d == UInt256(header.deadline) {
                    report.pass(.chain)
                } else {
                    mismatch("the governor's proposalDeadline", expected: String(header.deadline), found: d?.description ?? "no answer")
                }
            }
        }
        // The pinned blocks exist, are canonical and have the recorded numbers.
        if let pins = header.pins {
            for pin in [pins.snapshotBlock, pins.checkpointBlock] {
                let found = try await client.header(.hash(pin.hash, requireCanonical: true))
                let canonical = try await client.header(.number(pin.number))
                if found?.number == pin.number, canonical?.hash == pin.hash {
                    report.pass(.chain)
                } else {
                    mismatch("a pinned block", expected: pin.description, found: canonical.map { "#\($0.number) (\($0.hash))" } ?? "none")
                }
            }
        }
        // Every chain-read value of every voter's power, at its block.
        var byBlock: [BlockRef: [(Address, RecordedRead)]] = [:]
        for (voter, reads) in outcome.reads { for read in reads { byBlock[read.block, default: []].append((voter, read)) } }
        let reader = RPCCallReader(client: client)
        for (block, reads) in byBlock.sorted(by: { $0.key < $1.key }) {
            for start in stride(from: 0, to: reads.count, by: 500) {
                let chunk = Array(reads[start..<min(start + 500, reads.count)])
                let answers = try await reader.call(chunk.map(\.1.call), at: block)
                for ((voter, read), answer) in zip(chunk, answers) {
                    if case .success(let data) = answer, data.count == 32, (try? UInt256(bigEndian: data)) == read.value {
                        report.pass(.chain)
                    } else {
                        mismatch("\(voter)'s power at \(read.path)", expected: read.value.description, found: "\(answer)")
                    }
                }
            }
        }
        // The quorum.
        if let pins = header.pins {
            let resolved = try? await header.rules.quorum.resolve(
                timepoint: UInt256(header.powerBlock ?? header.snapshot), snapshotBlock: pins.snapshotBlock,
                checkpointBlock: pins.checkpointBlock,
                chain: reader)
            if let resolved, resolved.amount == header.quorum.amount {
                report.pass(.chain)
            } else {
                mismatch(
                    "the quorum", expected: header.quorum.amount?.description ?? "none", found: resolved?.amount?.description ?? "no answer"
                )
            }
        }
        outcome.report = report
    }
}

/// Governance's `ChainReader` as plain `eth_call`s in one JSON-RPC batch, pinned by block hash.
struct RPCCallReader: ChainReader {
    let client: RPCClient

    func call(_ calls: [ContractCall], at block: BlockRef) async throws -> [ContractCallResult] {
        let answers = try await client.batch(
            calls.map { RPCCall("eth_call", [["to": .string($0.to.lowercased), "data": .string(Hex.encode($0.data))]]) },
            at: .hash(block.hash, requireCanonical: true))
        return answers.map { answer in
            switch answer {
            case .success(let json):
                guard let text = json.stringValue, let data = try? Hex.decode(text, requirePrefix: true) else { return .reverted([]) }
                return .success(data)
            case .failure: return .reverted([])
            }
        }
    }
}
