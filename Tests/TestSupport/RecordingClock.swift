import Foundation

/// A clock for tests of waits: every sleep is recorded and returns at once, with the clock
/// moved on by the time asked for. A test then checks the delays instead of waiting them.
///
/// A cancelled task's sleep throws `CancellationError`, as `ContinuousClock`'s does.
public final class RecordingClock: Clock, @unchecked Sendable {
    // @unchecked: `elapsed` and `recorded` are only touched with `lock` held.
    public struct Instant: InstantProtocol, Hashable, Sendable {
        public var offset: Duration

        public func advanced(by duration: Duration) -> Instant { Instant(offset: offset + duration) }
        public func duration(to other: Instant) -> Duration { other.offset - offset }
        public static func < (lhs: Instant, rhs: Instant) -> Bool { lhs.offset < rhs.offset }
    }

    private let lock = NSLock()
    private var elapsed = Duration.zero
    private var recorded: [Duration] = []

    public init() {}

    public var now: Instant { lock.withLock { Instant(offset: elapsed) } }

    public var minimumResolution: Duration { .nanoseconds(1) }

    /// The waits asked for, in order.
    public var sleeps: [Duration] { lock.withLock { recorded } }

    public func sleep(until deadline: Instant, tolerance: Duration?) async throws {
        try Task.checkCancellation()
        lock.withLock {
            recorded.append(max(.zero, deadline.offset - elapsed))
            elapsed = max(elapsed, deadline.offset)
        }
    }
}
