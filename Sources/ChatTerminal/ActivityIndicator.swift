import Synchronization

/// A one-character spinner on standard error while an answer is awaited.
///
/// Frames are drawn when the ticker says (``FrameTicker``: a thread of its own in the
/// program, driven by hand in tests, so tests wait for events, not for time). Every write,
/// frames and the final clear, happens under one lock, so no frame lands after ``stop()``
/// has cleared the line. Without colour it uses no escape sequence: `\r`, the frame, and a
/// blank to clear it.
final class ActivityIndicator: Sendable {
    private struct State {
        var running = false
        /// Whether a frame is on screen and must be cleared.
        var drawn = false
        /// Bumped by every start, so a tick meant for an earlier start never draws.
        var generation = 0
        var frame = 0
        var stopTicker: (@Sendable () -> Void)?
    }

    static let frames: [String] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"]

    private let state = Mutex(State())
    private let writer: FileDescriptorWriter
    private let color: Bool
    private let ticker: any FrameTicker

    init(writer: FileDescriptorWriter, color: Bool, ticker: any FrameTicker) {
        self.writer = writer
        self.color = color
        self.ticker = ticker
    }

    /// Starts animating after one tick (quick answers show no spinner at all).
    func start() {
        let generation: Int? = state.withLock { state in
            guard !state.running else { return nil }
            state.running = true
            state.generation += 1
            state.frame = 0
            return state.generation
        }
        guard let generation else { return }
        let stop = ticker.start { [self] in tick(generation) }
        let stale: (@Sendable () -> Void)? = state.withLock { state in
            guard state.running && state.generation == generation else { return stop }
            state.stopTicker = stop
            return nil
        }
        stale?()  // stopped before the ticker was kept
    }

    /// Stops animating and clears the frame, if one is shown.
    func stop() {
        let stopTicker = state.withLock { state -> (@Sendable () -> Void)? in
            state.running = false
            if state.drawn {
                writer.write(color ? "\r\u{1B}[K" : "\r \r")
                state.drawn = false
            }
            defer { state.stopTicker = nil }
            return state.stopTicker
        }
        stopTicker?()
    }

    private func tick(_ generation: Int) {
        state.withLock { state in
            guard state.running && state.generation == generation else { return }
            let symbol = Self.frames[state.frame % Self.frames.count]
            writer.write(color ? "\r\u{1B}[2m\(symbol)\u{1B}[0m" : "\r\(symbol)")
            state.drawn = true
            state.frame += 1
        }
    }
}
