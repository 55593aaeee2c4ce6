/// The conversation: system prompt, model, parameters and the message history, kept in
/// memory. It builds each request from them and changes the history only when a turn
/// succeeds, so a failed or cancelled turn leaves it exactly as it was.
public struct ChatSession: Sendable, Equatable {
    public var model: String
    public var systemPrompt: String?
    public var parameters: RequestParameters
    public var fallbackModels: [String]
    /// User, assistant and tool messages, oldest first (the system prompt is not part of it).
    public private(set) var history: [ChatMessage] = []
    /// The user message of a turn that has not succeeded — it failed, was cancelled, or is
    /// still under way — kept for `/retry` and saved with the conversation.
    public private(set) var pending: ChatMessage?
    /// Totals over the session's successful turns.
    public private(set) var totalUsage = Usage()

    public init(model: String, systemPrompt: String? = nil, parameters: RequestParameters = .init(), fallbackModels: [String] = []) {
        self.model = model
        self.systemPrompt = systemPrompt
        self.parameters = parameters
        self.fallbackModels = fallbackModels
    }

    /// The request that sends `message` after the whole history, followed by the messages of
    /// this turn's earlier tool rounds (the assistant's calls and the tools' results).
    public func request(
        sending message: ChatMessage, rounds: [ChatMessage] = [], stream: Bool, tools: [ToolDefinition] = []
    ) -> ChatRequest {
        var messages: [ChatMessage] = []
        messages.reserveCapacity(history.count + rounds.count + 2)
        if let systemPrompt, !systemPrompt.isEmpty { messages.append(.system(systemPrompt)) }
        messages.append(contentsOf: history)
        messages.append(message)
        messages.append(contentsOf: rounds)
        return ChatRequest(
            model: model, messages: messages, stream: stream, parameters: parameters, fallbackModels: fallbackModels, tools: tools)
    }

    /// The request that sends `text` as the next user message.
    public func request(sending text: String, stream: Bool) -> ChatRequest {
        request(sending: .user(text), stream: stream)
    }

    /// Records a successful turn: the user message and the answer — the assistant's tool
    /// calls, the tools' results and the final assistant message, in order — join the history.
    public mutating func recordSuccess(user: ChatMessage, answer: [ChatMessage], usage: Usage?) {
        history.append(user)
        history.append(contentsOf: answer)
        if let usage { totalUsage = totalUsage + usage }
        pending = nil
    }

    /// Records a successful turn of text only.
    public mutating func recordSuccess(user: String, answer: String, usage: Usage?) {
        recordSuccess(user: .user(user), answer: [.assistant(answer)], usage: usage)
    }

    /// Marks `user` as the message of the turn about to be sent, so that it is saved (and can be
    /// resent) even if this process never learns how the turn ended.
    public mutating func beginTurn(user: ChatMessage) {
        pending = user
    }

    /// Records a failed or cancelled turn: the history stays as it was; the message is kept for `/retry`.
    public mutating func recordFailure(user: ChatMessage) {
        pending = user
    }

    /// What `/retry` sends: the failed or cancelled message if there is one; otherwise the
    /// last user message, whose answer is dropped so the new one replaces it.
    public mutating func takeRetryMessage() -> ChatMessage? {
        if let pending { return pending }
        guard let lastUser = history.lastIndex(where: { $0.role == .user }) else { return nil }
        let message = history[lastUser]
        history.removeSubrange(lastUser...)
        return message
    }

    /// Drops the last user message and its answer (with any tool rounds). Returns false when there is none.
    @discardableResult
    public mutating func undo() -> Bool {
        guard let lastUser = history.lastIndex(where: { $0.role == .user }) else { return false }
        history.removeSubrange(lastUser...)
        pending = nil
        return true
    }

    /// Forgets the conversation; the system prompt, model and parameters stay.
    public mutating func reset() {
        history.removeAll()
        pending = nil
    }

    /// Replaces the history wholesale (loading a saved conversation), with the saved
    /// conversation's unanswered message, if it had one.
    public mutating func replaceHistory(_ messages: [ChatMessage], pending: ChatMessage? = nil) {
        history = messages.filter { $0.role != .system }
        self.pending = pending
    }

    /// Number of completed turns.
    public var turnCount: Int { history.count { $0.role == .user } }

    /// The text of the last assistant message that has any.
    public var lastAnswer: String? {
        history.last { $0.role == .assistant && !$0.content.isEmpty }?.content
    }
}
