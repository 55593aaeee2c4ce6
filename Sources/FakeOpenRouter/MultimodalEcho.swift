import Foundation

/// What the echo says about attachments: one ` [KIND …]` note per non-text part of the last
/// user message, then one per document plugin, so a test or a demo sees what arrived.
///
/// `[image image/png 67 B]` (the media type of the data URL and the size of its decoded
/// base64), `[image https://…]`, `[file NAME.pdf 1234 B]`, `[file https://…]`,
/// `[audio wav 44 B]`, `[plugin file-parser ENGINE]`; base64 that does not decode says
/// `invalid base64` instead of a size.
enum MultimodalEcho {
    /// The notes for `request`; empty for a request with text only.
    static func notes(for request: RecordedRequest) -> String {
        let messages = request.json?["messages"] as? [[String: Any]] ?? []
        let lastUser = messages.lastIndex(where: { $0["role"] as? String == "user" })
        let parts = lastUser.map { request.parts[$0] } ?? []
        let plugins = request.json?["plugins"] as? [[String: Any]] ?? []
        let notes = parts.compactMap(note(for:)) + plugins.compactMap(note(forPlugin:))
        return notes.map { " [\($0)]" }.joined()
    }

    /// The note for one content part; nil for a text part.
    static func note(for part: [String: Any]) -> String? {
        let type = part["type"] as? String ?? "unknown"
        switch type {
        case "text":
            return nil
        case "image_url":
            let url = (part["image_url"] as? [String: Any])?["url"] as? String ?? ""
            guard let data = DataURL(url) else { return "image \(url)" }
            return "image \(data.mediaType) \(data.sizeDescription)"
        case "file":
            let file = part["file"] as? [String: Any] ?? [:]
            let name = file["filename"] as? String ?? "unnamed"
            guard let fileData = file["file_data"] as? String else {
                return "file \(name) id \(file["file_id"] as? String ?? "none")"
            }
            guard let data = DataURL(fileData) else { return "file \(fileData)" }
            return "file \(name) \(data.sizeDescription)"
        case "input_audio":
            let audio = part["input_audio"] as? [String: Any] ?? [:]
            let format = audio["format"] as? String ?? "unknown"
            // Audio is bare base64 (no `data:` prefix); a prefix makes it fail to decode, as it should.
            return "audio \(format) \(sizeDescription(decoding: audio["data"] as? String ?? ""))"
        default:
            return type
        }
    }

    private static func note(forPlugin plugin: [String: Any]) -> String? {
        guard plugin["id"] as? String == "file-parser" else { return nil }
        guard let engine = (plugin["pdf"] as? [String: Any])?["engine"] as? String else { return "plugin file-parser" }
        return "plugin file-parser \(engine)"
    }

    /// `"67 B"` for base64 of 67 bytes, `"invalid base64"` when it does not decode.
    static func sizeDescription(decoding base64: String) -> String {
        Data(base64Encoded: base64).map { "\($0.count) B" } ?? "invalid base64"
    }

    /// A `data:` URL split into its media type and payload.
    private struct DataURL {
        var mediaType: String
        var isBase64: Bool
        var payload: Substring

        init?(_ url: String) {
            guard url.hasPrefix("data:"), let comma = url.firstIndex(of: ",") else { return nil }
            let header = url[url.index(url.startIndex, offsetBy: "data:".count)..<comma].split(separator: ";")
            mediaType = header.first.flatMap { $0 == "base64" ? nil : String($0) } ?? "text/plain"
            isBase64 = header.contains("base64")
            payload = url[url.index(after: comma)...]
        }

        var sizeDescription: String {
            isBase64
                ? MultimodalEcho.sizeDescription(decoding: String(payload))
                : "\((payload.removingPercentEncoding ?? String(payload)).utf8.count) B"
        }
    }
}
