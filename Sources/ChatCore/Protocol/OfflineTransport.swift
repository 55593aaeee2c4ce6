/// A built-in responder that needs no key and no network, so a new user can try the
/// program at once. Its answers are deterministic and show what it received: the turn
/// number, the model, the system prompt and the last message. Every answer starts with
/// "[offline]" so it is never mistaken for a model's.
public struct OfflineTransport: ChatTransport {
    /// Pause between streamed words, to look like a stream (zero in tests).
    public var wordDelay: Duration

    public init(wordDelay: Duration = .milliseconds(15)) {
        self.wordDelay = wordDelay
    }

    /// The answer the responder gives to `request`.
    public static func answer(to request: ChatRequest) -> String {
        let turn = request.messages.count { $0.role == .user }
        let last = request.messages.last(where: { $0.role == .user })?.content ?? ""
        var answer = "[offline] Turn \(turn) with \(request.model). You said: \"\(last)\"."
        if let system = request.messages.first(where: { $0.role == .system }) {
            let firstLine = TextLines.split(system.content).first { !$0.isEmpty }.map(String.init) ?? ""
            answer += " System prompt: \"\(firstLine)\"."
        }
        let earlier = request.messages.count - 1 - (request.messages.first?.role == .system ? 1 : 0)
        answer += " I see \(earlier) earlier message\(earlier == 1 ? "" : "s")."
        answer += " This is the built-in offline responder: no network, no model. Set OPENROUTER_API_KEY to talk to a real model."
        return answer
    }

    public func stream(_ request: ChatRequest) -> AsyncThrowingStream<StreamEvent, any Error> {
        let text = Self.answer(to: request)
        let delay = request.stream ? wordDelay : .zero
        return AsyncThrowingStream { continuation in
            let task = Task {
                continuation.yield(.model("offline/\(request.model)"))
                if request.stream {
                    var first = true
                    for word in text.split(separator: " ", omittingEmptySubsequences: false) {
                        if delay > .zero {
                            do { try await Task.sleep(for: delay) } catch {
                                continuation.finish(throwing: ChatError.cancelled)
                                return
                            }
                        }
                        continuation.yield(.text(first ? String(word) : " " + word))
                        first = false
                    }
                } else {
                    continuation.yield(.text(text))
                }
                let prompt = request.messages.reduce(0) { $0 + $1.content.split(separator: " ").count }
                let completion = text.split(separator: " ").count
                continuation.yield(.finish(reason: "stop"))
                continuation.yield(.usage(Usage(promptTokens: prompt, completionTokens: completion, cost: 0)))
                continuation.finish()
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    public func listModels() async throws -> [ModelInfo] {
        [ModelInfo(id: "offline/echo", name: "Offline echo", contextLength: 1_000_000, promptPrice: 0, completionPrice: 0)]
    }
}
