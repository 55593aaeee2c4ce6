#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// When the spinner draws: calls `tick` every interval, the first time after one interval,
/// until the returned function is called. Once that function has returned, no tick runs
/// and none will (called from within a tick, it stops the ticks after that one).
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

/// A thread that waits on a condition variable between ticks, joined by ``cancel()``.
private final class ThreadTimer: @unchecked Sendable {
    // @unchecked: `cancelled` and `thread` are only touched with `mutex` locked.
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private var cancelled = false
    /// The ticking thread until someone joins (or, from the thread itself, detaches) it.
    private var thread: pthread_t?
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

    /// Stops the ticks and joins the thread, so no tick runs after this returns (a tick in
    /// progress finishes first). From a tick, on the thread itself, it cannot wait for itself:
    /// the thread ends after that tick. A second call returns at once.
    func cancel() {
        pthread_mutex_lock(mutex)
        cancelled = true
        pthread_cond_broadcast(condition)
        let running = thread
        thread = nil  // joined (or detached) once, whoever calls first
        pthread_mutex_unlock(mutex)
        guard let running else { return }
        if pthread_equal(running, pthread_self()) != 0 {
            pthread_detach(running)
        } else {
            pthread_join(running, nil)
        }
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
            pthread_mutex_lock(mutex)
            self.thread = thread
            pthread_mutex_unlock(mutex)
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
