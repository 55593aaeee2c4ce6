/// The tool-call question as drawn on a terminal of `columns` × `rows`: the call —
/// `SERVER.TOOL ARGUMENTS` — wrapped to the width, then the question, always last.
///
/// A call that needs more than ``maxRows`` rows (or more than the screen holds beside the
/// question) is shown in part, with how much is not shown, and the question asks for `v`
/// first: the user approves only what was shown. Drawn `whole`, every row is there and the
/// call's heading is repeated above the question, since its first rows have scrolled away.
public struct ApprovalLayout: Sendable, Equatable {
    /// The most rows a call takes before it is shown in part.
    public static let maxRows = 20

    /// The question when the whole call is on screen (`N` is the default: Enter says no).
    public static let question = "run it? [y/N/a] (a = always for this tool) "
    /// The question when part of the call is not on screen: `y` and `a` wait for `v`.
    public static let partQuestion = "run it? [v/y/N/a] (v = view it whole, a = always for this tool) "

    /// Everything to write, ending with the question.
    public let text: String
    /// Whether part of the arguments is not on screen.
    public let hidesPart: Bool

    /// The layout of `call`; `whole` draws every row whatever the screen holds.
    public init(_ call: ShownCall, columns: Int, rows: Int, whole: Bool = false) {
        let width = max(20, columns)
        let lines = Self.wrap(call.heading + " " + call.arguments, width: width)
        let room = max(1, min(Self.maxRows, rows - 3))
        if whole {
            text = lines.joined(separator: "\n") + "\n" + "(above: the whole call of \(call.heading))\n" + Self.question
            hidesPart = false
        } else if lines.count <= room {
            text = lines.joined(separator: "\n") + "\n" + Self.question
            hidesPart = false
        } else {
            let shown = lines.prefix(room)
            let rest = lines.dropFirst(room).reduce(0) { $0 + $1.count }
            let note =
                "… \(rest) more characters not shown (\(Attachment.size(call.byteCount)) of arguments in all); "
                + "v shows the arguments whole"
            text = shown.joined(separator: "\n") + "\n" + note + "\n" + Self.partQuestion
            hidesPart = true
        }
    }

    /// `text` cut into rows that fit `width` columns. A character outside ASCII counts as two
    /// columns (it may be wide): rows may come out short, never too long for the screen.
    static func wrap(_ text: String, width: Int) -> [String] {
        var rows: [String] = []
        var row = ""
        var used = 0
        for character in text {
            let columns = character.isASCII ? 1 : 2
            if used + columns > width {
                rows.append(row)
                row = ""
                used = 0
            }
            row.append(character)
            used += columns
        }
        rows.append(row)
        return rows
    }
}
