import Foundation

/// How many test programs run at once, across every suite of `swift test`.
///
/// Swift Testing starts every test at once; each end-to-end test starts a program (the chat,
/// a shell in a pseudo-terminal) and so, unchecked, a hundred of them would compete for two
/// cores, and tests that wait for an answer time out. A program takes a slot for its life
/// (``ProcessRunner/run(executable:arguments:environment:stdin:timeout:)``, a
/// ``PseudoTerminal`` until it is reaped). A test that needs a second program while others
/// hold every slot gets one after `overflowAfter` all the same, so a test holding one slot
/// and waiting for another can never deadlock the run.
public actor ProcessSlots {
    /// A slot taken: give it back with ``release(_:)``.
    public struct Slot: Sendable {
        fileprivate let id: Int
        /// False for a program that started over the limit (after the overflow wait).
        public let counted: Bool
    }

    public static let shared = ProcessSlots(limit: max(4, 2 * ProcessInfo.processInfo.activeProcessorCount))

    private let limit: Int
    private let overflowAfter: Duration
    private let clock: any Clock<Duration>
    private var running = 0
    private var nextID = 0
    private var waiting: [(id: Int, continuation: CheckedContinuation<Slot, Never>)] = []

    /// - Parameter clock: what the overflow wait sleeps on (a test's own clock, in the tests of this type).
    public init(limit: Int, overflowAfter: Duration = .seconds(30), clock: any Clock<Duration> = ContinuousClock()) {
        self.limit = limit
        self.overflowAfter = overflowAfter
        self.clock = clock
    }

    /// Programs holding a counted slot.
    public var runningCount: Int { running }

    /// Programs waiting for a slot.
    public var waitingCount: Int { waiting.count }

    /// A slot, once one is free (or once `overflowAfter` has passed).
    public func acquire() async -> Slot {
        nextID += 1
        let id = nextID
        if running < limit {
            running += 1
            return Slot(id: id, counted: true)
        }
        let overflow = overflowAfter
        let clock = clock
        Task { [weak self] in
            try? await clock.sleep(for: overflow)
            await self?.overflow(id)
        }
        return await withCheckedContinuation { waiting.append((id, $0)) }
    }

    /// Gives `slot` back: the next waiting program starts.
    public func release(_ slot: Slot) {
        guard slot.counted else { return }
        if waiting.isEmpty {
            running -= 1
        } else {
            let next = waiting.removeFirst()
            next.continuation.resume(returning: Slot(id: next.id, counted: true))
        }
    }

    /// Gives `slot` back from code that cannot wait.
    public nonisolated func releaseLater(_ slot: Slot) {
        Task { await release(slot) }
    }

    private func overflow(_ id: Int) {
        guard let index = waiting.firstIndex(where: { $0.id == id }) else { return }
        waiting.remove(at: index).continuation.resume(returning: Slot(id: id, counted: false))
    }
}
