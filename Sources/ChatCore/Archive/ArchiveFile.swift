/// The JSON shape of a saved conversation (see ``SessionArchive``), field for field.
struct ArchiveFile: Codable {
    struct Totals: Codable {
        var prompt_tokens: Int?
        var completion_tokens: Int?
        var total_tokens: Int?
        var cost: Double?
        var cached_tokens: Int?
        var reasoning_tokens: Int?

        init(_ usage: Usage) {
            prompt_tokens = usage.promptTokens
            completion_tokens = usage.completionTokens
            total_tokens = usage.totalTokens
            cost = usage.cost
            cached_tokens = usage.cachedTokens
            reasoning_tokens = usage.reasoningTokens
        }

        var usage: Usage {
            Usage(
                promptTokens: max(0, prompt_tokens ?? 0), completionTokens: max(0, completion_tokens ?? 0),
                totalTokens: total_tokens.map { max(0, $0) }, cost: ChatCompletionDecoder.money(cost),
                cachedTokens: cached_tokens.map { max(0, $0) }, reasoningTokens: reasoning_tokens.map { max(0, $0) })
        }
    }

    struct StoredAttachment: Codable {
        var id: String
        var kind: String
        var name: String
        var media_type: String
        var bytes: Int
        var url: String?
        /// Base64 of the file, when it is stored in this file.
        var data: String?
        /// The id of the copy beside the session file, when it is stored there.
        var blob: String?
    }

    struct StoredCall: Codable {
        var id: String
        var name: String
        var arguments: String
    }

    struct Message: Codable {
        var role: String
        var content: String
        var attachments: [StoredAttachment]?
        var tool_calls: [StoredCall]?
        var tool_call_id: String?
        /// The reasoning details' JSON text, kept as a string so it stays byte for byte.
        var reasoning_details: String?
        /// Version 4: the message's number and the one it follows (nil for a first message).
        var id: Int?
        var parent: Int?
        /// Version 4: the model that wrote an assistant message, and its request's usage.
        var model: String?
        var usage: Totals?
    }

    /// Version 2 saved the pending message as text; version 3 as a message.
    enum Pending: Codable {
        case text(String)
        case message(Message)

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let text = try? container.decode(String.self) {
                self = .text(text)
            } else {
                self = .message(try container.decode(Message.self))
            }
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            switch self {
            case .text(let text): try container.encode(text)
            case .message(let message): try container.encode(message)
            }
        }
    }

    var version: Int
    var saved_at: Int64?
    /// Version 4: the conversation's id.
    var id: String?
    var model: String
    var system_prompt: String?
    var usage: Totals?
    /// Versions 2 and 3: the unanswered message.
    var pending: Pending?
    /// Version 4: the current position (the last message of the current branch).
    var leaf: Int?
    var messages: [Message]
}

/// A saved message that cannot be used; `reason` says which and why.
struct ArchiveProblem: Error, Sendable {
    var reason: String
}

extension ArchiveFile.Message {
    init(_ message: ChatMessage, attachments mode: SessionArchive.AttachmentData) {
        role = message.role.rawValue
        content = message.content
        let stored = message.attachments.map { attachment -> ArchiveFile.StoredAttachment in
            var item = ArchiveFile.StoredAttachment(
                id: attachment.id, kind: attachment.kind.rawValue, name: attachment.name, media_type: attachment.mediaType,
                bytes: attachment.byteCount)
            switch (attachment.source, mode) {
            case (.url(let url), _): item.url = url
            case (.data(let base64), .inline): item.data = base64
            case (.data, .referenced): item.blob = attachment.id
            }
            return item
        }
        attachments = stored.isEmpty ? nil : stored
        tool_calls = message.toolCalls.isEmpty ? nil : message.toolCalls.map { .init(id: $0.id, name: $0.name, arguments: $0.arguments) }
        tool_call_id = message.toolCallID
        reasoning_details = message.reasoningDetails?.text
    }

    /// A version 4 message: the node's message, its id and parent, model and usage.
    init(_ node: ConversationTree.Node, attachments mode: SessionArchive.AttachmentData) {
        self.init(node.message, attachments: mode)
        id = node.id
        parent = node.parent
        model = node.model
        usage = node.usage.map(ArchiveFile.Totals.init)
    }

    /// The node of a version 4 message; `place` names it in errors.
    func node(at place: String, blob: (String) -> String?) throws(ArchiveProblem) -> ConversationTree.Node {
        guard let id else { throw ArchiveProblem(reason: "\(place) has no \"id\"") }
        return ConversationTree.Node(
            id: id, parent: parent, message: try message(at: place, blob: blob), model: model, usage: usage?.usage)
    }

    /// The message; `place` names it in errors ("message 3").
    func message(at place: String, blob: (String) -> String?) throws(ArchiveProblem) -> ChatMessage {
        guard let role = Role(rawValue: role), role != .system else {
            throw ArchiveProblem(reason: "\(place) has role \"\(self.role)\"; expected user, assistant or tool")
        }
        var parts: [ContentPart] = content.isEmpty ? [] : [.text(content)]
        for item in attachments ?? [] {
            guard let kind = Attachment.Kind(rawValue: item.kind) else {
                throw ArchiveProblem(reason: "\(place) has an attachment of unknown kind \"\(item.kind)\"")
            }
            let source: Attachment.Source
            if let url = item.url {
                source = .url(url)
            } else if let data = item.data {
                source = .data(base64: data)
            } else if let id = item.blob, let data = blob(id) {
                source = .data(base64: data)
            } else {
                throw ArchiveProblem(reason: "\(place): the attached \(item.name) is missing (its copy beside the session file is gone)")
            }
            parts.append(
                .attachment(
                    Attachment(
                        id: item.id, kind: kind, name: item.name, mediaType: item.media_type, byteCount: max(0, item.bytes),
                        source: source)))
        }
        var details: RawJSON?
        if let text = reasoning_details {
            guard let raw = RawJSON(validating: text) else {
                throw ArchiveProblem(reason: "\(place) has reasoning details that are not JSON")
            }
            details = raw
        }
        return ChatMessage(
            role: role, parts: parts, toolCalls: (tool_calls ?? []).map { ToolCall(id: $0.id, name: $0.name, arguments: $0.arguments) },
            toolCallID: tool_call_id, reasoningDetails: details)
    }
}
