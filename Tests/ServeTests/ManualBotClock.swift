import Bot
import Synchronization

/// The bot's clock in a test, in Unix milliseconds: it stands still until the test moves it.
final class ManualBotClock: Sendable {
    private let milliseconds: Mutex<UInt64>

    /// Starts at the wall clock's current time.
    init() { milliseconds = Mutex(UInt64(WallClock.milliseconds())) }

    func now() -> UInt64 { milliseconds.withLock { $0 } }

    /// Moves to the wall clock's time if that is more than `slack` ahead (never backwards).
    func catchUp(ifBehindBy slack: Duration) {
        let wall = UInt64(WallClock.milliseconds())
        let slackMs = UInt64(slack.components.seconds) * 1000
        milliseconds.withLock { if wall > $0 + slackMs { $0 = wall } }
    }

    func advance(by duration: Duration) {
        let ms = UInt64(duration.components.seconds) * 1000 + UInt64(duration.components.attoseconds / 1_000_000_000_000_000)
        milliseconds.withLock { $0 += ms }
    }
}
