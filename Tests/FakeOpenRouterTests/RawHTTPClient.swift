import Foundation

#if canImport(Glibc)
import Glibc
private let streamSocket = Int32(SOCK_STREAM.rawValue)
private let sendFlags = Int32(MSG_NOSIGNAL)
private func closeDescriptor(_ fd: Int32) { _ = Glibc.close(fd) }
#elseif canImport(Darwin)
import Darwin
private let streamSocket = SOCK_STREAM
private let sendFlags: Int32 = 0
private func closeDescriptor(_ fd: Int32) { _ = Darwin.close(fd) }
#endif

/// A deliberately plain HTTP/1.1 client on a blocking TCP socket, so the tests see exactly the
/// bytes the fake sends: chunk framing, abrupt closes, stalls.
///
/// Blocking calls run on their own thread (see ``onThread(_:)``) so they never hold a thread of
/// the Swift concurrency pool.
final class RawConnection {
    private let fd: Int32
    /// Bytes received but not yet consumed by a parsed response.
    private var pending: [UInt8] = []

    init(port: Int) throws {
        fd = socket(AF_INET, streamSocket, 0)
        guard fd >= 0 else { throw RawHTTPError.socket(errno) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard result == 0 else {
            let error = errno
            closeDescriptor(fd)
            throw RawHTTPError.socket(error)
        }
    }

    deinit { closeDescriptor(fd) }

    func send(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes { Foundation.send(fd, $0.baseAddress, $0.count, sendFlags) }
            guard sent > 0 else { throw RawHTTPError.socket(errno) }
            offset += sent
        }
    }

    /// Sends a request with `Host` and, when there is a body, `Content-Length`.
    func send(method: String, path: String, headers: [(String, String)] = [], body: String = "") throws {
        var text = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        for (name, value) in headers { text += "\(name): \(value)\r\n" }
        if !body.isEmpty || method == "POST" { text += "Content-Length: \(body.utf8.count)\r\n" }
        text += "\r\n" + body
        try send(Array(text.utf8))
    }

    /// Waits up to `timeout` for bytes. Returns `nil` on timeout, `[]` when the peer closed.
    private func receive(timeout: Duration) throws -> [UInt8]? {
        var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        let milliseconds = Int32(timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000)
        let ready = poll(&poller, 1, milliseconds)
        guard ready > 0 else {
            if ready == 0 { return nil }
            throw RawHTTPError.socket(errno)
        }
        var buffer = [UInt8](repeating: 0, count: 65536)
        let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        if count < 0 {
            if errno == ECONNRESET { return [] }
            throw RawHTTPError.socket(errno)
        }
        return Array(buffer[0..<count])
    }

    /// Reads one whole response (by `Content-Length`, chunked framing, or until close).
    func readResponse(timeout: Duration = .seconds(5)) throws -> RawResponse {
        let deadline = ContinuousClock.now + timeout
        var closed = false
        while true {
            if let (response, used) = RawResponse.parse(pending, closed: closed) {
                pending.removeFirst(used)
                return response
            }
            if closed { throw RawHTTPError.closedEarly(received: pending) }
            let left = deadline - ContinuousClock.now
            guard left > .zero, let bytes = try receive(timeout: left) else {
                throw RawHTTPError.timedOut(received: pending)
            }
            if bytes.isEmpty { closed = true } else { pending += bytes }
        }
    }

    /// Reads until the received bytes contain `marker`, the peer closes, or `timeout` passes.
    func readUntil(contains marker: String, timeout: Duration) throws -> [UInt8] {
        let deadline = ContinuousClock.now + timeout
        let wanted = Array(marker.utf8)
        while pending.firstRange(of: wanted) == nil {
            let left = deadline - ContinuousClock.now
            guard left > .zero, let bytes = try receive(timeout: left), !bytes.isEmpty else { break }
            pending += bytes
        }
        return pending
    }

    /// Reads until the peer closes or `timeout` passes; tells which happened.
    func readUntilClose(timeout: Duration) throws -> (bytes: [UInt8], closed: Bool) {
        let deadline = ContinuousClock.now + timeout
        while true {
            let left = deadline - ContinuousClock.now
            guard left > .zero, let bytes = try receive(timeout: left) else {
                return (pending, false)
            }
            if bytes.isEmpty { return (pending, true) }
            pending += bytes
        }
    }
}

