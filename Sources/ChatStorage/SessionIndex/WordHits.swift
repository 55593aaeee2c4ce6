/// Where one word of a query is: every message holding it, and per session how many and the
/// first. One pass over the index's list for the word; the counting is done here rather than
/// with `GROUP BY`, which would sort every matching row first.
struct WordHits {
    /// Per session: the messages holding the word, and the first of them.
    var sessions: [Int64: (messages: Int, first: Int64)] = [:]
    /// The rows (messages) holding the word, ascending.
    var rows: [Int64] = []

    /// `match` is one FTS5 string of ``SessionSearchQuery/terms``.
    init(_ match: String, in database: SQLiteDatabase) throws(SQLiteError) {
        try database.run("SELECT rowid FROM message_text WHERE message_text MATCH ?1", [.text(match)]) { row in
            rows.append(row.integer(0))
        }
        // FTS5 returns rows in rowid order; should it not, the runs below still count right.
        if zip(rows, rows.dropFirst()).contains(where: { $0 > $1 }) { rows.sort() }
        var start = 0
        while start < rows.count {
            let session = rows[start] >> IndexedSession.messageBits
            var end = start + 1
            while end < rows.count && rows[end] >> IndexedSession.messageBits == session { end += 1 }
            sessions[session] = (end - start, rows[start])
            start = end
        }
    }

    /// The rows in every one of `lists` (each ascending), ascending.
    static func common(_ lists: [[Int64]]) -> [Int64] {
        guard var result = lists.first else { return [] }
        for list in lists.dropFirst() {
            var kept: [Int64] = []
            var index = 0
            for row in result {
                while index < list.count && list[index] < row { index += 1 }
                if index < list.count && list[index] == row { kept.append(row) }
            }
            result = kept
        }
        return result
    }
}
