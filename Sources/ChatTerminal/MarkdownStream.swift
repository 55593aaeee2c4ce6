/// Renders a markdown answer for a terminal while it streams in.
///
/// Feed it the pieces of the answer as they arrive; each call returns the ANSI-styled
/// text that can be shown now. Pieces may split markdown anywhere (inside `**`, a code
/// fence or a table row). Only markup that is still unresolved is held back, and never
/// past the end of its line, except a table, which is drawn when it ends because its
/// column widths depend on every row.
///
/// What it draws:
/// - headings without their `#`s, bold (level 1 also underlined, levels 1–2 coloured);
/// - `**bold**`, `__bold__`, `*italic*`, `_italic_` (not inside words), `~~strike~~`,
///   `` `code` `` (coloured), `[text](url)` as underlined text and the dimmed URL,
///   backslash escapes;
/// - `> ` quotes dimmed behind a bar, `-`/`*`/`+` and `1.` list items with a bullet and
///   wrapped lines indented under the text, horizontal rules;
/// - fenced code blocks (backticks or tildes) behind a gutter, with a label line naming
///   the language and simple colouring of keywords, strings, comments and numbers for
///   Swift, Python, JavaScript/TypeScript, Go, Rust, C/C++, Java, shell and JSON; code is
///   never wrapped and markdown inside it is not interpreted;
/// - pipe tables aligned by display width.
///
/// Text is wrapped at spaces to the terminal width, counting wide characters (CJK,
/// emoji) as two columns; a word wider than the line is never broken. Each source line
/// keeps its own line (soft line breaks are not joined). Styles are reset at every line
/// end, and `finish()` resets them whatever was pending, so call it also when an answer
/// is interrupted. Control characters other than tab and line feed (escape included)
/// are dropped, so an answer cannot restyle or move around the terminal.
///
/// Output depends only on the text, not on how it was split into pieces, and each
/// character is handled a bounded number of times, so rendering is linear in the
/// length of the answer.
///
/// With `color` false nothing is rendered: `feed` returns its input unchanged and
/// `finish` returns an empty string (for pipes and `NO_COLOR`).
public struct MarkdownStream: Sendable {
    /// What the scalars of the current line are going to.
    enum Mode: Sendable {
        /// The start of a line, held until it is known what kind of line it is.
        case head
        /// Inline text of a paragraph, heading, list item or quote.
        case inline
        /// The info string of an opening code fence.
        case fenceInfo
        /// The start of a line in a code block, held while it may be the closing fence.
        case codeHead
        /// A code line.
        case code
        /// A table row, held until its line ends.
        case tableRow
    }

    /// Where classification of the start of a line has got to.
    enum HeadPhase: Sendable {
        case indent, afterQuote, hashes, fence, rule, plus, digits, orderedMarker
    }

    struct Fence: Sendable {
        var character: Unicode.Scalar
        var length: Int
        var indent: Int
    }

    let color: Bool
    let width: Int
    var page: LineWrapper
    var inline = InlineParser()
    var mode = Mode.head

    // The start of the current line.
    var held: [Unicode.Scalar] = []
    var phase = HeadPhase.indent
    var indent = 0
    var quoteDepth = 0
    var markerStart = 0
    var runCharacter: Unicode.Scalar = " "
    var runLength = 0
    var ruleHasSpace = false
    /// Where a list item's text starts when a `-`/`*` line turns out not to be a rule.
    var listContentStart: Int?

    var fence: Fence?
    var highlighter = CodeHighlighter(language: nil)
    var codeFenceRun = 0
    var codeFenceClosed = false

    var table = MarkdownTable()

    /// - Parameters:
    ///   - width: the terminal's width in columns; text is wrapped there.
    ///   - color: whether to render at all; false passes the text through unchanged.
    public init(width: Int, color: Bool = true) {
        self.width = max(1, width)
        self.color = color
        page = LineWrapper(width: max(1, width))
    }

