/// The provider's waits — a call's timeout, the wait for servers still starting, the grace
/// before SIGKILL — on an injected clock, so tests move time instead of sleeping.
struct ToolTimer: Sendable {
    private let start: @Sendable (Duration) -> @Sendable () async throws -> Void

    init<C: Clock>(_ clock: C) where C.Duration == Duration {
        start = { duration in
            let deadline = clock.now.advanced(by: duration)
            return { try await clock.sleep(until: deadline, tolerance: nil) }
        }
    }

    /// A wait that ends `duration` after this call, not after the wait begins: a caller
    /// fixes the deadline before the work it bounds, so a clock a test moves on while the
    /// work runs still counts that time.
    func deadline(after duration: Duration) -> @Sendable () async throws -> Void {
        start(duration)
    }
}
