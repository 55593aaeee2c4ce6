/// Who wrote a message in the conversation.
public enum Role: String, Sendable, Equatable, Codable {
    case system, user, assistant
    /// The result of a tool call, answering an assistant message's `tool_calls`.
    case tool
}

/// One piece of a message's content: text, or a file or URL attached to it.
public enum ContentPart: Sendable, Equatable {
    case text(String)
    case attachment(Attachment)
}

/// A call the model asked for: `tool_calls[]` of an assistant message.
public struct ToolCall: Sendable, Equatable, Codable {
    /// The id the result answers (`tool_call_id`).
    public var id: String
    /// The function name as offered (`SERVER__TOOL`).
    public var name: String
    /// The arguments as the model wrote them: JSON text, not necessarily valid.
    public var arguments: String

    public init(id: String, name: String, arguments: String) {
        self.id = id
        self.name = name
        self.arguments = arguments
    }
}

/// One message of the conversation: a role and content parts; an assistant message may
/// carry tool calls and the model's opaque reasoning details, a tool message the id of the
/// call it answers.
///
/// A message without attachments is sent with `content` as a string, as every
/// OpenAI-compatible API expects; with attachments, `content` is an array of parts with the
/// text first.
public struct ChatMessage: Sendable, Equatable {
    public var role: Role
    public var parts: [ContentPart]
    /// Calls the model asked for (assistant messages).
    public var toolCalls: [ToolCall]
    /// The call this message answers (tool messages).
    public var toolCallID: String?
    /// `reasoning_details` as received, sent back unchanged on later turns (assistant messages).
    public var reasoningDetails: RawJSON?

    public init(
        role: Role, parts: [ContentPart], toolCalls: [ToolCall] = [], toolCallID: String? = nil,
        reasoningDetails: RawJSON? = nil
    ) {
        self.role = role
        self.parts = parts
        self.toolCalls = toolCalls
        self.toolCallID = toolCallID
        self.reasoningDetails = reasoningDetails
    }

    /// A message of text only.
    public init(role: Role, content: String) {
        self.init(role: role, parts: content.isEmpty ? [] : [.text(content)])
    }

    /// The text of the message: its text parts, joined.
    public var content: String {
        var text = ""
        for case .text(let piece) in parts { text += piece }
        return text
    }

    /// The files and URLs attached to the message.
    public var attachments: [Attachment] {
        parts.compactMap { part in
            if case .attachment(let attachment) = part { return attachment }
            return nil
        }
    }

    public static func user(_ text: String) -> ChatMessage { ChatMessage(role: .user, content: text) }
    public static func assistant(_ text: String) -> ChatMessage { ChatMessage(role: .assistant, content: text) }
    public static func system(_ text: String) -> ChatMessage { ChatMessage(role: .system, content: text) }

    /// The answer to a tool call.
    public static func toolResult(callID: String, content: String) -> ChatMessage {
        ChatMessage(role: .tool, parts: [.text(content)], toolCallID: callID)
    }
}
