/// A one-character spinner on standard error while an answer is awaited.
///
/// Frames are drawn by a background task; every write (frames and the final clear)
/// happens under one lock, so a frame never lands after ``stop()`` has cleared it.
/// Without colour it uses no escape sequence: `\r`, the frame, and a blank to clear.
final class ActivityIndicator: Sendable {
    private struct State {
        var running = false
        /// Whether a frame is on screen and must be cleared.
        var drawn = false
        /// Bumped by every start, so a task of an earlier start never draws.
        var generation = 0
        var task: Task<Void, Never>?
    }

    static let frames: [String] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"]

    private let writer: FileDescriptorWriter
    private let color: Bool
    private let interval: Duration
    private let state = Locked(State())

    init(writer: FileDescriptorWriter, color: Bool, interval: Duration = .milliseconds(100)) {
        self.writer = writer
        self.color = color
        self.interval = interval
    }

    /// Starts animating after one interval (quick answers show no spinner at all).
    func start() {
        state.withLock { state in
            guard !state.running else { return }
            state.running = true
            state.generation += 1
            let generation = state.generation
            state.task = Task.detached { [self] in
                await animate(generation: generation)
            }
        }
    }

    /// Stops animating and clears the frame, if one is shown.
    func stop() {
        state.withLock { state in
            guard state.running || state.drawn else { return }
            state.running = false
            state.task?.cancel()
            state.task = nil
            if state.drawn {
                writer.write(color ? "\r\u{1B}[K" : "\r \r")
                state.drawn = false
            }
        }
    }

    private func animate(generation: Int) async {
        var frame = 0
        while true {
            do {
                try await Task.sleep(for: interval)
            } catch {
                return
            }
            let keepGoing = state.withLock { state -> Bool in
                guard state.running && state.generation == generation else { return false }
                let symbol = Self.frames[frame % Self.frames.count]
                writer.write(color ? "\r\u{1B}[2m\(symbol)\u{1B}[0m" : "\r\(symbol)")
                state.drawn = true
                return true
            }
            guard keepGoing else { return }
            frame += 1
        }
    }
}
