import ChatTerminal
import Synchronization
import Testing

/// The spinner's real ticker: a thread of its own, which `stop` waits for.
@Suite(.timeLimit(.minutes(1))) struct ThreadTickerTests {
    /// What the ticks saw.
    final class TickLog: Sendable {
        struct Counts {
            var ticks = 0
            var ticksAfterStopReturned = 0
            var stopReturned = false
            var tickReleased = false
        }

        let counts = Mutex(Counts())
        let thirdTick = Signal()

        func tick() {
            let ticks = counts.withLock { counts in
                if counts.stopReturned { counts.ticksAfterStopReturned += 1 }
                counts.ticks += 1
                return counts.ticks
            }
            if ticks == 3 { thirdTick.fire() }
        }
    }

    /// Runs `onRelease` when the tick closure that holds it is released.
    final class ReleaseWitness: Sendable {
        let onRelease: @Sendable () -> Void
        init(_ onRelease: @escaping @Sendable () -> Void) { self.onRelease = onRelease }
        deinit { onRelease() }
    }

    @Test func itTicksUntilStoppedAndNoTickComesAfterStopReturns() async {
        let log = TickLog()
        do {
            let stop = ThreadTicker(interval: 0.001).start {
                [witness = ReleaseWitness { log.counts.withLock { $0.tickReleased = true } }] in
                withExtendedLifetime(witness) { log.tick() }
            }
            await log.thirdTick.wait()
            stop()
            log.counts.withLock { $0.stopReturned = true }
        }
        // `stop` waited for the thread to let go of the tick, so with the last reference to `stop` gone the tick
        // closure is released at once: nothing is left that could tick. A thread still
        // running would hold it.
        let counts = log.counts.withLock { $0 }
        #expect(counts.ticks >= 3)
        #expect(counts.tickReleased)
        #expect(counts.ticksAfterStopReturned == 0)
    }

    /// A ticker that stops itself from its second tick (or the first after `stop` is known).
    final class SelfStopper: Sendable {
        struct State {
            var stop: (@Sendable () -> Void)?
            var ticks = 0
            var stoppedAt = 0
        }

        let state = Mutex(State())
        let stoppedInside = Signal()

        func tick() {
            let (tick, stop) = state.withLock { state in
                state.ticks += 1
                return (state.ticks, state.stop)
            }
            // On the ticker's own thread: it cannot join itself, and must not hang.
            guard tick >= 2, let stop else { return }
            stop()
            state.withLock { $0.stoppedAt = tick }
            stoppedInside.fire()
        }
    }

    @Test func stoppedFromItsOwnTickItEndsAfterThatTick() async {
        let stopper = SelfStopper()
        let stop = ThreadTicker(interval: 0.001).start { stopper.tick() }
        stopper.state.withLock { $0.stop = stop }
        await stopper.stoppedInside.wait()
        stop()  // a second call returns at once
        let state = stopper.state.withLock { ($0.ticks, $0.stoppedAt) }
        #expect(state.0 == state.1, "no tick after the one that stopped it")
    }
}
