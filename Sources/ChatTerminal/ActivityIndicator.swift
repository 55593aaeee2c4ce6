import Foundation

/// A one-character spinner on standard error while an answer is awaited.
///
/// Frames are drawn by a thread of its own (not a task: blocked or busy cooperative
/// threads must not freeze it). Every write, frames and the final clear, happens under
/// one lock, so no frame lands after ``stop()`` has cleared the line. Without colour it
/// uses no escape sequence: `\r`, the frame, and a blank to clear it.
final class ActivityIndicator: @unchecked Sendable {
    // @unchecked: the mutable state below is only touched with `condition` locked.
    private let condition = NSCondition()
    private var running = false
    /// Whether a frame is on screen and must be cleared.
    private var drawn = false
    /// Bumped by every start, so the thread of an earlier start never draws.
    private var generation = 0

    static let frames: [String] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"]

    private let writer: FileDescriptorWriter
    private let color: Bool
    private let interval: TimeInterval

    init(writer: FileDescriptorWriter, color: Bool, interval: TimeInterval = 0.1) {
        self.writer = writer
        self.color = color
        self.interval = interval
    }

    /// Starts animating after one interval (quick answers show no spinner at all).
    func start() {
        condition.lock()
        defer { condition.unlock() }
        guard !running else { return }
        running = true
        generation += 1
        let generation = generation
        let thread = Thread { [self] in animate(generation: generation) }
        thread.name = "activity-indicator"
        thread.start()
    }

    /// Stops animating and clears the frame, if one is shown.
    func stop() {
        condition.lock()
        defer { condition.unlock() }
        running = false
        if drawn {
            writer.write(color ? "\r\u{1B}[K" : "\r \r")
            drawn = false
        }
        condition.broadcast()
    }

    private func animate(generation: Int) {
        condition.lock()
        defer { condition.unlock() }
        var frame = 0
        while true {
            let deadline = Date(timeIntervalSinceNow: interval)
            while isCurrent(generation) && Date() < deadline {
                _ = condition.wait(until: deadline)
            }
            guard isCurrent(generation) else { return }
            let symbol = Self.frames[frame % Self.frames.count]
            writer.write(color ? "\r\u{1B}[2m\(symbol)\u{1B}[0m" : "\r\(symbol)")
            drawn = true
            frame += 1
        }
    }

    private func isCurrent(_ generation: Int) -> Bool {
        running && self.generation == generation
    }
}
