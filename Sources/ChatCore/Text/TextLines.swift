/// The lines of text read from a file or an answer, whichever line ends it uses.
///
/// Lines end at LF or CRLF alike; the CR of a CRLF is not part of the line. (Swift reads
/// CRLF as one `Character`, so splitting at `"\n"` alone leaves CRLF text in one piece.) A
/// lone CR is no line end: it stays in its line, where the sanitizer shows it.
public enum TextLines {
    /// The lines of `text`; empty lines are kept, and text ending with a line end has an
    /// empty last line.
    public static func split(_ text: String) -> [Substring] {
        text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
    }

    /// The first line of `text` that is not blank, without surrounding whitespace; empty
    /// when there is none.
    public static func firstNonBlank(_ text: String) -> String {
        split(text).lazy.map { $0.trimmingWhitespace() }.first { !$0.isEmpty } ?? ""
    }
}
