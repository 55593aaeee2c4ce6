import ChatCore

/// Shows the conversation on a terminal (or in pipes): answer text on standard output
/// as it arrives, everything else on standard error.
///
/// With `color` false not a single escape sequence is written, to either stream.
///
/// Everything it is given came from outside (the server, files, the user) and passes through
/// ``ChatCore/TerminalText`` before it is written, in every mode; only its own styles are
/// escape sequences. The single exception is the answer of a one-shot run whose standard
/// output is not a terminal (`answerIsData`): that is data, written byte for byte.
public final class TerminalRenderer: ChatRenderer {
    private let output: FileDescriptorWriter
    private let errors: FileDescriptorWriter
    private let color: Bool
    private let showReasoning: Bool
    private let indicator: ActivityIndicator?
    private let renderMarkdown: Bool
    private let answerIsData: Bool
    /// The answer's markdown renderer (a new one per answer, sized to the terminal).
    private var markdown: MarkdownStream?

    /// Answer text was written and its last line has no newline yet.
    private var answerLineOpen = false
    /// Answer or reasoning text arrived for the current answer.
    private var answerProducedText = false
    /// Reasoning was written to standard error and its last line has no newline yet.
    private var reasoningLineOpen = false
    /// Collapsed reasoning is on screen as one line (colour terminals).
    private var reasoningCollapsed = false
    private var reasoningTail = ""
    private var reasoningWords = 0

    /// - Parameters:
    ///   - color: whether to use ANSI styles (the caller decides from `isatty`,
    ///     `NO_COLOR` and the config's `color`).
    ///   - showReasoning: whether reasoning is shown (dimmed, on standard error).
    ///   - activityIndicator: whether to animate a small indicator on standard error
    ///     while waiting for the first token; `nil` means "when standard error is a
    ///     terminal". It is never shown when standard error is not a terminal.
    ///   - outputFileDescriptor: where answers and command output go (standard output).
    ///   - errorFileDescriptor: where notices, usage lines and errors go (standard error).
    ///   - markdown: render answers as styled markdown while they stream; only when standard
    ///     output is a terminal (plain text otherwise).
    ///   - answerIsData: write answer text unchanged when standard output is not a terminal
    ///     (one-shot runs: `bankfuture-chat q > answer.txt` keeps every byte).
    ///   - ticker: when the activity indicator draws its frames.
    public init(
        color: Bool, showReasoning: Bool = true, activityIndicator: Bool? = nil,
        outputFileDescriptor: Int32 = 1, errorFileDescriptor: Int32 = 2, markdown: Bool = false,
        answerIsData: Bool = false, ticker: any FrameTicker = ThreadTicker()
    ) {
        output = FileDescriptorWriter(fileDescriptor: outputFileDescriptor)
        errors = FileDescriptorWriter(fileDescriptor: errorFileDescriptor)
        self.color = color
        self.showReasoning = showReasoning
        renderMarkdown = markdown && output.isTerminal
        self.answerIsData = answerIsData && !output.isTerminal
        let animate = errors.isTerminal && (activityIndicator ?? true)
        indicator = animate ? ActivityIndicator(writer: errors, color: color, ticker: ticker) : nil
    }

    deinit {
        indicator?.stop()
    }

    /// Starts the activity indicator.
    public func beginAnswer() {
        answerLineOpen = false
        reasoningLineOpen = false
        answerProducedText = false
        markdown = renderMarkdown ? MarkdownStream(width: output.columns ?? 80, color: true) : nil
        indicator?.start()
    }

    /// Writes a piece of the answer to standard output at once.
    public func answerText(_ text: String) {
        guard !text.isEmpty else { return }
        indicator?.stop()
        answerProducedText = true
        endReasoningLine()
        let safe = answerIsData ? text : TerminalText.sanitize(text)
        let shown = markdown != nil ? markdown!.feed(safe) : safe
        guard !shown.isEmpty else { return }
        output.write(shown)
        answerLineOpen = !shown.hasSuffix("\n")
    }

    /// Writes a piece of reasoning, dimmed, to standard error (unless reasoning is hidden).
    /// On a colour terminal it is collapsed: one line that shows the latest thoughts, replaced
    /// by a short summary when the answer starts. Elsewhere it is written out in full.
    public func reasoningText(_ text: String) {
        let text = TerminalText.sanitize(text)
        guard showReasoning, !text.isEmpty else { return }
        indicator?.stop()
        answerProducedText = true
        if color && errors.isTerminal {
            reasoningTail += text
            reasoningWords += text.split(whereSeparator: { $0.isWhitespace }).count
            let room = max(10, (errors.columns ?? 80) - 12)
            let flat = reasoningTail.map { $0.isNewline ? " " : $0 }
            reasoningTail = String(flat.suffix(room))
            errors.write("\r\u{1B}[K" + style("thinking… " + reasoningTail, Style.dim))
            reasoningCollapsed = true
            return
        }
        errors.write(style(text, Style.dim))
        reasoningLineOpen = !text.hasSuffix("\n")
    }

