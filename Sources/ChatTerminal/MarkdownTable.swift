/// A pipe table (`| a | b |` rows with a `|---|---|` separator under the header),
/// collected row by row and drawn when it ends, because column widths depend on every
/// row.
///
/// Columns are separated by a dim `│`, the header is bold and underlined by a rule.
/// When the table is wider than the terminal, the widest columns are narrowed and their
/// cells wrapped at spaces (never inside a word).
struct MarkdownTable: Sendable {
    enum Alignment: Sendable {
        case left, center, right
    }

    private struct Row: Sendable {
        var line: String
        var cells: [String]
        var terminated: Bool
    }

    /// A word of a rendered cell: styled fragments and its width in columns.
    struct Word: Sendable {
        var fragments: [StyledText] = []
        var width = 0
    }

    private var rows: [Row] = []
    /// Known once the separator row has arrived; until then the first row is only a
    /// candidate header.
    private var alignments: [Alignment]?

    var isEmpty: Bool { rows.isEmpty }

    /// Adds a line that starts with `|`. Returns lines that turned out not to belong to
    /// a table (a candidate header not followed by a separator), to be shown as text.
    mutating func add(line: String, terminated: Bool) -> [(line: String, terminated: Bool)] {
        let cells = Self.cells(of: line)
        let row = Row(line: line, cells: cells, terminated: terminated)
        if alignments != nil {
            rows.append(row)
            return []
        }
        guard let header = rows.first else {
            rows = [row]
            return []
        }
        if let parsed = Self.alignments(ofSeparator: cells) {
            alignments = parsed
            return []
        }
        // Not a table after all: the old candidate is text, the new row a candidate.
        rows = [row]
        return [(header.line, header.terminated)]
    }

    /// Ends the table: draws it, or returns its lines to be shown as text when it never
    /// became a table.
    mutating func finish(width: Int, into out: inout StyledWriter) -> [(line: String, terminated: Bool)] {
        defer {
            rows.removeAll()
            alignments = nil
        }
        guard let alignments else {
            return rows.map { ($0.line, $0.terminated) }
        }
        render(alignments: alignments, width: width, into: &out)
        return []
    }

    // MARK: Parsing

    /// The cells of a row: split at `|` that is not escaped, outer pipes dropped,
    /// each cell trimmed.
    static func cells(of line: String) -> [String] {
        var scalars = Array(line.unicodeScalars)
        while let last = scalars.last, last == " " || last == "\t" {
            scalars.removeLast()
        }
        var start = 0
        while start < scalars.count, scalars[start] == " " || scalars[start] == "\t" {
            start += 1
        }
        if start < scalars.count, scalars[start] == "|" {
            start += 1
        }
        var end = scalars.count
        if end > start, scalars[end - 1] == "|", !(end - 2 >= start && scalars[end - 2] == "\\") {
            end -= 1
        }
        var cells: [String] = []
        var cell = String.UnicodeScalarView()
        var index = start
        while index < end {
            let scalar = scalars[index]
            if scalar == "\\", index + 1 < end, scalars[index + 1] == "|" {
                cell.append("\\")
                cell.append("|")
                index += 2
                continue
            }
            if scalar == "|" {
                cells.append(trimmed(cell))
                cell = String.UnicodeScalarView()
            } else {
                cell.append(scalar)
            }
            index += 1
        }
        cells.append(trimmed(cell))
        return cells
    }

    private static func trimmed(_ scalars: String.UnicodeScalarView) -> String {
        var slice = scalars[...]
        while let first = slice.first, first == " " || first == "\t" {
            slice = slice.dropFirst()
        }
        while let last = slice.last, last == " " || last == "\t" {
            slice = slice.dropLast()
        }
        return String(String.UnicodeScalarView(slice))
    }

    /// The alignments if `cells` is a separator row (`:---`, `:---:`, `---:`, `---`).
    static func alignments(ofSeparator cells: [String]) -> [Alignment]? {
        var result: [Alignment] = []
        for cell in cells {
            var scalars = Array(cell.unicodeScalars)
            let leftColon = scalars.first == ":"
            if leftColon { scalars.removeFirst() }
            let rightColon = scalars.last == ":"
            if rightColon { scalars.removeLast() }
            guard !scalars.isEmpty, scalars.allSatisfy({ $0 == "-" }) else { return nil }
            result.append(leftColon && rightColon ? .center : rightColon ? .right : .left)
        }
        return result.isEmpty ? nil : result
    }

    // MARK: Rendering

