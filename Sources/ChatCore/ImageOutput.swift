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

// Image output: decoding `data:image/…;base64,…` URLs, finding them in answers, and saving
// image files with unique, readable names.

/// Why an image could not be decoded, generated or saved. `message` is one line for stderr.
public struct ImageError: Error, Sendable, Equatable, CustomStringConvertible {
    /// One line that says what failed and, where it helps, what to do.
    public var message: String
    /// Process exit code of SPEC.md: 2 for a usage or config problem (a missing key), else 1.
    public var exitCode: Int32

    public init(_ message: String, exitCode: Int32 = 1) {
        self.message = message
        self.exitCode = exitCode
    }

    public var description: String { message }
}

/// The image formats that are saved, with their file extensions.
public enum ImageFormat: String, Sendable, Equatable, CaseIterable {
    case png, jpeg, webp, gif

    /// The file extension without the dot: `png`, `jpg`, `webp`, `gif`.
    public var fileExtension: String {
        switch self {
        case .png: "png"
        case .jpeg: "jpg"
        case .webp: "webp"
        case .gif: "gif"
        }
    }

    /// The canonical media type, such as `image/png`.
    public var mimeType: String { "image/" + rawValue }

    /// The format named by a media type such as `image/png` or `image/jpeg; charset=binary`
    /// (case-insensitive, parameters ignored); nil when it is not one of the four.
    public init?(mimeType: String) {
        let essence = mimeType.split(separator: ";", maxSplits: 1).first.map(String.init) ?? ""
        switch essence.trimmingWhitespace().lowercased() {
        case "image/png", "image/x-png", "image/apng": self = .png
        case "image/jpeg", "image/jpg", "image/pjpeg": self = .jpeg
        case "image/webp": self = .webp
        case "image/gif": self = .gif
        default: return nil
        }
    }

    /// The format the bytes are in, from their signature; nil when it is none of the four.
    public init?(sniffing bytes: [UInt8]) {
        if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) {
            self = .png
        } else if bytes.starts(with: [0xFF, 0xD8, 0xFF]) {
            self = .jpeg
        } else if bytes.starts(with: Array("GIF87a".utf8)) || bytes.starts(with: Array("GIF89a".utf8)) {
            self = .gif
        } else if bytes.count >= 12, bytes.starts(with: Array("RIFF".utf8)), Array(bytes[8..<12]) == Array("WEBP".utf8) {
            self = .webp
        } else {
            return nil
        }
    }
}

/// One image: its bytes and media type.
public struct GeneratedImage: Sendable, Equatable {
    /// The media type, such as `image/png`.
    public var mimeType: String
    public var bytes: [UInt8]

    public init(mimeType: String, bytes: [UInt8]) {
        self.mimeType = mimeType
        self.bytes = bytes
    }

    /// The format the file is saved as: what the bytes' signature says, else what the media
    /// type says; nil when neither is png, jpeg, webp or gif.
    public var format: ImageFormat? {
        ImageFormat(sniffing: bytes) ?? ImageFormat(mimeType: mimeType)
    }

    /// An image of bytes that came without a (usable) media type, such as OpenAI's `b64_json`:
    /// the type comes from the bytes' signature, else `fallbackMimeType`.
    public init(bytes: [UInt8], fallbackMimeType: String = "image/png") {
        self.init(mimeType: ImageFormat(sniffing: bytes)?.mimeType ?? fallbackMimeType, bytes: bytes)
    }

    /// Decodes `data:image/<type>;base64,<data>`. The base64 is checked strictly (alphabet,
    /// padding, nothing after the padding); the type must be png, jpeg, webp or gif.
    public init(dataURL: String) throws(ImageError) {
        let url = dataURL.trimmingWhitespace()
        guard url.count >= 5, url.prefix(5).lowercased() == "data:" else {
            throw ImageError("the image is not a data: URL (it starts with \"\(Self.preview(url, 24))\")")
        }
        guard let comma = url.firstIndex(of: ",") else {
            throw ImageError("the image data URL has no ',' before its data")
        }
        let header = url[url.index(url.startIndex, offsetBy: 5)..<comma]
        var parameters = header.split(separator: ";", omittingEmptySubsequences: false).map {
            $0.trimmingWhitespace().lowercased()
        }
        let mimeType = parameters.isEmpty ? "" : parameters.removeFirst()
        guard parameters.contains("base64") else {
            throw ImageError("the image data URL (\(mimeType.isEmpty ? "no type" : mimeType)) is not base64-encoded")
        }
        let bytes = try StrictBase64.decode(url[url.index(after: comma)...])
        if ImageFormat(mimeType: mimeType) != nil {
            self.init(mimeType: mimeType, bytes: bytes)
        } else if let sniffed = ImageFormat(sniffing: bytes) {
            // `application/octet-stream` or no type, but the bytes are a known image.
            self.init(mimeType: sniffed.mimeType, bytes: bytes)
        } else {
            let shown = mimeType.isEmpty ? "no media type" : "\"\(Self.preview(mimeType, 40))\""
            throw ImageError("unknown image type \(shown) in the data URL; expected image/png, image/jpeg, image/webp or image/gif")
        }
    }

