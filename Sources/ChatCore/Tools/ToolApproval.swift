/// An answer to "run this tool call?".
public enum ApprovalAnswer: Sendable, Equatable {
    case yes, no
    /// Yes, and for every later call of this tool (of this server) in this session.
    case always
    /// Ctrl-C (or the terminal went away): the whole turn is cancelled, as Ctrl-C during an
    /// answer; nothing more is sent.
    case cancel
}

/// Asks the user about a tool call, on the terminal. Not there without a terminal: the call
/// is then declined, and nothing waits for an answer that cannot come.
@MainActor
public protocol ToolApprover: AnyObject {
    /// Shows `call` whole (or offers to) with the question last, and waits for one key.
    func approve(_ call: ShownCall) async -> ApprovalAnswer
}

/// Which tool calls run: those `auto_approve_tools` names (`SERVER.TOOL`, `SERVER.*`, `*`;
/// `-y/--yes` is `*`), those the user said "always" to, and those the user approves when
/// asked. Nothing runs without one of these. Every rule applies to exactly one (server,
/// tool) pair, never to a joined name two pairs could share.
@MainActor
public final class ToolApproval {
    /// What becomes of a call.
    public enum Decision: Sendable, Equatable {
        case run
        case decline
        /// Ctrl-C at the question: the turn ends.
        case cancel
    }

    /// One tool of one server.
    private struct Pair: Hashable {
        let server: String
        let tool: String
    }

    private let patterns: [ToolPattern]
    private let approver: (any ToolApprover)?
    private var always: Set<Pair> = []

    /// `patterns` as `auto_approve_tools` has them (the config refuses any that is none of
    /// the forms; such a one here approves nothing).
    public init(patterns: [String], approver: (any ToolApprover)?) {
        self.patterns = patterns.compactMap(ToolPattern.init)
        self.approver = approver
    }

    /// Whether a rule — a pattern, or an earlier "always" — lets the call run unasked.
    public func allows(_ tool: ToolSpec) -> Bool {
        patterns.contains { $0.covers(server: tool.server, name: tool.name) } || always.contains(Pair(server: tool.server, tool: tool.name))
    }

    /// Whether there is someone to ask.
    public var canAsk: Bool { approver != nil }

    /// Asks about `call` of `tool`; declined when there is no one to ask.
    public func ask(_ tool: ToolSpec, call: ShownCall) async -> Decision {
        guard let approver else { return .decline }
        switch await approver.approve(call) {
        case .yes: return .run
        case .always:
            always.insert(Pair(server: tool.server, tool: tool.name))
            return .run
        case .no: return .decline
        case .cancel: return .cancel
        }
    }
}
