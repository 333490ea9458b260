import Logging

/// The service's log lines on standard error, in swift-log's `StreamLogHandler` format, with the
/// metadata written out only for lines that are logged.
///
/// `StreamLogHandler` formats its metadata into text every time the metadata changes. The HTTP
/// server sets a request id on its logger for every request, so under load that formatting ran
/// once per request for lines that were almost never written (≈ 2% of the hub's CPU in the ingest
/// benchmark). This handler keeps the metadata as it is and hands it to a `StreamLogHandler` when
/// a line passes the level: the text of every line is the same.
public struct StandardErrorLogHandler: LogHandler {
    private var stream: StreamLogHandler
    public var metadata: Logger.Metadata = [:]

    public init(label: String) {
        stream = StreamLogHandler.standardError(label: label)
    }

    /// Lines to `output` instead (tests compare them with `StreamLogHandler`'s).
    public init(label: String, output: any TextOutputStream & Sendable) {
        stream = StreamLogHandler(label: label, stream: output)
    }

    public var logLevel: Logger.Level {
        get { stream.logLevel }
        set { stream.logLevel = newValue }
    }

    public var metadataProvider: Logger.MetadataProvider? {
        get { stream.metadataProvider }
        set { stream.metadataProvider = newValue }
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var line = stream
        line.metadata = metadata
        line.log(event: event)
    }
}
