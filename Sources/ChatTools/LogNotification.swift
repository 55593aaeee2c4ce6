import ChatCore
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A server's `notifications/message` (MCP logging): its level, its logger and its data, as
/// the one line its log gets.
///
/// These are recognised on the reading thread, as they come, and never queued for the SDK's
/// client (which has nothing to do with them): a server that floods them costs a line each
/// in its log, not memory.
struct LogNotification: Equatable {
    var level: String
    var logger: String?
    /// The data as text: a string as it is, anything else as compact JSON.
    var data: String

    /// The longest line one notification gets in the log, in characters.
    static let lineLimit = 2000

    /// The notification in `line`, or nil when `line` is another message.
    init?(line: [UInt8]) {
        // Most messages are answers; a search of the bytes spares them a parse. Foundation's
        // parser (built optimised, with a depth bound) keeps up with a flood even in a debug
        // build of ours.
        guard Self.mentionsMethod(line),
            let message = (try? JSONSerialization.jsonObject(with: Data(line), options: [.fragmentsAllowed])) as? [String: Any],
            message["method"] as? String == "notifications/message", message["id"] == nil
        else { return nil }
        let params = message["params"] as? [String: Any]
        level = params?["level"] as? String ?? "log"
        logger = params?["logger"] as? String
        switch params?["data"] {
        case let text as String: data = text
        case let other?:
            let options: JSONSerialization.WritingOptions = [.fragmentsAllowed, .sortedKeys, .withoutEscapingSlashes]
            let json = try? JSONSerialization.data(withJSONObject: other, options: options)
            data = json.map { String(decoding: $0, as: UTF8.self) } ?? "\(other)"
        case nil: data = ""
        }
    }

    init(level: String, logger: String?, data: String) {
        self.level = level
        self.logger = logger
        self.data = data
    }

    /// `[LEVEL] LOGGER: DATA`, on one line, controls neutralised, at most ``lineLimit``.
    var logLine: String {
        let head = "[\(TerminalText.oneLine(level, limit: 20))] " + (logger.map { TerminalText.oneLine($0, limit: 100) + ": " } ?? "")
        return TerminalText.oneLine(head + data, limit: Self.lineLimit)
    }

    private static let method = Array("notifications/message".utf8)

    /// Whether `line` holds the method's name: `memchr` for its first byte, then `memcmp`
    /// (Glibc's module does not show `memmem`).
    private static func mentionsMethod(_ line: [UInt8]) -> Bool {
        line.withUnsafeBytes { bytes in
            method.withUnsafeBytes { needle in
                guard let base = bytes.baseAddress, let pattern = needle.baseAddress, let first = needle.first else { return false }
                var offset = 0
                while offset + needle.count <= bytes.count,
                    let hit = memchr(base + offset, Int32(first), bytes.count - offset - needle.count + 1)
                {
                    if memcmp(hit, pattern, needle.count) == 0 { return true }
                    offset = UnsafeRawPointer(hit) - base + 1
                }
                return false
            }
        }
    }
}
