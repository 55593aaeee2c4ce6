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
    /// Most bytes all files of one message may hold (`max_attachments_mb`).
    public var maxTotalBytes: Int

    public init(maxBytes: Int = 20 * 1024 * 1024, maxTotalBytes: Int = 50 * 1024 * 1024) {
        self.maxBytes = maxBytes
        self.maxTotalBytes = maxTotalBytes
    }

    public func load(_ argument: String, attachedBytes: Int) throws(UsageError) -> [LoadedFile] {
        let paths = FileGlob.expand(PathExpansion.expandingTilde(argument))
        guard !paths.isEmpty else { throw UsageError("cannot attach \(argument): no such file") }
        var loaded: [LoadedFile] = []
        var total = attachedBytes
        for path in paths {
            let file = try file(path, attachedBytes: total)
            total += file.byteCount
            loaded.append(file)
        }
        return loaded
    }

    /// Reads `path` (or takes the `http(s)://` URL as it is), to join `attachedBytes` of files
    /// already attached to the message.
    public func file(_ path: String, attachedBytes: Int = 0) throws(UsageError) -> LoadedFile {
        let lower = path.lowercased()
        if lower.hasPrefix("https://") || lower.hasPrefix("http://") {
            return .attachment(try url(path))
        }
        do {
            return try read(path, attachedBytes: attachedBytes)
        } catch let error as FileBytes.ReadError {
            switch error.code {
            case ENOENT: throw UsageError("cannot attach \(path): no such file")
            case EISDIR: throw UsageError("cannot attach \(path): it is a directory")
            case EACCES: throw UsageError("cannot attach \(path): permission denied")
            default: throw UsageError("cannot attach \(path): \(error.reason)")
            }
        } catch let refusal as UsageError {
            throw refusal
        } catch {
            throw UsageError("cannot attach \(path)")
        }
    }

    /// Reads and recognises `path`. An image, PDF or audio file is base64-encoded as it is
    /// read, a piece at a time, so a 20 MB image costs its 27 MB of base64 and little more.
    private func read(_ path: String, attachedBytes: Int) throws -> LoadedFile {
        let file = try FileBytes.Reader(path: path)
        let tooLarge = UsageError("cannot attach \(path): larger than \(Self.megabytes(maxBytes)) MB (max_attachment_mb)")
        if file.size > maxBytes { throw tooLarge }
        // Refused by its size before it is read: fifteen 19 MB files never sit in memory together.
        if attachedBytes + file.size > maxTotalBytes { throw totalTooLarge(path, attachedBytes + file.size) }
        var bytes: [UInt8] = []
        try file.read(16, into: &bytes)
        let name = PathText.lastComponent(path)
        if let kind = FileContent.binaryKind(bytes) {
            let (base64, count) = try Self.base64(of: file, startingWith: bytes, limit: maxBytes)
            guard count <= maxBytes else { throw tooLarge }
            if attachedBytes + count > maxTotalBytes { throw totalTooLarge(path, attachedBytes + count) }
            let attachment = { (kind: Attachment.Kind, mediaType: String) in
                LoadedFile.attachment(
                    Attachment(
                        id: PrivateFile.randomSuffix(), kind: kind, name: name, mediaType: mediaType, byteCount: count,
                        source: .data(base64: base64)))
            }
            switch kind {
            case .image(let mediaType): return attachment(.image, mediaType)
            case .pdf: return attachment(.pdf, "application/pdf")
            case .audio(let mediaType): return attachment(.audio, mediaType)
            case .text, .unknownBinary: break
            }
        }
        try file.read(maxBytes + 1 - bytes.count, into: &bytes)
        if bytes.count > maxBytes { throw tooLarge }
        if attachedBytes + bytes.count > maxTotalBytes { throw totalTooLarge(path, attachedBytes + bytes.count) }
        switch FileContent.sniff(bytes) {
        case .text(let text): return .text(TextFile(path: path, content: text))
        case .image, .pdf, .audio, .unknownBinary:
            throw UsageError("cannot attach \(path): not a file kind that can be sent; attach \(FileContent.acceptedKinds)")
        }
    }

    /// The refusal of `path` when it would bring the message's files to `total` bytes.
    private func totalTooLarge(_ path: String, _ total: Int) -> UsageError {
        UsageError(
            "cannot attach \(path): the message's files would total \(Self.megabytes(total)) MB, over "
                + "\(Self.megabytes(maxTotalBytes)) MB (max_attachments_mb); attach fewer or raise max_attachments_mb")
    }

    /// The base64 of `first` and the rest of `file`, read 768 KB at a time (a multiple of 3,
    /// so the pieces' encodings join without padding between them), and the byte count. Stops
    /// reading once past `limit` (a file that grew after it was opened).
    static func base64(of file: FileBytes.Reader, startingWith first: [UInt8], limit: Int) throws -> (String, Int) {
        var text = ""
        text.reserveCapacity((max(file.size, first.count) + 2) / 3 * 4)
        var pending = first
        var count = first.count
        let piece = 3 * 256 * 1024
        while true {
            let got = try file.read(piece, into: &pending)
            count += got
            let whole = got == 0 || count > limit ? pending.count : pending.count / 3 * 3
            if whole > 0 {
                text += Data(pending[0..<whole]).base64EncodedString()
                pending.removeFirst(whole)
            }
            if got == 0 || count > limit { return (text, count) }
        }
    }

    /// A URL, sent as it is: a PDF when its path ends in `.pdf`, else an image.
    func url(_ url: String) throws(UsageError) -> Attachment {
        guard URLParts(url) != nil, !url.contains(where: { $0.isWhitespace }) else {
            throw UsageError("cannot attach \(url): not a usable URL")
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
