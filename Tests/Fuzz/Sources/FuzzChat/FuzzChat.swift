import Chat
import Ethereum
import FuzzDriver

/// The hub's request decoding and what a reader decodes from a hub's answers: a posted message
/// (`{"message": {…}, "signature": "0x…"}`) is read strictly or refused with a chat error, and what
/// is read writes back to the same message; a stored entry is read and checked, or refused.
@_cdecl("FuzzChat_main")
public func main(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv) { start, count in fuzzChat(fuzzInput(start, count)) }
}

func fuzzChat(_ bytes: [UInt8]) -> CInt {
    guard let json = try? JSONParser.parse(String(decoding: bytes, as: UTF8.self), limits: .init(maxBytes: 64 * 1024, maxDepth: 8))
    else { return 0 }
    if let posted = try? SignedChatMessage(json: json, maxBodyBytes: 16 * 1024) {
        _ = try? posted.verify()
        guard (try? SignedChatMessage(json: posted.json, maxBodyBytes: 16 * 1024)) == posted else {
            fatalError("a posted message does not read back from its own JSON")
        }
    }
    for candidate in [json, json["message"] ?? .null] + (json["messages"]?.arrayValue ?? []).prefix(16) {
        if let entry = try? StoredMessage(json: candidate) { _ = entry.verificationProblem() }
    }
    return 0
}
