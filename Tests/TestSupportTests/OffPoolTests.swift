import Foundation
import Synchronization
import TestSupport
import Testing

/// Blocking work off the concurrency pool: each body on a thread of its own.
@Suite(.timeLimit(.minutes(1))) struct OffPoolTests {
    struct Failure: Error, Equatable {}

    /// How many bodies have started.
    final class Arrivals: Sendable {
        let count = Mutex(0)
    }

    @Test func returnsTheBodysValueAndRethrowsItsError() async throws {
        #expect(try await OffPool.run { 6 * 7 } == 42)
        await #expect(throws: Failure()) { try await OffPool.run { throw Failure() } }
    }

    @Test func moreBlockedBodiesThanThePoolHasThreadsAllFinish() async throws {
        // Twelve bodies that each block until all twelve have started: on the pool (as many
        // threads as cores) they would wait for each other for ever; on threads of their own
        // they all get through.
        let count = 12
        let started = Arrivals()
        let barrier = DispatchSemaphore(value: 0)
        let results = try await withThrowingTaskGroup(of: Int.self) { group in
            for index in 0..<count {
                group.addTask {
                    try await OffPool.run {
                        let arrived = started.count.withLock { value in
                            value += 1
                            return value
                        }
                        if arrived == count {
                            for _ in 0..<count { barrier.signal() }
                        }
                        barrier.wait()
                        return index
                    }
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results.sorted() == Array(0..<count))
    }
}
