/// A saved conversation in the sessions folder, as `--sessions` lists it.
public struct SessionSummary: Sendable, Equatable {
    public var name: String
    /// When it was last saved, seconds since 1970.
    public var modified: Double
    public var turns: Int
    public var model: String
    /// The first line of the first user message.
    public var firstUserLine: String

    public init(name: String, modified: Double, turns: Int, model: String, firstUserLine: String) {
        self.name = name
        self.modified = modified
        self.turns = turns
        self.model = model
        self.firstUserLine = firstUserLine
    }
}

/// A conversation that contains what was searched for.
public struct SessionMatch: Sendable, Equatable {
    public var summary: SessionSummary
    /// Text around the match, one line.
    public var snippet: String
    /// Where the match is in `snippet` (to highlight), as offsets in characters.
    public var highlights: [Range<Int>]
    /// Whether the snippet's message is on another branch than the conversation's current one.
    public var otherBranch: Bool

    public init(summary: SessionSummary, snippet: String, highlights: [Range<Int>], otherBranch: Bool = false) {
        self.summary = summary
        self.snippet = snippet
        self.highlights = highlights
        self.otherBranch = otherBranch
    }
}

/// Every saved conversation, findable: listed newest first, searched through an index kept
/// beside the session files (the files stay the source of truth).
public protocol SessionCatalog: Sendable {
    /// Newest first.
    func list() throws(StorageError) -> [SessionSummary]
    /// Conversations containing `query` (any case, any script), best first.
    func search(_ query: String) throws(StorageError) -> [SessionMatch]
    /// Tells the index a session was saved (after every autosave).
    func didSave(_ name: String, archive: SessionArchive)
    /// Deletes a session's file, its attachments and its index entry.
    func delete(_ name: String) throws(StorageError)
    /// Renames a session's file and its index entry.
    func rename(_ name: String, to newName: String) throws(StorageError)
}
