import Foundation

/// The messages a server sent, waiting for the SDK's client to take them, with a bound.
///
/// The reading thread hands each message over with ``push(_:)``, which blocks while more
/// than ``limit`` bytes wait: a server that writes faster than the client reads then finds
/// its pipe full and slows down, instead of growing our memory without end (an unbounded
/// stream grew the tool host by ~140 MB/s under a flood of notifications). One message
/// bigger than the limit is still taken when nothing else waits.
///
/// The client takes them through ``messages()``, an async sequence pulled one message at a
/// time, so nothing is read ahead of it.
final class MessageQueue: Sendable {
    /// The most bytes of messages that wait before the reader blocks.
    static let limit = 4 * 1024 * 1024

    private struct State {
        var waiting: [Data] = []
        /// Index of the first message not taken yet (the array is compacted now and then).
        var head = 0
        var bytes = 0
        /// Set once: the reader met the end of output (or a failure), or the client left.
        var end: (any Error)?
        var ended = false
        /// The client, suspended until a message or the end comes.
        var consumer: CheckedContinuation<Data?, any Error>?
    }

    private let condition = NSCondition()
    /// Only read and written with `condition` locked.
    private nonisolated(unsafe) var state = State()

    /// Hands `message` to the client, blocking the calling thread while the queue is full.
    /// Returns false when the client is gone (the message is dropped).
    @discardableResult
    func push(_ message: Data) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        // Checked again after every wait: while this thread waited for room, the client may
        // have taken everything and be waiting itself, and then it must get this message
        // (queued, it would pass it by: out of order, or never if it is the last).
        while true {
            if let consumer = state.consumer {
                state.consumer = nil
                consumer.resume(returning: message)
                return true
            }
            if state.ended { return false }
            if state.bytes == 0 || state.bytes + message.count <= Self.limit { break }
            condition.wait()
        }
        state.waiting.append(message)
        state.bytes += message.count
        return true
    }

    /// No more messages: the client gets those waiting, then `failure` (nil: a plain end).
    func finish(throwing failure: (any Error)? = nil) {
        condition.lock()
        defer { condition.unlock() }
        guard !state.ended else { return }
        state.ended = true
        state.end = failure
        if let consumer = state.consumer, state.head == state.waiting.count {
            state.consumer = nil
            if let failure { consumer.resume(throwing: failure) } else { consumer.resume(returning: nil) }
        }
        condition.broadcast()
    }

    /// The client's side: each message in order, then the end.
    func messages() -> AsyncThrowingStream<Data, any Error> {
        AsyncThrowingStream(unfolding: { try await self.next() })
    }

    private func next() async throws -> Data? {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Data?, any Error>) in
                condition.lock()
                defer { condition.unlock() }
                if state.head < state.waiting.count {
                    let message = state.waiting[state.head]
                    state.head += 1
                    state.bytes -= message.count
                    if state.head == state.waiting.count || state.head > 1024 {
                        state.waiting.removeFirst(state.head)
                        state.head = 0
                    }
                    condition.broadcast()
                    continuation.resume(returning: message)
                } else if state.ended || Task.isCancelled {
                    if let failure = state.end { continuation.resume(throwing: failure) } else { continuation.resume(returning: nil) }
                } else {
                    state.consumer = continuation
                }
            }
        } onCancel: {
            // The client's loop was cancelled (a disconnect): it stops waiting.
            condition.lock()
            defer { condition.unlock() }
            if let consumer = state.consumer {
                state.consumer = nil
                consumer.resume(returning: nil)
            }
        }
    }
}
