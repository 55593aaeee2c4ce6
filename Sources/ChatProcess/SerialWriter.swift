import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Writes to a pipe, in order, from a thread of its own: a peer that stops reading blocks
/// that thread, never a task of Swift's cooperative pool, and ``write(_:)`` returns at once.
///
/// It owns the descriptor: the thread closes it after the last queued write once
/// ``close()`` is called, or at the first failed write (EPIPE: the reader is gone; the
/// process must ignore SIGPIPE). After that, writes are refused.
public final class SerialWriter: Sendable {
    private struct State {
        var queue: [[UInt8]] = []
        var closing = false
        /// Set when the thread stopped writing: closed, or a write failed.
        var finished = false
    }

    private let descriptor: Int32
    private let state = Mutex(State())
    private let wakeup = Semaphore()
    private let done = OnceEvent<Int32?>()

    /// Starts the writing thread for `descriptor`. A write that fails is told by ``closed()``.
    public init(descriptor: Int32) throws(SystemCallFailure) {
        self.descriptor = descriptor
        try DetachedThread.start("the writer of descriptor \(descriptor)") { [self] in
            let failure = self.run()
            Glibc.close(descriptor)
            self.done.fire(failure)
        }
    }

    /// Queues `bytes`; false when the writer is closed or a write failed.
    @discardableResult
    public func write(_ bytes: [UInt8]) -> Bool {
        let queued = state.withLock { state -> Bool in
            guard !state.closing, !state.finished else { return false }
            state.queue.append(bytes)
            return true
        }
        if queued { wakeup.post() }
        return queued
    }

    /// Closes the descriptor once what is queued is written; returns at once.
    public func close() {
        state.withLock { $0.closing = true }
        wakeup.post()
    }

    /// Returns once the descriptor is closed: the `errno` of the write that failed, or nil.
    /// Nil too when the waiting task is cancelled first.
    public func closed() async -> Int32? {
        await done.wait() ?? nil
    }

    /// The thread's loop: the `errno` of a failed write, or nil once closed.
    private func run() -> Int32? {
        while true {
            wakeup.wait()
            let next = state.withLock { state -> [UInt8]?? in
                if !state.queue.isEmpty { return .some(state.queue.removeFirst()) }
                if state.closing {
                    state.finished = true
                    return .some(nil)
                }
                return .none
            }
            guard let next else { continue }
            guard let bytes = next else { return nil }
            if let failure = writeAll(bytes) {
                state.withLock { state in
                    state.finished = true
                    state.queue = []
                }
                return failure
            }
        }
    }

    private func writeAll(_ bytes: [UInt8]) -> Int32? {
        bytes.withUnsafeBytes { buffer -> Int32? in
            var offset = 0
            while offset < buffer.count {
                let written = Glibc.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                offset += written
            }
            return nil
        }
    }
}

/// A POSIX semaphore: one `post` per item queued, so the thread wakes once for each.
private final class Semaphore: @unchecked Sendable {
    // @unchecked: the only state is the sem_t, which sem_post and sem_wait may use from any
    // thread at once; the pointer never changes, and the sem_t is destroyed only in deinit,
    // when no thread can be using it.
    private let semaphore = UnsafeMutablePointer<sem_t>.allocate(capacity: 1)

    init() {
        sem_init(semaphore, 0, 0)
    }

    deinit {
        sem_destroy(semaphore)
        semaphore.deallocate()
    }

    func post() {
        sem_post(semaphore)
    }

    func wait() {
        while sem_wait(semaphore) != 0 && errno == EINTR {}
    }
}
