import ChatCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Listing and searching the rows of the index.
///
/// A session matches when each word of the query is in some message of it (not necessarily
/// the same one). Sessions are ranked by BM25 with the session as the document and the
/// number of its messages holding a word as that word's frequency: a conversation that keeps
/// coming back to a rare word ranks first. (FTS5's own `bm25()` scores single messages, and
/// computing it for every matching message costs more than the rest of a search together.)
/// The snippet comes from the first message holding every word, else the first holding any.
///
/// Each step is one pass over the index for the whole query, never one per match: a query
/// that ends in a prefix (`swif*`) merges the lists of every word it could be, so running it
/// again per session would grow with the square of the number of sessions.
extension SessionIndexStore {
    /// Readable sessions, newest first.
    func list() throws(SQLiteError) -> [SessionSummary] {
        var summaries: [SessionSummary] = []
        try database.run("SELECT \(Self.summaryColumns) FROM sessions WHERE readable ORDER BY modified DESC, name") { row in
            summaries.append(Self.summary(row))
        }
        return summaries
    }

    /// Sessions holding every word of `query`, best first.
    func search(_ query: SessionSearchQuery) throws(SQLiteError) -> [SessionMatch] {
        var words: [WordHits] = []
        for term in query.terms {
            let hits = try WordHits(term, in: database)
            if hits.sessions.isEmpty { return [] }
            words.append(hits)
        }
        let found = words.dropFirst().reduce(Set(words[0].sessions.keys)) { $0.intersection($1.sessions.keys) }
        if found.isEmpty { return [] }
        let rows = try rows(of: found)
        // The first message with every word, else the first with any: on the current branch
        // when there is one there.
        func onBranch(_ row: Int64) -> Bool {
            let position = Int(row & ((1 << IndexedSession.messageBits) - 1))
            return rows.found[row >> IndexedSession.messageBits].map { IndexedSession.isOnBranch(position, $0.branch) } ?? true
        }
        var snippetRows: [Int64: Int64] = [:]
        for row in WordHits.common(words.map(\.rows)) {
            let session = row >> IndexedSession.messageBits
            if snippetRows[session] == nil || !onBranch(snippetRows[session]!) && onBranch(row) { snippetRows[session] = row }
        }
        for session in found where snippetRows[session] == nil {
            snippetRows[session] = words.compactMap { $0.sessions[session]?.first }.min()
        }
        let snippets = try snippets(query.anyTerm, rows: Array(snippetRows.values))
        let weights = words.map { log(1 + (rows.sessions - Double($0.sessions.count) + 0.5) / (Double($0.sessions.count) + 0.5)) }
        var matches: [(score: Double, match: SessionMatch)] = []
        for (session, row) in rows.found {
            // BM25, k1 = 1.2, b = 0.75.
            let norm = 1.2 * (0.25 + 0.75 * row.messages / rows.averageMessages)
            let score = zip(words, weights).reduce(0.0) { score, word in
                let frequency = Double(word.0.sessions[session]?.messages ?? 0)
                return score + word.1 * frequency * 2.2 / (frequency + norm)
            }
            let snippet = SnippetText.parse(snippetRows[session].flatMap { snippets[$0] } ?? "")
            var match = SessionMatch(summary: row.summary, snippet: snippet.line, highlights: snippet.highlights)
            match.otherBranch = snippetRows[session].map { !onBranch($0) } ?? false
            matches.append((score, match))
        }
        matches.sort { a, b in
            if a.score != b.score { return a.score > b.score }
            if a.match.summary.modified != b.match.summary.modified { return a.match.summary.modified > b.match.summary.modified }
            return a.match.summary.name < b.match.summary.name
        }
        return matches.map(\.match)
    }

    /// The marked snippet of each of `rows`, in one pass over the rows matching `match`. The
    /// unary `+` keeps SQLite from running the match once per row (FTS5 would be handed
    /// `rowid = ?` for each value of the list).
    private func snippets(_ match: String, rows: [Int64]) throws(SQLiteError) -> [Int64: String] {
        var snippets: [Int64: String] = [:]
        try database.run(
            """
            SELECT rowid, snippet(message_text, 0, char(2), char(3), '…', 12) FROM message_text
            WHERE message_text MATCH ?1 AND +rowid IN (SELECT value FROM json_each(?2))
            """, [.text(match), .text("[" + rows.map(String.init).joined(separator: ",") + "]")]
        ) { row in
            snippets[row.integer(0)] = row.text(1)
        }
        return snippets
    }

    /// The summaries and lengths of `found`, and what BM25 needs of all readable sessions
    /// (how many, how long on average), in one pass over the rows.
    private func rows(
        of found: Set<Int64>
    ) throws(SQLiteError) -> (
        found: [Int64: (summary: SessionSummary, messages: Double, branch: [UInt8])], sessions: Double, averageMessages: Double
    ) {
        var rows: [Int64: (summary: SessionSummary, messages: Double, branch: [UInt8])] = [:]
        var sessions = 0.0
        var messages = 0.0
        try database.run("SELECT \(Self.summaryColumns), id, messages, branch FROM sessions WHERE readable") { row in
            sessions += 1
            messages += Double(row.integer(6))
            if found.contains(row.integer(5)) { rows[row.integer(5)] = (Self.summary(row), Double(row.integer(6)), row.blob(7)) }
        }
        return (rows, sessions, max(1, messages / max(1, sessions)))
    }

    private static let summaryColumns = "name, modified, turns, model, first_line"

    private static func summary(_ row: SQLiteRow) -> SessionSummary {
        SessionSummary(name: row.text(0), modified: row.real(1), turns: Int(row.integer(2)), model: row.text(3), firstUserLine: row.text(4))
    }
}
