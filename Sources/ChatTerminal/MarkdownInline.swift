/// Receives inline content resolved by `InlineParser`: visible characters with their
/// inline style, and spaces (where lines may wrap).
protocol InlineSink {
    mutating func text(_ scalar: Unicode.Scalar, _ style: TextStyle)
    mutating func space(_ style: TextStyle)
}

/// One piece of inline output that is held back until its markup is resolved.
enum InlineEvent: Sendable {
    case text(Unicode.Scalar, TextStyle)
    case space(TextStyle)

    /// The event drawn inside an element of style `outer`.
    func inside(_ outer: TextStyle) -> InlineEvent {
        switch self {
        case .text(let scalar, let style): .text(scalar, outer.with(style))
        case .space(let style): .space(outer.with(style))
        }
    }
}

/// A streaming parser for the inline markdown of one line: `**bold**`, `__bold__`,
/// `*italic*`, `_italic_`, `~~strike~~`, `` `code` ``, `[text](url)` and backslash
/// escapes.
///
/// It is fed one scalar at a time and passes text on as soon as no markup can change
/// it. Text after an opening delimiter waits (in a frame on a stack) until the closing
/// delimiter arrives or the line ends; at the end of the line every unclosed delimiter
/// is shown literally. So nothing is ever held longer than the current line.
///
/// Simplifications of CommonMark, chosen for streaming: an emphasis closer must be a
/// run of the same character and length as its opener (`***a** b*` stays literal), an
/// unclosed code span shows the rest of its line literally, and links are inline only.
struct InlineParser: Sendable {
    struct Frame: Sendable {
        enum Kind: Sendable {
            case emphasis(Unicode.Scalar, Int)
            case bracket
        }
        var kind: Kind
        var events: [InlineEvent] = []
    }

    /// Frames nested deeper than this are shown literally, which bounds the work per
    /// character.
    static let maxDepth = 16

    var stack: [Frame] = []
    /// The scalar before the current one on this line; nil at the start of the line.
    var previous: Unicode.Scalar?
    /// A run of `*`, `_`, `~` or backticks whose length is not known yet.
    var runCharacter: Unicode.Scalar = " "
    var runLength = 0
    var escaped = false
    /// Length of the backtick run that opened the current code span; 0 outside one.
    var codeOpening = 0
    var codeContent: [Unicode.Scalar] = []
    var codeClosingRun = 0
    /// The text of a `[text]` waiting for `(`, or whose URL is being read.
    var linkText: [InlineEvent]?
    var readingURL = false
    var url: [Unicode.Scalar] = []
    var urlParentheses = 0

    /// Parses one scalar of the line (never a line feed).
    mutating func feed<Sink: InlineSink>(_ scalar: Unicode.Scalar, to sink: inout Sink) {
        if codeOpening > 0 {
            feedCode(scalar, to: &sink)
            return
        }
        if readingURL {
            if feedURL(scalar, to: &sink) { return }
        } else if linkText != nil {
            if scalar == "(" {
                readingURL = true
                previous = scalar
                return
            }
            abandonLink(to: &sink)
        }
        if runLength > 0 {
            if scalar == runCharacter {
                runLength += 1
                closeRunEarly(to: &sink)
                return
            }
            resolveRun(next: scalar, to: &sink)
            if codeOpening > 0 {
                feedCode(scalar, to: &sink)
                return
            }
        }
        if escaped {
            escaped = false
            if Self.isASCIIPunctuation(scalar) {
                emit(.text(scalar, .plain), to: &sink)
                previous = scalar
                return
            }
            emit(.text("\\", .plain), to: &sink)
        }
        switch scalar {
        case "\\":
            escaped = true
        case "*", "_", "~", "`":
            // `previous` stays the scalar before the run: flanking rules need it.
            runCharacter = scalar
            runLength = 1
            closeRunEarly(to: &sink)
            return
        case "[":
            if stack.count < Self.maxDepth {
                stack.append(Frame(kind: .bracket))
            } else {
                emit(.text(scalar, .plain), to: &sink)
            }
        case "]":
            closeBracket(to: &sink)
        case " ", "\t":
            emit(.space(.plain), to: &sink)
        default:
            emit(.text(scalar, .plain), to: &sink)
        }
        previous = scalar
    }

    /// Ends the line: resolves what is pending and shows every unclosed delimiter
    /// literally.
    mutating func endLine<Sink: InlineSink>(to sink: inout Sink) {
        if runLength > 0 {
            resolveRun(next: nil, to: &sink)
        }
        if codeOpening > 0 {
            if codeClosingRun == codeOpening {
                finishCode(to: &sink)
            } else {
                emitLiteral(String(repeating: "`", count: codeOpening), to: &sink)
                for scalar in codeContent {
                    emit(scalar == " " || scalar == "\t" ? .space(.plain) : .text(scalar, .plain), to: &sink)
                }
                emitLiteral(String(repeating: "`", count: codeClosingRun), to: &sink)
                codeOpening = 0
                codeContent.removeAll()
                codeClosingRun = 0
            }
        }
        if escaped {
            escaped = false
            emit(.text("\\", .plain), to: &sink)
        }
        if linkText != nil {
            abandonLink(to: &sink)
        }
        // Each frame opened after the text of the one below it, so showing them bottom up
        // keeps the order and moves every held event once.
        let frames = stack
        stack.removeAll()
        for frame in frames {
            for event in Self.literal(frame) {
                emit(event, to: &sink)
            }
        }
        previous = nil
    }

