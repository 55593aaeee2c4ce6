import Dispatch
import Synchronization

/// Bringing the index up to date with the folder before every answer: the files are the
/// truth, the index only a faster way to read them.
extension SessionIndexStore {
    /// Session files read per transaction. A first build of thousands of conversations then
    /// commits every fraction of a second, so another process waiting to write (an autosave)
    /// gets its turn well within the busy timeout, and work done survives an interruption.
    static let filesPerTransaction = 32

    /// Compares `files` (the folder's scan) with the rows: re-reads the session files that
    /// are new or changed, drops the rows of files that are gone. Nothing is written when
    /// the index is current, so the usual search takes no lock.
    func refresh(folder: String, files: [String: FileStamp]) throws(SQLiteError) {
        let rows = try stamps()
        let gone = rows.keys.filter { files[$0] == nil }
        let changed = files.filter { rows[$0.key] != $0.value }.map(\.key).sorted()
        if !gone.isEmpty {
            try database.writing { () throws(SQLiteError) in
                for name in gone { try remove(name) }
            }
        }
        if changed.isEmpty { return }
        let batches = stride(from: 0, to: changed.count, by: Self.filesPerTransaction).map {
            Array(changed[$0..<min($0 + Self.filesPerTransaction, changed.count)])
        }
        let building = batches.count > 1
        if building { try database.execute(Self.building) }
        defer { if building { try? database.execute(Self.built) } }
        // In a build the next batch is read and decoded on another thread while this one
        // writes (the two take about a fifth and four fifths of a first build); a few changed
        // files are read here. The lock is held only for writing.
        var next = SessionFileBatch(folder: folder, names: batches[0], aside: building)
        for index in batches.indices {
            let read = next.wait()
            if index + 1 < batches.count { next = SessionFileBatch(folder: folder, names: batches[index + 1], aside: true) }
            try database.writing { () throws(SQLiteError) in
                for (name, file) in read {
                    guard let file else {
                        try remove(name)
                        continue
                    }
                    // Another process may have indexed this very version meanwhile; and a
                    // version replaced since it was read is left to the next scan (or to
                    // the didSave of the process that saved it), never written over a newer row.
                    if try stamp(of: name) == file.stamp { continue }
                    guard SessionFolder.stamp(of: SessionFolder.path(of: name, in: folder)) == file.stamp else { continue }
                    try store(name, stamp: file.stamp, session: file.session)
                }
            }
        }
    }

    /// For a build of many files: checkpoints (each one an fsync) every 32 MB of log instead
    /// of every 4 MB, and a larger page cache for the growing tables.
    private static let building = "PRAGMA wal_autocheckpoint = 8192; PRAGMA cache_size = -16384"
    /// Back to SQLite's defaults (the cache's memory is given back), the log cut to 4 MB.
    private static let built = "PRAGMA wal_autocheckpoint = 1000; PRAGMA cache_size = -2000; PRAGMA shrink_memory"
}

/// Session files read and decoded, `aside` on a Dispatch thread, else at once.
private final class SessionFileBatch: Sendable {
    private let result = Mutex<[(String, (session: IndexedSession?, stamp: FileStamp)?)]>([])
    private let done = DispatchSemaphore(value: 0)

    init(folder: String, names: [String], aside: Bool) {
        let work: @Sendable () -> Void = { [self] in
            let read = names.map { name in (name, SessionFolder.read(SessionFolder.path(of: name, in: folder))) }
            result.withLock { $0 = read }
            done.signal()
        }
        if aside { DispatchQueue.global().async(execute: work) } else { work() }
    }

    func wait() -> [(String, (session: IndexedSession?, stamp: FileStamp)?)] {
        done.wait()
        return result.withLock { $0 }
    }
}
