/// Events gathered between two hand-offs from one thread to another, with each run of
/// answer text (and of reasoning) joined into one event.
///
/// A fast server can send thousands of tiny deltas per network read. Passing each one to
/// the rendering task costs a thread wake-up and a `write(2)`; passing one joined event per
/// read costs one. The answer is the same: `ChatResponse.apply` adds text up, and the
/// renderers accept text split anywhere.
public struct StreamEventBatch: Sendable {
    public private(set) var events: [StreamEvent] = []

    public init() {}

    public var isEmpty: Bool { events.isEmpty }

    public mutating func append(_ event: StreamEvent) {
        switch (events.last, event) {
        case (.text(var joined)?, .text(let more)):
            events.removeLast()  // leaves `joined` as the only owner of its storage: appended in place
            joined += more
            events.append(.text(joined))
        case (.reasoning(var joined)?, .reasoning(let more)):
            events.removeLast()
            joined += more
            events.append(.reasoning(joined))
        default:
            events.append(event)
        }
    }

    /// The gathered events; the batch is empty afterwards.
    public mutating func take() -> [StreamEvent] {
        defer { events = [] }
        return events
    }
}
