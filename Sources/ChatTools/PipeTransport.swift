import ChatProcess
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
/// client's loop stops. Messages wait for the client in a bounded ``MessageQueue`` (a server
/// that writes faster than the client reads is slowed down); log notifications go straight
/// to the server's log as they come (see ``LogNotification``). Writes go through a
/// ``SerialWriter``: a server that stops reading blocks its thread, not a thread of the Swift
/// pool. A write that fails (EPIPE: the server closed its input) gives the server up at once:
/// the SDK's client would otherwise wait for answers to requests it can no longer send or
/// that will never come.
///
/// How it closed is told once to `onClose`. It owns its descriptors: the read end and the
/// log's are closed when the reading thread ends, the write end by ``disconnect()`` (the
/// server sees EOF on stdin) or by the first failed write.
actor PipeTransport: Transport {
    /// How the transport closed.
    enum Closing: Sendable, Equatable {
        /// The server's output ended (EOF, or a read that failed): its process's exit says more.
        case outputEnded(TransportFailure)
        /// The server cannot be spoken to any more: it sent a message over the limit, or a
        /// write to it failed.
        case givenUp(TransportFailure)
    }

    nonisolated let logger: Logger
    private let input: Int32
    private let output: Int32
    private let log: Int32?
    private let onClose: @Sendable (Closing) -> Void
    /// Fires with the first way it closed, so `onClose` is called once.
    private let closing = OnceEvent<Closing>()
    private let queue = MessageQueue()
    private var writer: SerialWriter?
    private var started = false

    /// - Parameters:
    ///   - input: the read end of the child's stdout.
    ///   - output: the write end of the child's stdin.
    ///   - log: where the server's log notifications are appended (a descriptor the
    ///     transport owns); nil drops them.
    ///   - onClose: called once, on the reading or the writing thread, when the transport
    ///     closes by itself.
    init(input: Int32, output: Int32, log: Int32? = nil, onClose: @escaping @Sendable (Closing) -> Void = { _ in }) {
        self.input = input
        self.output = output
        self.log = log
        self.onClose = onClose
        self.logger = Logger(label: "bankfuture-chat.mcp.pipe", factory: { _ in SwiftLogNoOpLogHandler() })
    }

    func connect() async throws {
        guard !started else { return }
        started = true
        let (input, log, queue, closing, onClose) = (self.input, self.log, self.queue, self.closing, self.onClose)
        let report = { @Sendable (how: Closing) in
            if closing.fire(how) { onClose(how) }
        }
        let writer: SerialWriter
        do {
            writer = try SerialWriter(descriptor: output)
        } catch {
            Self.close(input, output, log)
            throw error
        }
        self.writer = writer
        do {
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
                Glibc.close(input)
                messages?.close()
                queue.finish(throwing: failure)
                report(failure == .messageTooLong ? .givenUp(failure) : .outputEnded(failure))
            }
        } catch {
            writer.close()
            Self.close(input, log)
            throw error
        }
        Task {
            guard let errno = await writer.closed() else { return }
            let failure =
                errno == EPIPE ? .inputClosed : TransportFailure("writing to the server failed: \(SystemCallFailure.describe(errno))")
            report(.givenUp(failure))
        }
    }

    func disconnect() async {
        if !started {
            // Never connected: its descriptors are still all here.
            started = true
            Self.close(input, output, log)
        }
        writer?.close()
        queue.finish()
    }

    func send(_ data: Data) async throws {
        var message = [UInt8](data)
        message.append(UInt8(ascii: "\n"))
        guard writer?.write(message) == true else { throw TransportFailure("the connection to the server is closed") }
    }

    func receive() -> AsyncThrowingStream<Data, any Error> {
        queue.messages()
    }

    /// Closes the descriptors the transport owns that are still open.
    private static func close(_ descriptors: Int32?...) {
        for descriptor in descriptors.compactMap(\.self) { Glibc.close(descriptor) }
    }

    /// Reads until EOF, calling `deliver` with each message, and returns why it stopped.
    static func readMessages(from descriptor: Int32, deliver: ([UInt8]) -> Void) -> TransportFailure {
        switch LineReader.read(from: descriptor, limit: TransportFailure.messageLimit, deliver: deliver) {
        case .endOfFile: TransportFailure("the server closed its output")
        case .failed(let errno): TransportFailure("reading from the server failed: \(SystemCallFailure.describe(errno))")
        case .tooLong: .messageTooLong
        }
    }
}
