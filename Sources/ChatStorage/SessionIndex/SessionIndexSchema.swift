/// The tables of `sessions/.index.sqlite`. Everything in them is derived from the session
/// files, so a file of another version, or one that is damaged, is deleted and built again
/// rather than migrated or repaired.
enum SessionIndexSchema {
    /// `PRAGMA application_id`: the file is ours ("bfci").
    static let applicationID: Int64 = 0x6266_6369
    /// `PRAGMA user_version`: changed whenever the tables or what goes into them change.
    static let version: Int64 = 2

    /// One row per session file. `file_*` is the stamp of the file version the row was read
    /// from (the scan compares it); `readable` is 0 for a file that is not a conversation
    /// this build can read (listed nowhere, read again when it changes); `messages` is the
    /// number of messages indexed (a session's length for ranking) and `message_hashes` 8 bytes
    /// for each, to find what an autosave added; `branch` has one bit per message, set for the
    /// messages of the conversation's current branch (a hit elsewhere is marked "other branch").
    ///
    /// `message_text` holds each message's text as an FTS5 row numbered
    /// `id << 20 | position` (``IndexedSession/messageBits``). The unicode61 tokenizer folds
    /// case in every script and, with `remove_diacritics 2`, matches "cafe" to "café".
    static let create = """
        CREATE TABLE sessions (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            file_inode INTEGER NOT NULL,
            file_mtime_ns INTEGER NOT NULL,
            file_size INTEGER NOT NULL,
            readable INTEGER NOT NULL,
            modified REAL NOT NULL,
            turns INTEGER NOT NULL,
            model TEXT NOT NULL,
            first_line TEXT NOT NULL,
            messages INTEGER NOT NULL,
            message_hashes BLOB NOT NULL,
            branch BLOB NOT NULL
        );
        CREATE VIRTUAL TABLE message_text USING fts5(body, tokenize = 'unicode61 remove_diacritics 2');
        PRAGMA application_id = \(applicationID);
        PRAGMA user_version = \(version);
        """
}
