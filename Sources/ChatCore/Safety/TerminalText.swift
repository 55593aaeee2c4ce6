/// The one sanitizer for text that did not come from this program — answers, reasoning,
/// error messages, model ids, file names, tool output — on its way to a terminal or to
/// standard error.
///
/// Every control character that could steer a terminal is neutralised: ESC and the other
/// C0 controls except TAB and LF, DEL, and the C1 controls U+0080–U+009F (U+009B is a
/// complete CSI on terminals that read C1). They become visible placeholders from Unicode's
/// Control Pictures block (`␛`, `␇`, `␡`; `�` for C1), so the user sees that something was
/// there; CR is dropped (it ends CRLF lines, or would overwrite the line). Text with nothing to neutralise is returned as it
/// is, without a copy, so the streaming path pays one scan of the bytes.
public enum TerminalText {
    /// Longest run of server text kept in one error line.
    public static let errorTextLimit = 500

    /// `text` with every terminal control neutralised; TAB and LF are kept.
    public static func sanitize(_ text: String) -> String {
        guard needsSanitizing(text) else { return text }
        return rewrite(text, oneLine: false)
    }

    /// `text` as one line: controls neutralised as by ``sanitize(_:)``, and CR, LF and TAB
    /// become spaces. At most `limit` characters are kept (then `…`).
    public static func oneLine(_ text: String, limit: Int = .max) -> String {
        var line = rewrite(text, oneLine: true)
        if line.count > limit {
            line = String(line.prefix(max(0, limit))) + "…"
        }
        return line
    }

    /// Whether `text` holds anything ``sanitize(_:)`` would change.
    public static func needsSanitizing(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { bytes in
            var i = 0
            let count = bytes.count
            while i < count {
                let byte = bytes[i]
                if byte < 0x20 {
                    if byte != 0x09 && byte != 0x0A { return true }
                } else if byte == 0x7F {
                    return true
                } else if byte == 0xC2, i + 1 < count, bytes[i + 1] >= 0x80, bytes[i + 1] <= 0x9F {
                    return true
                }
                i += 1
            }
            return false
        }
    }

    private static func rewrite(_ text: String, oneLine: Bool) -> String {
        var out = String.UnicodeScalarView()
        let scalars = Array(text.unicodeScalars)
        for (index, scalar) in scalars.enumerated() {
            switch scalar.value {
            case 0x0A, 0x09:
                out.append(oneLine ? " " : scalar)
            case 0x0D:
                if oneLine {
                    // CRLF is one line break: one space.
                    if index + 1 < scalars.count, scalars[index + 1].value == 0x0A { continue }
                    out.append(" ")
                }
            // Elsewhere a CR is dropped: it is half of a CRLF (whose LF may come in the
            // next piece of a stream) or a way to overwrite what is on the line.
            case 0x00..<0x20:
                out.append(Unicode.Scalar(0x2400 + scalar.value)!)  // ␀ … ␟, ESC is ␛
            case 0x7F:
                out.append(Unicode.Scalar(0x2421)!)  // ␡
            case 0x80...0x9F:
                out.append(Unicode.Scalar(0xFFFD)!)  // �
            default:
                out.append(scalar)
            }
        }
        return String(out)
    }
}
