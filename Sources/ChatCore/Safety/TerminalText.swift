/// The one sanitizer for text that did not come from this program — answers, reasoning,
/// error messages, model ids, file names, tool output — on its way to a terminal or to
/// standard error.
///
/// Every control character that could steer a terminal is neutralised: ESC and the other
/// C0 controls except TAB and LF, DEL, and the C1 controls U+0080–U+009F (U+009B is a
/// complete CSI on terminals that read C1). They become visible placeholders from Unicode's
/// Control Pictures block (`␛`, `␇`, `␡`; `�` for C1), so the user sees that something was
/// there; CR is dropped (it ends CRLF lines, or would overwrite the line). Bidirectional
/// controls (U+202A–202E, U+2066–2069, the marks U+200E, U+200F, U+061C) are removed: on a
/// terminal that reorders text they make a line read differently from what it holds
/// ("Trojan Source"). Text with nothing to neutralise is returned as it is, without a copy,
/// so the streaming path pays one scan of the bytes.
///
/// What the user approves or runs — a command, a tool's name and arguments, a link — goes
/// through ``visible(_:)`` instead, which shows such characters rather than removing them.
public enum TerminalText {
    /// Longest run of server text kept in one error line.
    public static let errorTextLimit = 500

    /// `text` with every terminal control neutralised and bidirectional controls removed;
    /// TAB and LF are kept.
    public static func sanitize(_ text: String) -> String {
        guard needsSanitizing(text) else { return text }
        return rewrite(text, .text)
    }

    /// `text` as one line: neutralised as by ``sanitize(_:)``, and CR, LF and TAB become
    /// spaces. At most `limit` characters are kept (then `…`).
    public static func oneLine(_ text: String, limit: Int = .max) -> String {
        cut(rewrite(text, .line), limit: limit)
    }

    /// `text` as the user must see it before approving or running it: every control shown as
    /// a picture (`␛`, `␍`; `⟨U+009B⟩` for C1), and every character that shows nothing or
    /// reorders the line — bidirectional controls, zero-width and other format characters,
    /// spaces other than U+0020 — shown as its code point, `⟨U+202E⟩`. TAB and LF are kept.
    public static func visible(_ text: String) -> String {
        guard !isPlainASCII(text) else { return text }
        return rewrite(text, .visible)
    }

    /// ``visible(_:)`` on one line: TAB, LF and CR are shown as pictures too (`␉`, `␊`, `␍`).
    /// At most `limit` characters are kept (then `…`).
    public static func visibleLine(_ text: String, limit: Int = .max) -> String {
        let plain = isPlainASCII(text) && !text.utf8.contains(where: { $0 == 0x09 || $0 == 0x0A })
        return cut(plain ? text : rewrite(text, .visibleLine), limit: limit)
    }

    /// Whether ``visible(_:)`` shows `scalar` as its code point: it shows nothing, or changes
    /// how the text around it is ordered or joined.
    public static func isHidden(_ scalar: Unicode.Scalar) -> Bool {
        let properties = scalar.properties
        if properties.isDefaultIgnorableCodePoint || properties.isBidiControl { return true }
        switch properties.generalCategory {
        case .format, .lineSeparator, .paragraphSeparator: return true
        case .spaceSeparator: return scalar != " "
        default: return false
        }
    }

    /// Whether `line` shows nothing: only whitespace and ``isHidden(_:)`` characters.
    public static func isBlank(_ line: some StringProtocol) -> Bool {
        line.unicodeScalars.allSatisfy { $0.properties.isWhitespace || isHidden($0) }
    }

    /// Whether `text` holds anything ``sanitize(_:)`` would change. One pass over the
    /// bytes: C0 but TAB and LF, DEL, C1 (`C2 80`–`C2 9F`), and the bidirectional controls
    /// (`D8 9C`; `E2 80 8E`, `E2 80 8F`, `E2 80 AA`–`AE`; `E2 81 A6`–`A9`).
    public static func needsSanitizing(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { bytes in
            var i = 0
            let count = bytes.count
            while i < count {
                let byte = bytes[i]
                if byte < 0x80 {
                    if byte < 0x20 {
                        if byte != 0x09 && byte != 0x0A { return true }
                    } else if byte == 0x7F {
                        return true
                    }
                } else if byte == 0xC2 {
                    if i + 1 < count, bytes[i + 1] <= 0x9F { return true }
                } else if byte == 0xE2, i + 2 < count {
                    let second = bytes[i + 1]
                    let third = bytes[i + 2]
                    if second == 0x80 && (third == 0x8E || third == 0x8F || (third >= 0xAA && third <= 0xAE)) { return true }
                    if second == 0x81 && third >= 0xA6 && third <= 0xA9 { return true }
                } else if byte == 0xD8 {
                    if i + 1 < count, bytes[i + 1] == 0x9C { return true }
                }
                i += 1
            }
            return false
        }
    }

    /// Whether every byte of `text` is printable ASCII, TAB or LF: nothing to show or change.
    private static func isPlainASCII(_ text: String) -> Bool {
        text.utf8.allSatisfy { ($0 >= 0x20 && $0 < 0x7F) || $0 == 0x09 || $0 == 0x0A }
    }

    private static func cut(_ line: String, limit: Int) -> String {
        guard line.count > limit else { return line }
        return String(line.prefix(max(0, limit))) + "…"
    }

    private enum Form {
        /// Shown as text: controls as pictures, CR dropped, bidirectional controls removed.
        case text
        /// ``text`` on one line.
        case line
        /// For approval: every control and hidden character shown.
        case visible
        /// ``visible`` on one line.
        case visibleLine

        var isVisible: Bool { self == .visible || self == .visibleLine }
    }

    private static func rewrite(_ text: String, _ form: Form) -> String {
        var out = String.UnicodeScalarView()
        let scalars = Array(text.unicodeScalars)
        for (index, scalar) in scalars.enumerated() {
            switch scalar.value {
            case 0x0A, 0x09:
                switch form {
                case .text, .visible: out.append(scalar)
                case .line: out.append(" ")
                case .visibleLine: out.append(picture(of: scalar))
                }
            case 0x0D:
                switch form {
                case .visible, .visibleLine:
                    out.append(picture(of: scalar))
                case .line:
                    // CRLF is one line break: one space.
                    if index + 1 < scalars.count, scalars[index + 1].value == 0x0A { continue }
                    out.append(" ")
                case .text:
                    // A CR is dropped: it is half of a CRLF (whose LF may come in the next
                    // piece of a stream) or a way to overwrite what is on the line.
                    break
                }
            case 0x00..<0x20, 0x7F:
                out.append(picture(of: scalar))
            case 0x80...0x9F:
                if form.isVisible { out.append(contentsOf: codePoint(scalar)) } else { out.append("\u{FFFD}") }
            default:
                if form.isVisible {
                    if isHidden(scalar) { out.append(contentsOf: codePoint(scalar)) } else { out.append(scalar) }
                } else if !scalar.properties.isBidiControl {
                    out.append(scalar)
                }
            }
        }
        return String(out)
    }

    /// `␀` … `␟` for C0 (ESC is `␛`), `␡` for DEL.
    private static func picture(of scalar: Unicode.Scalar) -> Unicode.Scalar {
        scalar.value == 0x7F ? "\u{2421}" : Unicode.Scalar(0x2400 + scalar.value)!
    }

    /// `⟨U+202E⟩`.
    private static func codePoint(_ scalar: Unicode.Scalar) -> String.UnicodeScalarView {
        let hex = String(scalar.value, radix: 16, uppercase: true)
        return ("⟨U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex + "⟩").unicodeScalars
    }
}
