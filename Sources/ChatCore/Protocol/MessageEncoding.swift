// How a message of the conversation is written into a request.

extension JSONWriter {
    /// `{"role","content"}`, plus `tool_calls` and `reasoning_details` on an assistant
    /// message and `tool_call_id` on a tool message. `content` is a string unless the
    /// message has attachments; then it is an array of parts, the text part first.
    mutating func message(_ message: ChatMessage) {
        raw("{\"role\":")
        string(message.role.rawValue)
        raw(",\"content\":")
        let attachments = message.attachments
        if attachments.isEmpty {
            string(message.content)
        } else {
            raw("[")
            let text = message.content
            var first = true
            if !text.isEmpty {
                raw("{\"type\":\"text\",\"text\":")
                string(text)
                raw("}")
                first = false
            }
            for attachment in attachments {
                if !first { raw(",") }
                first = false
                part(attachment)
            }
            raw("]")
        }
        if !message.toolCalls.isEmpty {
            raw(",\"tool_calls\":[")
            for (i, call) in message.toolCalls.enumerated() {
                if i > 0 { raw(",") }
                raw("{\"id\":")
                string(call.id)
                raw(",\"type\":\"function\",\"function\":{\"name\":")
                string(call.name)
                raw(",\"arguments\":")
                string(call.arguments)
                raw("}}")
            }
            raw("]")
        }
        if let id = message.toolCallID {
            raw(",\"tool_call_id\":")
            string(id)
        }
        if let details = message.reasoningDetails {
            raw(",\"reasoning_details\":")
            raw(details.text)
        }
        raw("}")
    }

    /// An attachment's content part: `image_url`, `file` or `input_audio`.
    mutating func part(_ attachment: Attachment) {
        switch (attachment.kind, attachment.source) {
        case (.image, .url(let url)):
            raw("{\"type\":\"image_url\",\"image_url\":{\"url\":")
            string(url)
            raw("}}")
        case (.image, .data(let base64)):
            raw("{\"type\":\"image_url\",\"image_url\":{\"url\":\"data:\(attachment.mediaType);base64,")
            shared(base64)
            raw("\"}}")
        case (.pdf, let source):
            raw("{\"type\":\"file\",\"file\":{\"filename\":")
            string(attachment.name)
            raw(",\"file_data\":")
            switch source {
            case .url(let url):
                string(url)
            case .data(let base64):
                raw("\"data:application/pdf;base64,")
                shared(base64)
                raw("\"")
            }
            raw("}}")
        case (.audio, let source):
            raw("{\"type\":\"input_audio\",\"input_audio\":{\"data\":")
            switch source {
            case .url(let url): string(url)  // refused when attached; kept valid JSON regardless
            case .data(let base64):
                raw("\"")
                shared(base64)
                raw("\"")
            }
            raw(",\"format\":\"\(attachment.audioFormat)\"}}")
        }
    }

    /// `{"type":"function","function":{"name","description","parameters"}}`.
    mutating func tool(_ tool: ToolDefinition) {
        raw("{\"type\":\"function\",\"function\":{\"name\":")
        string(tool.name)
        raw(",\"description\":")
        string(tool.description)
        raw(",\"parameters\":")
        raw(tool.parameters.text)
        raw("}}")
    }
}

extension ChatMessage {
    /// Bytes this message takes in a request, roughly, to reserve the buffer once.
    var encodedSizeEstimate: Int {
        var size = 48
        for part in parts {
            switch part {
            case .text(let text): size += text.utf8.count + text.utf8.count / 16
            case .attachment: size += 160  // large data is taken by reference
            }
        }
        for call in toolCalls { size += call.arguments.utf8.count + call.name.utf8.count + 64 }
        if let details = reasoningDetails { size += details.text.utf8.count + 24 }
        return size
    }
}
