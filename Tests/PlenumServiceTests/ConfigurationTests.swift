import Ethereum
import Foundation
import PlenumService
import PlenumTesting
import Testing

@Suite("Service configuration")
struct ConfigurationTests {
    func write(_ files: [String: String]) throws -> TemporaryDirectory {
        let dir = try TemporaryDirectory()
        for (name, text) in files {
            let path = dir.file(name)
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try text.write(toFile: path, atomically: true, encoding: .utf8)
        }
        return dir
    }

    let service = """
        [storage]
        path = "../state/db.sqlite"
        [chains.main]
        chain_id = 1
        rpc = ["https://rpc.example/v1/KEY", "http://127.0.0.1:8545"]
        confirmations = 12
        poll_interval = "500ms"
        """

    @Test func loadsTheServiceAndItsChannels() throws {
        let dir = try write([
            "config/plenum.toml": service,
            "proposals/a.toml":
                "chain = \"main\"\ngovernor = \"0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512\"\nstart_block = 100\nconfirmations = 20\n[voting]\nsystem = \"basic\"\n",
        ])
        let c = try PlenumConfiguration.load(path: dir.file("config/plenum.toml"))
        #expect(c.storagePath == (dir.file("state/db.sqlite") as NSString).standardizingPath)
        let chain = try #require(c.chains["main"])
        #expect(chain.chainId == 1 && chain.confirmations == 12 && chain.pollInterval == .milliseconds(500) && chain.rpc.count == 2)
        #expect(chain.rpc[0].name == "main-0", "endpoint names never carry the URL (it may hold an API key)")
        #expect(c.channels.map(\.name) == ["a"])
        #expect(c.channels[0].startBlock == 100 && c.channels[0].confirmations == 20)
    }

