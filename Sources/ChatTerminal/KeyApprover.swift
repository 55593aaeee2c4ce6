import ChatCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Tool-call approval on the terminal: the call drawn whole by ``ApprovalLayout`` with the
/// question last, then one key — `y` yes, `n` (or Enter, or any other key) no, `a` always
/// for this tool, `v` to see a call too long for the screen whole (before which `y` and `a`
/// are not taken), and Ctrl-C to cancel the turn.
@MainActor
public final class KeyApprover: ToolApprover {
    public init() {}

    /// An approver when standard input is a terminal and `/dev/tty` can be opened; nil
    /// otherwise (a script: calls not approved by config or `-y` are declined).
    public static func onTerminal() -> KeyApprover? {
        isatty(0) == 1 && KeyPrompt.canAsk ? KeyApprover() : nil
    }

    public func approve(_ call: ShownCall) async -> ApprovalAnswer {
        var whole = false
        var note = ""
        while true {
            let (columns, rows) = Self.terminalSize()
            let layout = ApprovalLayout(call, columns: columns, rows: rows, whole: whole)
            // nil is Ctrl-C, or a terminal that went away: the turn ends either way.
            guard let key = KeyPrompt.ask(note + layout.text) else { return .cancel }
            switch key {
            case "v" where layout.hidesPart:
                whole = true
                note = ""
            case "y", "a":
                if layout.hidesPart {
                    note = "(not all of the call is on screen: see it whole with v, then answer)\n"
                    continue
                }
                return key == "y" ? .yes : .always
            default:
                return .no
            }
        }
    }

    /// The terminal's columns and rows (80 × 24 when it does not say).
    private static func terminalSize() -> (columns: Int, rows: Int) {
        let fd = open("/dev/tty", O_RDONLY | O_NOCTTY | O_CLOEXEC)
        defer { if fd >= 0 { close(fd) } }
        var size = winsize()
        guard fd >= 0, ioctl(fd, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0, size.ws_row > 0 else { return (80, 24) }
        return (Int(size.ws_col), Int(size.ws_row))
    }
}
