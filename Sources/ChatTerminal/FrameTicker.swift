#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// When the spinner draws: calls `tick` every interval, the first time after one interval,
/// until the returned function is called.
public protocol FrameTicker: Sendable {
    func start(_ tick: @escaping @Sendable () -> Void) -> @Sendable () -> Void
}

/// Ticks from a thread of its own: blocked or busy cooperative threads must not freeze
/// the spinner, which is there to show the program is alive.
public struct ThreadTicker: FrameTicker {
    public var interval: Double

    public init(interval: Double = 0.1) {
        self.interval = interval
    }

    public func start(_ tick: @escaping @Sendable () -> Void) -> @Sendable () -> Void {
        let timer = ThreadTimer(interval: interval, tick: tick)
        timer.run()
        return { timer.cancel() }
    }
}

/// A detached thread that waits on a condition variable between ticks.
private final class ThreadTimer: @unchecked Sendable {
    // @unchecked: `cancelled` is only touched with `mutex` locked.
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private var cancelled = false
    private let interval: Double
    private let tick: @Sendable () -> Void

    init(interval: Double, tick: @escaping @Sendable () -> Void) {
        self.interval = interval
        self.tick = tick
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(condition, nil)
    }

    deinit {
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        condition.deallocate()
        mutex.deallocate()
    }

    func cancel() {
        pthread_mutex_lock(mutex)
        cancelled = true
        pthread_cond_broadcast(condition)
        pthread_mutex_unlock(mutex)
    }

    func run() {
        let box = Unmanaged.passRetained(self).toOpaque()
        var thread = pthread_t()
        let started = pthread_create(
            &thread, nil,
            { argument in
                Unmanaged<ThreadTimer>.fromOpaque(argument!).takeRetainedValue().loop()
                return nil
            }, box)
        if started == 0 {
            pthread_detach(thread)
        } else {
            Unmanaged<ThreadTimer>.fromOpaque(box).release()
        }
    }

    private func loop() {
        while true {
            pthread_mutex_lock(mutex)
            var deadline = Self.deadline(after: interval)
            while !cancelled && pthread_cond_timedwait(condition, mutex, &deadline) != ETIMEDOUT {}
            let stop = cancelled
            pthread_mutex_unlock(mutex)
            if stop { return }
            tick()
        }
    }

    /// The wall-clock time `seconds` from now, as `pthread_cond_timedwait` wants it.
    private static func deadline(after seconds: Double) -> timespec {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        let nanoseconds = Int(now.tv_nsec) + Int(seconds * 1_000_000_000)
        return timespec(tv_sec: now.tv_sec + nanoseconds / 1_000_000_000, tv_nsec: nanoseconds % 1_000_000_000)
    }
}