    @Test func theWritersPriorityDefaultsToMinusTenAndIsChecked() throws {
        let proposal = "chain = \"main\"\ngovernor = \"0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512\"\nstart_block = 1\n"
        var dir = try write(["config/plenum.toml": service, "proposals/a.toml": proposal])
        #expect(try PlenumConfiguration.load(path: dir.file("config/plenum.toml")).storageWriterNice == -10)
        let tuned = service.replacingOccurrences(of: "path = \"../state/db.sqlite\"", with: "path = \"db.sqlite\"\nwriter_nice = 0")
        dir = try write(["config/plenum.toml": tuned, "proposals/a.toml": proposal])
        #expect(try PlenumConfiguration.load(path: dir.file("config/plenum.toml")).storageWriterNice == 0)
        let wrong = service.replacingOccurrences(of: "path = \"../state/db.sqlite\"", with: "path = \"db.sqlite\"\nwriter_nice = 5")
        dir = try write(["config/plenum.toml": wrong, "proposals/a.toml": proposal])
        let error = try #require(throws: ConfigurationError.self) { try PlenumConfiguration.load(path: dir.file("config/plenum.toml")) }
        #expect(
            error.problems.contains { $0.line == 3 && $0.key == "storage.writer_nice" && $0.message.contains("between -20 and 0") },
            "\(error.problems)")
    }

    @Test func reportsEveryProblemWithFileLineAndKey() throws {
        let dir = try write([
            "config/plenum.toml": service + "\nfrobnicate = true\n[chains.other]\nrpc = \"ftp://x\"\npoll_interval = \"soon\"\n",
            "proposals/b.toml": "chain = \"nope\"\ngovernor = \"0x1234\"\n",
            "proposals/c.toml": "chain = \"main\"\ngovernor = [\n",
        ])
        let error = try #require(throws: ConfigurationError.self) { try PlenumConfiguration.load(path: dir.file("config/plenum.toml")) }
        let lines = error.problems.map(\.description)
        func has(_ file: String, _ line: Int?, _ key: String, _ words: String) -> Bool {
            error.problems.contains { $0.file.hasSuffix(file) && $0.line == line && $0.key == key && $0.message.contains(words) }
        }
        #expect(has("plenum.toml", 8, "chains.main.frobnicate", "unknown key"), "\(lines)")
        #expect(has("plenum.toml", 9, "chains.other.chain_id", "required"), "\(lines)")
        #expect(has("plenum.toml", 10, "chains.other.rpc", "not an http"), "\(lines)")
        #expect(has("plenum.toml", 11, "chains.other.poll_interval", "not a duration"), "\(lines)")
        #expect(has("b.toml", 1, "chain", "not a chain"), "\(lines)")
        #expect(has("b.toml", 2, "governor", "20 bytes"), "\(lines)")
        #expect(has("b.toml", nil, "start_block", "required"), "\(lines)")
        #expect(has("c.toml", 3, "", "unterminated array"), "\(lines)")
    }

    @Test func crossCheckEndpointsAreNamedApartAndMustBeIndependent() throws {
        let channel = "chain = \"main\"\ngovernor = \"0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512\"\nstart_block = 1\n"
        let good = try write([
            "config/plenum.toml": service + "\ncross_check_rpc = [\"https://other.example/KEY2\"]\n", "proposals/a.toml": channel,
        ])
        let chain = try #require(try PlenumConfiguration.load(path: good.file("config/plenum.toml")).chains["main"])
        #expect(chain.crossCheck.map(\.name) == ["main-check-0"] && chain.crossCheck[0].url == "https://other.example/KEY2")
        #expect(chain.rpc.map(\.name) == ["main-0", "main-1"])
        let none = try write(["config/plenum.toml": service, "proposals/a.toml": channel])
        #expect(try PlenumConfiguration.load(path: none.file("config/plenum.toml")).chains["main"]?.crossCheck.isEmpty == true)

        let bad = try write([
            "config/plenum.toml": service + "\ncross_check_rpc = [\"http://127.0.0.1:8545\", \"ws://x\"]\n", "proposals/a.toml": channel,
        ])
        let error = try #require(throws: ConfigurationError.self) { try PlenumConfiguration.load(path: bad.file("config/plenum.toml")) }
        let problems = error.problems.filter { $0.key == "chains.main.cross_check_rpc" && $0.line == 8 }.map(\.message)
        #expect(problems.contains { $0.contains("repeats a URL of rpc") }, "\(error.problems)")
        #expect(problems.contains { $0.contains("not an http") }, "\(error.problems)")
    }

    /// FuzzConfig's finding: a duration of more milliseconds than an Int64 holds trapped the loader
    /// (converting the Double to Int64); it is a problem with the key's line now, like any other.
    @Test func durationsTooLongToKeepAreProblemsNotCrashes() throws {
        let dir = try write([
            "config/plenum.toml": service + "\nrequest_timeout = 1e300\n",
            "proposals/a.toml":
                "chain = \"main\"\ngovernor = \"0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512\"\nstart_block = 1\n[reminders]\nbefore = [\"1e17s\", \"9e15ms\"]\n",
        ])
        let error = try #require(throws: ConfigurationError.self) { try PlenumConfiguration.load(path: dir.file("config/plenum.toml")) }
        let found = error.problems.map { "\($0.file.hasSuffix("a.toml") ? "a.toml" : "plenum.toml"):\($0.line ?? 0): \($0.key)" }
        #expect(
            found == ["plenum.toml:8: chains.main.request_timeout", "a.toml:5: reminders.before", "a.toml:5: reminders.before"], "\(error)")
        #expect(error.problems[0].message.contains("longer than"))
        #expect(error.problems[1].message.contains("\"1e17s\" is not a duration"))
        #expect(error.problems[2].message.contains("\"9e15ms\" is longer than the longest duration Plenum accepts (366 days)"))
    }

    /// Whole numbers of seconds too long to be a timeout (they would overflow where a timeout
    /// becomes nanoseconds) are refused at load, with the key, like any duration over 366 days.
    @Test func durationsOverAYearAreRefusedWithTheirKey() throws {
        let dir = try write([
            "config/plenum.toml": service + "\nrequest_timeout = 10000000000\n",
            "proposals/a.toml":
                "chain = \"main\"\ngovernor = \"0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512\"\nstart_block = 1\n[reminders]\nbefore = [\"366d\", \"367d\", \"1h\"]\n",
        ])
        let error = try #require(throws: ConfigurationError.self) { try PlenumConfiguration.load(path: dir.file("config/plenum.toml")) }
        #expect(error.problems.map(\.key) == ["chains.main.request_timeout", "reminders.before"], "\(error)")
        #expect(error.problems[0].message == "10000000000 seconds is longer than the longest duration Plenum accepts (366 days)")
        #expect(error.problems[1].message.contains("\"367d\" is longer than"))
    }
}
