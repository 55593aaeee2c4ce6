/// Events gathered between two hand-offs from one thread to another, with each run of
/// answer text (and of reasoning) joined into one event.
///
/// A fast server can send thousands of tiny deltas per network read. Passing each one to
/// the rendering task costs a thread wake-up and a `write(2)`; passing one joined event per
/// read costs one. The answer is the same: `ChatResponse.apply` adds text up, and the
/// renderers accept text split anywhere.
public struct StreamEventBatch: Sendable {
    private var closed: [StreamEvent] = []
    /// The run being joined at the end of the batch, kept out of `closed` so that appending
    /// to it never copies it.
    private var run = ""
    private var runIsReasoning = false

    /// Bytes of text and reasoning in the batch.
    public private(set) var textBytes = 0

    public init() {}

    public var isEmpty: Bool { closed.isEmpty && run.isEmpty }

    /// The gathered events, in order.
    public var events: [StreamEvent] {
        run.isEmpty ? closed : closed + [runIsReasoning ? .reasoning(run) : .text(run)]
    }

    public mutating func append(_ event: StreamEvent) {
        switch event {
        case .text(let more): extendRun(with: more, reasoning: false)
        case .reasoning(let more): extendRun(with: more, reasoning: true)
        default:
            closeRun()
            closed.append(event)
        }
    }

    /// The gathered events; the batch is empty afterwards.
    public mutating func take() -> [StreamEvent] {
        closeRun()
        textBytes = 0
        defer { closed = [] }
        return closed
    }

    private mutating func extendRun(with text: String, reasoning: Bool) {
        guard !text.isEmpty else { return }
        if !run.isEmpty && runIsReasoning != reasoning { closeRun() }
        runIsReasoning = reasoning
        run += text
        textBytes += text.utf8.count
    }

    private mutating func closeRun() {
        guard !run.isEmpty else { return }
        closed.append(runIsReasoning ? .reasoning(run) : .text(run))
        run = ""
    }
}
