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
///
/// Bracketed paste is on while the prompt is shown (and off while answers stream, while the
/// chat is stopped by Ctrl-Z, and at exit): a paste is text, never keys, and a paste of
/// several lines is one placeholder on the line (see ``LinePastes``), returned in place as
/// ``ChatCore/LineInput/pasted(_:typedBefore:)`` on Enter.
public final class EditLineReader: LineReader {
    /// Entries kept in memory and in the history file.
    public static let defaultHistoryLimit = 1000

    /// Where history is persisted, if it is.
    public let history: (any LineHistoryStore)?
    /// The last problem with the history file (the REPL keeps working without it).
    public private(set) var historyError: LineHistoryError?

    private let output: UnsafeMutablePointer<FILE>
    private let inputDescriptor: Int32
    /// The `/dev/tty` stream this reader opened and must close.
    private let ownedTerminal: UnsafeMutablePointer<FILE>?
    private var lastRemembered: String?
    /// Ctrl-Cs counted when the last prompt ended: more now means one came during a turn.
    private var interruptsAtPromptEnd: Int32

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
        self.inputDescriptor = fileno(input)
        self.ownedTerminal = ownedTerminal
        do {
            try InterruptMonitor.install()
        } catch {
            if let ownedTerminal { fclose(ownedTerminal) }
            throw error
        }
        interruptsAtPromptEnd = bfchat_interrupt_count()
        // Without a UTF-8 LC_CTYPE libedit silently drops non-ASCII input.
        _ = bfchat_use_utf8_ctype()
        TerminalState.save(fileDescriptor: inputDescriptor)
        _ = bfchat_install_suspend_handler()

