import CEditLine
import CEditLineShim
import ChatCore
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads the user's lines with libedit: line editing, persistent history, Tab
/// completion of slash commands and model ids.
///
/// libedit's readline API keeps one editor and one history per process, so create one
/// `EditLineReader` at a time (a new one takes over and reloads the history).
///
/// Ctrl-C at the prompt returns ``ChatCore/LineInput/interrupt`` (the line is dropped;
/// the next call shows a fresh prompt); Ctrl-D on an empty line returns
/// ``ChatCore/LineInput/endOfFile``.
public final class EditLineReader: LineReader {
    /// Entries kept in memory and in the history file.
    public static let defaultHistoryLimit = 1000

    /// Where history is persisted, if it is.
    public let history: (any LineHistoryStore)?
    /// The last problem with the history file (the REPL keeps working without it).
    public private(set) var historyError: LineHistoryError?

    private let output: UnsafeMutablePointer<FILE>
    /// The `/dev/tty` stream this reader opened and must close.
    private let ownedTerminal: UnsafeMutablePointer<FILE>?
    private var lastRemembered: String?

    /// Creates a reader on the given streams.
    ///
    /// - Parameters:
    ///   - history: where line history is loaded from and appended to; `nil` keeps
    ///     history in memory only.
    ///   - historyLimit: entries kept in memory.
    ///   - input: keys come from here (standard input by default).
    ///   - output: the prompt and the line are drawn here. By default standard error,
    ///     so standard output carries only answers; standard output instead when only it
    ///     is a terminal (`bankfuture-chat 2>log`), so the user still sees the prompt.
    public convenience init(
        history: (any LineHistoryStore)?, historyLimit: Int = EditLineReader.defaultHistoryLimit,
        input: UnsafeMutablePointer<FILE>? = nil, output: UnsafeMutablePointer<FILE>? = nil
    ) throws {
        let defaultOutput = isatty(2) == 0 && isatty(1) == 1 ? bfchat_stdout() : bfchat_stderr()
        try self.init(
            history: history, historyLimit: historyLimit, input: input ?? bfchat_stdin(),
            output: output ?? defaultOutput, ownedTerminal: nil)
    }

    /// Creates a reader that reads and draws on the controlling terminal `/dev/tty`
    /// when `useTTY` is true (standard input is then free to carry piped text, e.g. the
    /// system prompt), or on the default streams otherwise (see
    /// ``init(history:historyLimit:input:output:)``).
    ///
    /// - Throws: ``TerminalError/noTerminal(reason:)`` when `/dev/tty` cannot be opened.
    public convenience init(
        useTTY: Bool, history: (any LineHistoryStore)? = nil, historyLimit: Int = EditLineReader.defaultHistoryLimit
    ) throws {
        guard useTTY else {
            try self.init(history: history, historyLimit: historyLimit)
            return
        }
        guard let terminal = fopen("/dev/tty", "r+") else {
            throw TerminalError.noTerminal(reason: "/dev/tty: \(errorText(currentErrno()))")
        }
        try self.init(
            history: history, historyLimit: historyLimit, input: terminal, output: terminal,
            ownedTerminal: terminal)
    }

    private init(
        history: (any LineHistoryStore)?, historyLimit: Int, input: UnsafeMutablePointer<FILE>,
        output: UnsafeMutablePointer<FILE>, ownedTerminal: UnsafeMutablePointer<FILE>?
    ) throws {
        self.history = history
        self.output = output
        self.ownedTerminal = ownedTerminal
        do {
            try InterruptMonitor.install()
        } catch {
            if let ownedTerminal { fclose(ownedTerminal) }
            throw error
        }
        // Without a UTF-8 LC_CTYPE libedit silently drops non-ASCII input.
        _ = bfchat_use_utf8_ctype()
        TerminalState.save(fileDescriptor: fileno(input))

        bfchat_set_readline_name("bankfuture-chat")
        bfchat_set_streams(input, output)
        // Keys are read through the shim, which returns EOF when Ctrl-C is pressed.
        bfchat_use_interruptible_getc()
        // Streams are taken at initialization; it also starts a new, empty history.
        rl_initialize()
        bfchat_break_words_at_blanks()
        _ = bfchat_bind_edit_key()
        bfchat_set_completion_function(completeLine)
        stifle_history(Int32(clamping: max(1, historyLimit)))
        loadHistory()
    }

    deinit {
        bfchat_set_completion_function(nil)
        if let ownedTerminal {
            bfchat_set_streams(bfchat_stdin(), bfchat_stderr())
            fclose(ownedTerminal)
        }
    }

