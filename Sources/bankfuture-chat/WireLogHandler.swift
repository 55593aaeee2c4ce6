import ChatCore
import Logging

/// The `--debug` wire log on standard error. Log lines quote the server (SSE lines, headers,
/// bodies), so each goes through ``TerminalText`` like every other write of outside text.
struct WireLogHandler: LogHandler {
    var logLevel: Logger.Level
    var metadata: Logger.Metadata = [:]
    var metadataProvider: Logger.MetadataProvider?

    init(logLevel: Logger.Level) {
        self.logLevel = logLevel
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        Output.stderr("[wire] " + TerminalText.oneLine(event.message.description) + "\n")
    }
}
