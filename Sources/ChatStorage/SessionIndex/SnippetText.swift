/// FTS5's `snippet()` marks the matched words with two control characters (which the indexed
/// text never holds: ``IndexedSession/searchable(_:)``). This turns such text into one line
/// and the places of the marks, in characters, so the caller highlights them however it
/// draws (colour on a terminal, nothing in a pipe).
///
/// It works on Unicode scalars and counts characters only where a mark is, because a search
/// that matches every conversation parses a thousand snippets.
enum SnippetText {
    static let open: Unicode.Scalar = "\u{2}"
    static let close: Unicode.Scalar = "\u{3}"

    /// The line (runs of white space, line ends included, become one space; trimmed) and the
    /// ranges of the marked words in it.
    static func parse(_ marked: String) -> (line: String, highlights: [Range<Int>]) {
        var line = String.UnicodeScalarView()
        // Where the marks are, as offsets in `line`'s scalars.
        var marks: [(start: Int, end: Int)] = []
        var start: Int?
        var pendingSpace = false
        var count = 0
        for scalar in marked.unicodeScalars {
            switch scalar {
            case open:
                start = count
            case close:
                if let begin = start, begin < count { marks.append((begin, count)) }
                start = nil
            case " ", "\n", "\r", "\t":
                pendingSpace = true
            case _ where scalar.value >= 0x80 && scalar.properties.isWhitespace:
                pendingSpace = true
            default:
                if pendingSpace && count > 0 {
                    line.append(" ")
                    count += 1
                    // A mark opened before the space starts at the word.
                    if start == count - 1 { start = count }
                }
                pendingSpace = false
                line.append(scalar)
                count += 1
            }
        }
        let text = String(line)
        return (text, marks.isEmpty ? [] : characterRanges(marks, in: text))
    }

    /// Scalar offsets to character offsets: equal when the text is ASCII, else one pass over
    /// its characters (the marks are in order).
    private static func characterRanges(_ marks: [(start: Int, end: Int)], in text: String) -> [Range<Int>] {
        if text.utf8.allSatisfy({ $0 < 0x80 }) { return marks.map { $0.start..<$0.end } }
        let boundaries = marks.flatMap { [$0.start, $0.end] }
        var converted: [Int] = []
        converted.reserveCapacity(boundaries.count)
        var scalars = 0
        var characters = 0
        var characterIterator = text.makeIterator()
        for boundary in boundaries {
            while scalars < boundary, let character = characterIterator.next() {
                scalars += character.unicodeScalars.count
                characters += 1
            }
            converted.append(characters)
        }
        return stride(from: 0, to: converted.count, by: 2).compactMap { index in
            converted[index] < converted[index + 1] ? converted[index]..<converted[index + 1] : nil
        }
    }
}
