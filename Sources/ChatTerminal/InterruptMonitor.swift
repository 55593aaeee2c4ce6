import CEditLine
import CEditLineShim

/// Ctrl-C for the whole process.
///
/// A SIGINT handler (installed without `SA_RESTART`) sets one process-wide flag and
/// wakes the line readers, which wait on their input and on a wake-up pipe: at the
/// prompt they return ``ChatCore/LineInput/interrupt`` at once. (While libedit edits a line
/// the terminal sends Ctrl-C as a key, in order with the keys before it; the key reader sets
/// the same flag.) While an answer streams, async code waits on
/// ``waitForInterrupt(pollInterval:)`` and cancels the request.
///
/// The handler is never `SIG_IGN`: an ignored SIGINT would leave readline blocked and a
/// later Ctrl-D indistinguishable from Ctrl-C.
public enum InterruptMonitor {
    /// Installs the SIGINT handler. Calling it again is harmless.
    /// - Throws: ``TerminalError`` when `sigaction` fails.
    public static func install() throws {
        if bfchat_install_interrupt_handler() != 0 {
            throw TerminalError.systemCall("sigaction(SIGINT)", errno: currentErrno())
        }
    }

    /// Whether Ctrl-C was pressed since the flag was last consumed (the flag stays set).
    public static var isPending: Bool {
        bfchat_interrupt_pending() != 0
    }

    /// Returns whether Ctrl-C was pressed since the last call, and clears the flag.
    @discardableResult
    public static func consume() -> Bool {
        bfchat_consume_interrupt() != 0
    }

    /// Sets the flag and wakes readers as Ctrl-C would. For tests, and for code that
    /// wants the same path.
    public static func simulate() {
        bfchat_raise_interrupt()
    }

    /// Returns `true` as soon as Ctrl-C is pressed (the flag is consumed), or `false` when
    /// the calling task is cancelled first.
    ///
    /// Polls the flag, because a signal handler can do nothing but set it; with the
    /// default 20 ms interval a streaming answer stops well within 200 ms. The waits are on
    /// `clock`.
    public static func waitForInterrupt(
        pollInterval: Duration = .milliseconds(20), clock: any Clock<Duration> = ContinuousClock()
    ) async -> Bool {
        while !Task.isCancelled {
            if consume() {
                return true
            }
            do {
                try await clock.sleep(for: pollInterval, tolerance: nil)
            } catch {
                return false
            }
        }
        return false
    }
}
