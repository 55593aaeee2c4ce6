#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A text file attached to a message, inlined as a fenced block with its name.
public struct Attachment: Sendable, Equatable {
    public var path: String
    public var content: String

    /// Largest file accepted (bytes).
    public static let maxBytes = 512 * 1024

    /// Why a file cannot be attached: one line, nothing is sent.
    public struct LoadError: Error, Sendable, Equatable {
        public var message: String
    }

    /// Reads `path`, refusing directories, binary content and files over `maxBytes`.
    public static func load(_ path: String) throws(LoadError) -> Attachment {
        let bytes: [UInt8]
        do {
            bytes = try FileBytes.contents(of: path, limit: maxBytes + 1)
        } catch {
            switch error.code {
            case ENOENT: throw LoadError(message: "cannot attach \(path): no such file")
            case EISDIR: throw LoadError(message: "cannot attach \(path): it is a directory")
            case EACCES: throw LoadError(message: "cannot attach \(path): permission denied")
            default: throw LoadError(message: "cannot attach \(path): \(error.reason)")
            }
        }
        if bytes.count > maxBytes {
            throw LoadError(message: "cannot attach \(path): larger than \(maxBytes / 1024) KiB (the limit for attachments)")
        }
        if bytes.contains(0) {
            throw LoadError(message: "cannot attach \(path): it is a binary file; only text files can be attached")
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw LoadError(message: "cannot attach \(path): it is not UTF-8 text; only text files can be attached")
        }
        return Attachment(path: path, content: text)
    }

    /// The block inserted into the message.
    public var rendered: String {
        var fence = "```"
        while content.contains(fence) { fence += "`" }
        let name = PathText.lastComponent(path)
        return "\(name):\n\(fence)\n\(content)\(content.hasSuffix("\n") ? "" : "\n")\(fence)"
    }

    /// The message with attachments after the text.
    public static func compose(_ text: String, attachments: [Attachment]) -> String {
        guard !attachments.isEmpty else { return text }
        let blocks = attachments.map(\.rendered).joined(separator: "\n\n")
        return text.isEmpty ? blocks : text + "\n\n" + blocks
    }
}

extension ChatResponse {
    /// The one JSON object of `--json`: `{"content","model","usage"}`.
    public func jsonObject(requestedModel: String) -> String {
        var out = JSONWriter()
        out.raw("{\"content\":")
        out.string(content)
        out.raw(",\"model\":")
        out.string(model ?? requestedModel)
        out.raw(",\"usage\":")
        if let usage {
            out.raw("{\"prompt_tokens\":\(usage.promptTokens),\"completion_tokens\":\(usage.completionTokens),\"total_tokens\":\(usage.totalTokens)")
            if let cost = usage.cost {
                out.raw(",\"cost\":")
                out.raw(String(cost))
            }
            out.raw("}")
        } else {
            out.raw("null")
        }
        out.raw("}")
        return String(decoding: out.bytes, as: UTF8.self)
    }
}