    static func preview(_ text: some StringProtocol, _ limit: Int) -> String {
        text.count > limit ? String(text.prefix(limit)) + "…" : String(text)
    }
}

/// Strict base64 (RFC 4648, standard alphabet) without Foundation's leniency.
public enum StrictBase64 {
    private static let values: [Int8] = {
        var table = [Int8](repeating: -1, count: 256)
        for (i, c) in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8.enumerated() {
            table[Int(c)] = Int8(i)
        }
        return table
    }()

    /// Decodes `text`. Rejected, with a one-line `ImageError`: an empty payload, a character
    /// outside the alphabet (whitespace included), `=` anywhere but the last one or two places
    /// of a padded text, a length that no encoder produces, and non-zero unused bits.
    /// Unpadded text (length 2 or 3 modulo 4 in its last group) is accepted.
    public static func decode(_ text: some StringProtocol) throws(ImageError) -> [UInt8] {
        let input = Array(text.utf8)
        guard !input.isEmpty else { throw ImageError("the image data is empty") }
        var end = input.count
        var padding = 0
        while end > 0, input[end - 1] == UInt8(ascii: "="), padding < 2 {
            end -= 1
            padding += 1
        }
        var output: [UInt8] = []
        output.reserveCapacity(end / 4 * 3 + 3)
        var accumulator: UInt32 = 0
        var bits = 0
        for i in 0..<end {
            let byte = input[i]
            let value = values[Int(byte)]
            guard value >= 0 else {
                let what: String
                switch byte {
                case UInt8(ascii: "="): what = "'=' before the end"
                case 0x20: what = "a space"
                case 0x0A, 0x0D: what = "a line break"
                case 0x09: what = "a tab"
                case 0x21...0x7E: what = "'\(Character(Unicode.Scalar(byte)))'"
                default: what = "byte 0x\(String(byte, radix: 16, uppercase: true))"
                }
                throw ImageError("invalid base64 in the image data: \(what) at position \(i + 1) of \(input.count)")
            }
            accumulator = accumulator << 6 | UInt32(value)
            bits += 6
            if bits >= 8 {
                bits -= 8
                output.append(UInt8(truncatingIfNeeded: accumulator >> UInt32(bits)))
                accumulator &= (1 << UInt32(bits)) - 1
            }
        }
        let remainder = end % 4
        guard end > 0, remainder != 1 else {
            throw ImageError("invalid base64 in the image data: its length (\(input.count) characters) is not possible; the data is truncated")
        }
        if padding > 0, (end + padding) % 4 != 0 || remainder == 0 {
            throw ImageError("invalid base64 in the image data: wrong '=' padding at the end")
        }
        guard accumulator == 0 else {
            throw ImageError("invalid base64 in the image data: the last character has unused bits set; the data is corrupt or truncated")
        }
        return output
    }

    /// Standard base64 with padding.
    public static func encode(_ bytes: [UInt8]) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var i = 0
        while i < bytes.count {
            let b0 = UInt32(bytes[i])
            let b1 = i + 1 < bytes.count ? UInt32(bytes[i + 1]) : 0
            let b2 = i + 2 < bytes.count ? UInt32(bytes[i + 2]) : 0
            let n = b0 << 16 | b1 << 8 | b2
            out.append(alphabet[Int(n >> 18 & 63)])
            out.append(alphabet[Int(n >> 12 & 63)])
            out.append(i + 1 < bytes.count ? alphabet[Int(n >> 6 & 63)] : UInt8(ascii: "="))
            out.append(i + 2 < bytes.count ? alphabet[Int(n & 63)] : UInt8(ascii: "="))
            i += 3
        }
        return String(decoding: out, as: UTF8.self)
    }
}

// MARK: - Finding images in answers

extension ChatCompletionDecoder {
    /// The image URLs (normally `data:image/…;base64,…`) of one choice of an answer or of a
    /// stream chunk: `message.images[].image_url.url` or `delta.images[].image_url.url`, and
    /// `image_url` parts of an array `content`. Pure; never throws; unknown shapes are skipped.
    public static func images(fromChoice json: JSONValue) -> [String] {
        var urls: [String] = []
        for key in ["message", "delta"] {
            guard let message = json[key] else { continue }
            if case .array(let items)? = message["images"] {
                urls += items.compactMap(imageURL)
            }
            if case .array(let parts)? = message["content"] {
                urls += parts.compactMap { part in
                    guard case .string(let type)? = part["type"], type == "image_url" else { return nil }
                    return imageURL(part)
                }
            }
        }
        return urls
    }

