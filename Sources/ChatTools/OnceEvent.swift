import Synchronization

/// Something that happens once — a process's exit, the end of a server's start, the first
/// outcome of a call — and the tasks waiting for it.
///
/// The first ``fire(_:)`` wins. A waiting task that is cancelled stops waiting at once and
/// gets nil, so no wait outlives the caller who gave up on it.
final class OnceEvent<Value: Sendable>: Sendable {
    private struct State {
        var value: Value?
        var waiters: [Int: CheckedContinuation<Value?, Never>] = [:]
        var lastID = 0
    }

    private let state = Mutex(State())

    init() {}

    /// The value, once fired.
    var value: Value? { state.withLock { $0.value } }

    /// Fires the event with `value` and wakes every waiter; false when it had already fired.
    @discardableResult
    func fire(_ value: Value) -> Bool {
        let waiters = state.withLock { state -> [CheckedContinuation<Value?, Never>]? in
            guard state.value == nil else { return nil }
            state.value = value
            defer { state.waiters = [:] }
            return Array(state.waiters.values)
        }
        guard let waiters else { return false }
        for waiter in waiters { waiter.resume(returning: value) }
        return true
    }

    /// The value once the event fires (at once if it has); nil when the waiting task is
    /// cancelled first.
    func wait() async -> Value? {
        let id = state.withLock { state -> Int in
            state.lastID += 1
            return state.lastID
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let now = state.withLock { state -> Value?? in
                    if let value = state.value { return .some(value) }
                    if Task.isCancelled { return .some(nil) }
                    state.waiters[id] = continuation
                    return .none
                }
                if let now { continuation.resume(returning: now) }
            }
        } onCancel: {
            state.withLock { $0.waiters.removeValue(forKey: id) }?.resume(returning: nil)
        }
    }
}
