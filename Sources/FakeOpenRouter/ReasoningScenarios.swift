/// `fake/reasoning` and `fake/reasoning-details`: answers that think first.
///
/// `fake/reasoning` streams `delta.reasoning` pieces before the text (whole: `message.reasoning`).
/// `fake/reasoning-details` also streams `delta.reasoning_details` as Anthropic models do through
/// OpenRouter: one `reasoning.text` block in fragments sharing `index: 0`, then a fragment with
/// only its `signature`, then one `reasoning.encrypted` item; whole, `message.reasoning_details`
/// holds the two items merged. Reasoning pieces count as completion tokens and as
/// `completion_tokens_details.reasoning_tokens`.
extension DefaultResponder {
    static let thoughts = ["Let me think", " about this", " request."]
    static let reasoningFormat = "anthropic-claude-v1"
    static let reasoningSignature = "ErUBCkYIBRgCIkDfakeSignature0123456789"
    static let encryptedReasoning = (data: "ZmFrZSBlbmNyeXB0ZWQgcmVhc29uaW5n", id: "rs_fake_1")

    func reasoningAnswer(_ text: String, request: RecordedRequest, withDetails: Bool) -> FakeAnswer {
        var answer = answer(text, request: request, reasoningTokens: Self.thoughts.count)
        answer.leadingDeltas = Self.thoughts.map { piece in
            [("content", .string("")), ("reasoning", .string(piece))]
                + (withDetails ? [("reasoning_details", .array([Self.textDetail(text: piece)]))] : [])
        }
        answer.messageExtras = [("reasoning", .string(Self.thoughts.joined()))]
        guard withDetails else { return answer }
        answer.leadingDeltas += [
            [("content", .string("")), ("reasoning_details", .array([Self.textDetail(signature: Self.reasoningSignature)]))],
            [("content", .string("")), ("reasoning_details", .array([Self.encryptedDetail]))],
        ]
        answer.messageExtras.append(
            (
                "reasoning_details",
                .array([Self.textDetail(text: Self.thoughts.joined(), signature: Self.reasoningSignature), Self.encryptedDetail])
            ))
        return answer
    }

    /// A `reasoning.text` item (or fragment) of block 0, with whichever of text and signature it has.
    private static func textDetail(text: String? = nil, signature: String? = nil) -> JSONText {
        var members: [(String, JSONText)] = [("type", .string("reasoning.text"))]
        if let text { members.append(("text", .string(text))) }
        if let signature { members.append(("signature", .string(signature))) }
        return .object(members + [("format", .string(reasoningFormat)), ("index", .int(0))])
    }

    private static var encryptedDetail: JSONText {
        .object([
            ("type", .string("reasoning.encrypted")),
            ("data", .string(encryptedReasoning.data)),
            ("id", .string(encryptedReasoning.id)),
            ("format", .string(reasoningFormat)),
            ("index", .int(1)),
        ])
    }
}
