import ChatProcess

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

/// A thread (``DetachedThread``) that waits on a condition variable between ticks; ``cancel()``
/// waits until it has let go of the tick.
private final class ThreadTimer: @unchecked Sendable {
    // @unchecked: `tick`, `cancelled`, `runner` and `finished` are only read and written with
    // `mutex` locked; `mutex`, `condition` and `interval` never change.
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private let interval: Double
    /// Dropped by the thread when it ends, so no one holds it once ``cancel()`` returns.
    private var tick: (@Sendable () -> Void)?
    private var cancelled = false
    /// The ticking thread, once it runs: a cancel from within a tick must not wait for itself.
    private var runner: pthread_t?
    /// Set when the thread has ended (or never started) and let go of `tick`.
    private var finished = false

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

    /// Stops the ticks and returns once the thread has ended, so no tick runs after this
    /// returns (a tick in progress finishes first). From a tick, on the thread itself, it
    /// cannot wait for itself: the thread ends after that tick.
    func cancel() {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        cancelled = true
        pthread_cond_broadcast(condition)
        if let runner, pthread_equal(runner, pthread_self()) != 0 { return }
        while !finished { pthread_cond_wait(condition, mutex) }
    }

    func run() {
        do {
            // The ticks draw a frame: a flat call, far from the stack's end.
            try DetachedThread.start("the spinner's ticker", stackSize: 1024 * 1024) { [self] in loop() }
        } catch {
            // No thread, no ticks: the spinner stays still, and `cancel` has nothing to wait for.
            pthread_mutex_lock(mutex)
            tick = nil
            finished = true
            pthread_mutex_unlock(mutex)
        }
    }

    private func loop() {
        pthread_mutex_lock(mutex)
        runner = pthread_self()
        pthread_mutex_unlock(mutex)
        while true {
            pthread_mutex_lock(mutex)
            var deadline = Self.deadline(after: interval)
            while !cancelled && pthread_cond_timedwait(condition, mutex, &deadline) != ETIMEDOUT {}
            let current = cancelled ? nil : tick
            pthread_mutex_unlock(mutex)
            guard let current else { break }
            current()
        }
        pthread_mutex_lock(mutex)
        tick = nil
        finished = true
        pthread_cond_broadcast(condition)
        pthread_mutex_unlock(mutex)
    }

    /// The wall-clock time `seconds` from now, as `pthread_cond_timedwait` wants it.
    private static func deadline(after seconds: Double) -> timespec {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        let nanoseconds = Int(now.tv_nsec) + Int(seconds * 1_000_000_000)
        return timespec(tv_sec: now.tv_sec + nanoseconds / 1_000_000_000, tv_nsec: nanoseconds % 1_000_000_000)
    }
}
