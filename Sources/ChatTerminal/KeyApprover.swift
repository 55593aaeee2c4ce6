import ChatCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Tool-call approval on the terminal: `y` yes, `n` no, `a` always for this tool.
@MainActor
public final class KeyApprover: ToolApprover {
    public init() {}

    /// An approver when standard input is a terminal and `/dev/tty` can be opened; nil
    /// otherwise (a script: calls not approved by config or `-y` are declined).
    public static func onTerminal() -> KeyApprover? {
        isatty(0) == 1 && KeyPrompt.canAsk ? KeyApprover() : nil
    }

    public func approve(_ shownCall: String) async -> ApprovalAnswer? {
        switch KeyPrompt.ask("run \(shownCall)? [y]es / [n]o / [a]lways for this tool: ") {
        case "y": .yes
        case "a": .always
        case nil: nil
        default: .no
        }
    }
}
