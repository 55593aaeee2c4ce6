/// What the test servers saw, in order. A test waits for an event ("hang cancelled")
/// instead of sleeping and hoping it happened.
actor ServerEvents {
    private var seen: [String] = []
    private var waiters: [Int: (event: String, continuation: CheckedContinuation<Void, Never>)] = [:]
    private var nextWaiter = 0

    func record(_ event: String) {
        seen.append(event)
        let due = waiters.filter { $0.value.event == event }
        for (id, waiter) in due {
            waiters.removeValue(forKey: id)
            waiter.continuation.resume()
        }
    }

    /// Returns once `event` has been recorded (at once if it already was), or when the
    /// waiting task is cancelled — as the time limit of a test does — so a test whose event
    /// never comes fails instead of hanging the run.
    func wait(for event: String) async {
        if seen.contains(event) { return }
        nextWaiter += 1
        let id = nextWaiter
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                if Task.isCancelled { return continuation.resume() }
                waiters[id] = (event, continuation)
            }
        } onCancel: {
            Task { await self.cancelWait(id) }
        }
    }

    private func cancelWait(_ id: Int) {
        waiters.removeValue(forKey: id)?.continuation.resume()
    }

    var all: [String] { seen }

    func count(of event: String) -> Int {
        seen.filter { $0 == event }.count
    }
}
