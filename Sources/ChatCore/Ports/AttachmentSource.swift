/// What `-f` and `/file` read: a file's text (inlined into the message) or an attachment.
public enum LoadedFile: Sendable, Equatable {
    case text(TextFile)
    case attachment(Attachment)

    /// The name shown in notices.
    public var name: String {
        switch self {
        case .text(let file): file.path
        case .attachment(let attachment): attachment.name
        }
    }
}

/// Why a file cannot be attached: one line naming it; nothing is sent.
public struct AttachmentRefusal: Error, Sendable, Equatable {
    public var message: String

    public init(message: String) {
        self.message = message
    }
}

/// Reads what `-f` and `/file` name: paths (with `~` and globs) and `http(s)://` URLs.
public protocol AttachmentSource: Sendable {
    /// Every file `argument` names, read; the first refusal stops it.
    func load(_ argument: String) throws(AttachmentRefusal) -> [LoadedFile]
}

extension ChatMessage {
    /// A user message: the text with the text files' blocks after it, then the attachments.
    public static func user(_ text: String, files: [LoadedFile]) -> ChatMessage {
        var textFiles: [TextFile] = []
        var attachments: [Attachment] = []
        for file in files {
            switch file {
            case .text(let textFile): textFiles.append(textFile)
            case .attachment(let attachment): attachments.append(attachment)
            }
        }
        let content = TextFile.compose(text, files: textFiles)
        return ChatMessage(role: .user, parts: (content.isEmpty ? [] : [.text(content)]) + attachments.map { .attachment($0) })
    }
}