    /// The image URLs of the first choice of a whole answer body or of one stream chunk's JSON;
    /// empty when the text is not JSON or carries no images.
    public static func images(fromBody body: [UInt8]) -> [String] {
        guard let json = try? JSONParser.parse(body) else { return [] }
        return images(fromAnswer: json)
    }

    /// The image URLs of one SSE `data:` payload (a stream chunk); empty for `[DONE]` or non-JSON.
    public static func images(fromChunk payload: String) -> [String] {
        guard payload.contains("image") else { return [] }  // skip parsing ordinary text chunks twice
        return images(fromBody: Array(payload.utf8))
    }

    /// The image URLs of the first choice of a parsed answer or chunk.
    public static func images(fromAnswer json: JSONValue) -> [String] {
        guard case .array(let choices)? = json["choices"], let choice = choices.first else { return [] }
        return images(fromChoice: choice)
    }

    /// `{"image_url":{"url":…}}`, `{"image_url":"…"}` or `{"url":…}`.
    private static func imageURL(_ item: JSONValue) -> String? {
        if case .string(let url)? = item["image_url"]?["url"] { return url }
        if case .string(let url)? = item["image_url"] { return url }
        if case .string(let url)? = item["url"] { return url }
        if case .string(let url) = item { return url }
        return nil
    }
}

// MARK: - Saving

/// What a saved image request produced, for printing and for the conversation history.
public struct SavedImages: Sendable, Equatable {
    /// Paths of the files written, in the order the images came (relative when the image
    /// directory is relative).
    public var paths: [String]
    /// Text the model returned with the images (may be empty).
    public var text: String
    /// The model that answered, when known.
    public var model: String?

    public init(paths: [String], text: String = "", model: String? = nil) {
        self.paths = paths
        self.text = text
        self.model = model
    }

    /// A short note for the conversation history in place of the image data:
    /// `[image saved: images/a.png]`, then the model's text on the next line if there was any.
    public var historyNote: String {
        let list = "[image\(paths.count == 1 ? "" : "s") saved: \(paths.joined(separator: ", "))]"
        let trimmed = text.trimmingWhitespace()
        return trimmed.isEmpty ? list : list + "\n" + trimmed
    }
}

/// Writes image files into one directory with unique, readable names such as
/// `2026-11-25_143012_a-cat-in-a-hat.png` (`-2`, `-3`, … on a collision). Files are created
/// with `O_EXCL`, so concurrent writers never overwrite each other; nothing but the image
/// files is written there.
public struct ImageStore: Sendable {
    /// The directory as configured (`image_dir`); relative paths are relative to the current
    /// directory, and a leading `~/` is the home directory.
    public var directory: String
    /// The clock that stamps file names.
    public var now: @Sendable () -> Date
    /// The longest slug taken from the prompt, in characters.
    public var maxSlugLength: Int

    public init(directory: String, maxSlugLength: Int = 48, now: @escaping @Sendable () -> Date = { Date() }) {
        self.directory = directory
        self.maxSlugLength = maxSlugLength
        self.now = now
    }

    /// The directory with `~` expanded and trailing slashes removed.
    public var resolvedDirectory: String {
        var path = directory
        if path == "~" || path.hasPrefix("~/") {
            let home = Settings.home(ProcessInfo.processInfo.environment)
            path = home + path.dropFirst()
        }
        while path.count > 1 && path.hasSuffix("/") { path.removeLast() }
        return path.isEmpty ? "." : path
    }

    /// Saves every image (decoding all first, so a bad one saves nothing) and returns the paths.
    public func save(_ images: [GeneratedImage], prompt: String) throws(ImageError) -> [String] {
        var named: [(GeneratedImage, ImageFormat)] = []
        for image in images {
            guard let format = image.format else {
                throw ImageError("unknown image type \"\(GeneratedImage.preview(image.mimeType, 40))\"; expected image/png, image/jpeg, image/webp or image/gif")
            }
            named.append((image, format))
        }
        var paths: [String] = []
        for (image, format) in named {
            paths.append(try writeFile(image.bytes, fileExtension: format.fileExtension, prompt: prompt))
        }
        return paths
    }

    /// Saves one image and returns its path.
    public func save(_ image: GeneratedImage, prompt: String) throws(ImageError) -> String {
        try save([image], prompt: prompt)[0]
    }

