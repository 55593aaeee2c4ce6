import ChatProcess
import Dispatch
import Foundation
import Logging
import MCP

#if canImport(Glibc)
import Glibc
#endif

/// The client side of MCP over a child's stdin and stdout: newline-delimited JSON-RPC.
///
/// Written instead of the SDK's `StdioTransport`, which on this machine rescans its whole
/// buffer after every 4 KiB read (a 1 MB result took seconds, growing with the square of
/// the size), sleep-polls every 10 ms (10 ms per request, 100 wake-ups a second when idle),
/// and ends its stream without an error at EOF (the SDK's client then spins a core).
///
/// Here a thread blocks in `read` and scans only the bytes just read; at EOF — or when a
/// message passes ``TransportFailure/messageLimit`` — the stream ends with an error, so the
/// client's loop stops, and `onClose` tells the owner. Messages wait for the client in a
/// bounded ``MessageQueue`` (a server that writes faster than the client reads is slowed
/// down); log notifications go straight to the server's log as they come (see
/// ``LogNotification``). Writes run on a serial queue: a server that stops reading blocks
/// that queue, not a thread of the Swift pool.
///
/// It owns its descriptors: the read end and the log's are closed when the reading thread
/// ends, the write end by ``disconnect()`` (the server sees EOF on stdin).
actor PipeTransport: Transport {
    nonisolated let logger: Logger
    private let input: Int32
    private let output: Int32
    private let log: Int32?
    private let onClose: @Sendable (TransportFailure) -> Void
    private let queue = MessageQueue()
    private let writer: PipeWriter
    private var started = false

    /// - Parameters:
    ///   - input: the read end of the child's stdout.
    ///   - output: the write end of the child's stdin.
    ///   - log: where the server's log notifications are appended (a descriptor the
    ///     transport owns); nil drops them.
    ///   - onClose: called once, on the reading thread, when the server's output ends.
    init(input: Int32, output: Int32, log: Int32? = nil, onClose: @escaping @Sendable (TransportFailure) -> Void = { _ in }) {
        self.input = input
        self.output = output
        self.log = log
        self.onClose = onClose
        self.logger = Logger(label: "bankfuture-chat.mcp.pipe", factory: { _ in SwiftLogNoOpLogHandler() })
        writer = PipeWriter(descriptor: output)
    }

    func connect() async throws {
        guard !started else { return }
        started = true
        let (input, log, queue, onClose) = (self.input, self.log, self.queue, self.onClose)
        // A larger stack than the default: log notifications are parsed here, and the
        // parser nests as deep as the JSON does (Foundation's stops at 512 levels).
        try DetachedThread.start("the reader of an MCP server's output", stackSize: 4 * 1024 * 1024) {
            let messages = log.map(LogMessageWriter.init(descriptor:))
            let failure = PipeTransport.readMessages(from: input) { line in
                if let notification = LogNotification(line: line) {
                    messages?.write(notification)
                } else {
                    queue.push(Data(line))
                }
            }
            close(input)
            messages?.close()
            queue.finish(throwing: failure)
            onClose(failure)
        }
    }

    func disconnect() async {
        writer.close()
        queue.finish()
    }

    func send(_ data: Data) async throws {
        var message = data
        message.append(UInt8(ascii: "\n"))
        try await writer.write(message)
    }

    func receive() -> AsyncThrowingStream<Data, any Error> {
        queue.messages()
    }

    /// Reads until EOF, calling `deliver` with each message, and returns why it stopped.
    static func readMessages(from descriptor: Int32, deliver: ([UInt8]) -> Void) -> TransportFailure {
        switch LineReader.read(from: descriptor, limit: TransportFailure.messageLimit, deliver: deliver) {
        case .endOfFile: TransportFailure("the server closed its output")
        case .failed(let errno): TransportFailure("reading from the server failed: \(ErrorText.systemError(errno))")
        case .tooLong: .messageTooLong
        }
    }
}

/// Blocking writes to a pipe, in order, on a queue of their own; the descriptor is closed
/// on that queue too, so no write can reach a number that was closed and reused.
private final class PipeWriter: Sendable {
    private let descriptor: Int32
    private let queue = DispatchQueue(label: "bankfuture-chat.mcp.pipe-writer")
    /// Only read and written on `queue`.
    private nonisolated(unsafe) var closed = false

    init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    func write(_ data: Data) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            queue.async {
                if self.closed { return continuation.resume(throwing: TransportFailure("the connection to the server is closed")) }
                let failure = data.withUnsafeBytes { bytes -> Int32? in
                    var offset = 0
                    while offset < bytes.count {
                        let written = Glibc.write(self.descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                        if written < 0 {
                            if errno == EINTR { continue }
                            return errno
                        }
                        offset += written
                    }
                    return nil
                }
                if let failure {
                    continuation.resume(throwing: TransportFailure("writing to the server failed: \(ErrorText.systemError(failure))"))
                } else {
                    continuation.resume()
                }
            }
        }
    }

    func close() {
        queue.async {
            guard !self.closed else { return }
            self.closed = true
            _ = Glibc.close(self.descriptor)
        }
    }
}
