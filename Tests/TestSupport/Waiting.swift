import Foundation

/// Waiting for an event that leaves no signal to wait on — a line in a server's log, a
/// request the fake recorded, a process gone — by looking again every few milliseconds.
///
/// The deadline only bounds a hang: the test asserts the event (the result is `false`
/// when it never came), never how long it took.
public enum Waiting {
    /// Returns true once `condition` holds, or false when `timeout` has passed first.
    public static func until(
        timeout: Duration = .seconds(20), _ condition: @Sendable () async throws -> Bool
    ) async rethrows -> Bool {
        let deadline = ContinuousClock.now + timeout
        while true {
            if try await condition() { return true }
            if ContinuousClock.now >= deadline { return false }
            try? await Task.sleep(for: .milliseconds(10))
        }
    }

    /// Returns true once `file` holds the whole line `line` (a server tells what it did in its
    /// log), or false when `timeout` has passed first.
    public static func forLine(_ line: String, in file: String, timeout: Duration = .seconds(20)) async -> Bool {
        await until(timeout: timeout) {
            let text = (try? String(contentsOfFile: file, encoding: .utf8)) ?? ""
            return text.split(separator: "\n").contains(Substring(line))
        }
    }
}