    /// Decodes data URLs (as found by `ChatCompletionDecoder.images(fromChoice:)`) and saves
    /// them; a URL that is not valid saves nothing.
    public func save(dataURLs: [String], prompt: String) throws(ImageError) -> [String] {
        var images: [GeneratedImage] = []
        for url in dataURLs { images.append(try GeneratedImage(dataURL: url)) }
        return try save(images, prompt: prompt)
    }

    /// The file name stem for `prompt` at `date`: `YYYY-MM-DD_HHMMSS_slug` in local time.
    public func baseName(prompt: String, date: Date) -> String {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        localtime_r(&seconds, &parts)
        func two(_ n: Int32) -> String { n < 10 ? "0\(n)" : String(n) }
        let stamp = "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))_\(two(parts.tm_hour))\(two(parts.tm_min))\(two(parts.tm_sec))"
        return stamp + "_" + Self.slug(prompt, maxLength: maxSlugLength)
    }

    /// A readable file-name piece from a prompt: letters and digits lowercased (any script),
    /// everything else a single `-`, at most `maxLength` characters cut at a word boundary
    /// when one is near; `image` when nothing is left.
    public static func slug(_ prompt: String, maxLength: Int = 48) -> String {
        var out = ""
        var pendingDash = false
        for character in prompt {
            let keep = character.unicodeScalars.allSatisfy {
                $0.properties.isAlphabetic || $0.properties.numericType == .decimal || $0.properties.generalCategory == .nonspacingMark
            }
            if keep {
                if pendingDash && !out.isEmpty { out.append("-") }
                pendingDash = false
                out += character.lowercased()
            } else {
                pendingDash = true
            }
        }
        if out.count > maxLength {
            var cut = String(out.prefix(maxLength))
            if let dash = cut.lastIndex(of: "-"), cut.distance(from: cut.startIndex, to: dash) >= maxLength / 2 {
                cut = String(cut[..<dash])
            }
            out = cut
        }
        while out.hasSuffix("-") { out.removeLast() }
        return out.isEmpty ? "image" : out
    }

    private func writeFile(_ bytes: [UInt8], fileExtension: String, prompt: String) throws(ImageError) -> String {
        let directory = resolvedDirectory
        try Self.makeDirectory(directory)
        let base = baseName(prompt: prompt, date: now())
        var attempt = 1
        while true {
            let name = base + (attempt == 1 ? "" : "-\(attempt)") + "." + fileExtension
            let path = directory + "/" + name
            let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
            if fd < 0 {
                let code = errno
                if code == EEXIST && attempt < 10_000 {
                    attempt += 1
                    continue
                }
                if code == EINTR { continue }
                throw ImageError("cannot write an image file in \(Self.shown(directory)): \(String(cString: strerror(code))); check image_dir")
            }
            var written = 0
            while written < bytes.count {
                let n = bytes.withUnsafeBytes { buffer in
                    write(fd, buffer.baseAddress! + written, buffer.count - written)
                }
                if n < 0 {
                    let code = errno
                    if code == EINTR { continue }
                    close(fd)
                    unlink(path)
                    throw ImageError("cannot write \(path): \(String(cString: strerror(code)))")
                }
                written += n
            }
            if close(fd) != 0 {
                let code = errno
                unlink(path)
                throw ImageError("cannot write \(path): \(String(cString: strerror(code)))")
            }
            return path
        }
    }

    /// `mkdir -p` with one-line errors that name the directory and the reason.
    static func makeDirectory(_ path: String) throws(ImageError) {
        var info = stat()
        if stat(path, &info) == 0 {
            guard info.st_mode & 0o170000 == 0o040000 else {
                throw ImageError("cannot save images in \(shown(path)): it exists and is not a directory; check image_dir")
            }
            return
        }
        // Create each missing ancestor in turn.
        var prefix = path.hasPrefix("/") ? "" : "."
        let components = path.split(separator: "/", omittingEmptySubsequences: true)
        for (index, component) in components.enumerated() {
            prefix = index == 0 && !path.hasPrefix("/") ? String(component) : prefix + "/" + component
            if mkdir(prefix, 0o755) == 0 { continue }
            let code = errno
            if code == EEXIST, stat(prefix, &info) == 0, info.st_mode & 0o170000 == 0o040000 { continue }
            let reason =
                code == EEXIST
                ? "\(prefix) is not a directory"
                : (prefix == path ? "" : "\(prefix): ") + String(cString: strerror(code))
            throw ImageError("cannot create the image directory \(shown(path)): \(reason); check image_dir")
        }
    }

    static func shown(_ path: String) -> String {
        path.contains(" ") ? "\"\(path)\"" : path
    }
}
