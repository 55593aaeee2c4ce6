/// `fake/length`, `fake/length-empty` and `fake/content-filter`: answers that stop early, with
/// the `finish_reason` saying why.
extension DefaultResponder {
    /// How many tokens `fake/length-empty` spends thinking before it runs out.
    static let lengthEmptyTokens = 16

    /// The answer of one of these scenarios, or nil for another scenario.
    func cutShortAnswer(_ scenario: String, request: RecordedRequest, echo: String) -> FakeAnswer? {
        let words = Self.pieces(of: Self.slowAnswer(echo: echo))
        switch scenario {
        case "length":
            // Out of tokens mid-sentence.
            var answer = answer(words.prefix(8).joined(), request: request)
            answer.finishReason = "length"
            return answer
        case "length-empty":
            // Every token went to reasoning, so there is no text at all.
            var answer = reasoningAnswer("", request: request, withDetails: false)
            answer.usage.completionTokens = Self.lengthEmptyTokens
            answer.usage.reasoningTokens = Self.lengthEmptyTokens
            answer.usage.cost = Double(answer.usage.totalTokens) / 10_000
            answer.finishReason = "length"
            return answer
        case "content-filter":
            var answer = answer(words.prefix(3).joined(), request: request)
            answer.finishReason = "content_filter"
            return answer
        default:
            return nil
        }
    }
}
