// Recognising the kind of a line, and code blocks, for MarkdownStream.

extension MarkdownStream {
    // MARK: Kinds of line

    /// `│ ` for each level of quoting.
    func quotePrefix(trailingSpace: Bool) -> LinePrefix {
        guard quoteDepth > 0 else { return .none }
        let bars = String(repeating: "│ ", count: quoteDepth)
        return LinePrefix.none.appending(trailingSpace ? bars : String(bars.dropLast()), MarkdownTheme.quote)
    }

    /// Indentation of nested list items and their text, at most half the width so that
    /// deep nesting on a narrow terminal still leaves room for text.
    var indentText: String {
        String(repeating: " ", count: min(indent, width / 2))
    }

    var baseStyle: TextStyle {
        quoteDepth > 0 ? MarkdownTheme.quote : .plain
    }

    mutating func startParagraph(contentFrom start: Int) {
        mode = .inline
        let prefix = quotePrefix(trailingSpace: true).appending(indentText)
        page.begin(prefix: prefix, continuation: prefix, base: baseStyle)
        for scalar in held[start...] {
            inline.feed(scalar, to: &page)
        }
    }

    mutating func startHeading() {
        mode = .inline
        let prefix = quotePrefix(trailingSpace: true).appending(indentText)
        page.begin(prefix: prefix, continuation: prefix, base: baseStyle.with(MarkdownTheme.heading(level: runLength)))
    }

    /// - Parameter marker: an ordered list's number as written (`3.`, `2)`); nil for a
    ///   bullet, chosen by nesting depth.
    mutating func startListItem(marker: String?, contentFrom start: Int) {
        mode = .inline
        let bullets = ["•", "◦", "▪"]
        let bullet = marker ?? bullets[(indent / 2) % bullets.count]
        let prefix = quotePrefix(trailingSpace: true).appending(indentText)
        let first = prefix.appending(bullet, MarkdownTheme.bullet).appending(" ")
        let continuation = prefix.appending(String(repeating: " ", count: DisplayWidth.of(bullet) + 1))
        page.begin(prefix: first, continuation: continuation, base: baseStyle)
        for scalar in held[start...] {
            inline.feed(scalar, to: &page)
        }
    }

    /// Shows a whole line as a paragraph (a table candidate that was not a table).
    mutating func renderParagraph(_ line: String, terminated: Bool) {
        page.begin(prefix: .none, continuation: .none, base: .plain)
        for scalar in line.unicodeScalars {
            inline.feed(scalar, to: &page)
        }
        inline.endLine(to: &page)
        page.end(terminated: terminated)
    }

    mutating func flushTable() {
        guard !table.isEmpty else { return }
        for rejected in table.finish(width: width, into: &page.out) {
            renderParagraph(rejected.line, terminated: rejected.terminated)
        }
    }

    // MARK: Code blocks

    mutating func openFence(info: String, terminated: Bool) {
        let language =
            info.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "{" || $0 == "}" }).first
            .map(String.init) ?? ""
        let fenceIndent = min(indent, width / 2)
        fence = Fence(character: runCharacter, length: runLength, indent: fenceIndent)
        highlighter = CodeHighlighter(language: CodeLanguage.named(language))
        page.out.write(String(repeating: " ", count: fenceIndent), .plain)
        page.out.write(language.isEmpty ? "╭─" : "╭─ " + language, MarkdownTheme.codeLabel)
        endOutputLine(terminated: terminated)
    }

    /// Holds the start of a code line while it may still be the closing fence: spaces,
    /// then fence characters, then spaces only.
    mutating func codeHeadScalar(_ scalar: Unicode.Scalar) {
        guard let fence else { return }
        held.append(scalar)
        let isSpace = scalar == " " || scalar == "\t"
        if isSpace && codeFenceRun == 0 {
            return
        }
        if scalar == fence.character && !codeFenceClosed {
            codeFenceRun += 1
            return
        }
        if isSpace && codeFenceRun >= fence.length {
            codeFenceClosed = true
            return
        }
        startCodeLine()
    }

    /// Writes the gutter and the held start of a code line, less the fence's indentation.
    mutating func startCodeLine() {
        mode = .code
        let fenceIndent = fence?.indent ?? 0
        page.out.write(String(repeating: " ", count: fenceIndent), .plain)
        page.out.write("│ ", MarkdownTheme.gutter)
        var start = 0
        while start < held.count, start < fenceIndent, held[start] == " " {
            start += 1
        }
        for scalar in held[start...] {
            highlighter.feed(scalar, into: &page.out)
        }
    }
}
