/// What a file is, from its first bytes: the kinds a message can carry.
public enum FileContent: Sendable, Equatable {
    case image(mediaType: String)
    case pdf
    case audio(mediaType: String)
    /// Valid UTF-8 without NUL: inlined into the message.
    case text(String)
    /// Anything else: refused.
    case unknownBinary

    /// The kinds `-f` and `/file` accept, for messages that refuse something else.
    public static let acceptedKinds = "text, PNG, JPEG, WebP, GIF, PDF, WAV or MP3"

    /// An image, PDF or audio file, from its first bytes (16 are enough); nil for anything else.
    public static func binaryKind(_ bytes: some RandomAccessCollection<UInt8>) -> FileContent? {
        let bytes = Array(bytes.prefix(16))
        func starts(_ prefix: [UInt8], at offset: Int = 0) -> Bool {
            bytes.count >= offset + prefix.count && Array(bytes[offset..<offset + prefix.count]) == prefix
        }
        let riff = starts(Array("RIFF".utf8))
        if starts([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .image(mediaType: "image/png") }
        if starts([0xFF, 0xD8, 0xFF]) { return .image(mediaType: "image/jpeg") }
        if starts(Array("GIF87a".utf8)) || starts(Array("GIF89a".utf8)) { return .image(mediaType: "image/gif") }
        if riff && starts(Array("WEBP".utf8), at: 8) { return .image(mediaType: "image/webp") }
        if riff && starts(Array("WAVE".utf8), at: 8) { return .audio(mediaType: "audio/wav") }
        if starts(Array("%PDF-".utf8)) { return .pdf }
        if starts(Array("ID3".utf8)) { return .audio(mediaType: "audio/mpeg") }
        // An MPEG audio frame header: 11 sync bits, then layer III.
        if bytes.count >= 4, bytes[0] == 0xFF, bytes[1] & 0xE0 == 0xE0, bytes[1] & 0x06 == 0x02, bytes[2] & 0xF0 != 0xF0 {
            return .audio(mediaType: "audio/mpeg")
        }
        return nil
    }

    /// Looks at the magic bytes, never at the name.
    public static func sniff(_ bytes: [UInt8]) -> FileContent {
        if let kind = binaryKind(bytes) { return kind }
        if !bytes.contains(0), let text = String(validating: bytes, as: UTF8.self) { return .text(text) }
        return .unknownBinary
    }
}
