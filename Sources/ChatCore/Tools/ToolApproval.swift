/// An answer to "run this tool call?".
public enum ApprovalAnswer: Sendable, Equatable {
    case yes, no
    /// Yes, and for every later call of this tool in this session.
    case always
}

/// Asks the user about a tool call, on the terminal. Not there without a terminal: the call
/// is then declined, and nothing waits for an answer that cannot come.
@MainActor
public protocol ToolApprover: AnyObject {
    /// Shows the question and waits for one key; nil when it cannot be answered (interrupted).
    func approve(_ shownCall: String) async -> ApprovalAnswer?
}

/// Which tool calls run: those `auto_approve_tools` names (`SERVER.TOOL`, `SERVER.*`, `*`;
/// `-y/--yes` is `*`), those the user said "always" to, and those the user approves when
/// asked. Nothing runs without one of these.
@MainActor
public final class ToolApproval {
    private let patterns: [String]
    private let approver: (any ToolApprover)?
    private var always: Set<String> = []

    public init(patterns: [String], approver: (any ToolApprover)?) {
        self.patterns = patterns
        self.approver = approver
    }

    /// Whether a pattern of `auto_approve_tools` covers `SERVER.TOOL`.
    public static func matches(_ patterns: [String], server: String, tool: String) -> Bool {
        patterns.contains { pattern in
            pattern == "*" || pattern == server + ".*" || pattern == server + "." + tool
        }
    }

    /// Whether the call may run; asks when no rule decides.
    func approve(_ tool: ToolSpec, shown: String) async -> Bool {
        if Self.matches(patterns, server: tool.server, tool: tool.name) || always.contains(tool.shownName) { return true }
        guard let approver else { return false }
        switch await approver.approve(shown) {
        case .yes?: return true
        case .always?:
            always.insert(tool.shownName)
            return true
        case .no?, nil: return false
        }
    }
}
