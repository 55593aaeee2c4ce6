/// What is drawn at the left of an output line before its text: quote bars, list
/// indentation, a bullet.
struct LinePrefix: Sendable {
    private(set) var segments: [StyledText] = []
    /// Columns the prefix takes.
    private(set) var width = 0

    static let none = LinePrefix()

    func appending(_ text: String, _ style: TextStyle = .plain) -> LinePrefix {
        guard !text.isEmpty else { return self }
        var copy = self
        copy.segments.append(StyledText(text: text, style: style))
        copy.width += DisplayWidth.of(text)
        return copy
    }

    func write(to out: inout StyledWriter) {
        for segment in segments {
            out.write(segment.text, segment.style)
        }
    }
}

/// Lays out one source line of text (a paragraph line, heading, list item or quote)
/// on as many terminal lines as it needs, wrapping at spaces and never inside a word.
///
/// A word is shown as soon as its place is certain: at once when it is the first on
/// its output line (it would not fit better anywhere else), otherwise when it ends or
/// when it has grown too long for the rest of the line (then the line wraps first).
/// Spaces wait for the next word, so none is left dangling at a wrap.
struct LineWrapper: InlineSink, Sendable {
    /// Everything rendered so far, including what the code and table renderers write.
    var out = StyledWriter()
    private let width: Int
    private var base = TextStyle.plain
    private var continuation = LinePrefix.none
    private var column = 0
    /// Whether the current output line has a word on it already.
    private var lineHasWord = false
    private var inWord = false
    /// The current word is written as it arrives (it started its output line).
    private var streaming = false
    private var word: [(Unicode.Scalar, TextStyle)] = []
    private var wordWidth = 0
    private var counter = DisplayWidth.Counter()
    private var spaces = 0
    private var spaceStyle = TextStyle.plain

    init(width: Int) {
        self.width = width
    }

    /// Starts a source line: writes its first prefix and remembers the one for wrapped
    /// lines and the base style (a heading's or a quote's) of its text.
    mutating func begin(prefix: LinePrefix, continuation: LinePrefix, base: TextStyle) {
        prefix.write(to: &out)
        column = prefix.width
        self.continuation = continuation
        self.base = base
        lineHasWord = false
        inWord = false
        streaming = false
        spaces = 0
    }

    mutating func text(_ scalar: Unicode.Scalar, _ style: TextStyle) {
        let style = base.with(style)
        if !inWord {
            inWord = true
            streaming = !lineHasWord
            wordWidth = 0
            counter = DisplayWidth.Counter()
            if streaming {
                spaces = 0
            }
        }
        let width = counter.add(scalar)
        if streaming {
            out.write(scalar, style)
            column += width
            lineHasWord = true
            return
        }
        word.append((scalar, style))
        wordWidth += width
        if column + spaces + wordWidth > self.width {
            wrap()
            flushWord()
            streaming = true
        }
    }

    mutating func space(_ style: TextStyle) {
        if inWord {
            endWord()
        }
        // Spaces before the first word of a line are indentation the prefix already gives.
        guard lineHasWord else { return }
        spaces += 1
        spaceStyle = base.with(style)
    }

    /// Ends the source line; `terminated` is false only for an answer's last line that
    /// had no line feed.
    mutating func end(terminated: Bool) {
        if inWord {
            endWord()
        }
        spaces = 0
        if terminated {
            out.newline()
        } else {
            out.endStyle()
        }
        column = 0
        lineHasWord = false
        base = .plain
        continuation = .none
    }

    private mutating func endWord() {
        inWord = false
        if streaming {
            streaming = false
            return
        }
        // The word fits: had it not, `text` would have wrapped already.
        writeSpaces()
        flushWord()
    }

    private mutating func writeSpaces() {
        for _ in 0..<spaces {
            out.write(" ", spaceStyle)
        }
        column += spaces
        spaces = 0
    }

    private mutating func flushWord() {
        for (scalar, style) in word {
            out.write(scalar, style)
        }
        column += wordWidth
        word.removeAll(keepingCapacity: true)
        lineHasWord = true
    }

    private mutating func wrap() {
        out.newline()
        continuation.write(to: &out)
        column = continuation.width
        spaces = 0
        lineHasWord = false
    }
}
