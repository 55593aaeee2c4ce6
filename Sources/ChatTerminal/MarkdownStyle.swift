/// A set of SGR attributes (bold, dim, italic, underline, strikethrough, a foreground
/// colour) for a run of rendered markdown.
struct TextStyle: Equatable, Sendable {
    private var flags: UInt8
    /// SGR foreground code (30–37, 90–97); 0 keeps the terminal's own colour.
    private var color: UInt8

    init(flags: UInt8 = 0, color: UInt8 = 0) {
        self.flags = flags
        self.color = color
    }

    static let plain = TextStyle()
    static let bold = TextStyle(flags: 1 << 0)
    static let dim = TextStyle(flags: 1 << 1)
    static let italic = TextStyle(flags: 1 << 2)
    static let underline = TextStyle(flags: 1 << 3)
    static let strikethrough = TextStyle(flags: 1 << 4)

    /// Only a foreground colour, e.g. `foreground(33)` for yellow.
    static func foreground(_ code: UInt8) -> TextStyle {
        TextStyle(color: code)
    }

    /// `inner` drawn inside `self`: attributes add up and the inner colour wins, so
    /// inline code inside a heading is still coloured as code.
    func with(_ inner: TextStyle) -> TextStyle {
        TextStyle(flags: flags | inner.flags, color: inner.color != 0 ? inner.color : color)
    }

    var isPlain: Bool { flags == 0 && color == 0 }

    /// The SGR parameters, e.g. `1;4;35`.
    var parameters: String {
        var codes: [String] = []
        let table: [(UInt8, String)] = [(1 << 0, "1"), (1 << 1, "2"), (1 << 2, "3"), (1 << 3, "4"), (1 << 4, "9")]
        for (bit, code) in table where flags & bit != 0 {
            codes.append(code)
        }
        if color != 0 {
            codes.append(String(color))
        }
        return codes.joined(separator: ";")
    }
}

/// Text drawn in one style.
struct StyledText: Sendable {
    var text: String
    var style: TextStyle
}

/// The look of every markdown element, in one place.
enum MarkdownTheme {
    static let heading1 = TextStyle.bold.with(.underline).with(.foreground(35))
    static let heading2 = TextStyle.bold.with(.foreground(35))
    static let heading = TextStyle.bold
    static let bold = TextStyle.bold
    static let italic = TextStyle.italic
    static let strikethrough = TextStyle.strikethrough
    static let inlineCode = TextStyle.foreground(33)
    static let link = TextStyle.underline.with(.foreground(34))
    static let linkTarget = TextStyle.dim
    static let quote = TextStyle.dim
    static let bullet = TextStyle.foreground(36)
    static let rule = TextStyle.dim
    static let gutter = TextStyle.dim
    static let codeLabel = TextStyle.dim
    static let tableBorder = TextStyle.dim
    static let tableHeader = TextStyle.bold
    static let keyword = TextStyle.foreground(35)
    static let string = TextStyle.foreground(32)
    static let comment = TextStyle.foreground(90)
    static let number = TextStyle.foreground(36)

    static func heading(level: Int) -> TextStyle {
        switch level {
        case 1: heading1
        case 2: heading2
        default: heading
        }
    }
}

/// Accumulates rendered text and switches SGR styles lazily: an escape sequence is
/// written only when the style of the next visible character differs from the current
/// one. Because of that, writing "ab" in one call or "a" then "b" gives the same bytes,
/// which keeps the stream's output independent of how the answer was split.
struct StyledWriter: Sendable {
    private(set) var text = ""
    private var current = TextStyle.plain

    static let reset = "\u{1B}[0m"

    mutating func write(_ scalar: Unicode.Scalar, _ style: TextStyle) {
        switchStyle(to: style)
        text.unicodeScalars.append(scalar)
    }

    mutating func write(_ string: String, _ style: TextStyle) {
        guard !string.isEmpty else { return }
        switchStyle(to: style)
        text += string
    }

    /// Returns the terminal to its default style if it is not there already.
    mutating func endStyle() {
        switchStyle(to: .plain)
    }

    /// Ends the output line; styles never run across a line end, so a wrapped or
    /// interrupted line never leaves the terminal coloured.
    mutating func newline() {
        endStyle()
        text += "\n"
    }

    /// Hands over what was written so far.
    mutating func take() -> String {
        var taken = ""
        swap(&taken, &text)
        return taken
    }

    private mutating func switchStyle(to style: TextStyle) {
        guard style != current else { return }
        if style.isPlain {
            text += Self.reset
        } else if current.isPlain {
            text += "\u{1B}[" + style.parameters + "m"
        } else {
            text += "\u{1B}[0;" + style.parameters + "m"
        }
        current = style
    }
}