    /// Feeds a piece of the answer; returns what can be shown now (ANSI-styled text).
    public mutating func feed(_ piece: String) -> String {
        guard color else { return piece }
        for scalar in piece.unicodeScalars {
            consume(scalar)
        }
        return page.out.take()
    }

    /// End of the answer: returns everything still held back, with styles reset. The
    /// stream is then ready for a new answer.
    public mutating func finish() -> String {
        guard color else { return "" }
        let lineIsEmpty = (mode == .head || mode == .codeHead) && held.isEmpty && quoteDepth == 0
        if !lineIsEmpty {
            endOfLine(terminated: false)
        }
        flushTable()
        page.out.endStyle()
        let output = page.out.take()
        self = MarkdownStream(width: width, color: color)
        return output
    }

    // MARK: Dispatch

    mutating func consume(_ scalar: Unicode.Scalar) {
        switch scalar.value {
        case 0x0A:
            endOfLine(terminated: true)
            return
        case 0x09:
            break
        case 0..<0x20, 0x7F..<0xA0:
            return
        default:
            break
        }
        switch mode {
        case .head: headScalar(scalar)
        case .inline: inline.feed(scalar, to: &page)
        case .fenceInfo, .tableRow: held.append(scalar)
        case .codeHead: codeHeadScalar(scalar)
        case .code: highlighter.feed(scalar, into: &page.out)
        }
    }

    mutating func endOfLine(terminated: Bool) {
        switch mode {
        case .head:
            headEnd(terminated: terminated)
        case .inline:
            inline.endLine(to: &page)
            page.end(terminated: terminated)
        case .fenceInfo:
            let info = String(String.UnicodeScalarView(held[(markerStart + runLength)...]))
            if runCharacter == "`" && info.contains("`") {
                startParagraph(contentFrom: markerStart)
                inline.endLine(to: &page)
                page.end(terminated: terminated)
            } else {
                openFence(info: info, terminated: terminated)
            }
        case .codeHead:
            if let fence, codeFenceRun >= fence.length {
                page.out.write(String(repeating: " ", count: fence.indent), .plain)
                page.out.write("╰─", MarkdownTheme.gutter)
                endOutputLine(terminated: terminated)
                self.fence = nil
            } else {
                startCodeLine()
                highlighter.endLine(into: &page.out)
                endOutputLine(terminated: terminated)
            }
        case .code:
            highlighter.endLine(into: &page.out)
            endOutputLine(terminated: terminated)
        case .tableRow:
            let line = String(String.UnicodeScalarView(held[markerStart...]))
            for rejected in table.add(line: line, terminated: terminated) {
                renderParagraph(rejected.line, terminated: rejected.terminated)
            }
        }
        startLine()
    }

    mutating func startLine() {
        mode = fence == nil ? .head : .codeHead
        held.removeAll(keepingCapacity: true)
        phase = .indent
        indent = 0
        quoteDepth = 0
        markerStart = 0
        runLength = 0
        listContentStart = nil
        codeFenceRun = 0
        codeFenceClosed = false
    }

    mutating func endOutputLine(terminated: Bool) {
        if terminated {
            page.out.newline()
        } else {
            page.out.endStyle()
        }
    }

    // MARK: The start of a line