enum RawHTTPError: Error {
    case socket(Int32)
    case timedOut(received: [UInt8])
    case closedEarly(received: [UInt8])
}

/// One parsed HTTP response.
struct RawResponse: Sendable {
    var status: Int
    var headers: [(name: String, value: String)]
    /// The body with chunk framing removed.
    var body: [UInt8]
    /// The size of every chunk, terminator excluded; `nil` when not chunked.
    var chunkSizes: [Int]?

    func header(_ name: String) -> String? {
        headers.first(where: { $0.name.lowercased() == name.lowercased() })?.value
    }

    var bodyText: String { String(decoding: body, as: UTF8.self) }

    var json: [String: Any]? {
        (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any]
    }

    /// Parses a response at the start of `bytes`; `nil` while incomplete. Returns the bytes used.
    static func parse(_ bytes: [UInt8], closed: Bool) -> (RawResponse, Int)? {
        let separator: [UInt8] = Array("\r\n\r\n".utf8)
        guard let headEnd = bytes.firstRange(of: separator)?.lowerBound else { return nil }
        let lines = String(decoding: bytes[..<headEnd], as: UTF8.self).components(separatedBy: "\r\n")
        let statusParts = lines[0].split(separator: " ")
        guard statusParts.count >= 2, let status = Int(statusParts[1]) else { return nil }
        let headers = lines.dropFirst().map { line -> (name: String, value: String) in
            let colon = line.firstIndex(of: ":") ?? line.endIndex
            return (
                String(line[..<colon]),
                String(line[colon...].dropFirst()).trimmingCharacters(in: .whitespaces)
            )
        }
        var response = RawResponse(status: status, headers: headers, body: [], chunkSizes: nil)
        var index = headEnd + separator.count

        if response.header("transfer-encoding")?.lowercased() == "chunked" {
            var sizes: [Int] = []
            while true {
                let rest = bytes[index...]
                guard let lineEnd = rest.firstRange(of: Array("\r\n".utf8))?.lowerBound,
                    let size = Int(String(decoding: bytes[index..<lineEnd], as: UTF8.self), radix: 16)
                else { return nil }
                let dataStart = lineEnd + 2
                guard bytes.count >= dataStart + size + 2 else { return nil }
                if size == 0 {
                    response.chunkSizes = sizes
                    return (response, dataStart + 2)
                }
                sizes.append(size)
                response.body += bytes[dataStart..<dataStart + size]
                index = dataStart + size + 2
            }
        } else if let length = response.header("content-length").flatMap(Int.init) {
            guard bytes.count >= index + length else { return nil }
            response.body = Array(bytes[index..<index + length])
            return (response, index + length)
        } else {
            guard closed else { return nil }
            response.body = Array(bytes[index...])
            return (response, bytes.count)
        }
    }
}

/// Runs blocking work on a thread of its own and returns its result.
func onThread<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread {
            continuation.resume(with: Result { try work() })
        }
        thread.start()
    }
}

/// The SSE events of a body: `data:` payloads and comment lines, in order.
struct EventStream {
    var comments: [String] = []
    var data: [String] = []

    init(_ text: String) {
        let normalized = text.replacingOccurrences(of: "\r\n", with: "\n")
        for block in normalized.components(separatedBy: "\n\n") where !block.isEmpty {
            for line in block.split(separator: "\n") {
                if line.hasPrefix(":") {
                    comments.append(String(line.dropFirst()).trimmingCharacters(in: .whitespaces))
                } else if line.hasPrefix("data: ") {
                    data.append(String(line.dropFirst("data: ".count)))
                }
            }
        }
    }

    /// The JSON objects of every `data:` payload except `[DONE]`.
    var chunks: [[String: Any]] {
        data.filter { $0 != "[DONE]" }.compactMap {
            (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any]
        }
    }

    /// The concatenated `choices[0].delta.content` of all chunks.
    var content: String {
        chunks.compactMap { chunk in
            ((chunk["choices"] as? [[String: Any]])?.first?["delta"] as? [String: Any])?["content"] as? String
        }.joined()
    }
}