    /// Whether the process has a controlling terminal it can read and draw on.
    public static func canOpenTTY() -> Bool {
        let descriptor = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC)
        guard descriptor >= 0 else { return false }
        close(descriptor)
        return true
    }

    /// Shows `prompt` and edits one line.
    public func readLine(prompt: String) -> LineInput {
        // A Ctrl-C pressed before the prompt (e.g. to stop an answer) is already handled.
        InterruptMonitor.consume()
        // Raw mode before the prompt is drawn: libedit switches only when it first reads,
        // and keys typed in between would be echoed and line-edited by the terminal
        // itself (a Ctrl-D would be lost).
        rl_prep_terminal(1)
        free(bfchat_take_edit_request())
        // The prompt shows the model id, which may come from a saved session file.
        let raw = readline(TerminalText.sanitize(prompt))
        guard let raw else {
            if let pending = bfchat_take_edit_request() {
                // Ctrl-X Ctrl-E: compose in the editor, starting from what was typed.
                defer { free(pending) }
                write("\n")
                let typed = String(cString: pending)
                return .line(typed.isEmpty ? "/edit" : "/edit " + typed)
            }
            if InterruptMonitor.consume() {
                // Like a shell: show that the line was dropped and move to a new line.
                write("^C\n")
                return .interrupt
            }
            write("\n")  // keep the shell's prompt off the REPL's last line
            return .endOfFile
        }
        defer { free(raw) }
        // Ctrl-C racing with Enter: the line is complete, so it wins.
        InterruptMonitor.consume()
        return .line(String(cString: raw))
    }

    /// Adds `line` to the history and appends it to the history file. Blank lines and a
    /// repeat of the previous line are not added.
    public func remember(_ line: String) {
        guard line.contains(where: { !$0.isWhitespace }), line != lastRemembered else { return }
        add_history(line)
        lastRemembered = line
        do {
            try history?.append(line)
            historyError = nil
        } catch {
            historyError = error
        }
    }

    /// Sets the words Tab completes: `commands` at the start of a line (with or without
    /// their `/`), `models` after `/model `.
    public func setCompletions(commands: [String], models: [String], roles: [String]) {
        // Model ids come from the server; libedit lists them on the terminal.
        let safeModels = models.map(TerminalText.sanitize)
        completionTable.withLock { $0 = CompletionTable(commands: commands, models: safeModels, roles: roles.map(TerminalText.sanitize)) }
    }

    private func write(_ text: String) {
        fputs(text, output)
        fflush(output)
    }

    // MARK: History file

    private func loadHistory() {
        guard let history else { return }
        do {
            for entry in try history.load() { add_history(entry) }
            lastRemembered = bfchat_last_history_line().map { String(cString: $0) }
        } catch {
            historyError = error
        }
    }
}

// MARK: - Completion

/// The words of the current ``EditLineReader``. Read by the completion callback, which
/// libedit calls from inside `readline()` on the reading thread; written by
/// `setCompletions`, possibly from another thread, hence the lock.
private let completionTable = Mutex(CompletionTable())

/// libedit's `rl_attempted_completion_function`: returns a malloc'd, NULL-terminated
/// array whose first entry replaces the word (the common prefix) and whose other
/// entries are the matches, or NULL for no matches. libedit frees it.
///
/// A single match is returned twice (`[match, match, NULL]`), not GNU readline's
/// `[match, NULL]`: libedit tests `matches[2]` before `matches[1]` and would read past
/// the end of a two-entry array (the trailing space then comes and goes at random).
private func completeLine(
    _ text: UnsafePointer<CChar>?, _ start: Int32, _ end: Int32
) -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? {
    let word = text.map { String(cString: $0) } ?? ""
    // `start` counts characters (libedit edits wide characters), the buffer is UTF-8.
    let line = bfchat_line_buffer().map { String(cString: $0) } ?? ""
    var prefix = String.UnicodeScalarView()
    prefix.append(contentsOf: line.unicodeScalars.prefix(Int(max(0, start))))
    let result = completionTable.withLock { $0.complete(word: word, lineBeforeWord: String(prefix)) }
    switch result {
    case .fileNames:
        bfchat_set_completion_over(0)
        return nil
    case .words(let words):
        bfchat_set_completion_over(1)
        return makeMatchArray(words)
    }
}

private func makeMatchArray(_ words: [String]) -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? {
    guard !words.isEmpty else { return nil }
    let entries = [CompletionTable.commonPrefix(words)] + words
    guard let array = malloc(MemoryLayout<UnsafeMutablePointer<CChar>?>.stride * (entries.count + 1)) else {
        return nil
    }
    let matches = array.bindMemory(to: UnsafeMutablePointer<CChar>?.self, capacity: entries.count + 1)
    for (index, entry) in entries.enumerated() {
        matches[index] = strdup(entry)
    }
    matches[entries.count] = nil
    return matches
}
