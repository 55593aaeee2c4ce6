#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A one-character spinner on standard error while an answer is awaited.
///
/// Frames are drawn by a thread of its own (not a task: blocked or busy cooperative
/// threads must not freeze it). Every write, frames and the final clear, happens under
/// one lock, so no frame lands after ``stop()`` has cleared the line. Without colour it
/// uses no escape sequence: `\r`, the frame, and a blank to clear it.
final class ActivityIndicator: @unchecked Sendable {
    // @unchecked: the mutable state below is only touched with `condition` locked.
    private let condition = Condition()
    private var running = false
    /// Whether a frame is on screen and must be cleared.
    private var drawn = false
    /// Bumped by every start, so the thread of an earlier start never draws.
    private var generation = 0

    static let frames: [String] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"]

    private let writer: FileDescriptorWriter
    private let color: Bool
    private let interval: Double

    init(writer: FileDescriptorWriter, color: Bool, interval: Double = 0.1) {
        self.writer = writer
        self.color = color
        self.interval = interval
    }

    /// Starts animating after one interval (quick answers show no spinner at all).
    func start() {
        condition.lock()
        defer { condition.unlock() }
        guard !running else { return }
        running = true
        generation += 1
        let generation = generation
        Condition.detachThread { [self] in animate(generation: generation) }
    }

    /// Stops animating and clears the frame, if one is shown.
    func stop() {
        condition.lock()
        defer { condition.unlock() }
        running = false
        if drawn {
            writer.write(color ? "\r\u{1B}[K" : "\r \r")
            drawn = false
        }
        condition.broadcast()
    }

    private func animate(generation: Int) {
        condition.lock()
        defer { condition.unlock() }
        var frame = 0
        while true {
            let deadline = Condition.deadline(after: interval)
            while isCurrent(generation) && condition.wait(until: deadline) {}
            guard isCurrent(generation) else { return }
            let symbol = Self.frames[frame % Self.frames.count]
            writer.write(color ? "\r\u{1B}[2m\(symbol)\u{1B}[0m" : "\r\(symbol)")
            drawn = true
            frame += 1
        }
    }

    private func isCurrent(_ generation: Int) -> Bool {
        running && self.generation == generation
    }
}

/// A pthread mutex with a condition variable, and a detached thread to run with it.
private final class Condition: @unchecked Sendable {
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let cond = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)

    init() {
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(cond, nil)
    }

    deinit {
        pthread_cond_destroy(cond)
        pthread_mutex_destroy(mutex)
        cond.deallocate()
        mutex.deallocate()
    }

    func lock() { pthread_mutex_lock(mutex) }
    func unlock() { pthread_mutex_unlock(mutex) }
    func broadcast() { pthread_cond_broadcast(cond) }

    /// Waits (locked) until signalled or until `deadline`; false once the deadline has passed.
    func wait(until deadline: timespec) -> Bool {
        var deadline = deadline
        return pthread_cond_timedwait(cond, mutex, &deadline) != ETIMEDOUT
    }

    /// The wall-clock time `seconds` from now, as `pthread_cond_timedwait` wants it.
    static func deadline(after seconds: Double) -> timespec {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        let nanoseconds = Int(now.tv_nsec) + Int(seconds * 1_000_000_000)
        return timespec(tv_sec: now.tv_sec + nanoseconds / 1_000_000_000, tv_nsec: nanoseconds % 1_000_000_000)
    }

    /// Runs `body` on a new detached thread.
    static func detachThread(_ body: @escaping @Sendable () -> Void) {
        final class Box: @unchecked Sendable {
            let body: @Sendable () -> Void
            init(_ body: @escaping @Sendable () -> Void) { self.body = body }
        }
        let box = Unmanaged.passRetained(Box(body)).toOpaque()
        var thread = pthread_t()
        let started = pthread_create(&thread, nil, { argument in
            let box = Unmanaged<Box>.fromOpaque(argument!).takeRetainedValue()
            box.body()
            return nil
        }, box)
        if started == 0 {
            pthread_detach(thread)
        } else {
            Unmanaged<Box>.fromOpaque(box).release()
        }
    }
}
