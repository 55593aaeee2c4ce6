import Foundation
import Synchronization
import TestSupport
import Testing

/// Waiting for an event by looking again: true when it came, false when the deadline passed.
@Suite(.timeLimit(.minutes(1))) struct WaitingTests {
    /// A count shared with another task.
    final class Count: Sendable {
        let value = Mutex(0)
    }

    @Test func seesAConditionThatBecomesTrue() async {
        let count = Count()
        let counter = Task {
            for _ in 0..<3 {
                await Task.yield()
                count.value.withLock { $0 += 1 }
            }
        }
        #expect(await Waiting.until { count.value.withLock { $0 } == 3 })
        await counter.value
    }

    @Test func saysFalseWhenTheConditionNeverHolds() async {
        let looks = Count()
        let seen = await Waiting.until(timeout: .milliseconds(50)) {
            looks.value.withLock { $0 += 1 }
            return false
        }
        #expect(!seen)
        #expect(looks.value.withLock { $0 } >= 2, "it looked again before giving up")
    }

    @Test func aLineMustBeWholeInTheFile() async throws {
        let directory = try TemporaryDirectory(prefix: "waiting-tests")
        defer { directory.remove() }
        let log = directory.path + "/server.log"
        #expect(await !Waiting.forLine("sleep called", in: log, timeout: .milliseconds(50)), "no file yet")
        try "started\nsleep called twice\n".write(toFile: log, atomically: true, encoding: .utf8)
        #expect(await !Waiting.forLine("sleep called", in: log, timeout: .milliseconds(50)))
        try "started\nsleep called twice\nsleep called\n".write(toFile: log, atomically: true, encoding: .utf8)
        #expect(await Waiting.forLine("sleep called", in: log))
    }
}
