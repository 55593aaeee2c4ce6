import CEditLine
import CEditLineShim
import ChatCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads lines from a file descriptor without line editing: scripted input
/// (`--stdin repl`), `TERM=dumb`, tests.
///
/// Input is read in large chunks and split at `\n`; a `\r` before it is dropped (CRLF
/// files), a last line without a newline is still returned, and bytes that are not
/// UTF-8 become U+FFFD instead of failing. Lines may be arbitrarily long.
public final class PlainLineReader: LineReader {
    private let fileDescriptor: Int32
    private let showPrompt: Bool
    private let promptWriter: FileDescriptorWriter
    /// Bytes read but not yet returned; `buffer[start...]` is pending.
    private var buffer: [UInt8] = []
    private var start = 0
    /// Where the search for the next newline resumes, so a long line is scanned once.
    private var scanned = 0
    private var reachedEnd = false
    private var chunk: [UInt8]

    /// - Parameters:
    ///   - fileDescriptor: where lines come from (standard input by default). It is not
    ///     closed by the reader.
    ///   - showPrompt: whether to write the prompt before each line (for `TERM=dumb`
    ///     sessions; scripts do not want prompts).
    ///   - promptFileDescriptor: where prompts go (standard error by default, so standard
    ///     output carries only answers).
    ///   - chunkSize: bytes per `read(2)`.
    public init(
        fileDescriptor: Int32 = 0, showPrompt: Bool = false, promptFileDescriptor: Int32 = 2,
        chunkSize: Int = 64 * 1024
    ) {
        self.fileDescriptor = fileDescriptor
        self.showPrompt = showPrompt
        self.promptWriter = FileDescriptorWriter(fileDescriptor: promptFileDescriptor)
        self.chunk = [UInt8](repeating: 0, count: max(1, chunkSize))
    }

    /// Writes the prompt (when `showPrompt`) and returns the next line, `.endOfFile` at
    /// the end of input, or `.interrupt` when Ctrl-C (see ``InterruptMonitor``) stopped
    /// the wait.
    public func readLine(prompt: String) -> LineInput {
        // A Ctrl-C pressed before this call (e.g. to stop an answer) is already handled;
        // one pressed once the prompt is visible is for this line.
        InterruptMonitor.consume()
        if showPrompt {
            promptWriter.write(TerminalText.sanitize(prompt))
        }
        while true {
            if let line = nextBufferedLine() {
                return .line(line)
            }
            if reachedEnd {
                return lastLineOrEnd()
            }
            switch fill() {
            case .data: continue
            case .end: reachedEnd = true
            case .interrupted: return .interrupt
            }
        }
    }

    /// Plain input has no history.
    public func remember(_ line: String) {}

    /// Plain input has no completion.
    public func setCompletionSource(_ source: @escaping @Sendable () -> CompletionLists) {}

    private func nextBufferedLine() -> String? {
        guard let newline = buffer[scanned...].firstIndex(of: UInt8(ascii: "\n")) else {
            scanned = buffer.count
            return nil
        }
        var end = newline
        if end > start && buffer[end - 1] == UInt8(ascii: "\r") {
            end -= 1
        }
        let line = String(decoding: buffer[start..<end], as: UTF8.self)
        start = newline + 1
        scanned = start
        return line
    }

    private func lastLineOrEnd() -> LineInput {
        guard start < buffer.count else {
            return .endOfFile
        }
        var end = buffer.count
        if buffer[end - 1] == UInt8(ascii: "\r") {
            end -= 1
        }
        let line = String(decoding: buffer[start..<end], as: UTF8.self)
        buffer.removeAll()
        start = 0
        scanned = 0
        return .line(line)
    }

    private enum FillResult { case data, end, interrupted }

    /// Reads one chunk onto the end of the buffer, after dropping the consumed prefix.
    private func fill() -> FillResult {
        if start > 0 {
            buffer.removeSubrange(0..<start)
            scanned -= start
            start = 0
        }
        while true {
            // Wait first, so Ctrl-C (see InterruptMonitor) ends the wait on any thread.
            switch bfchat_wait_readable(fileDescriptor) {
            case 0:
                InterruptMonitor.consume()
                return .interrupted
            case 1:
                break
            default:
                return .end  // poll failed: treat like the end of input
            }
            let count = chunk.withUnsafeMutableBytes { read(fileDescriptor, $0.baseAddress, $0.count) }
            if count > 0 {
                buffer.append(contentsOf: chunk[0..<count])
                return .data
            }
            if count == 0 {
                return .end
            }
            guard errno == EINTR || errno == EAGAIN else {
                return .end  // a read error ends the input like EOF does
            }
        }
    }
}
