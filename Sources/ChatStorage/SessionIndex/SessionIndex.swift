import CSQLite
import ChatCore
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The ``SessionCatalog`` of the sessions folder: every saved conversation, listed and
/// searched through a SQLite FTS5 index kept beside the files (`sessions/.index.sqlite`, 0600).
///
/// The session files stay the truth. Before every answer the folder is scanned (names, inode,
/// time and size of each file, no reading) and compared with the index: new and changed files
/// are read again, rows of deleted files dropped, and a file that is not a conversation this
/// build reads is listed nowhere. An index that is missing, of another version or damaged
/// (SQLite says the file is not a database, or a page of it is corrupt) is deleted and built
/// again. So deleting the index loses nothing, and another bankfuture-chat's saves, or files
/// copied in by hand, are seen at the next answer.
///
/// Several processes may use one index: it is in WAL mode (readers do not wait), every
/// change is one `BEGIN IMMEDIATE` transaction, and a writer waits up to the busy timeout for
/// another. Within a process the connection is used under a lock.
public final class SessionIndex: SessionCatalog {
    /// The sessions folder.
    public let directory: SessionDirectory
    /// The index file.
    public let indexPath: String
    private let busyTimeoutMilliseconds: Int32
    private let connection = Mutex<SessionIndexStore?>(nil)

    /// The file name of the index in the sessions folder (hidden: it is not a session).
    public static let fileName = ".index.sqlite"

    /// - Parameter busyTimeoutMilliseconds: how long a change waits for another process's
    ///   transaction before it gives up.
    public init(directory: SessionDirectory, busyTimeoutMilliseconds: Int32 = 10_000) {
        self.directory = directory
        indexPath = directory.path + "/" + Self.fileName
        self.busyTimeoutMilliseconds = busyTimeoutMilliseconds
    }

    public func list() throws(StorageError) -> [SessionSummary] {
        try answer(empty: []) { store throws(SQLiteError) in try store.list() }
    }

    /// An empty query lists every session (with empty snippets); a query without a letter or
    /// digit finds nothing.
    public func search(_ query: String) throws(StorageError) -> [SessionMatch] {
        if query.allSatisfy({ $0.isWhitespace }) {
            return try list().map { SessionMatch(summary: $0, snippet: "", highlights: []) }
        }
        let parsed = SessionSearchQuery(query)
        if parsed.isEmpty { return [] }
        return try answer(empty: []) { store throws(SQLiteError) in try store.search(parsed) }
    }

    /// Indexes the messages of session `name` that the index does not have yet, and records
    /// the stamp of its file, so the next scan does not read it again. The row's time is the
    /// file's (what a rebuild would see). Failures are not reported: the next scan reads the file.
    public func didSave(_ name: String, archive: SessionArchive) {
        guard let stamp = SessionFolder.stamp(of: SessionFolder.path(of: name, in: directory.path)) else { return }
        let session = IndexedSession(archive)
        try? connection.withLock { store throws(SQLiteError) in
            try withRetryAfterDamage(&store) { store throws(SQLiteError) in
                try store.database.writing { () throws(SQLiteError) in try store.store(name, stamp: stamp, session: session) }
            }
        }
    }

    /// Deletes the session file, the attachment copies no other session file names, and the
    /// row; refused when the name cannot be a session's or another process has it open.
    public func delete(_ name: String) throws(StorageError) {
        try check(name)
        let path = SessionFolder.path(of: name, in: directory.path)
        let lock: SessionLock?
        do {
            lock = try SessionLock.acquire(name, in: directory, creatingFolder: false)
        } catch {
            throw StorageError("cannot delete: " + error.message)
        }
        // Held until the file is gone; then its lock file goes too.
        defer { lock?.removeFile() }
        let ids = OrphanedAttachments.ids(inSessionFile: path)
        guard unlink(path) == 0 else {
            throw StorageError(errno == ENOENT ? "no session named \(name)" : "cannot delete \(path): \(Self.reason(errno))")
        }
        // An earlier version's file left beside a journal goes too.
        unlink(directory.legacyPath(name))
        try? connection.withLock { store throws(SQLiteError) in
            try withRetryAfterDamage(&store) { store throws(SQLiteError) in
                try store.database.writing { () throws(SQLiteError) in try store.remove(name) }
            }
        }
        OrphanedAttachments.remove(ids, folder: directory.path)
    }

    /// Renames the session file (refused when a session of the new name exists) and its row.
    public func rename(_ name: String, to newName: String) throws(StorageError) {
        try check(name)
        try check(newName)
        if name == newName { return }
        try directory.move(name, to: newName)
        try? connection.withLock { store throws(SQLiteError) in
            try withRetryAfterDamage(&store) { store throws(SQLiteError) in
                try store.database.writing { () throws(SQLiteError) in try store.rename(name, to: newName) }
            }
        }
    }

    private func check(_ name: String) throws(StorageError) {
        do {
            try SessionDirectory.check(name)
        } catch {
            throw StorageError(error.message, underlying: error)
        }
    }

    // MARK: The connection

    /// Scans the folder, brings the index up to date and answers from it; `empty` when there
    /// is no sessions folder (nothing is created then).
    private func answer<T: Sendable>(
        empty: T, _ body: (SessionIndexStore) throws(SQLiteError) -> T
    ) throws(StorageError) -> T {
        guard let files = try SessionFolder.scan(directory.path) else { return empty }
        do {
            return try connection.withLock { store throws(SQLiteError) -> T in
                try withRetryAfterDamage(&store) { store throws(SQLiteError) -> T in
                    try store.refresh(folder: directory.path, files: files)
                    return try body(store)
                }
            }
        } catch {
            throw StorageError(message(for: error))
        }
    }

    /// Runs `body` on the open index; when SQLite finds the file damaged, deletes it and runs
    /// `body` once more on a new one.
    private func withRetryAfterDamage<T>(
        _ store: inout SessionIndexStore?, _ body: (SessionIndexStore) throws(SQLiteError) -> T
    ) throws(SQLiteError) -> T {
        do {
            return try body(try opened(&store))
        } catch  where error.isDamage {
            store = nil
            SessionIndexStore.discard(path: indexPath)
            return try body(try opened(&store))
        }
    }

    /// The open index, opened again when the file was replaced or deleted since. Where no
    /// index file can be made (a read-only folder), an index in memory serves this process.
    private func opened(_ store: inout SessionIndexStore?) throws(SQLiteError) -> SessionIndexStore {
        if let current = store, current.isCurrent(path: indexPath) { return current }
        store = nil
        let fresh: SessionIndexStore
        do {
            fresh = try SessionIndexStore.connect(path: indexPath, busyTimeoutMilliseconds: busyTimeoutMilliseconds)
        } catch  where [SQLITE_CANTOPEN, SQLITE_READONLY, SQLITE_PERM, SQLITE_AUTH].contains(error.code) {
            fresh = try SessionIndexStore.inMemory()
        }
        store = fresh
        return fresh
    }

    private func message(for error: SQLiteError) -> String {
        if error.code == SQLITE_BUSY || error.code == SQLITE_LOCKED {
            return "the session index \(indexPath) is busy (another bankfuture-chat is updating it); try again"
        }
        return "cannot use the session index \(indexPath): \(error.message); deleting it is safe, it is rebuilt from the session files"
    }

    private static func reason(_ code: Int32) -> String { String(cString: strerror(code)) }
}
