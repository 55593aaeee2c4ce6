/// How a suggested command is shown before the user may run it: every line, visibly
/// (``TerminalText/visible(_:)``), so what runs is what was read.
///
/// A command taller than the screen would scroll its first lines out of sight before the
/// question; it is shown as its first lines and its line count instead, and may run only
/// after it was shown whole, numbered (`v`).
public struct ShellCommandView: Sendable, Equatable {
    /// The command's lines as shown.
    public let lines: [String]
    /// Whether the whole command and the question fit on the screen at once.
    public let fitsOnScreen: Bool
    private let screen: ScreenSize

    /// Rows kept free below the command: the question and the line it leaves.
    static let reservedRows = 2

    /// The view of `command` on `screen` (24 × 80 when the terminal does not say).
    public init(command: String, screen: ScreenSize?) {
        let screen = screen ?? ScreenSize(rows: 24, columns: 80)
        self.screen = screen
        lines = TextLines.split(command).map { TerminalText.visible(String($0)) }
        let rows = lines.reduce(0) { $0 + Self.rows(of: $1, columns: screen.columns) }
        fitsOnScreen = rows + Self.reservedRows <= screen.rows
    }

    /// What is shown first: the whole command when it fits, else as many of its first
    /// lines as leave room for the count and the question, each cut to the screen's width.
    public var preview: String {
        guard !fitsOnScreen else { return lines.joined(separator: "\n") }
        let room = max(1, screen.rows - Self.reservedRows - 2)
        let head = lines.prefix(room).map { line in
            line.count < screen.columns ? line : String(line.prefix(max(1, screen.columns - 2))) + "…"
        }
        return (head + ["… the command has \(countText), more than fit on the screen"]).joined(separator: "\n")
    }

    /// The whole command, each line numbered, then its count.
    public var numbered: String {
        let width = String(lines.count).count
        let numbered = lines.enumerated().map { index, line in
            let number = String(index + 1)
            return String(repeating: " ", count: width - number.count) + number + "  " + line
        }
        return (numbered + ["(end of the command: \(countText))"]).joined(separator: "\n")
    }

    /// "1 line", "62 lines".
    public var countText: String {
        lines.count == 1 ? "1 line" : "\(lines.count) lines"
    }

    /// The rows `line` takes on a screen `columns` wide: wide characters count two columns,
    /// a tab eight.
    static func rows(of line: String, columns: Int) -> Int {
        var width = 0
        for scalar in line.unicodeScalars {
            width += columnsTaken(by: scalar)
        }
        return max(1, (width + max(1, columns) - 1) / max(1, columns))
    }

    private static func columnsTaken(by scalar: Unicode.Scalar) -> Int {
        switch scalar.value {
        case 0x09: return 8
        case 0x1100...0x115F, 0x2E80...0xA4CF, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60, 0xFFE0...0xFFE6,
            0x1F300...0x1F64F, 0x1F900...0x1F9FF, 0x20000...0x3FFFD:
            return 2
        default:
            switch scalar.properties.generalCategory {
            case .nonspacingMark, .enclosingMark: return 0
            default: return 1
            }
        }
    }
}
