import CSQLite
import ChatCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One open, checked connection to the index file, and the rows it keeps: the I/O of
/// ``SessionIndex``, which decides when to open, refresh and throw the file away.
final class SessionIndexStore: @unchecked Sendable {
    // @unchecked: a store lives inside SessionIndex's Mutex and is used only by the thread
    // holding it; other processes and instances have connections of their own.
    let database: SQLiteDatabase
    /// The device and inode opened; another process that found the file damaged may have
    /// replaced it, and then this connection must not go on with the old one.
    private let identity: (device: UInt64, inode: UInt64)?

    private init(database: SQLiteDatabase, identity: (device: UInt64, inode: UInt64)?) {
        self.database = database
        self.identity = identity
    }

    /// Opens the index at `path`, creating it (0600) when missing. A file that is not an
    /// index of this version fails with a damage error (``SQLiteError/isDamage``), which the
    /// caller answers by deleting it and opening again.
    static func connect(path: String, busyTimeoutMilliseconds: Int32) throws(SQLiteError) -> SessionIndexStore {
        // SQLite would create the file 0644; the WAL and shared-memory files take its mode.
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        if fd >= 0 { close(fd) }
        let database = try SQLiteDatabase(path: path, create: false)
        database.setBusyTimeout(milliseconds: busyTimeoutMilliseconds)
        var info = stat()
        let identity = stat(path, &info) == 0 ? (UInt64(info.st_dev), UInt64(info.st_ino)) : nil
        // Readers never wait for a writer, and a writer for readers; two writers take turns
        // (busy timeout, each change one transaction).
        var mode = ""
        try database.run("PRAGMA journal_mode = WAL") { mode = $0.text(0) }
        guard mode == "wal" else { throw SQLiteError(code: SQLITE_IOERR, message: "cannot use write-ahead logging (journal mode \(mode))") }
        // NORMAL in WAL mode cannot corrupt the file; a power cut may lose the last
        // transactions, which the next scan reads again from the session files. After a
        // checkpoint the log is cut back to 4 MB rather than keeping its largest size.
        try database.execute("PRAGMA synchronous = NORMAL; PRAGMA journal_size_limit = 4194304")
        let store = SessionIndexStore(database: database, identity: identity)
        try store.checkSchema()
        return store
    }

    /// An index in memory, for a sessions folder where no file can be created: searches
    /// still answer, they read every session file once per process.
    static func inMemory() throws(SQLiteError) -> SessionIndexStore {
        let store = SessionIndexStore(database: try SQLiteDatabase(path: ":memory:", create: true), identity: nil)
        try store.checkSchema()
        return store
    }

    /// Deletes the index file and its WAL and shared-memory files.
    static func discard(path: String) {
        for suffix in ["", "-wal", "-shm"] { unlink(path + suffix) }
    }

    /// Whether `path` is still the file this connection has open.
    func isCurrent(path: String) -> Bool {
        guard let identity else { return true }
        var info = stat()
        return stat(path, &info) == 0 && UInt64(info.st_dev) == identity.device && UInt64(info.st_ino) == identity.inode
    }

    /// Creates the tables in an empty file; refuses a file of another application or version.
    private func checkSchema() throws(SQLiteError) {
        if try schema() == (SessionIndexSchema.applicationID, SessionIndexSchema.version) { return }
        try database.writing { () throws(SQLiteError) in
            // Another process may have created the tables while this one waited for the lock.
            let found = try schema()
            if found == (SessionIndexSchema.applicationID, SessionIndexSchema.version) { return }
            var tables = 0
            try database.run("SELECT count(*) FROM sqlite_master") { tables = Int($0.integer(0)) }
            guard found == (0, 0), tables == 0 else {
                throw SQLiteError(code: SQLITE_NOTADB, message: "not a session index of version \(SessionIndexSchema.version)")
            }
            try database.execute(SessionIndexSchema.create)
        }
    }

    private func schema() throws(SQLiteError) -> (Int64, Int64) {
        var application: Int64 = 0
        var version: Int64 = 0
        try database.run("PRAGMA application_id") { application = $0.integer(0) }
        try database.run("PRAGMA user_version") { version = $0.integer(0) }
        return (application, version)
    }

    // MARK: Rows

