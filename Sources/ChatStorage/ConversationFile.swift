import ChatCore
import Dispatch
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One saved conversation on disk, held by this process: its journal `sessions/NAME.jsonl`
/// (``ConversationJournal``), which grows by one line per event, and the conversation's
/// ``SessionLock``.
///
/// Saving appends what changed since the last save (``JournalCursor``): the user's message
/// before its request goes out costs the message, not the conversation. The line is written
/// with one `write(2)` before `record` returns, so a process killed at any moment afterwards
/// leaves it in the file; `fdatasync` follows on a queue of its own, beside the request
/// (it costs the disk's flush, 4 ms here, which the request need not wait for), and the
/// index is told after it, on the same queue, in order.
///
/// A conversation saved by an earlier version (`NAME.json`, one JSON document) is read as
/// one branch and converted at its first change: the whole journal is written to a temporary
/// file, flushed and renamed into place, then the old file is removed. A journal whose last
/// line was cut short by a crash loads without it (``notice`` says so); the next save cuts
/// the broken bytes off first, so what follows loads too.
public final class ConversationFile: @unchecked Sendable {
    // @unchecked: every method runs on the task that owns the conversation (the chat loop);
    // the `background` queue touches only a duplicate of the descriptor and `LateFailure`,
    // which is a Mutex.

    /// What is on disk before the next save.
    private enum Disk {
        /// Nothing yet: the first save creates the journal (`claimed`: under exactly this name;
        /// otherwise the first free one of NAME, NAME-2, NAME-3, …).
        case none(claimed: Bool)
        /// The journal is open for appending; `cutAt` is where its broken last line starts.
        case journal(cutAt: Int?)
        /// A file the journal replaces at the first save: an earlier version's `NAME.json`, or
        /// a journal whose message numbers had to be changed when it was read.
        case replace(legacy: String?)
    }

    /// The conversation's name (its file's name without `.jsonl`).
    public private(set) var name: String
    public let directory: SessionDirectory
    /// What the last load noticed (a damaged line left out), said once by whoever opened it.
    public private(set) var notice: String?
    private var lock: SessionLock?
    private var disk: Disk
    private var descriptor: Int32 = -1
    private var cursor: JournalCursor?
    private var created: Int64
    private let attachments: AttachmentCopies
    private let background: DispatchQueue
    private let lateFailure = LateFailure()
    /// Told on the background queue after each save is on disk (the sessions index).
    private let didSave: (@Sendable (_ name: String, _ archive: SessionArchive) -> Void)?

    private init(
        name: String, directory: SessionDirectory, lock: SessionLock?, disk: Disk, created: Int64,
        didSave: (@Sendable (String, SessionArchive) -> Void)?
    ) {
        self.name = name
        self.directory = directory
        self.lock = lock
        self.disk = disk
        self.created = created
        self.didSave = didSave
        attachments = directory.attachments
        background = DispatchQueue(label: "bankfuture-chat.journal")
    }

    deinit {
        background.sync {}
        if descriptor >= 0 { close(descriptor) }
    }

    /// A conversation not on disk yet, named `stem` (a new REPL's time of start): the first save
    /// takes the first of `stem`, `stem-2`, … that no other process has.
    public static func new(
        _ stem: String, in directory: SessionDirectory, now: Double, didSave: (@Sendable (String, SessionArchive) -> Void)? = nil
    ) -> ConversationFile {
        ConversationFile(name: stem, directory: directory, lock: nil, disk: .none(claimed: false), created: Int64(now), didSave: didSave)
    }

    /// Opens conversation `name`, locked for this process (`lock`, taken by the caller): its
    /// journal, else an earlier version's file; nil for the archive when there is neither (a
    /// new conversation under that name, created at its first save).
    public static func open(
        _ name: String, in directory: SessionDirectory, lock: SessionLock?, now: Double,
        didSave: (@Sendable (String, SessionArchive) -> Void)? = nil
    ) throws(StorageError) -> (file: ConversationFile, archive: SessionArchive?) {
        let journal = directory.journalPath(name)
        let legacy = directory.legacyPath(name)
        let file = ConversationFile(
            name: name, directory: directory, lock: lock, disk: .none(claimed: true), created: Int64(now), didSave: didSave)
        if access(journal, F_OK) == 0 {
            let replay = try Self.read(journal, attachments: file.attachments)
            let descriptor = Glibc.open(journal, O_WRONLY | O_APPEND | O_NOFOLLOW | O_CLOEXEC)
            guard descriptor >= 0 else {
                throw StorageError("cannot open \(journal) for saving: \(String(cString: strerror(errno)))")
            }
            file.descriptor = descriptor
            file.cursor = JournalCursor(holding: replay.archive)
            if replay.needsRewrite {
                file.disk = .replace(legacy: nil)
            } else {
                file.disk = .journal(cutAt: replay.goodLength < Self.size(of: descriptor) ? replay.goodLength : nil)
            }
            if let first = replay.damagedLines.first {
                file.notice =
                    "conversation \(name): \(replay.damagedLines.count) damaged line\(replay.damagedLines.count == 1 ? "" : "s") "
                    + "left out (line \(first), a save cut short); the rest is loaded"
            }
            return (file, replay.archive)
        }
        if access(legacy, F_OK) == 0 {
            let archive = try ArchiveFiles.load(from: legacy, attachments: file.attachments)
            file.disk = .replace(legacy: legacy)
            return (file, archive)
        }
        return (file, nil)
    }

