import ChainWatch
import Ethereum
import EthereumRPC
import FuzzDriver

/// What an RPC provider answers, as the watcher and the bot decode it: blocks, logs and transaction
/// receipts (alone, or each element of a batch or a `result` array), and governor events decoded
/// from logs. Decoding succeeds or throws; a decoded log has at most four topics.
@_cdecl("FuzzRPC_main")
public func main(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv) { start, count in fuzzRPC(fuzzInput(start, count)) }
}

func fuzzRPC(_ bytes: [UInt8]) -> CInt {
    guard let json = try? JSONParser.parse(String(decoding: bytes, as: UTF8.self), limits: .init(maxBytes: 1 << 20, maxDepth: 64))
    else { return 0 }
    var values = [json]
    if let result = json["result"] { values.append(result) }
    for value in values { values += value.arrayValue ?? [] }
    for value in values.prefix(64) {
        if let log = try? Log(json: value) {
            guard log.topics.count <= 4 else { fatalError("a log with \(log.topics.count) topics was accepted") }
            _ = try? GovernorEvent(log: log)
        }
        _ = try? BlockHeader(json: value)
        _ = try? TransactionReceipt(json: value)
    }
    return 0
}
