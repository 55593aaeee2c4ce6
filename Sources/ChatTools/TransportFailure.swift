/// A failure of one of our transports, in words: a broken pipe, an HTTP status, a message
/// too big to hold. The SDK passes it on to the waiting request.
struct TransportFailure: Error, Sendable, Equatable {
    let message: String

    init(_ message: String) {
        self.message = message
    }

    /// The most bytes one message may have before the connection is given up: a server
    /// cannot make the chat buffer without bound (tool output beyond 64 KB is cut anyway,
    /// but a result may carry an image of several megabytes).
    static let messageLimit = 64 * 1024 * 1024

    static let messageTooLong = TransportFailure("the server sent a message over \(ByteCountText.describe(messageLimit))")

    /// A write to the server failed with EPIPE: nothing reads its input any more.
    static let inputClosed = TransportFailure("the server closed its input")
}