    /// Reads the journal at `path`.
    static func read(_ path: String, attachments: AttachmentCopies?) throws(StorageError) -> ConversationJournal.Replay {
        let bytes: [UInt8]
        do {
            bytes = try FileBytes.contents(of: path, maxBytes: ArchiveFiles.maxFileBytes, followingSymlinks: false)
        } catch {
            throw StorageError("cannot load \(path): \(error.code == ENOENT ? "no such file" : error.reason)", underlying: error)
        }
        return try ConversationJournal.replay(bytes, path: path, blob: { attachments?.read($0) })
    }

    /// The journal's path.
    public var path: String { directory.journalPath(name) }

    /// Appends what changed in `session` since the last save. The bytes are in the file when
    /// this returns; their `fdatasync` and the index's update follow in the background (a
    /// failure there is thrown by the next save or by ``flush()``).
    public func record(_ session: ChatSession) throws(StorageError) {
        try lateFailure.take()
        let archive = SessionArchive(session)
        let saved = cursor?.savedMessages ?? 0
        try attachments.store(
            archive.tree.nodes.dropFirst(saved).flatMap(\.message.attachments).filter {
                if case .data = $0.source { return true }
                return false
            })
        switch disk {
        case .none(let claimed):
            try create(archive, claimed: claimed)
        case .replace(let legacy):
            try replace(with: archive, legacy: legacy)
        case .journal(let cutAt):
            guard var cursor else { return try replace(with: archive, legacy: nil) }
            let events = cursor.events(to: session)
            guard !events.isEmpty else { return }
            if let cutAt {
                // The broken last line goes first: the lines that follow it must load.
                guard ftruncate(descriptor, off_t(cutAt)) == 0 else { throw failure("cannot repair \(path)") }
                disk = .journal(cutAt: nil)
            }
            try append(events.flatMap(ConversationJournal.line))
            self.cursor = cursor
        }
        syncInBackground(archive)
    }

    /// Returns once every save is flushed to disk and the index told; throws a background failure.
    public func flush() throws(StorageError) {
        background.sync {}
        try lateFailure.take()
    }

    /// Gives the conversation a new name: its journal is renamed (never over another one) and
    /// records the rename; the lock moves with it.
    public func rename(to newName: String, session: ChatSession) throws(StorageError) {
        do {
            try SessionDirectory.check(newName)
        } catch {
            throw StorageError(error.message, underlying: error)
        }
        guard newName != name else { return }
        guard !directory.exists(newName) else {
            throw StorageError("a session named \(newName) exists already; choose another name or delete that one first")
        }
        let newLock: SessionLock?
        do {
            newLock = try SessionLock.acquire(newName, in: directory)
        } catch {
            throw StorageError(error.message, underlying: error)
        }
        try flush()
        if case .none = disk {
            lock?.removeFile()
            lock = newLock
            name = newName
            disk = .none(claimed: true)
            return
        }
        if case .replace = disk { try record(session) }
        try directory.move(name, to: newName)
        lock?.removeFile()
        lock = newLock
        name = newName
        try append(ConversationJournal.line(.rename(newName)))
        syncInBackground(nil)
    }