        bfchat_set_readline_name("bankfuture-chat")
        bfchat_set_streams(input, output)
        // Keys are read through the shim, which returns EOF when Ctrl-C is pressed.
        bfchat_use_interruptible_getc()
        // Streams are taken at initialization; it also starts a new, empty history.
        rl_initialize()
        bfchat_break_words_at_blanks()
        _ = bfchat_bind_edit_key()
        bfchat_set_completion_function(completeLine)
        // Raw before the prompt is drawn, keys in order: a Ctrl-C inside a paste is text.
        bfchat_read_keys_in_order()
        bfchat_bind_paste_redisplay()
        bfchat_set_paste_handler(takePaste, LinePastes.byteLimit)
        stifle_history(Int32(clamping: max(1, historyLimit)))
        loadHistory()
    }

    deinit {
        bfchat_set_completion_function(nil)
        bfchat_set_paste_handler(nil, 0)
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
        // (The terminal goes raw before the prompt is drawn: see bfchat_read_keys_in_order.)
        free(bfchat_take_edit_request())
        linePastes.withLock { $0.reset() }
        fflush(output)
        bfchat_set_bracketed_paste(fileno(output), 1)
        // The prompt shows the model id, which may come from a saved session file.
        let raw = readline(TerminalText.sanitize(prompt))
        bfchat_set_bracketed_paste(fileno(output), 0)
        // Until the next prompt the terminal is in the user's own mode (libedit would leave
        // whatever it found): echo, Ctrl-C as a signal, and what is typed kept (NOFLSH)
        // until it is read, or counted and dropped after a Ctrl-C.
        _ = bfchat_restore_terminal_keeping_input()
        interruptsAtPromptEnd = bfchat_interrupt_count()
        guard let raw else {
            if let pending = bfchat_take_edit_request() {
                // Ctrl-X Ctrl-E: compose in the editor, starting from what was typed.
                defer { free(pending) }
                write("\n")
                let typed = withPastes(String(cString: pending))
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
        let line = String(cString: raw)
        if let expanded = linePastes.withLock({ $0.expand(line) }) {
            return .pasted(expanded.text, typedBefore: expanded.typedBefore)
        }
        return .line(line)
    }

    /// Drops the lines typed ahead while a Ctrl-C stopped a turn (see
    /// ``ChatCore/LineReader/discardTypeAheadAfterInterrupt()``).
    public func discardTypeAheadAfterInterrupt() -> Int {
        let interrupts = bfchat_interrupt_count()
        guard interrupts != interruptsAtPromptEnd else { return 0 }
        interruptsAtPromptEnd = interrupts
        // A terminal still writing a large paste keeps sending for a moment after the Ctrl-C.
        return Int(bfchat_discard_type_ahead(inputDescriptor, 100, 5000))
    }

    /// `line` with its pastes in place.
    private func withPastes(_ line: String) -> String {
        linePastes.withLock { $0.expand(line) }?.text ?? line
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

    /// Sets where the words Tab completes come from (asked at each Tab).
    public func setCompletionSource(_ source: @escaping @Sendable () -> CompletionLists) {
        completionSource.withLock { $0 = source }
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

// MARK: - Paste

/// The pastes of the line being edited. Written by the paste handler, which the key reader
/// calls from inside `readline()`, and read after it returns: one thread, but a global
/// reached from a C callback, hence the lock.
private let linePastes = Mutex(LinePastes())

/// The shim's paste handler: what to insert at the cursor for a paste (malloc'd), or nil.
private func takePaste(_ bytes: UnsafePointer<CChar>, _ count: Int, _ overflow: Int32) -> UnsafeMutablePointer<CChar>? {
    guard overflow == 0 else {
        let limit = LinePastes.size(LinePastes.byteLimit)
        bfchat_print_above_line("paste not inserted: it is over \(limit); save it to a file and attach it with /file PATH")
        return nil
    }
    let text = UnsafeRawBufferPointer(start: bytes, count: count)
    guard let insert = linePastes.withLock({ $0.insert(Array(text)) }) else { return nil }
    return strdup(insert)
}

// MARK: - Completion

/// Where the current ``EditLineReader``'s words come from. Read by the completion callback,
/// which libedit calls from inside `readline()` on the reading thread; written by
/// `setCompletionSource`, possibly from another thread, hence the lock.
private let completionSource = Mutex<@Sendable () -> CompletionLists>({ CompletionLists() })

/// libedit's `rl_attempted_completion_function`: returns a malloc'd, NULL-terminated
/// array whose first entry replaces the word (the common prefix) and whose other
/// entries are the matches, or NULL for no matches. libedit frees it.
///
/// A single match is returned twice (`[match, match, NULL]`), not GNU readline's
/// `[match, NULL]`: libedit tests `matches[2]` before `matches[1]` and would read past
/// the end of a two-entry array (the trailing space then comes and goes at random).
///
/// libedit inserts only the first entry; the others are what a second Tab lists. File names
/// are completed here too (``FileNameCompletion``), never by libedit's own completion,
/// which listed them raw.
private func completeLine(
    _ text: UnsafePointer<CChar>?, _ start: Int32, _ end: Int32
) -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? {
    let word = text.map { String(cString: $0) } ?? ""
    // `start` and `end` count characters (libedit edits wide characters), the buffer is UTF-8.
    let scalars = (bfchat_line_buffer().map { String(cString: $0) } ?? "").unicodeScalars
    let prefix = String(String.UnicodeScalarView(scalars.prefix(Int(max(0, start)))))
    let source = completionSource.withLock { $0 }
    let result = CompletionTable(source()).complete(word: word, lineBeforeWord: prefix)
    bfchat_set_completion_over(1)
    switch result {
    case .fileNames:
        let beforeCursor = String(String.UnicodeScalarView(scalars.prefix(Int(max(0, end)))))
        let completion = FileNameCompletion.complete(
            lineBeforeCursor: beforeCursor, home: FolderListing.home, homeOfUser: FolderListing.home(of:),
            list: { FolderListing.entries(of: $0) })
        // What libedit replaces is its word (up to the cursor); the completion extends it.
        let typedWord = String(String.UnicodeScalarView(scalars.dropFirst(Int(max(0, start))).prefix(Int(max(0, end - start)))))
        bfchat_set_completion_append_character(0)
        if completion.isComplete {
            return makeMatchArray([typedWord + completion.insertion, typedWord + completion.insertion])
        }
        guard !completion.listed.isEmpty else { return nil }
        return makeMatchArray([typedWord + completion.insertion] + completion.listed)
    case .words(let words):
        bfchat_set_completion_append_character(Int32(UInt8(ascii: " ")))
        guard !words.isEmpty else { return nil }
        return makeMatchArray([CompletionTable.commonPrefix(words)] + words)
    }
}

/// `entries` as the malloc'd, NULL-terminated array libedit takes (and frees).
private func makeMatchArray(_ entries: [String]) -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? {
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
