/// A complete answer: the events of a stream folded together, or a whole answer decoded.
public struct ChatResponse: Sendable, Equatable {
    public var content: String
    public var reasoning: String
    public var model: String?
    public var usage: Usage?
    public var finishReason: String?
    /// Images that came with the answer (data URLs); saved to files, never put in history.
    public var images: [String] = []
    /// The generation's id, for `GET /generation`.
    public var generationID: String?
    /// Sources the answer cites, in order, each URL once.
    public var citations: [Citation] = []
    /// The tool calls, assembled from their pieces, in index order.
    public private(set) var toolCalls: [ToolCall] = []
    private var toolCallPieces: [Int: ToolCallDelta] = [:]
    private var details = ReasoningDetailsAccumulator()

    public init(content: String = "", reasoning: String = "", model: String? = nil, usage: Usage? = nil, finishReason: String? = nil) {
        self.content = content
        self.reasoning = reasoning
        self.model = model
        self.usage = usage
        self.finishReason = finishReason
    }

    /// `reasoning_details` to send back with this answer, merged from their pieces.
    public var reasoningDetails: RawJSON? { details.json }

    /// Folds one event into the response.
    public mutating func apply(_ event: StreamEvent) {
        switch event {
        case .text(let t): content += t
        case .reasoning(let r): reasoning += r
        case .model(let m): model = m
        case .usage(let u): usage = u
        case .finish(let reason): if reason != nil { finishReason = reason }
        case .retrying: break
        case .images(let urls): images += urls
        case .generation(let id): if generationID == nil { generationID = id }
        case .toolCall(let piece): add(piece)
        case .reasoningDetails(let items): for item in items { details.add(item) }
        case .citations(let found):
            for citation in found where !citations.contains(where: { $0.url == citation.url }) { citations.append(citation) }
        }
    }

    private mutating func add(_ piece: ToolCallDelta) {
        var call = toolCallPieces[piece.index] ?? ToolCallDelta(index: piece.index)
        if let id = piece.id, !id.isEmpty { call.id = id }
        if let name = piece.name, !name.isEmpty { call.name = (call.name ?? "") + name }
        call.arguments += piece.arguments
        toolCallPieces[piece.index] = call
        toolCalls = toolCallPieces.keys.sorted().compactMap { index in
            let call = toolCallPieces[index]!
            // A call without an id still gets one, so its result can answer it.
            return ToolCall(id: call.id ?? "call_\(index)", name: call.name ?? "", arguments: call.arguments)
        }
    }

    /// Forgets the tool calls (they were not run); the text, reasoning details and the rest stay.
    public mutating func dropToolCalls() {
        toolCalls = []
        toolCallPieces = [:]
    }

    /// The assistant message this answer adds to the conversation.
    public var message: ChatMessage {
        ChatMessage(
            role: .assistant, parts: content.isEmpty ? [] : [.text(content)], toolCalls: toolCalls,
            reasoningDetails: reasoningDetails)
    }
}

/// Pieces of `reasoning_details` merged into the items the model produced: streamed, one
/// thinking block arrives as several pieces with the same `type` and `index` (text in
/// parts, then a piece with only the signature), and sending them back unmerged is refused
/// ("Invalid signature"). Texts are joined; `signature`, `data`, `id` and `format` are taken
/// from whichever piece has them. A whole answer's items pass through unchanged.
struct ReasoningDetailsAccumulator: Sendable, Equatable {
    private var items: [[(key: String, value: JSONValue)]] = []

    static func == (a: Self, b: Self) -> Bool { a.json == b.json }

    mutating func add(_ item: JSONValue) {
        guard case .object(let members) = item else { return }
        let type = item["type"]
        let index = item["index"]
        if let position = items.lastIndex(where: { existing in
            let object = JSONValue.object(existing)
            return object["type"] == type && (index == nil || object["index"] == index)
        }), index != nil || type == .string("reasoning.text") {
            var merged = items[position]
            for (key, value) in members {
                if let at = merged.firstIndex(where: { $0.key == key }) {
                    switch (key, merged[at].value, value) {
                    case ("text", .string(let a), .string(let b)), ("summary", .string(let a), .string(let b)):
                        merged[at].value = .string(a + b)
                    case (_, .null, _), (_, .string(""), _):
                        merged[at].value = value
                    default:
                        break
                    }
                } else {
                    merged.append((key, value))
                }
            }
            items[position] = merged
        } else {
            items.append(members)
        }
    }

    var json: RawJSON? {
        guard !items.isEmpty else { return nil }
        return RawJSON(trusted: JSONValue.array(items.map { .object($0) }).jsonText)
    }
}
