import TestSupport
import Testing

/// The clock that records sleeps instead of waiting them.
@Suite struct RecordingClockTests {
    @Test func recordsEachSleepAndMovesTimeOnByIt() async throws {
        let clock = RecordingClock()
        let start = clock.now
        try await clock.sleep(for: .seconds(2))
        try await clock.sleep(for: .milliseconds(500))
        #expect(clock.sleeps == [.seconds(2), .milliseconds(500)])
        #expect(start.duration(to: clock.now) == .milliseconds(2500))
    }

    @Test func aDeadlineAlreadyPassedIsASleepOfZero() async throws {
        let clock = RecordingClock()
        try await clock.sleep(for: .seconds(5))
        try await clock.sleep(until: clock.now.advanced(by: .seconds(-3)), tolerance: nil)
        #expect(clock.sleeps == [.seconds(5), .zero])
        #expect(clock.now.offset == .seconds(5), "time does not go back")
    }

    @Test func aCancelledTaskSleepsNotAndThrows() async {
        let clock = RecordingClock()
        let task = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            try await clock.sleep(for: .seconds(1))
        }
        await #expect(throws: CancellationError.self) { try await task.value }
        #expect(clock.sleeps.isEmpty)
    }
}
