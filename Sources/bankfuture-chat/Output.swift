import ChatCore
import ChatTerminal

/// Unbuffered writes to stdout/stderr, so streamed tokens appear as they arrive. Every
/// write of outside text goes through ``TerminalText``.
enum Output {
    private static let out = FileDescriptorWriter(fileDescriptor: 1)
    private static let err = FileDescriptorWriter(fileDescriptor: 2)

    /// Writes to standard output; outside text in it is made safe (``TerminalText``).
    static func stdout(_ text: String) { out.write(TerminalText.sanitize(text)) }
    /// Writes to standard error; outside text in it is made safe (``TerminalText``).
    static func stderr(_ text: String) { err.write(TerminalText.sanitize(text)) }

    /// Writes an escape sequence this program composed itself (an inline image preview) to
    /// standard error, unfiltered. Never for text from outside.
    static func stderrControl(_ sequence: String) { err.write(sequence) }

    /// `error: <message>` on stderr, as one line.
    static func error(_ message: String) { err.write("error: " + TerminalText.oneLine(message) + "\n") }

    /// The exit code after a run that returned `code`: 141 when standard output was closed
    /// under it, 1 (after one line) when writing to it failed otherwise.
    static func finalCode(_ code: Int32) -> Int32 {
        switch FileDescriptorWriter.failure(of: 1) {
        case .closed?: return 141
        case .failed(_, let reason)?:
            if code == 1 || code == 141 { return code }
            error("cannot write to standard output: \(reason)")
            return 1
        case nil: return code
        }
    }
}
