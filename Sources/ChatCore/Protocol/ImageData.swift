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

// Images in answers: their formats, decoding `data:image/…;base64,…` URLs, strict base64.

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
    public init(dataURL: String) throws(ServiceFailure) {
        let url = dataURL.trimmingWhitespace()
        guard url.count >= 5, url.prefix(5).lowercased() == "data:" else {
            throw ServiceFailure("the image is not a data: URL (it starts with \"\(Self.preview(url, 24))\")")
        }
        guard let comma = url.firstIndex(of: ",") else {
            throw ServiceFailure("the image data URL has no ',' before its data")
        }
        let header = url[url.index(url.startIndex, offsetBy: 5)..<comma]
        var parameters = header.split(separator: ";", omittingEmptySubsequences: false).map {
            $0.trimmingWhitespace().lowercased()
        }
        let mimeType = parameters.isEmpty ? "" : parameters.removeFirst()
        guard parameters.contains("base64") else {
            throw ServiceFailure("the image data URL (\(mimeType.isEmpty ? "no type" : mimeType)) is not base64-encoded")
        }
        let bytes = try StrictBase64.decode(url[url.index(after: comma)...])
        if ImageFormat(mimeType: mimeType) != nil {
            self.init(mimeType: mimeType, bytes: bytes)
        } else if let sniffed = ImageFormat(sniffing: bytes) {
            // `application/octet-stream` or no type, but the bytes are a known image.
            self.init(mimeType: sniffed.mimeType, bytes: bytes)
        } else {
            let shown = mimeType.isEmpty ? "no media type" : "\"\(Self.preview(mimeType, 40))\""
            throw ServiceFailure("unknown image type \(shown) in the data URL; expected image/png, image/jpeg, image/webp or image/gif")
        }
    }

    public static func preview(_ text: some StringProtocol, _ limit: Int) -> String {
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

    /// Decodes `text`. Rejected, with a one-line `ServiceFailure`: an empty payload, a character
    /// outside the alphabet (whitespace included), `=` anywhere but the last one or two places
    /// of a padded text, a length that no encoder produces, and non-zero unused bits.
    /// Unpadded text (length 2 or 3 modulo 4 in its last group) is accepted.
    public static func decode(_ text: some StringProtocol) throws(ServiceFailure) -> [UInt8] {
        let input = Array(text.utf8)
        guard !input.isEmpty else { throw ServiceFailure("the image data is empty") }
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
                throw ServiceFailure("invalid base64 in the image data: \(what) at position \(i + 1) of \(input.count)")
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
            throw ServiceFailure(
                "invalid base64 in the image data: its length (\(input.count) characters) is not possible; the data is truncated")
        }
        if padding > 0, (end + padding) % 4 != 0 || remainder == 0 {
            throw ServiceFailure("invalid base64 in the image data: wrong '=' padding at the end")
        }
        guard accumulator == 0 else {
            throw ServiceFailure(
                "invalid base64 in the image data: the last character has unused bits set; the data is corrupt or truncated")
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
