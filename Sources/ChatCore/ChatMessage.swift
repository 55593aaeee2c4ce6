/// Who wrote a message in the conversation.
public enum Role: String, Sendable, Equatable, Codable {
    case system, user, assistant
}

/// One message of the conversation as it is sent to the API.
public struct ChatMessage: Sendable, Equatable, Codable {
    public var role: Role
    public var content: String

    public init(role: Role, content: String) {
        self.role = role
        self.content = content
    }

    public static func user(_ text: String) -> ChatMessage { ChatMessage(role: .user, content: text) }
    public static func assistant(_ text: String) -> ChatMessage { ChatMessage(role: .assistant, content: text) }
    public static func system(_ text: String) -> ChatMessage { ChatMessage(role: .system, content: text) }
}
