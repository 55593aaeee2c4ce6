import ChatCore

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

/// Files and URLs attached with `-f` and `/file`: read once, recognised by their content,
/// base64-encoded once. `~` and globs are expanded.
public struct AttachmentFiles: AttachmentSource {
    /// Largest file accepted, in bytes (`max_attachment_mb`).
    public var maxBytes: Int

    public init(maxBytes: Int = 20 * 1024 * 1024) {
        self.maxBytes = maxBytes
    }

    public func load(_ argument: String) throws(AttachmentRefusal) -> [LoadedFile] {
        let paths = FileGlob.expand(PathExpansion.expandingTilde(argument))
        guard !paths.isEmpty else { throw AttachmentRefusal(message: "cannot attach \(argument): no such file") }
        var loaded: [LoadedFile] = []
        for path in paths { loaded.append(try file(path)) }
        return loaded
    }

    /// Reads `path` (or takes the `http(s)://` URL as it is).
    public func file(_ path: String) throws(AttachmentRefusal) -> LoadedFile {
        let lower = path.lowercased()
        if lower.hasPrefix("https://") || lower.hasPrefix("http://") {
            return .attachment(try url(path))
        }
        let bytes: [UInt8]
        do {
            bytes = try FileBytes.contents(of: path, limit: maxBytes + 1)
        } catch {
            switch error.code {
            case ENOENT: throw AttachmentRefusal(message: "cannot attach \(path): no such file")
            case EISDIR: throw AttachmentRefusal(message: "cannot attach \(path): it is a directory")
            case EACCES: throw AttachmentRefusal(message: "cannot attach \(path): permission denied")
            default: throw AttachmentRefusal(message: "cannot attach \(path): \(error.reason)")
            }
        }
        if bytes.count > maxBytes {
            throw AttachmentRefusal(message: "cannot attach \(path): larger than \(Self.megabytes(maxBytes)) MB (max_attachment_mb)")
        }
        let name = PathText.lastComponent(path)
        func binary(_ kind: Attachment.Kind, _ mediaType: String) -> LoadedFile {
            .attachment(
                Attachment(
                    id: PrivateFile.randomSuffix(), kind: kind, name: name, mediaType: mediaType, byteCount: bytes.count,
                    source: .data(base64: Data(bytes).base64EncodedString())))
        }
        switch FileContent.sniff(bytes) {
        case .image(let mediaType): return binary(.image, mediaType)
        case .pdf: return binary(.pdf, "application/pdf")
        case .audio(let mediaType): return binary(.audio, mediaType)
        case .text(let text): return .text(TextFile(path: path, content: text))
        case .unknownBinary:
            throw AttachmentRefusal(message: "cannot attach \(path): not a file kind that can be sent; attach \(FileContent.acceptedKinds)")
        }
    }

    /// A URL, sent as it is: a PDF when its path ends in `.pdf`, else an image.
    func url(_ url: String) throws(AttachmentRefusal) -> Attachment {
        guard URLParts(url) != nil, !url.contains(where: { $0.isWhitespace }) else {
            throw AttachmentRefusal(message: "cannot attach \(url): not a usable URL")
        }
        let path = url.split(whereSeparator: { $0 == "?" || $0 == "#" }).first.map(String.init) ?? url
        let isPDF = path.lowercased().hasSuffix(".pdf")
        let mediaType = isPDF ? "application/pdf" : Self.imageType(path)
        return Attachment(
            id: PrivateFile.randomSuffix(), kind: isPDF ? .pdf : .image, name: url, mediaType: mediaType, byteCount: 0,
            source: .url(url))
    }

    static func imageType(_ path: String) -> String {
        let lower = path.lowercased()
        if lower.hasSuffix(".jpg") || lower.hasSuffix(".jpeg") { return "image/jpeg" }
        if lower.hasSuffix(".webp") { return "image/webp" }
        if lower.hasSuffix(".gif") { return "image/gif" }
        return "image/png"
    }

    static func megabytes(_ bytes: Int) -> String {
        bytes % (1024 * 1024) == 0 ? String(bytes / (1024 * 1024)) : UsageText.seconds(Double(bytes) / (1024 * 1024))
    }
}

/// Shell-style glob expansion for `/file`.
public enum FileGlob {
    /// The paths matching `pattern`, sorted; a pattern without wildcards (or a URL) is returned as it is.
    public static func expand(_ pattern: String) -> [String] {
        let lower = pattern.lowercased()
        if lower.hasPrefix("https://") || lower.hasPrefix("http://") { return [pattern] }
        guard pattern.contains(where: { "*?[".contains($0) }) else { return [pattern] }
        var matches = glob_t()
        defer { globfree(&matches) }
        guard glob(pattern, 0, nil, &matches) == 0 else { return [] }
        return (0..<Int(matches.gl_pathc)).compactMap { matches.gl_pathv[$0].map { String(cString: $0) } }.sorted()
    }
}