    private func render(alignments: [Alignment], width: Int, into out: inout StyledWriter) {
        let columnCount = max(alignments.count, rows.map(\.cells.count).max() ?? 0)
        let content: [[[Word]]] = rows.enumerated().map { rowIndex, row in
            (0..<columnCount).map { column in
                column < row.cells.count
                    ? Self.words(of: row.cells[column], base: rowIndex == 0 ? MarkdownTheme.tableHeader : .plain)
                    : []
            }
        }
        var natural = Array(repeating: 1, count: columnCount)
        var minimum = Array(repeating: 1, count: columnCount)
        for row in content {
            for (column, words) in row.enumerated() {
                natural[column] = max(natural[column], Self.lineWidth(words))
                minimum[column] = max(minimum[column], words.map(\.width).max() ?? 0)
            }
        }
        let widths = Self.fit(natural: natural, minimum: minimum, available: width - 3 * (columnCount - 1))
        let separator = " │ "
        for (rowIndex, row) in content.enumerated() {
            let lines = row.enumerated().map { column, words in Self.wrap(words, width: widths[column]) }
            let height = max(1, lines.map(\.count).max() ?? 1)
            for lineIndex in 0..<height {
                for column in 0..<columnCount {
                    if column > 0 {
                        out.write(separator, MarkdownTheme.tableBorder)
                    }
                    let words = lineIndex < lines[column].count ? lines[column][lineIndex] : []
                    let isLast = column == columnCount - 1
                    let alignment = column < alignments.count ? alignments[column] : .left
                    Self.write(words, width: widths[column], alignment: alignment, padEnd: !isLast, into: &out)
                }
                let isLastLine = rowIndex == content.count - 1 && lineIndex == height - 1
                if isLastLine && !rows[rowIndex].terminated {
                    out.endStyle()
                } else {
                    out.newline()
                }
            }
            if rowIndex == 0 {
                let rule = widths.map { String(repeating: "─", count: $0) }.joined(separator: "─┼─")
                out.write(rule, MarkdownTheme.tableBorder)
                if content.count == 1 && !rows[0].terminated {
                    out.endStyle()
                } else {
                    out.newline()
                }
            }
        }
    }

    /// A cell's inline markdown, as words.
    private static func words(of cell: String, base: TextStyle) -> [Word] {
        var parser = InlineParser()
        var collector = WordCollector(base: base)
        for scalar in cell.unicodeScalars {
            parser.feed(scalar, to: &collector)
        }
        parser.endLine(to: &collector)
        return collector.finish()
    }

    private static func lineWidth(_ words: [Word]) -> Int {
        words.isEmpty ? 0 : words.reduce(words.count - 1) { $0 + $1.width }
    }

    /// Column widths: the natural ones when they fit; otherwise every column wider than
    /// a cap is cut to the cap (but not below its longest word), with the largest cap
    /// that fits.
    static func fit(natural: [Int], minimum: [Int], available: Int) -> [Int] {
        func widths(cap: Int) -> [Int] {
            zip(natural, minimum).map { max($1, min($0, cap)) }
        }
        if natural.reduce(0, +) <= available { return natural }
        var low = 0
        var high = natural.max() ?? 0
        guard widths(cap: low).reduce(0, +) <= available else { return widths(cap: 0) }
        while low < high {
            let middle = (low + high + 1) / 2
            if widths(cap: middle).reduce(0, +) <= available {
                low = middle
            } else {
                high = middle - 1
            }
        }
        return widths(cap: low)
    }

    /// Greedy wrapping of a cell's words into lines at most `width` wide.
    private static func wrap(_ words: [Word], width: Int) -> [[Word]] {
        var lines: [[Word]] = []
        var line: [Word] = []
        var used = 0
        for word in words {
            if !line.isEmpty && used + 1 + word.width > width {
                lines.append(line)
                line = []
                used = 0
            }
            used += line.isEmpty ? word.width : 1 + word.width
            line.append(word)
        }
        if !line.isEmpty {
            lines.append(line)
        }
        return lines
    }

    private static func write(
        _ words: [Word], width: Int, alignment: Alignment, padEnd: Bool, into out: inout StyledWriter
    ) {
        let free = max(0, width - lineWidth(words))
        let before: Int
        switch alignment {
        case .left: before = 0
        case .right: before = free
        case .center: before = free / 2
        }
        out.write(String(repeating: " ", count: before), .plain)
        for (index, word) in words.enumerated() {
            if index > 0 {
                out.write(" ", .plain)
            }
            for fragment in word.fragments {
                out.write(fragment.text, fragment.style)
            }
        }
        if padEnd {
            out.write(String(repeating: " ", count: free - before), .plain)
        }
    }
}

/// Collects a table cell's inline output as words.
private struct WordCollector: InlineSink {
    let base: TextStyle
    private var words: [MarkdownTable.Word] = []
    private var current = MarkdownTable.Word()
    private var counter = DisplayWidth.Counter()

    init(base: TextStyle) {
        self.base = base
    }

    mutating func text(_ scalar: Unicode.Scalar, _ style: TextStyle) {
        let style = base.with(style)
        if let last = current.fragments.indices.last, current.fragments[last].style == style {
            current.fragments[last].text.unicodeScalars.append(scalar)
        } else {
            current.fragments.append(StyledText(text: String(scalar), style: style))
        }
        current.width += counter.add(scalar)
    }

    mutating func space(_ style: TextStyle) {
        endWord()
    }

    mutating func finish() -> [MarkdownTable.Word] {
        endWord()
        return words
    }

    private mutating func endWord() {
        if !current.fragments.isEmpty {
            words.append(current)
        }
        current = MarkdownTable.Word()
        counter = DisplayWidth.Counter()
    }
}
