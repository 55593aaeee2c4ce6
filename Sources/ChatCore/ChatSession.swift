/// The conversation: system prompt, model, parameters and the message history, kept in
/// memory. It builds each request from them and changes the history only when a turn
/// succeeds, so a failed or cancelled turn leaves it exactly as it was.
public struct ChatSession: Sendable, Equatable {
    public var model: String
    public var systemPrompt: String?
    public var parameters: RequestParameters
    public var fallbackModels: [String]
    /// User and assistant messages, oldest first (the system prompt is not part of it).
    public private(set) var history: [ChatMessage] = []
    /// The user message of a turn that has not succeeded — it failed, was cancelled, or is
    /// still under way — kept for `/retry` and saved with the conversation.
    public private(set) var unsentMessage: String?
    /// Totals over the session's successful turns.
    public private(set) var totalUsage = Usage()

    public init(model: String, systemPrompt: String? = nil, parameters: RequestParameters = .init(), fallbackModels: [String] = []) {
        self.model = model
        self.systemPrompt = systemPrompt
        self.parameters = parameters
        self.fallbackModels = fallbackModels
    }

    /// The request that sends `text` as the next user message after the whole history.
    public func request(sending text: String, stream: Bool) -> ChatRequest {
        var messages: [ChatMessage] = []
        messages.reserveCapacity(history.count + 2)
        if let systemPrompt, !systemPrompt.isEmpty { messages.append(.system(systemPrompt)) }
        messages.append(contentsOf: history)
        messages.append(.user(text))
        return ChatRequest(model: model, messages: messages, stream: stream, parameters: parameters, fallbackModels: fallbackModels)
    }

    /// Records a successful turn: the user message and its answer join the history.
    public mutating func recordSuccess(user: String, answer: String, usage: Usage?) {
        history.append(.user(user))
        history.append(.assistant(answer))
        if let usage { totalUsage = totalUsage + usage }
        unsentMessage = nil
    }

    /// Records a failed or cancelled turn: the history stays as it was; the text is kept for `/retry`.
    public mutating func recordFailure(user: String) {
        unsentMessage = user
    }

    /// Marks `user` as the message of the turn about to be sent, so that it is saved (and can be
    /// resent) even if this process never learns how the turn ended.
    public mutating func beginTurn(user: String) {
        unsentMessage = user
    }

    /// What `/retry` sends: the failed or cancelled message if there is one; otherwise the
    /// last user message, whose answer is dropped so the new one replaces it.
    public mutating func takeRetryMessage() -> String? {
        if let unsentMessage { return unsentMessage }
        guard let lastUser = history.lastIndex(where: { $0.role == .user }) else { return nil }
        let text = history[lastUser].content
        history.removeSubrange(lastUser...)
        return text
    }

    /// Drops the last user message and its answer. Returns false when there is none.
    @discardableResult
    public mutating func undo() -> Bool {
        guard let lastUser = history.lastIndex(where: { $0.role == .user }) else { return false }
        history.removeSubrange(lastUser...)
        unsentMessage = nil
        return true
    }

    /// Forgets the conversation; the system prompt, model and parameters stay.
    public mutating func reset() {
        history.removeAll()
        unsentMessage = nil
    }

    /// Replaces the history wholesale (loading a saved conversation), with the saved
    /// conversation's unanswered message, if it had one.
    public mutating func replaceHistory(_ messages: [ChatMessage], pending: String? = nil) {
        history = messages.filter { $0.role != .system }
        unsentMessage = pending
    }

    /// Number of completed turns.
    public var turnCount: Int { history.count { $0.role == .user } }
}
