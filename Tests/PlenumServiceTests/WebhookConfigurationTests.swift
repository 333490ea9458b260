import Foundation
import PlenumService
import Testing

extension ConfigurationTests {
    @Test func webhooksWithoutASecretAreRefused() throws {
        let channel = "chain = \"main\"\ngovernor = \"0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512\"\nstart_block = 1\n"
        let hooked = channel + "[webhooks]\nurls = [\"https://hooks.example/plenum\"]\n"
        let cases: [(service: String, channel: String, names: [String])] = [
            (service + "\n[webhooks]\nurls = [\"https://hooks.example/all\"]\n", channel, ["[webhooks] urls"]),
            (service, hooked, ["channel a"]),
        ]
        for c in cases {
            let dir = try write(["config/plenum.toml": c.service, "proposals/a.toml": c.channel])
            let error = try #require(throws: ConfigurationError.self) { try PlenumConfiguration.load(path: dir.file("config/plenum.toml")) }
            let problem = try #require(error.problems.first { $0.key == "webhooks.secret_file" }, "\(error.problems)")
            #expect(c.names.allSatisfy { problem.message.contains($0) }, "\(problem.message)")
        }
        // With a secret file named, the same configuration loads.
        let dir = try write([
            "config/plenum.toml": service + "\n[webhooks]\nurls = [\"https://hooks.example/all\"]\nsecret_file = \"hook.secret\"\n",
            "proposals/a.toml": hooked,
        ])
        let loaded = try PlenumConfiguration.load(path: dir.file("config/plenum.toml"))
        #expect(loaded.webhooks.secretFile == dir.file("config/hook.secret"))
    }
}
