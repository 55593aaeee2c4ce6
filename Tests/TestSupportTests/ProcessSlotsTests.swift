import TestSupport
import Testing

/// How many test programs run at once: a slot each, the next one waits, and a wait longer
/// than `overflowAfter` ends with an uncounted slot (on a recording clock: no test waits it).
@Suite(.timeLimit(.minutes(1))) struct ProcessSlotsTests {
    @Test func aProgramOverTheLimitWaitsForTheNextReleasedSlot() async throws {
        // An hour's overflow: the second program can only start on the first one's release.
        let slots = ProcessSlots(limit: 1, overflowAfter: .seconds(3600))
        let first = await slots.acquire()
        #expect(first.counted)
        let second = Task { await slots.acquire() }
        #expect(await Waiting.until { await slots.waitingCount == 1 })
        await slots.release(first)
        let granted = await second.value
        #expect(granted.counted, "it takes the released slot")
        #expect(await slots.runningCount == 1)
        #expect(await slots.waitingCount == 0)
        await slots.release(granted)
        #expect(await slots.runningCount == 0)
    }

    @Test func aWaitLongerThanTheOverflowGetsAnUncountedSlot() async throws {
        let clock = RecordingClock()
        let slots = ProcessSlots(limit: 1, overflowAfter: .seconds(30), clock: clock)
        let first = await slots.acquire()
        // The recording clock ends the overflow wait at once: the second program starts anyway.
        let second = await slots.acquire()
        #expect(!second.counted)
        #expect(clock.sleeps == [.seconds(30)])
        #expect(await slots.runningCount == 1)
        // Giving an uncounted slot back frees nothing; the counted one does.
        await slots.release(second)
        #expect(await slots.runningCount == 1)
        await slots.release(first)
        #expect(await slots.runningCount == 0)
        #expect(await slots.acquire().counted)
    }
}
