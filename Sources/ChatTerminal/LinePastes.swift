import ChatCore

/// The pastes of the line being edited (bracketed paste, see ``EditLineReader``).
///
/// A paste of one short line is inserted as typed text, without its controls. A longer
/// one, or one of several lines, is kept here and shown on the line as a placeholder such as
/// `[pasted 500 lines, 12.3 KB]`; on Enter the placeholder is replaced by the text, so the
/// whole paste is one message, sent only then. Deleting the placeholder drops the paste.
struct LinePastes: Sendable {
    /// Characters of a one-line paste that are inserted as they are; a longer line is kept
    /// as a placeholder (libedit redraws the whole line on every key).
    static let inlineLimit = 2000
    /// The most bytes of one paste that are kept; a larger one is refused.
    static let byteLimit = 16 * 1024 * 1024

    /// A kept paste and its placeholder.
    struct Paste: Equatable, Sendable {
        var placeholder: String
        var text: String
    }

    private(set) var pastes: [Paste] = []

    /// A line with its pastes in place.
    struct Expanded: Equatable, Sendable {
        /// The line with each placeholder replaced by its paste.
        var text: String
        /// What was typed before the first paste.
        var typedBefore: String
    }

    /// Forgets the pastes (a new line starts).
    mutating func reset() {
        pastes.removeAll()
    }

    /// What to insert at the cursor for a paste of `bytes`: the text itself, its
    /// placeholder, or nil when there is nothing to insert.
    mutating func insert(_ bytes: [UInt8]) -> String? {
        // Terminals send line ends in a paste as CR; files may have CRLF.
        var scalars = String.UnicodeScalarView()
        var afterCR = false
        for scalar in String(decoding: bytes, as: UTF8.self).unicodeScalars {
            if scalar == "\n" && afterCR {
                afterCR = false
                continue
            }
            afterCR = scalar == "\r"
            scalars.append(scalar == "\r" ? "\n" : scalar)
        }
        while scalars.last == "\n" { scalars.removeLast() }
        let text = String(scalars)
        guard !text.isEmpty else { return nil }
        if !text.contains("\n") && text.count <= Self.inlineLimit {
            let typed = String(String.UnicodeScalarView(text.unicodeScalars.filter { !Self.isControl($0) }))
            return typed.isEmpty ? nil : typed
        }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).count
        let number = pastes.count + 1
        let size = Self.size(text.utf8.count)
        let placeholder =
            number == 1
            ? "[pasted \(lines) line\(lines == 1 ? "" : "s"), \(size)]"
            : "[pasted #\(number): \(lines) line\(lines == 1 ? "" : "s"), \(size)]"
        pastes.append(Paste(placeholder: placeholder, text: text))
        return placeholder
    }

    /// `line` with the placeholders it still holds replaced by their pastes, or nil when it
    /// holds none (each is replaced once, where it first appears in what was typed).
    func expand(_ line: String) -> Expanded? {
        let scalars = Array(line.unicodeScalars)
        var found: [(range: Range<Int>, text: String)] = []
        for paste in pastes {
            let needle = Array(paste.placeholder.unicodeScalars)
            var start = 0
            while let range = Self.find(needle, in: scalars, from: start) {
                if !found.contains(where: { $0.range.overlaps(range) }) {
                    found.append((range, paste.text))
                    break
                }
                start = range.upperBound
            }
        }
        guard !found.isEmpty else { return nil }
        found.sort { $0.range.lowerBound < $1.range.lowerBound }
        var text = ""
        var position = 0
        for (range, pasted) in found {
            text += Self.string(scalars[position..<range.lowerBound])
            text += pasted
            position = range.upperBound
        }
        text += Self.string(scalars[position...])
        return Expanded(text: text, typedBefore: Self.string(scalars[..<found[0].range.lowerBound]))
    }

    private static func find(_ needle: [Unicode.Scalar], in haystack: [Unicode.Scalar], from start: Int) -> Range<Int>? {
        guard !needle.isEmpty, haystack.count >= needle.count, start <= haystack.count - needle.count else { return nil }
        for offset in start...(haystack.count - needle.count) where haystack[offset] == needle[0] {
            if haystack[offset..<(offset + needle.count)].elementsEqual(needle) {
                return offset..<(offset + needle.count)
            }
        }
        return nil
    }

    private static func string(_ scalars: ArraySlice<Unicode.Scalar>) -> String {
        String(String.UnicodeScalarView(scalars))
    }

    /// C0 controls other than TAB, DEL and C1 controls: dropped from a paste put on the line.
    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        (scalar.value < 0x20 && scalar != "\t") || (0x7F...0x9F).contains(scalar.value)
    }

    /// `bytes` as `40 B`, `12.3 KB`, `4.0 MB`.
    static func size(_ bytes: Int) -> String {
        if bytes < 1024 { return "\(bytes) B" }
        let kilobytes = Double(bytes) / 1024
        if kilobytes < 1024 { return oneDecimal(kilobytes) + " KB" }
        return oneDecimal(kilobytes / 1024) + " MB"
    }

    private static func oneDecimal(_ value: Double) -> String {
        let tenths = Int((value * 10).rounded())
        return "\(tenths / 10).\(tenths % 10)"
    }
}
