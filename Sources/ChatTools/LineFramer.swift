/// Newline-delimited JSON-RPC framing: bytes in, whole messages out.
///
/// Only the bytes of each new chunk are scanned for the newline, so a message of many reads
/// costs time in proportion to its size (the SDK's `StdioTransport` rescans everything it
/// holds after every read). A CR before the LF is dropped; empty lines are skipped. A message
/// longer than `limit` is an error, so a server cannot make the chat buffer without bound.
struct LineFramer {
    private var pending: [UInt8] = []
    let limit: Int

    init(limit: Int = TransportFailure.messageLimit) {
        self.limit = limit
    }

    /// Feeds one chunk and calls `deliver` with each message it completes.
    mutating func feed(_ chunk: UnsafeRawBufferPointer, deliver: ([UInt8]) -> Void) throws(TransportFailure) {
        var start = 0
        while let newline = chunk[start...].firstIndex(of: UInt8(ascii: "\n")) {
            pending.append(contentsOf: chunk[start..<newline])
            if pending.last == UInt8(ascii: "\r") { pending.removeLast() }
            if pending.count > limit { throw .messageTooLong }
            if !pending.isEmpty { deliver(pending) }
            pending.removeAll(keepingCapacity: true)
            start = newline + 1
        }
        pending.append(contentsOf: chunk[start...])
        if pending.count > limit { throw .messageTooLong }
    }
}
