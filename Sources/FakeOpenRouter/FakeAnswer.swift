/// One default chat answer before it goes on the wire: its text and what comes with it, sent
/// either as an event stream (one chunk per word) or as one JSON completion.
struct FakeAnswer {
    /// The answer text; empty sends one empty content chunk that only finishes.
    var text: String
    var usage: FakeUsage
    /// The `finish_reason` of the last content chunk, or of the whole answer.
    var finishReason = "stop"
    /// Deltas streamed before the text, one chunk each: reasoning pieces, images.
    var leadingDeltas: [[(String, JSONText)]] = []
    /// The same things whole, as members of the non-streamed `message`.
    var messageExtras: [(String, JSONText)] = []
    /// `url_citation` annotations: in the delta of the last content chunk when streamed, in
    /// `message.annotations` otherwise. Empty sends none.
    var annotations: [JSONText] = []
    /// How a streamed answer is put on the wire.
    var options = StreamOptions()

    /// The plan sending this answer as `chunks` builds it.
    func plan(chunks: CompletionBuilder, streaming: Bool) -> ResponsePlan {
        let annotationMembers: [(String, JSONText)] = annotations.isEmpty ? [] : [("annotations", .array(annotations))]
        guard streaming else {
            return .json(
                chunks.completion(
                    content: text, usage: usage, finishReason: finishReason, extraMessage: messageExtras + annotationMembers))
        }
        let events =
            leadingDeltas.map { chunks.chunk(delta: $0) }
            + chunks.textChunks(DefaultResponder.pieces(of: text), finishReason: finishReason, lastDelta: annotationMembers)
            + [chunks.usageChunk(usage, withEmptyChoice: false)]
        return .eventStream(events.map { .data($0.encoded) }, options: options)
    }
}
