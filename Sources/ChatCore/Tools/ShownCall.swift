/// A tool call as the user sees it before it runs: the server first, then the tool, then
/// the arguments whole — `time.get_current_time {"timezone":"UTC"}`, or
/// `evil."x time.get_current_time" {}` for a name that is not plain. Every piece has passed
/// ``ApprovalText``; nothing of the call is left out but what the terminal cannot hold,
/// which the question then offers to show (see ``ApprovalLayout``).
public struct ShownCall: Sendable, Equatable {
    /// The server's name as shown.
    public let server: String
    /// The tool's name as shown (whitespace collapsed, bounded, quoted unless plain).
    public let tool: String
    /// The arguments as shown, whole: compact JSON, or the text when it is not JSON.
    public let arguments: String
    /// The size of the arguments as sent, in bytes.
    public let byteCount: Int

    /// The call of `spec` with `arguments` (the model's text).
    public init(_ spec: ToolSpec, arguments: CallArguments) {
        server = ApprovalText.serverName(spec.server)
        tool = ApprovalText.toolName(spec.name)
        self.arguments = ApprovalText.shown(arguments.compact)
        byteCount = arguments.text.utf8.count
    }

    /// `SERVER.TOOL`: the server, then the tool. Server names hold no `.`, so the first dot
    /// ends the server's name.
    public var heading: String { server + "." + tool }

    /// The heading of any call of `spec`, as `/tools` lists it.
    public static func heading(of spec: ToolSpec) -> String {
        ApprovalText.serverName(spec.server) + "." + ApprovalText.toolName(spec.name)
    }

    /// The call on one line for a notice — a call approved by a rule, or one there was no
    /// terminal to ask about: arguments longer than `limit` characters are cut, with their
    /// size (nothing is approved on the strength of this line).
    public func line(limit: Int = 300) -> String {
        guard arguments.count > limit else { return heading + " " + arguments }
        return heading + " " + arguments.prefix(limit) + "… (\(Attachment.size(byteCount)) of arguments)"
    }
}