    /// Classifies the line from its first characters: nothing is shown until it is
    /// known whether they are a heading, a list marker, a quote, a fence, a rule or
    /// plain text.
    mutating func headScalar(_ scalar: Unicode.Scalar) {
        held.append(scalar)
        let isSpace = scalar == " " || scalar == "\t"
        switch phase {
        case .indent:
            if scalar == " " {
                indent += 1
                return
            }
            if scalar == "\t" {
                indent += 4 - indent % 4
                return
            }
            if scalar != "|" || quoteDepth > 0 {
                flushTable()
            }
            markerStart = held.count - 1
            switch scalar {
            case ">":
                quoteDepth += 1
                indent = 0
                phase = .afterQuote
            case "#":
                phase = .hashes
                runLength = 1
            case "`" where quoteDepth == 0, "~" where quoteDepth == 0:
                phase = .fence
                runCharacter = scalar
                runLength = 1
            case "-", "*", "_":
                phase = .rule
                runCharacter = scalar
                runLength = 1
                ruleHasSpace = false
                listContentStart = nil
            case "+":
                phase = .plus
            case "0"..."9":
                phase = .digits
                runLength = 1
            case "|" where quoteDepth == 0:
                mode = .tableRow
            default:
                startParagraph(contentFrom: markerStart)
            }
        case .afterQuote:
            // One space after `>` belongs to the marker, not to the text's indentation.
            phase = .indent
            if scalar != " " {
                held.removeLast()
                headScalar(scalar)
            }
        case .hashes:
            if scalar == "#" {
                runLength += 1
                if runLength > 6 {
                    startParagraph(contentFrom: markerStart)
                }
            } else if isSpace {
                startHeading()
            } else {
                startParagraph(contentFrom: markerStart)
            }
        case .fence:
            if scalar == runCharacter {
                runLength += 1
            } else if runLength >= 3 {
                mode = .fenceInfo
            } else {
                startParagraph(contentFrom: markerStart)
            }
        case .rule:
            if scalar == runCharacter {
                runLength += 1
            } else if isSpace {
                if runLength == 1 && !ruleHasSpace && runCharacter != "_" {
                    listContentStart = held.count
                }
                ruleHasSpace = true
            } else if let start = listContentStart {
                startListItem(marker: nil, contentFrom: start)
            } else {
                startParagraph(contentFrom: markerStart)
            }
        case .plus:
            if isSpace {
                startListItem(marker: nil, contentFrom: held.count)
            } else {
                startParagraph(contentFrom: markerStart)
            }
        case .digits:
            if ("0"..."9").contains(scalar) {
                runLength += 1
                if runLength > 9 {
                    startParagraph(contentFrom: markerStart)
                }
            } else if scalar == "." || scalar == ")" {
                phase = .orderedMarker
            } else {
                startParagraph(contentFrom: markerStart)
            }
        case .orderedMarker:
            if isSpace {
                let marker = String(String.UnicodeScalarView(held[markerStart..<(held.count - 1)]))
                startListItem(marker: marker, contentFrom: held.count)
            } else {
                startParagraph(contentFrom: markerStart)
            }
        }
    }

    /// The line ended while its kind was still undecided: decide now.
    mutating func headEnd(terminated: Bool) {
        switch phase {
        case .indent, .afterQuote:
            // A blank line, or one holding only quote markers.
            if quoteDepth == 0 {
                flushTable()
            }
            quotePrefix(trailingSpace: false).write(to: &page.out)
            endOutputLine(terminated: terminated)
            return
        case .hashes:
            if runLength <= 6 {
                startHeading()
            } else {
                startParagraph(contentFrom: markerStart)
            }
        case .fence:
            if runLength >= 3 {
                openFence(info: "", terminated: terminated)
                return
            }
            startParagraph(contentFrom: markerStart)
        case .rule:
            if runLength >= 3 {
                let prefix = quotePrefix(trailingSpace: true)
                prefix.write(to: &page.out)
                let length = max(1, width - prefix.width)
                page.out.write(String(repeating: "─", count: length), MarkdownTheme.rule)
                endOutputLine(terminated: terminated)
                return
            }
            if listContentStart != nil {
                startListItem(marker: nil, contentFrom: held.count)
            } else {
                startParagraph(contentFrom: markerStart)
            }
        case .plus, .digits, .orderedMarker:
            startParagraph(contentFrom: markerStart)
        }
        inline.endLine(to: &page)
        page.end(terminated: terminated)
    }
}
