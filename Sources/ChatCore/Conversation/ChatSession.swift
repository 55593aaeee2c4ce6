/// The conversation: system prompt, model, parameters and every message as a tree
/// (``ConversationTree``), kept in memory. A request sends the system prompt and the
/// current branch. A turn that has not succeeded — it failed, was cancelled, or is still
/// under way — stays at the end of the branch as the **pending** turn: it is not part of
/// ``history`` (what the next message follows) and `/retry` resends it.
public struct ChatSession: Sendable, Equatable {
    public var model: String
    public var systemPrompt: String?
    public var parameters: RequestParameters
    public var fallbackModels: [String]
    /// The conversation's stable id (``ConversationID``).
    public private(set) var id = ConversationID.make()
    /// Every message, and the current position.
    public private(set) var tree = ConversationTree()
    /// Totals over every answer of the conversation, and its other costs.
    public private(set) var totalUsage = Usage()
    /// Costs of this process's run that are not answers in the tree (an MCP server's sampling
    /// requests), in order; each is in ``totalUsage`` too.
    public private(set) var otherCosts: [Usage] = []

    public init(model: String, systemPrompt: String? = nil, parameters: RequestParameters = .init(), fallbackModels: [String] = []) {
        self.model = model
        self.systemPrompt = systemPrompt
        self.parameters = parameters
        self.fallbackModels = fallbackModels
    }

    /// A saved conversation, continued: its id, model, system prompt, every message, its
    /// position and its usage totals.
    public init(resuming archive: SessionArchive, parameters: RequestParameters = .init(), fallbackModels: [String] = []) {
        self.init(model: archive.model, systemPrompt: archive.systemPrompt, parameters: parameters, fallbackModels: fallbackModels)
        id = archive.id
        tree = archive.tree
        totalUsage = archive.usage
    }

    // MARK: The current branch

    /// The id of the user message that starts the unfinished turn at the end of the current
    /// branch: the branch ends with that message, with an assistant message asking for tool
    /// calls, or with a tool result. Nil when the branch ends with a finished answer.
    public var pendingID: Int? {
        let branch = tree.branch
        guard let last = branch.last, let node = tree.node(last) else { return nil }
        if node.message.role == .assistant && node.message.toolCalls.isEmpty { return nil }
        return branch.last { tree.node($0)?.message.role == .user }
    }

    /// Where a new message goes: the end of the branch, before its unfinished turn.
    public var settledPosition: Int? {
        guard let pending = pendingID else { return tree.leaf }
        return tree.node(pending)?.parent
    }

    /// The messages a new message follows: the current branch without its unfinished turn.
    public var history: [ChatMessage] {
        tree.path(to: settledPosition).map { tree.nodes[$0 - 1].message }
    }

    /// The user message of the unfinished turn, kept for `/retry`.
    public var pending: ChatMessage? {
        pendingID.flatMap { tree.node($0)?.message }
    }

    /// Number of finished turns on the current branch.
    public var turnCount: Int { history.count { $0.role == .user } }

    /// The text of the last assistant message on the current branch that has any.
    public var lastAnswer: String? {
        history.last { $0.role == .assistant && !$0.content.isEmpty }?.content
    }

    // MARK: Requests

    /// The request that sends the current branch: the system prompt, then every message up
    /// to the current position (an unfinished turn included: it is what is being answered).
    /// `model` replaces the session's for this request only (`/regen MODEL`, `/compare`).
    public func request(model: String? = nil, tools: [ToolDefinition] = []) -> ChatRequest {
        request(with: tree.branchMessages, model: model, tools: tools)
    }

    /// The request that would send `message` after the history (what the next typed message
    /// sends).
    public func request(sending message: ChatMessage, tools: [ToolDefinition] = []) -> ChatRequest {
        request(with: history + [message], model: nil, tools: tools)
    }

    /// The request that would send `text` as the next user message.
    public func request(sending text: String) -> ChatRequest {
        request(sending: .user(text))
    }

    private func request(with branch: [ChatMessage], model: String?, tools: [ToolDefinition]) -> ChatRequest {
        var messages: [ChatMessage] = []
        messages.reserveCapacity(branch.count + 1)
        if let systemPrompt, !systemPrompt.isEmpty { messages.append(.system(systemPrompt)) }
        messages.append(contentsOf: branch)
        return ChatRequest(
            model: model ?? self.model, messages: messages, parameters: parameters, fallbackModels: fallbackModels, tools: tools)
    }

    // MARK: Turns

    /// Puts `user` at the end of the branch as the message of the turn about to be sent, so
    /// that it is saved (and can be resent) even if this process never learns how the turn
    /// ended. When the unfinished turn already starts with this message (`/retry`), the
    /// position moves back to it instead of adding it again.
    public mutating func beginTurn(user: ChatMessage) {
        if let pending = pendingID, tree.node(pending)?.message == user {
            try? tree.move(to: pending)
            return
        }
        tree.append(user, under: settledPosition)
    }

    /// Moves the position to user message `id`, so that a new answer to it follows
    /// (`/regen`, `/retry`): the answers it had stay in the tree.
    public mutating func answerAgain(_ id: Int) throws(ConversationTree.Problem) {
        guard tree.node(id)?.message.role == .user else { throw ConversationTree.Problem(reason: "message \(id) is not a user message") }
        try tree.move(to: id)
    }

