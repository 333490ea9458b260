import Ethereum
import Foundation

/// The independent implementations (eth-abi, eth-account) behind `Tests/Oracle/oracle.py`,
/// run in the pinned virtual environment that `devnet/ensure-venv` creates.
public enum PythonOracle {
    /// The venv's python, creating the venv on first use.
    public static func python() throws -> String {
        let result = try ProcessRunner.run("/bin/bash", [Repository.path("devnet/ensure-venv")])
        guard result.status == 0 else { throw OracleError("devnet/ensure-venv failed: \(result.stderrText)") }
        return result.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Runs one oracle subcommand and parses its JSON answer.
    public static func run(_ command: String, seed: Int = 1, count: Int = 10, input: JSON? = nil) throws -> JSON {
        let stdin = Data((input?.serialized() ?? "").utf8)
        let result = try ProcessRunner.run(
            try python(), [Repository.path("Tests/Oracle/oracle.py"), command, "--seed", "\(seed)", "--count", "\(count)"], stdin: stdin)
        guard result.status == 0 else {
            throw OracleError("oracle \(command) failed (\(result.status)): \(result.stderrText.suffix(2000))")
        }
        return try JSONParser.parse(result.stdoutText, limits: .init(maxBytes: 512 << 20, maxDepth: 64))
    }
}

public struct OracleError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