    /// Writes `archive` as the journal of a new conversation `name`, which must not exist (a
    /// fork); locked for this process.
    public static func create(
        _ archive: SessionArchive, named name: String, in directory: SessionDirectory, now: Double,
        didSave: (@Sendable (String, SessionArchive) -> Void)? = nil
    ) throws(StorageError) -> ConversationFile {
        do {
            try SessionDirectory.check(name)
        } catch {
            throw StorageError(error.message, underlying: error)
        }
        guard !directory.exists(name) else { throw StorageError("a session named \(name) exists already; pick another name") }
        let lock: SessionLock?
        do {
            lock = try SessionLock.acquire(name, in: directory)
        } catch {
            throw StorageError(error.message, underlying: error)
        }
        let file = ConversationFile(
            name: name, directory: directory, lock: lock, disk: .none(claimed: true), created: Int64(now), didSave: didSave)
        try file.record(ChatSession(resuming: archive))
        return file
    }

    // MARK: Writing

    /// The first save of a new conversation: claims its name and creates its journal.
    private func create(_ archive: SessionArchive, claimed: Bool) throws(StorageError) {
        let stem = name
        var attempt = 1
        func next() {
            lock = nil
            attempt += 1
            name = stem + "-\(attempt)"
        }
        do {
            try PrivateFile.makeDirectories(directory.path)
        } catch {
            throw StorageError(error.message, underlying: error)
        }
        while true {
            if !claimed {
                do {
                    lock = try SessionLock.acquire(name, in: directory)
                } catch  where attempt < 1000 {
                    // Open in another process that has not saved it yet: the next name.
                    next()
                    continue
                } catch {
                    throw StorageError(error.message, underlying: error)
                }
                // An earlier version's file of that name is another conversation.
                if access(directory.legacyPath(name), F_OK) == 0 && attempt < 1000 {
                    next()
                    continue
                }
            }
            let fd = Glibc.open(path, O_WRONLY | O_APPEND | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
            if fd < 0 && errno == EEXIST && !claimed && attempt < 1000 {
                next()
                continue
            }
            guard fd >= 0 else { throw failure("cannot create \(path)") }
            // The umask may have narrowed the mode; set it through the descriptor.
            fchmod(fd, 0o600)
            descriptor = fd
            break
        }
        disk = .journal(cutAt: nil)
        try append(ConversationJournal.events(of: archive, created: created).flatMap(ConversationJournal.line))
        cursor = JournalCursor(holding: archive)
    }

    /// Writes the whole journal anew (an earlier version's file, or a journal renumbered when
    /// read), atomically, and removes the old file.
    private func replace(with archive: SessionArchive, legacy: String?) throws(StorageError) {
        let lines = ConversationJournal.events(of: archive, created: created).flatMap(ConversationJournal.line)
        do {
            try PrivateFile.write(lines, to: path)
        } catch {
            throw StorageError(error.message, underlying: error)
        }
        if descriptor >= 0 { close(descriptor) }
        descriptor = Glibc.open(path, O_WRONLY | O_APPEND | O_NOFOLLOW | O_CLOEXEC)
        guard descriptor >= 0 else { throw failure("cannot open \(path) for saving") }
        if let legacy { unlink(legacy) }
        disk = .journal(cutAt: nil)
        cursor = JournalCursor(holding: archive)
    }

    private func append(_ bytes: [UInt8]) throws(StorageError) {
        var written = 0
        while written < bytes.count {
            let count = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress! + written, bytes.count - written) }
            if count < 0 {
                if errno == EINTR { continue }
                throw failure("cannot save to \(path)")
            }
            written += count
        }
    }

    /// `fdatasync` and the index's update, behind the caller, in order.
    private func syncInBackground(_ archive: SessionArchive?) {
        let copy = dup(descriptor)
        let name = self.name
        let path = self.path
        background.async { [didSave, lateFailure] in
            defer { if copy >= 0 { close(copy) } }
            if copy < 0 || fdatasync(copy) != 0 && errno != EINVAL {
                lateFailure.keep("cannot flush \(path) to disk: \(String(cString: strerror(errno)))")
                return
            }
            if let archive { didSave?(name, archive) }
        }
    }

    private func failure(_ what: String) -> StorageError {
        let code = errno
        let reason = String(cString: strerror(code))
        return StorageError("\(what): \(reason)", underlying: PrivateFile.WriteError(message: reason, code: code))
    }

    private static func size(of descriptor: Int32) -> Int {
        var info = stat()
        return fstat(descriptor, &info) == 0 ? Int(info.st_size) : 0
    }
}

/// The failure of a save written in the background, kept until the next save or flush says it.
final class LateFailure: Sendable {
    private let message = Mutex<String?>(nil)

    func keep(_ text: String) {
        message.withLock { $0 = text }
    }

    func take() throws(StorageError) {
        let text = message.withLock { message -> String? in
            defer { message = nil }
            return message
        }
        if let text { throw StorageError(text) }
    }
}
