import ChatCore
import Logging
import NIOCore
import NIOHTTP1

/// The wire log at `.debug`: every request with its headers (`Authorization` redacted) and
/// body, every response head, the lines of an answer's stream and the start of other bodies,
/// and each retry. Every request of this module is logged here and nowhere else.
struct WireLog: Sendable {
    let logger: Logger

    /// Whether anything is written: building the lines costs time on the event loop.
    var isOn: Bool { logger.logLevel <= .debug }

    func request(method: HTTPMethod, url: String, headers: HTTPHeaders, body: RequestBody?) {
        guard isOn else { return }
        logger.debug("> \(method.rawValue) \(url)")
        for (name, value) in headers {
            logger.debug("> \(name): \(name.lowercased() == "authorization" ? "Bearer [REDACTED]" : value)")
        }
        guard let body else { return }
        // The JSON as written; an attachment's base64 is shown by its start and length.
        var text = ""
        for piece in body.pieces {
            switch piece {
            case .bytes(let bytes): text += String(decoding: bytes, as: UTF8.self)
            case .text(let base64) where base64.utf8.count > 256: text += "\(base64.prefix(64))... (\(base64.utf8.count) bytes)"
            case .text(let small): text += small
            }
        }
        logger.debug("> \(text)")
    }

    func responseHead(_ head: HTTPResponseHead) {
        guard isOn else { return }
        logger.debug("< HTTP \(head.status.code)")
        for (name, value) in head.headers { logger.debug("< \(name): \(value)") }
    }

    /// A part of an answer's stream, as received.
    func streamPart(_ buffer: ByteBuffer) {
        if isOn { logger.debug("< \(String(buffer: buffer))") }
    }

    /// A body read whole, cut to its start (images arrive base64-encoded inside it).
    func body(_ bytes: [UInt8]) {
        guard isOn else { return }
        let limit = 2048
        let text = String(decoding: bytes.prefix(limit), as: UTF8.self)
        logger.debug("< \(bytes.count > limit ? text + "... (\(bytes.count) bytes)" : text)")
    }

    func retry(_ notice: RetryNotice) {
        if isOn { logger.debug("retry \(notice.attempt) in \(notice.delaySeconds) s after: \(notice.reason)") }
    }
}