    /// The stamp of every row.
    func stamps() throws(SQLiteError) -> [String: FileStamp] {
        var stamps: [String: FileStamp] = [:]
        try database.run("SELECT name, file_inode, file_mtime_ns, file_size FROM sessions") { row in
            stamps[row.text(0)] = FileStamp(inode: row.integer(1), modifiedNanoseconds: row.integer(2), size: row.integer(3))
        }
        return stamps
    }

    func stamp(of name: String) throws(SQLiteError) -> FileStamp? {
        var stamp: FileStamp?
        try database.run("SELECT file_inode, file_mtime_ns, file_size FROM sessions WHERE name = ?1", [.text(name)]) { row in
            stamp = FileStamp(inode: row.integer(0), modifiedNanoseconds: row.integer(1), size: row.integer(2))
        }
        return stamp
    }

    /// Writes session `name` as read from the file version `stamp`; a nil `session` is a file
    /// that cannot be read (kept, so it is not read again until it changes, and listed nowhere).
    /// Only the messages after the first one that differs from the indexed ones are indexed
    /// again. Call inside ``SQLiteDatabase/writing(_:)``.
    func store(_ name: String, stamp: FileStamp, session: IndexedSession?) throws(SQLiteError) {
        var existing: (id: Int64, hashes: [UInt64])?
        try database.run("SELECT id, message_hashes FROM sessions WHERE name = ?1", [.text(name)]) { row in
            existing = (row.integer(0), IndexedSession.hashes(from: row.blob(1)))
        }
        let hashes = session?.hashes ?? []
        let values: [SQLiteValue] = [
            .text(name), .integer(stamp.inode), .integer(stamp.modifiedNanoseconds), .integer(stamp.size),
            .integer(session == nil ? 0 : 1), .real(stamp.modified), .integer(Int64(session?.turns ?? 0)),
            .text(session?.model ?? ""), .text(session?.firstUserLine ?? ""), .integer(Int64(hashes.count)),
            .blob(IndexedSession.bytes(of: hashes)), .blob(session?.branch ?? []),
        ]
        let id: Int64
        let kept: Int
        if let existing {
            id = existing.id
            try database.run(
                """
                UPDATE sessions SET file_inode = ?2, file_mtime_ns = ?3, file_size = ?4, readable = ?5, modified = ?6, turns = ?7,
                    model = ?8, first_line = ?9, messages = ?10, message_hashes = ?11, branch = ?12 WHERE name = ?1
                """, values)
            kept = zip(existing.hashes, hashes).prefix { $0 == $1 }.count
            if kept < existing.hashes.count { try removeTexts(of: id, from: kept) }
        } else {
            try database.run(
                """
                INSERT INTO sessions (name, file_inode, file_mtime_ns, file_size, readable, modified, turns, model, first_line,
                    messages, message_hashes, branch) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)
                """, values)
            id = database.lastInsertedRowID
            // A new id has no text rows (a session's rows go with it, in one transaction). No
            // DELETE "to be sure": it makes FTS5 write out the text it holds in memory, which
            // made a first build of thousands of files a third slower.
            kept = 0
        }
        guard let session else { return }
        for position in kept..<session.count {
            try database.run(
                "INSERT INTO message_text (rowid, body) VALUES (?1, ?2)",
                [.integer(id << IndexedSession.messageBits | Int64(position)), .text(session.text(at: position))])
        }
    }

    /// Removes session `name`'s row and its text.
    func remove(_ name: String) throws(SQLiteError) {
        var id: Int64?
        try database.run("SELECT id FROM sessions WHERE name = ?1", [.text(name)]) { id = $0.integer(0) }
        guard let id else { return }
        try removeTexts(of: id, from: 0)
        try database.run("DELETE FROM sessions WHERE id = ?1", [.integer(id)])
    }

    /// Gives row `name` the name `newName` (the file was renamed, so its stamp still holds).
    func rename(_ name: String, to newName: String) throws(SQLiteError) {
        try remove(newName)
        try database.run("UPDATE sessions SET name = ?2 WHERE name = ?1", [.text(name), .text(newName)])
    }

    private func removeTexts(of id: Int64, from position: Int) throws(SQLiteError) {
        try database.run(
            "DELETE FROM message_text WHERE rowid >= ?1 AND rowid < ?2",
            [.integer(id << IndexedSession.messageBits | Int64(position)), .integer((id + 1) << IndexedSession.messageBits)])
    }
}
