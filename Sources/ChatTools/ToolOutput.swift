import ChatCore
import Foundation
import MCP

/// A `tools/call` result as the text the model reads.
///
/// Text parts are joined; every other kind of content (image, audio, embedded resource,
/// resource link) is one line saying what was there, because the chat request carries tool
/// results as text only. The text is cut at ``limit`` bytes so one tool cannot fill the
/// context window or the autosave, with a note saying how much was left out.
enum ToolOutput {
    /// The most bytes of a result the model is given (the contract's 64 KB).
    static let limit = 64 * 1024

    static func text(of result: CallTool.Result) -> ToolResult {
        var parts = result.content.map(describe)
        if parts.isEmpty, let structured = result.structuredContent {
            // A server that gives only structured content still has something to say.
            parts.append(json(structured))
        }
        return ToolResult(content: cut(parts.joined(separator: "\n")), isError: result.isError ?? false)
    }

    /// `text` when it fits in `limit` bytes; else its first `limit` bytes (ending on a
    /// character boundary) and a note of how much was cut.
    static func cut(_ text: String, limit: Int = limit) -> String {
        let utf8 = text.utf8
        guard utf8.count > limit else { return text }
        var end = utf8.index(utf8.startIndex, offsetBy: limit)
        // Step back over continuation bytes (10xxxxxx) so no character is split.
        while end > utf8.startIndex, utf8[end] & 0xC0 == 0x80 {
            end = utf8.index(before: end)
        }
        let kept = String(decoding: utf8[..<end], as: UTF8.self)
        let cutBytes = utf8.count - kept.utf8.count
        return kept
            + "\n[tool output cut at \(ByteCountText.describe(limit)): \(ByteCountText.describe(cutBytes)) (\(cutBytes) bytes) more not shown]"
    }

    private static func describe(_ content: Tool.Content) -> String {
        switch content {
        case .text(let text, _, _):
            return text
        case .image(let data, let mimeType, _, _):
            return note("image", mimeType: mimeType, bytes: ByteCountText.decodedSize(ofBase64: data))
        case .audio(let data, let mimeType, _, _):
            return note("audio", mimeType: mimeType, bytes: ByteCountText.decodedSize(ofBase64: data))
        case .resource(let resource, _, _):
            let bytes = resource.text.map(\.utf8.count) ?? resource.blob.map(ByteCountText.decodedSize(ofBase64:)) ?? 0
            return note("resource", mimeType: resource.mimeType, bytes: bytes, uri: resource.uri)
        case .resourceLink(let uri, let name, _, _, let mimeType, _):
            let type = mimeType.map { " (\(oneLine($0)))" } ?? ""
            return "[resource link \(oneLine(name)) \(oneLine(uri))\(type), not shown to the model]"
        }
    }

    private static func note(_ kind: String, mimeType: String?, bytes: Int, uri: String? = nil) -> String {
        let type = mimeType.map { " (\(oneLine($0)))" } ?? ""
        let place = uri.map { ", \(oneLine($0))" } ?? ""
        return "[\(kind) content, \(ByteCountText.describe(bytes))\(type)\(place), not shown to the model]"
    }

    private static func oneLine(_ text: String) -> String {
        TerminalText.oneLine(text, limit: 200)
    }

    private static func json(_ value: Value) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? String(decoding: encoder.encode(value), as: UTF8.self)) ?? ""
    }
}
