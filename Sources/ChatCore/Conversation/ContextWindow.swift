/// Fits a conversation into a model's context window by leaving whole turns out of the
/// request — a turn is a user message with everything that answers it (tool calls, tool
/// results, the answer), never split. The system prompt and the new message always stay.
/// The session's own history, and so the saved transcript, keeps everything.
///
/// Turns are left out from the second one on, oldest first: the first exchange stays, so the
/// prefix a provider has cached (the system prompt and the first turn) stays the same from
/// request to request. Only when that is not enough does the first turn go too.
public enum ContextWindow {
    /// Tokens counted for one attachment, which the rough text estimate cannot see. A
    /// documented estimate, erring high: providers count an image at roughly 250–1,600
    /// tokens depending on its size and the model; a PDF page at roughly 500–1,500.
    public static func estimateTokens(_ attachment: Attachment) -> Int {
        switch attachment.kind {
        case .image: return 1_600
        // About 3 KB of PDF per page, about 1,500 tokens per page at most.
        case .pdf: return max(1_500, attachment.byteCount / 2)
        // About 32 tokens a second: 32 KB a second of 16-bit mono WAV, 16 KB of 128 kbit/s MP3.
        case .audio: return max(100, attachment.byteCount / (attachment.audioFormat == "mp3" ? 500 : 1_000))
        }
    }

    /// A rough token estimate: about four characters per token, plus framing per message,
    /// plus ``estimateTokens(_:)-(Attachment)`` for each attachment.
    public static func estimateTokens(_ messages: some Collection<ChatMessage>) -> Int {
        messages.reduce(0) { total, message in
            var tokens = (message.content.utf8.count + 3) / 4 + 4
            for call in message.toolCalls { tokens += (call.arguments.utf8.count + call.name.utf8.count + 3) / 4 + 4 }
            for attachment in message.attachments { tokens += estimateTokens(attachment) }
            return total + tokens
        }
    }

    /// Leaves turns out until the request fits `contextLength` minus the answer budget.
    /// `newMessages` is how many messages at the end belong to the turn being sent (the new
    /// message and its tool rounds so far); they always stay. Returns the request and how
    /// many messages were left out.
    public static func fit(_ request: ChatRequest, contextLength: Int, newMessages: Int = 1) -> (ChatRequest, dropped: Int) {
        let answerBudget = request.parameters.maxTokens ?? min(4096, contextLength / 4)
        let limit = contextLength - answerBudget
        let total = estimateTokens(request.messages)
        guard total > limit else { return (request, 0) }
        var turns = Self.turns(of: request, newMessages: newMessages)
        var excess = total - limit
        var dropped = 0
        // From the second turn on, then the first.
        var order = Array(turns.indices.dropFirst())
        if let first = turns.indices.first { order.append(first) }
        var removed = Set<Int>()
        for index in order where excess > 0 {
            excess -= estimateTokens(request.messages[turns[index]])
            dropped += turns[index].count
            removed.insert(index)
        }
        turns = turns.enumerated().filter { removed.contains($0.offset) }.map(\.element)
        return (removing(turns, from: request), dropped)
    }

    /// Leaves out the older half of the turns (after the API said the context was exceeded),
    /// again keeping the first turn when more than one is left.
    public static func halve(_ request: ChatRequest, newMessages: Int = 1) -> (ChatRequest, dropped: Int) {
        let turns = Self.turns(of: request, newMessages: newMessages)
        guard !turns.isEmpty else { return (request, 0) }
        let count = (turns.count + 1) / 2
        let chosen = turns.count > 1 ? Array(turns[1..<min(turns.count, 1 + count)]) : turns
        return (removing(chosen, from: request), chosen.reduce(0) { $0 + $1.count })
    }

    /// The index ranges of the history's turns (between the system prompt and the new messages).
    static func turns(of request: ChatRequest, newMessages: Int) -> [Range<Int>] {
        let start = request.messages.first?.role == .system ? 1 : 0
        let end = max(start, request.messages.count - max(1, newMessages))
        var turns: [Range<Int>] = []
        var turnStart = start
        for index in start..<end where index > turnStart && request.messages[index].role == .user {
            turns.append(turnStart..<index)
            turnStart = index
        }
        if turnStart < end { turns.append(turnStart..<end) }
        return turns
    }

    private static func removing(_ ranges: [Range<Int>], from request: ChatRequest) -> ChatRequest {
        var trimmed = request
        for range in ranges.sorted(by: { $0.lowerBound > $1.lowerBound }) {
            trimmed.messages.removeSubrange(range)
        }
        return trimmed
    }

    /// Whether an error says the request was too long for the model.
    public static func isContextExceeded(_ error: ChatError) -> Bool {
        guard case .api(let info, false) = error else { return false }
        return isContextExceeded(info)
    }

    /// The error's type when the server sent one (`metadata.error_type`); else its words.
    public static func isContextExceeded(_ info: APIErrorInfo) -> Bool {
        if let type = info.errorType { return type == "context_length_exceeded" }
        let text = (info.message + " " + (info.code ?? "")).lowercased()
        return text.contains("context_length_exceeded")
            || (text.contains("context") && (text.contains("length") || text.contains("exceed") || text.contains("too long")))
    }
}
