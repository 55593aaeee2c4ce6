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

    /// The bytes it adds to a message (what `max_attachments_mb` counts): a text file's
    /// UTF-8, an attachment's file size; a URL adds nothing (it is not read).
    public var byteCount: Int {
        switch self {
        case .text(let file): file.content.utf8.count
        case .attachment(let attachment): attachment.byteCount
        }
    }
}

/// Reads what `-f` and `/file` name: paths (with `~` and globs) and `http(s)://` URLs.
public protocol AttachmentSource: Sendable {
    /// Every file `argument` names, read; the first refusal stops it, and so does a file that
    /// would take the message's files past ``maxTotalBytes`` (`attachedBytes` are attached
    /// already), before it is read whole.
    func load(_ argument: String, attachedBytes: Int) throws(UsageError) -> [LoadedFile]
    /// The most all files of one message may hold together (`max_attachments_mb`).
    var maxTotalBytes: Int { get }
}

extension AttachmentSource {
    /// Every file `argument` names, read, as the first files of a message.
    public func load(_ argument: String) throws(UsageError) -> [LoadedFile] {
        try load(argument, attachedBytes: 0)
    }

    /// Every file the `arguments` name, read, to join `attached` in one message; the first
    /// refusal (a file, or the total past ``maxTotalBytes``) stops it and returns nothing.
    public func load(_ arguments: [String], joining attached: [LoadedFile]) throws(UsageError) -> [LoadedFile] {
        var total = attached.reduce(0) { $0 + $1.byteCount }
        var added: [LoadedFile] = []
        for argument in arguments {
            let files = try load(argument, attachedBytes: total)
            total += files.reduce(0) { $0 + $1.byteCount }
            added += files
        }
        return added
    }
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
