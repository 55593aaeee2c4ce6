/// How much of a conversation its journal holds already, so that a save appends only what
/// changed since: the messages added (message numbers only grow), a moved position, a new
/// model or system prompt, costs outside the messages.
public struct JournalCursor: Sendable, Equatable {
    /// Messages `1...savedMessages` are in the journal.
    public private(set) var savedMessages: Int
    public private(set) var position: Int?
    public private(set) var model: String
    public private(set) var systemPrompt: String?
    /// How many of the session's ``ChatSession/otherCosts`` are in the journal.
    public private(set) var savedCosts: Int

    /// A cursor for a journal that holds all of `archive` (just loaded or just written).
    public init(holding archive: SessionArchive, savedCosts: Int = 0) {
        savedMessages = archive.tree.count
        position = archive.tree.leaf
        model = archive.model
        systemPrompt = archive.systemPrompt
        self.savedCosts = savedCosts
    }

    /// The events that bring the journal up to `session`; the cursor then holds it.
    public mutating func events(to session: ChatSession) -> [JournalEvent] {
        var events: [JournalEvent] = []
        if session.model != model { events.append(.model(session.model)) }
        if session.systemPrompt != systemPrompt { events.append(.systemPrompt(session.systemPrompt)) }
        let tree = session.tree
        var implied = position
        if tree.count > savedMessages {
            for node in tree.nodes[savedMessages...] { events.append(.message(node)) }
            implied = tree.nodes.last?.id
        }
        if tree.leaf != implied { events.append(.position(tree.leaf)) }
        for cost in session.otherCosts.dropFirst(savedCosts) { events.append(.usage(cost)) }
        savedMessages = tree.count
        position = tree.leaf
        model = session.model
        systemPrompt = session.systemPrompt
        savedCosts = session.otherCosts.count
        return events
    }
}
