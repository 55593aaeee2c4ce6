/// Keeps a turn's requests inside the model's context: whole old turns are left out when
/// the model list says the conversation is longer than the model takes (once noted), and a
/// request the server refused as too long is sent once more with half the old turns. The
/// saved conversation keeps everything.
struct ContextFitting {
    /// The model's context length, when the model list is known.
    let limit: Int?
    let model: String
    private var noted = false
    /// After a refusal: the older turns that are left out from then on.
    private var halved: (request: ChatRequest, newMessages: Int)?

    init(limit: Int?, model: String) {
        self.limit = limit
        self.model = model
    }

    /// `request` with old turns left out so it fits; the last `newMessages` (this turn) stay.
    mutating func fit(_ request: ChatRequest, newMessages: Int, renderer: any ChatRenderer) -> ChatRequest {
        if let halved {
            var trimmed = request
            trimmed.messages = halved.request.messages.dropLast(halved.newMessages) + request.messages.suffix(newMessages)
            return trimmed
        }
        guard let limit else { return request }
        let (fitted, dropped) = ContextWindow.fit(request, contextLength: limit, newMessages: newMessages)
        if dropped > 0 && !noted {
            noted = true
            renderer.notice(
                "the conversation is longer than \(model)'s context (\(limit) tokens): \(dropped) earlier messages were left out of this request (they stay in the saved transcript)"
            )
        }
        return fitted
    }

    /// When `error` says the context was exceeded and there are old turns to leave out: the
    /// request to send again, shorter. Nil otherwise.
    mutating func afterContextExceeded(
        _ error: ChatError, _ request: ChatRequest, _ newMessages: Int, _ renderer: any ChatRenderer
    ) -> ChatRequest? {
        guard ContextWindow.isContextExceeded(error) else { return nil }
        let (shorter, dropped) = ContextWindow.halve(request, newMessages: newMessages)
        guard dropped > 0 else { return nil }
        renderer.notice(
            "the model's context was exceeded: retrying without \(dropped) earlier messages (they stay in the saved transcript)")
        halved = (shorter, newMessages)
        return shorter
    }
}