    /// Ends the answer's line and writes the usage line
    /// `[model · N in / M out tokens · $cost]` to standard error.
    public func endAnswer(_ response: ChatResponse, interrupted: Bool) {
        if var stream = markdown {
            let rest = stream.finish()
            markdown = nil
            if !rest.isEmpty {
                output.write(rest)
                answerLineOpen = !rest.hasSuffix("\n")
            }
        }
        endOpenLines()
        if !interrupted && !response.citations.isEmpty { writeSources(response.citations) }
        // An interrupted or failed answer gets no marker line of its own: the caller's
        // one error line (or "answer stopped" notice) says the partial answer was not kept.
        if let line = AnswerNotes.usageLine(response) {
            errors.write(style(TerminalText.oneLine(line), Style.dim) + "\n")
        }
        if !interrupted, let notice = AnswerNotes.finishNotice(response) {
            errors.write(style(notice, Style.yellow) + "\n")
        }
        answerProducedText = false
    }

    /// The numbered sources, after a blank line, on standard output: on a colour terminal
    /// styled, with links (``SourceList``), else as plain lines.
    private func writeSources(_ citations: [Citation]) {
        let lines = renderMarkdown ? SourceList.styledLines(citations) : AnswerNotes.sourceLines(citations)
        output.write("\n" + lines.joined(separator: "\n") + "\n")
    }

    /// Says that a failed attempt will be retried, e.g. "HTTP 429: rate limited,
    /// retrying in 7 s…".
    public func retrying(_ notice: RetryNotice) {
        endOpenLines()
        let line =
            TerminalText.oneLine(notice.reason, limit: TerminalText.errorTextLimit)
            + ", retrying in \(Self.formatSeconds(notice.delaySeconds)) s…"
        errors.write(style(line, Style.yellow) + "\n")
        if !answerProducedText {
            indicator?.start()
        }
    }

    /// The first failed write to the answer's descriptor, if any.
    public var outputFailure: OutputFailure? {
        FileDescriptorWriter.failure(of: output.fileDescriptor)
    }

    /// Writes command output to standard output, ending it with a newline.
    public func output(_ text: String) {
        endOpenLines()
        guard !text.isEmpty else { return }
        let text = TerminalText.sanitize(text)
        output.write(text.hasSuffix("\n") ? text : text + "\n")
    }

    /// Writes an informational line, dimmed, to standard error.
    public func notice(_ text: String) {
        endOpenLines()
        errors.write(style(TerminalText.sanitize(text), Style.dim) + "\n")
    }

    /// Writes `error: text` to standard error, red when colour is on.
    public func error(_ text: String) {
        endOpenLines()
        errors.write(style("error: " + TerminalText.oneLine(text), Style.red) + "\n")
    }

    // MARK: Formatting

    /// The usage line for `response` (unstyled), or nil when the API sent no usage.
    static func usageLine(_ response: ChatResponse) -> String? { AnswerNotes.usageLine(response) }

    /// US dollars (see `UsageText.cost`).
    static func formatCost(_ cost: Double) -> String { UsageText.cost(cost) }

    /// Seconds (see `UsageText.seconds`).
    static func formatSeconds(_ seconds: Double) -> String { UsageText.seconds(seconds) }

    // MARK: Lines and styles

    private func endReasoningLine() {
        if reasoningCollapsed {
            errors.write("\r\u{1B}[K" + style("(reasoned: about \(reasoningWords) words)", Style.dim) + "\n")
            reasoningCollapsed = false
            reasoningTail = ""
            reasoningWords = 0
        }
        if reasoningLineOpen {
            errors.write("\n")
            reasoningLineOpen = false
        }
    }

    /// Stops the indicator and finishes half-written lines, so that what follows starts
    /// at the beginning of a line.
    private func endOpenLines() {
        indicator?.stop()
        endReasoningLine()
        if answerLineOpen {
            output.write("\n")
            answerLineOpen = false
        }
    }

    private enum Style {
        static let dim = "\u{1B}[2m"
        static let red = "\u{1B}[31m"
        static let yellow = "\u{1B}[33m"
        static let reset = "\u{1B}[0m"
    }

    private func style(_ text: String, _ code: String) -> String {
        color ? code + text + Style.reset : text
    }
}