    /// The user message that starts the turn at the end of the current branch: the
    /// unfinished one, else the last user message (nil when the branch has none).
    public var lastUserID: Int? {
        tree.branch.last { tree.node($0)?.message.role == .user }
    }

    /// Adds a message of the turn under way (an assistant message, a tool result) at the
    /// end of the branch. `usage` joins the totals.
    public mutating func appendAnswer(_ message: ChatMessage, model: String? = nil, usage: Usage? = nil) {
        tree.append(message, under: tree.leaf, model: model, usage: usage)
        if let usage { totalUsage = totalUsage + usage }
    }

    /// Adds a cost that is not an answer in the tree (a sampling request) to the totals.
    public mutating func addCost(_ usage: Usage) {
        otherCosts.append(usage)
        totalUsage = totalUsage + usage
    }

    /// Records a successful turn: the user message (unless it was begun already) and the
    /// answer — the assistant's tool calls, the tools' results and the final assistant
    /// message, in order — join the branch; `usage` (the whole turn's) goes on the last.
    public mutating func recordSuccess(user: ChatMessage, answer: [ChatMessage], usage: Usage?) {
        beginTurn(user: user)
        for (index, message) in answer.enumerated() {
            appendAnswer(message, usage: index == answer.count - 1 ? usage : nil)
        }
    }

    /// Records a successful turn of text only.
    public mutating func recordSuccess(user: String, answer: String, usage: Usage?) {
        recordSuccess(user: .user(user), answer: [.assistant(answer)], usage: usage)
    }

    /// Records a failed or cancelled turn: the history stays as it was; the message is kept
    /// (at the end of the branch) for `/retry`.
    public mutating func recordFailure(user: ChatMessage) {
        beginTurn(user: user)
    }

    /// What `/retry` sends: the pending message if there is one; otherwise the last user
    /// message, whose answer moves off the branch (it stays in the tree) so a new one follows.
    public mutating func takeRetryMessage() -> ChatMessage? {
        if let pending { return pending }
        guard let lastUser = tree.branch.last(where: { tree.node($0)?.message.role == .user }) else { return nil }
        try? tree.move(to: lastUser)
        return tree.node(lastUser)?.message
    }

    /// Moves back before the last user message (it and its answer stay in the tree). Returns
    /// false when there is none.
    @discardableResult
    public mutating func undo() -> Bool {
        guard let lastUser = tree.branch.last(where: { tree.node($0)?.message.role == .user }) else { return false }
        try? tree.move(to: tree.node(lastUser)?.parent)
        return true
    }

    /// Starts over: the position moves before the first message; the system prompt, model and
    /// parameters stay.
    public mutating func reset() {
        try? tree.move(to: nil)
    }

    /// Replaces the conversation with `messages` as one branch (loading a saved
    /// conversation), with the saved conversation's unanswered message, if it had one.
    public mutating func replaceHistory(_ messages: [ChatMessage], pending: ChatMessage? = nil) {
        tree = ConversationTree(branch: messages.filter { $0.role != .system })
        if let pending { beginTurn(user: pending) }
    }
}

// MARK: - Moving in the tree

extension ChatSession {
    /// The id of message `number` (1, 2, … as `/history` numbers the finished messages of the
    /// current branch), when it is a user message.
    public func userMessage(numbered number: Int) -> Int? {
        let branch = tree.path(to: settledPosition)
        guard number >= 1, number <= branch.count, tree.node(branch[number - 1])?.message.role == .user else { return nil }
        return branch[number - 1]
    }

    /// `/rewind N`: the position moves to just before user message `id` of the current branch;
    /// the next message becomes a new version of it.
    public mutating func rewind(before id: Int) throws(ConversationTree.Problem) {
        guard let node = tree.node(id), node.message.role == .user else {
            throw ConversationTree.Problem(reason: "message \(id) is not a user message")
        }
        try tree.move(to: node.parent)
    }

    /// `/switch`: the branch that ends at `id` becomes current.
    public mutating func switchBranch(to id: Int?) throws(ConversationTree.Problem) {
        try tree.move(to: id)
    }

    /// The current branch alone, as a new conversation with a new id (`/fork`): its messages
    /// keep their models and usage; the totals are what they cost.
    public func forked() -> SessionArchive {
        var tree = ConversationTree()
        var usage = Usage()
        for id in self.tree.branch {
            guard let node = self.tree.node(id) else { continue }
            tree.append(node.message, under: tree.leaf, model: node.model, usage: node.usage)
            if let cost = node.usage { usage = usage + cost }
        }
        return SessionArchive(model: model, systemPrompt: systemPrompt, tree: tree, usage: usage)
    }

    /// Adds `message` as a new answer to user message `id` (one of `/compare`'s), without
    /// moving the position; returns the new message's id.
    @discardableResult
    public mutating func addAnswer(_ message: ChatMessage, to id: Int, model: String?, usage: Usage?) -> Int {
        let leaf = tree.leaf
        let added = tree.append(message, under: id, model: model, usage: usage)
        try? tree.move(to: leaf)
        if let usage { totalUsage = totalUsage + usage }
        return added
    }
}
