/// An image, PDF or audio file — or the URL of one — attached to a message.
///
/// The file is read and base64-encoded once, when it is attached; the encoded text then
/// travels with the message in every later request, and into the saved conversation, so a
/// resumed session resends it without reading the file again.
public struct Attachment: Sendable, Equatable {
    /// What the content is, from its bytes (or, for a URL, its path).
    public enum Kind: String, Sendable, Equatable, Codable, CaseIterable {
        case image, pdf, audio

        /// The `architecture.input_modalities` entry of `GET /models` a model needs for it.
        public var modality: String {
            switch self {
            case .image: "image"
            case .pdf: "file"
            case .audio: "audio"
            }
        }
    }

    /// Where the content is.
    public enum Source: Sendable, Equatable {
        /// The file's bytes, base64-encoded (standard alphabet, padded).
        case data(base64: String)
        /// A URL sent as it is; the client never downloads it.
        case url(String)
    }

    /// Stable for the life of the attachment: names its copy beside the saved session.
    public var id: String
    public var kind: Kind
    /// The file name (last path component), or the URL.
    public var name: String
    /// `image/png`, `image/jpeg`, `image/webp`, `image/gif`, `application/pdf`, `audio/wav`, `audio/mpeg`.
    public var mediaType: String
    /// Size of the file in bytes (0 for a URL).
    public var byteCount: Int
    public var source: Source

    public init(id: String, kind: Kind, name: String, mediaType: String, byteCount: Int, source: Source) {
        self.id = id
        self.kind = kind
        self.name = name
        self.mediaType = mediaType
        self.byteCount = byteCount
        self.source = source
    }

    /// `input_audio.format`: `wav` or `mp3`.
    public var audioFormat: String {
        mediaType == "audio/mpeg" ? "mp3" : "wav"
    }

    /// How the attachment is shown in `/history`, `/export` and notices: `[image: cat.png, 1.2 MB]`,
    /// `[pdf: https://example.com/a.pdf]`. Never the data.
    public var label: String {
        switch source {
        case .url(let url): "[\(kind.rawValue): \(url)]"
        case .data: "[\(kind.rawValue): \(name), \(Self.size(byteCount))]"
        }
    }

    /// `512 B`, `14.2 KB`, `1.2 MB` (decimal units, as file managers show).
    public static func size(_ bytes: Int) -> String {
        if bytes < 1000 { return "\(bytes) B" }
        let units = ["KB", "MB", "GB", "TB"]
        var value = Double(bytes) / 1000
        var unit = 0
        while value >= 999.95 && unit < units.count - 1 {
            value /= 1000
            unit += 1
        }
        let tenths = Int((value * 10).rounded())
        return "\(tenths / 10).\(tenths % 10) \(units[unit])"
    }
}

/// A text file attached to a message: inlined into the message's text as a fenced block
/// with its name, as every model can read it.
public struct TextFile: Sendable, Equatable {
    /// The path as the user gave it.
    public var path: String
    public var content: String

    public init(path: String, content: String) {
        self.path = path
        self.content = content
    }

    /// The block inserted into the message.
    public var rendered: String {
        var fence = "```"
        while content.contains(fence) { fence += "`" }
        let name = PathText.lastComponent(path)
        return "\(name):\n\(fence)\n\(content)\(content.hasSuffix("\n") ? "" : "\n")\(fence)"
    }

    /// The message text with the files' blocks after it.
    public static func compose(_ text: String, files: [TextFile]) -> String {
        guard !files.isEmpty else { return text }
        let blocks = files.map(\.rendered).joined(separator: "\n\n")
        return text.isEmpty ? blocks : text + "\n\n" + blocks
    }
}