    // MARK: Delimiter runs

    mutating func resolveRun<Sink: InlineSink>(next: Unicode.Scalar?, to sink: inout Sink) {
        let character = runCharacter
        let length = runLength
        let before = previous
        runLength = 0
        previous = character
        if character == "`" {
            codeOpening = length
            codeContent.removeAll()
            codeClosingRun = 0
            return
        }
        guard let style = Self.emphasisStyle(character, length) else {
            emitLiteral(String(repeating: Character(character), count: length), to: &sink)
            return
        }
        let (canOpen, canClose) = Self.flanking(character, before: before, after: next)
        if canClose, let index = matchingFrame(character, length) {
            close(frameAt: index, style: style, to: &sink)
        } else if canOpen, stack.count < Self.maxDepth {
            stack.append(Frame(kind: .emphasis(character, length)))
        } else {
            emitLiteral(String(repeating: Character(character), count: length), to: &sink)
        }
    }

    /// Closes the innermost emphasis as soon as the run matches it, without waiting for
    /// the character after the run, when that character cannot change the outcome: for
    /// `*` and `~` after a letter or digit the run is right-flanking whatever follows.
    /// So `**bold**` shows the moment its closing `**` arrives, and `*a **b***` still
    /// closes both (the third `*` starts a new run that closes the italic).
    mutating func closeRunEarly<Sink: InlineSink>(to sink: inout Sink) {
        guard runCharacter == "*" || runCharacter == "~",
            let before = previous, !Self.isWhitespace(before), !Self.isPunctuation(before),
            case .emphasis(let character, let length)? = stack.last?.kind,
            character == runCharacter, length == runLength,
            let style = Self.emphasisStyle(character, length)
        else { return }
        runLength = 0
        previous = character
        close(frameAt: stack.count - 1, style: style, to: &sink)
    }

    /// The innermost open emphasis of the same run, not looking past a link bracket
    /// (emphasis cannot close across one).
    func matchingFrame(_ character: Unicode.Scalar, _ length: Int) -> Int? {
        var index = stack.count - 1
        while index >= 0 {
            switch stack[index].kind {
            case .bracket:
                return nil
            case .emphasis(let c, let n) where c == character && n == length:
                return index
            case .emphasis:
                index -= 1
            }
        }
        return nil
    }

    /// Closes the frame at `index`: frames opened after it never closed, so their
    /// delimiters become literal text inside it.
    mutating func close<Sink: InlineSink>(frameAt index: Int, style: TextStyle, to sink: inout Sink) {
        foldFrames(above: index)
        let frame = stack.removeLast()
        for event in frame.events {
            emit(event.inside(style), to: &sink)
        }
    }

    mutating func foldFrames(above index: Int) {
        while stack.count - 1 > index {
            let frame = stack.removeLast()
            stack[stack.count - 1].events.append(contentsOf: Self.literal(frame))
        }
    }

    /// CommonMark's flanking rules, which keep `snake_case` and `2 * 3` literal.
    static func flanking(
        _ character: Unicode.Scalar, before: Unicode.Scalar?, after: Unicode.Scalar?
    ) -> (canOpen: Bool, canClose: Bool) {
        let leftFlanking =
            !isWhitespace(after) && (!isPunctuation(after) || isWhitespace(before) || isPunctuation(before))
        let rightFlanking =
            !isWhitespace(before) && (!isPunctuation(before) || isWhitespace(after) || isPunctuation(after))
        if character == "_" {
            return (
                leftFlanking && (!rightFlanking || isPunctuation(before)),
                rightFlanking && (!leftFlanking || isPunctuation(after))
            )
        }
        return (leftFlanking, rightFlanking)
    }

    static func emphasisStyle(_ character: Unicode.Scalar, _ length: Int) -> TextStyle? {
        switch (character, length) {
        case ("~", 2): MarkdownTheme.strikethrough
        case ("~", _): nil
        case (_, 1): MarkdownTheme.italic
        case (_, 2): MarkdownTheme.bold
        case (_, 3): MarkdownTheme.bold.with(MarkdownTheme.italic)
        default: nil
        }
    }

    // MARK: Code spans

    mutating func feedCode<Sink: InlineSink>(_ scalar: Unicode.Scalar, to sink: inout Sink) {
        if scalar == "`" {
            codeClosingRun += 1
            return
        }
        if codeClosingRun > 0 {
            if codeClosingRun == codeOpening {
                finishCode(to: &sink)
                previous = "`"
                feed(scalar, to: &sink)
                return
            }
            codeContent.append(contentsOf: repeatElement("`", count: codeClosingRun))
            codeClosingRun = 0
        }
        codeContent.append(scalar)
    }

    mutating func finishCode<Sink: InlineSink>(to sink: inout Sink) {
        var content = codeContent[...]
        // CommonMark strips one space on each side, so `` ` `` `` can show a backtick.
        if content.count >= 2, content.first == " ", content.last == " ", content.contains(where: { $0 != " " }) {
            content = content.dropFirst().dropLast()
        }
        for scalar in content {
            emit(scalar == " " || scalar == "\t" ? .space(MarkdownTheme.inlineCode) : .text(scalar, MarkdownTheme.inlineCode), to: &sink)
        }
        codeOpening = 0
        codeContent.removeAll()
        codeClosingRun = 0
    }
}
