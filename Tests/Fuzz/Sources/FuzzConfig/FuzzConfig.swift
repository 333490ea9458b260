import FuzzDriver
import PlenumService

/// Configuration files through `PlenumConfiguration.load`, the loader behind `plenum serve` and
/// `plenum config check`. The first input byte picks the file: even, the service file
/// (config/plenum.toml, beside a fixed valid channel file); odd, a channel file (proposals/*.toml,
/// under a fixed valid service file). The rest is the file. Loading succeeds or throws a
/// `ConfigurationError` whose every problem has a message and names a file and a line inside that
/// file or a key (only a file that cannot be read as UTF-8 may name neither); loading the same
/// bytes again gives the same configuration or the same problems.
@_cdecl("FuzzConfig_main")
public func main(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv) { start, count in fuzzConfig(fuzzInput(start, count)) }
}

/// A channel file the loader accepts, read beside every fuzzed service file.
let validChannel = """
    chain = "devnet"
    governor = "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512"
    start_block = 0

    """

/// A service file the loader accepts, read with every fuzzed channel file.
let validService = """
    [chains.devnet]
    chain_id = 131277322940537
    rpc = ["http://127.0.0.1:8545"]

    """

/// `<scratch>/service/{config/plenum.toml, proposals/devnet.toml}` and `<scratch>/channel/{config/plenum.toml, proposals/fuzzed.toml}`.
let layout: (service: String, channel: String, channelConfig: String) = {
    let root = makeScratchDirectory("fuzz-config")
    for folder in ["service", "service/config", "service/proposals", "channel", "channel/config", "channel/proposals"] {
        makeDirectory("\(root)/\(folder)")
    }
    writeFile("\(root)/service/proposals/devnet.toml", Array(validChannel.utf8))
    writeFile("\(root)/channel/config/plenum.toml", Array(validService.utf8))
    return ("\(root)/service/config/plenum.toml", "\(root)/channel/proposals/fuzzed.toml", "\(root)/channel/config/plenum.toml")
}()

func fuzzConfig(_ bytes: [UInt8]) -> CInt {
    guard let selector = bytes.first else { return 0 }
    let file = Array(bytes.dropFirst())
    let (written, loaded) = selector % 2 == 0 ? (layout.service, layout.service) : (layout.channel, layout.channelConfig)
    writeFile(written, file)
    // A channel file is removed afterwards, so that no run sees the file of an earlier one.
    defer { if written == layout.channel { removeTree(written) } }

    let first = load(loaded)
    let again = load(loaded)
    switch (first, again) {
    case (.success(let a), .success(let b)):
        guard a == b else { fatalError("the same file loaded twice gave two configurations") }
    case (.failure(let a), .failure(let b)):
        guard a.problems == b.problems else { fatalError("the same file loaded twice gave different problems:\n\(a)\n\(b)") }
        check(a, written: written, bytes: file)
    default:
        fatalError("the same file loaded twice was accepted once and refused once")
    }
    return 0
}

/// Loads, with anything thrown besides a `ConfigurationError` a finding.
func load(_ path: String) -> Result<Loaded, ConfigurationError> {
    do {
        return .success(Loaded(try PlenumConfiguration.load(path: path)))
    } catch let error as ConfigurationError {
        return .failure(error)
    } catch {
        fatalError("PlenumConfiguration.load threw something other than ConfigurationError: \(error)")
    }
}

/// Every problem explains itself and points into the input.
func check(_ error: ConfigurationError, written: String, bytes: [UInt8]) {
    guard !error.problems.isEmpty else { fatalError("a ConfigurationError without problems") }
    for problem in error.problems {
        guard !problem.message.isEmpty, !problem.file.isEmpty else { fatalError("a problem without a message or a file: \(problem)") }
        let content = problem.file == written ? bytes : readFile(problem.file)
        if let line = problem.line {
            // Lines end at LF bytes (a CRLF is one Character in Swift); a line just past the last is the end of the file.
            let lines = (content ?? []).split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).count
            guard line >= 1 && line <= lines + 1 else { fatalError("\(problem): line \(line) outside 1...\(lines) of \(problem.file)") }
        } else if problem.key.isEmpty {
            // Only a file that cannot be read as UTF-8 text is a problem with neither line nor key.
            guard let content, String(validating: content, as: UTF8.self) != nil else { continue }
            fatalError("a problem with neither a line nor a key in a readable file: \(problem)")
        }
    }
}

/// What a loaded configuration holds, comparable as a whole.
struct Loaded: Equatable {
    let file: String
    let storagePath: String
    let bot: PlenumConfiguration.BotSettings?
    let hub: PlenumConfiguration.HubSettings
    let admin: PlenumConfiguration.AdminSettings?
    let webhooks: PlenumConfiguration.WebhookSettings
    let channelsDirectory: String
    let chains: [String: PlenumConfiguration.Chain]
    let channels: [PlenumConfiguration.Channel]

    init(_ c: PlenumConfiguration) {
        file = c.file
        storagePath = c.storagePath
        bot = c.bot
        hub = c.hub
        admin = c.admin
        webhooks = c.webhooks
        channelsDirectory = c.channelsDirectory
        chains = c.chains
        channels = c.channels
    }
}
