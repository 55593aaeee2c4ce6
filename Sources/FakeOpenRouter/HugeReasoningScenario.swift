/// `fake/huge-reasoning-details`: an answer that thinks out loud without end, in
/// `reasoning_details` only — the part of an answer that is never shown but kept to be sent
/// back, so the client's answer cap must count it like the text.
///
/// Streamed: ``hugeReasoningItems`` chunks, each one `reasoning.encrypted` item of
/// ``hugeReasoningItemBytes`` of data with its own `index` (so none merge), then the echo.
/// Whole: the same items in `message.reasoning_details`.
extension DefaultResponder {
    /// How many items, and the size of each one's `data`: 16 MiB in all.
    static let hugeReasoningItems = 64
    static let hugeReasoningItemBytes = 256 * 1024

    func hugeReasoningAnswer(_ text: String, request: RecordedRequest) -> FakeAnswer {
        var answer = answer(text, request: request)
        let data = String(repeating: "A", count: Self.hugeReasoningItemBytes)
        let items: [JSONText] = (0..<Self.hugeReasoningItems).map { index in
            .object([
                ("type", .string("reasoning.encrypted")), ("data", .string(data)), ("format", .string(Self.reasoningFormat)),
                ("index", .int(index)),
            ])
        }
        answer.leadingDeltas = items.map { [("content", .string("")), ("reasoning_details", .array([$0]))] }
        answer.messageExtras = [("reasoning_details", .array(items))]
        return answer
    }
}
