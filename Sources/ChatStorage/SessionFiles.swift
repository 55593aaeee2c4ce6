import ChatCore
import Dispatch
import Synchronization

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Saved conversations as files: `/save`, `/load`, `/export`, and the autosave into the
/// sessions folder (``SessionDirectory``), with attachments kept once beside it.
public enum ArchiveFiles {
    /// The largest session file read.
    public static let maxFileBytes = 512 * 1024 * 1024
    /// The largest attachment copy read: the base64 of the largest `max_attachment_mb` (1024), and some.
    static let maxCopyBytes = 1400 * 1024 * 1024

    /// Writes `archive` to `path` as one file that stands alone (attachments inline), 0600, atomically.
    public static func save(_ archive: SessionArchive, to path: String, now: Double) throws(StorageError) {
        do {
            try PrivateFile.write(archive.encoded(attachments: .inline, savedAt: now), to: path)
        } catch {
            throw StorageError(error.message, underlying: error)
        }
    }

    /// Reads an archive. Attachments stored by reference are read from `attachments` (the
    /// sessions folder's copies). A missing, malformed or newer-version file is an error naming it.
    public static func load(from path: String, attachments: AttachmentCopies? = nil) throws(StorageError) -> SessionArchive {
        let bytes: [UInt8]
        do {
            bytes = try FileBytes.contents(of: path, maxBytes: maxFileBytes)
        } catch {
            let reason =
                switch error.kind {
                case .tooLarge: error.reason + ", not a saved conversation"
                default: error.code == ENOENT ? "no such file" : error.reason
                }
            throw StorageError("cannot load \(path): \(reason)")
        }
        return try SessionArchive.decode(bytes, path: path, blob: { attachments?.read($0) })
    }

    /// Writes Markdown text (`/export`), 0600, atomically.
    public static func export(_ text: String, to path: String) throws(StorageError) {
        do {
            try PrivateFile.write(Array(text.utf8), to: path)
        } catch {
            throw StorageError(error.message, underlying: error)
        }
    }
}

/// The attachments of autosaved sessions, one file per attachment (`ID.b64`, 0600) in
/// `sessions/attachments/`: written once, when a conversation that holds it is first saved,
/// so that the autosave after every turn rewrites only the conversation's text.
public final class AttachmentCopies: @unchecked Sendable {
    // @unchecked: `written` is touched only by the one task that saves (the chat loop).
    public let directory: String
    private var written: Set<String> = []

    public init(directory: String) {
        self.directory = directory
    }

    /// The base64 data of attachment `id`, or nil when there is no copy.
    public func read(_ id: String) -> String? {
        guard Self.isSafe(id), let bytes = try? FileBytes.contents(of: directory + "/" + id + ".b64", maxBytes: ArchiveFiles.maxCopyBytes)
        else { return nil }
        return String(validating: bytes, as: UTF8.self)
    }

    /// Makes sure every attachment has its copy.
    public func store(_ attachments: [Attachment]) throws(StorageError) {
        for attachment in attachments where !written.contains(attachment.id) {
            guard case .data(let base64) = attachment.source, Self.isSafe(attachment.id) else { continue }
            let path = directory + "/" + attachment.id + ".b64"
            if access(path, F_OK) != 0 {
                do {
                    try PrivateFile.write(Array(base64.utf8), to: path)
                } catch {
                    throw StorageError(error.message, underlying: error)
                }
            }
            written.insert(attachment.id)
        }
    }

    /// Ids are ours (hex); anything else is not looked up (a saved file names it).
    static func isSafe(_ id: String) -> Bool {
        !id.isEmpty && id.count <= 64 && id.unicodeScalars.allSatisfy { ("0"..."9").contains($0) || ("a"..."z").contains($0) }
    }
}

/// The file a conversation is autosaved to after every change.
///
/// A new, unnamed session gets its name from the time it started. Two REPLs started in the
/// same second must not share a file, so the first save claims the name exclusively (its
/// ``SessionLock`` and the file) and, when another process has it already, takes `NAME-2`,
/// `NAME-3`, ….
public final class AutosaveFile: @unchecked Sendable {
    // @unchecked: used from one task at a time (the chat loop on the main actor, or the
    // save queue, which the main actor waits for before it touches the file again).
    public private(set) var path: String
    private var claimed: Bool
    private let stem: String
    private var attempt = 1
    private let attachments: AttachmentCopies
    /// This process's lock on the session, held while the file is the one autosaved.
    private(set) var lock: SessionLock?

    /// - Parameters:
    ///   - claimed: whether the file is this session's already (resumed, or named with
    ///     `--session`); otherwise the first save claims the name.
    ///   - lock: the session's lock, taken by whoever opened it (claimed files).
    public init(path: String, claimed: Bool, attachments: AttachmentCopies? = nil, lock: SessionLock? = nil) {
        self.path = path
        self.claimed = claimed
        self.lock = lock
        stem = path.hasSuffix(".json") ? String(path.dropLast(5)) : path
        self.attachments = attachments ?? AttachmentCopies(directory: PathText.deletingLastComponent(path) + "/attachments")
    }

    /// Lets go of the session (another one is autosaved from now on).
    func releaseLock() {
        lock = nil
    }

    /// The session's name (the file name without `.json`).
    public var name: String {
        let file = PathText.lastComponent(path)
        return file.hasSuffix(".json") ? String(file.dropLast(5)) : file
    }

    public func save(_ archive: SessionArchive, now: Double) throws(StorageError) {
        try attachments.store(archive.dataAttachments)
        let bytes = archive.encoded(attachments: .referenced, savedAt: now)
        while !claimed {
            let candidate: SessionLock?
            do {
                candidate = try SessionLock.acquire(name, folder: PathText.deletingLastComponent(path))
            } catch  where attempt < 1000 {
                // Open in another process that has not saved it yet: the next name.
                attempt += 1
                path = stem + "-\(attempt).json"
                continue
            } catch {
                throw StorageError(error.message, underlying: error)
            }
            do {
                try PrivateFile.write(bytes, to: path, creatingOnly: true)
                claimed = true
                lock = candidate
                return
            } catch  where error.code == EEXIST && attempt < 1000 {
                attempt += 1
                path = stem + "-\(attempt).json"
            } catch {
                throw StorageError(error.message, underlying: error)
            }
        }
        do {
            try PrivateFile.write(bytes, to: path)
        } catch {
            throw StorageError(error.message, underlying: error)
        }
    }

    /// Reads the session this file holds (its attachments from the copies).
    public func load() throws(StorageError) -> SessionArchive {
        try ArchiveFiles.load(from: path, attachments: attachments)
    }
}

/// The REPL's ``ConversationStore``: the autosave file in the sessions folder, and the
/// files `/save`, `/load` and `/export` name (with `~` expanded).
public final class SessionFiles: ConversationStore {
    private var autosaveFile: AutosaveFile?
    private let attachments: AttachmentCopies
    private let directory: SessionDirectory?
    private let now: @Sendable () -> Double
    /// Told after every autosave (the search index).
    private let didSave: (@Sendable (_ name: String, _ archive: SessionArchive, _ modified: Double) -> Void)?
    /// Where saves after a turn are written, one after another.
    private let writes = DispatchQueue(label: "bankfuture-chat.autosave")
    private let lateFailure = LateFailure()

    /// - Parameters:
    ///   - autosave: nil keeps no autosave.
    ///   - directory: the sessions folder, for `/session` and `/rename`.
    ///   - didSave: called after each autosave with the session's name (to update the index).
    public init(
        autosave: AutosaveFile?, attachments: AttachmentCopies, directory: SessionDirectory? = nil,
        now: @escaping @Sendable () -> Double,
        didSave: (@Sendable (_ name: String, _ archive: SessionArchive, _ modified: Double) -> Void)? = nil
    ) {
        autosaveFile = autosave
        self.attachments = attachments
        self.directory = directory
        self.now = now
        self.didSave = didSave
    }

    public var autosaveName: String? {
        // A save in the background may be claiming the name (NAME-2 when NAME is taken).
        writes.sync { autosaveFile?.name }
    }

    public func autosave(_ archive: SessionArchive) throws(StorageError) {
        try flush()
        guard let autosaveFile else { return }
        let time = now()
        try autosaveFile.save(archive, now: time)
        didSave?(autosaveFile.name, archive, time)
    }

    /// The save after a turn: encoding and writing a long conversation durably takes longer
    /// than the prompt should wait (11 ms for 1,000 messages), so it is written on a queue of
    /// its own, in order. Everything else here waits for that queue first.
    public func autosaveInBackground(_ archive: SessionArchive) throws(StorageError) {
        try lateFailure.take()
        guard let autosaveFile else { return }
        let time = now()
        writes.async { [didSave, lateFailure] in
            do throws(StorageError) {
                try autosaveFile.save(archive, now: time)
                didSave?(autosaveFile.name, archive, time)
            } catch {
                lateFailure.keep(error.message)
            }
        }
    }

    public func flush() throws(StorageError) {
        writes.sync {}
        try lateFailure.take()
    }

    public func save(_ archive: SessionArchive, to path: String) throws(StorageError) {
        try ArchiveFiles.save(archive, to: PathExpansion.expandingTilde(path), now: now())
    }

    public func load(from path: String) throws(StorageError) -> SessionArchive {
        try ArchiveFiles.load(from: PathExpansion.expandingTilde(path), attachments: attachments)
    }

    public func export(_ markdown: String, to path: String) throws(StorageError) {
        try ArchiveFiles.export(markdown, to: PathExpansion.expandingTilde(path))
    }

    /// Switches to session `name`, refused when its name cannot be a file name or another
    /// process has it open; the session left is unlocked.
    public func switchTo(session name: String) throws(StorageError) -> SessionArchive? {
        writes.sync {}
        guard let directory else { throw StorageError("/session needs the sessions folder") }
        let path = try Self.file(named: name, in: directory)
        // The session open now stays locked by this process: no second lock on it.
        let lock = path == autosaveFile?.path ? autosaveFile?.lock : try Self.lock(name, in: directory)
        let file = AutosaveFile(path: path, claimed: true, attachments: attachments, lock: lock)
        let archive: SessionArchive? = access(file.path, F_OK) == 0 ? try file.load() : nil
        autosaveFile?.releaseLock()
        autosaveFile = file
        return archive
    }

    public func renameAutosave(to name: String) throws(StorageError) {
        writes.sync {}
        guard let directory, let current = autosaveFile else { throw StorageError("this conversation is not saved") }
        let target = try Self.file(named: name, in: directory)
        guard target != current.path else { return }
        let lock = try Self.lock(name, in: directory)
        if access(current.path, F_OK) == 0 {
            // link(2) refuses an existing target: a rename never replaces another session.
            guard link(current.path, target) == 0 else {
                let reason = errno == EEXIST ? "a session named \(name) exists already" : String(cString: strerror(errno))
                throw StorageError("cannot rename to \(TerminalText.oneLine(name, limit: 60)): \(reason)")
            }
            unlink(current.path)
        }
        // The old name is free: its lock file goes while this process still holds it.
        current.lock?.removeFile()
        current.releaseLock()
        autosaveFile = AutosaveFile(path: target, claimed: true, attachments: attachments, lock: lock)
    }

    private static func file(named name: String, in directory: SessionDirectory) throws(StorageError) -> String {
        do {
            return try directory.file(named: name)
        } catch {
            throw StorageError(error.message, underlying: error)
        }
    }

    private static func lock(_ name: String, in directory: SessionDirectory) throws(StorageError) -> SessionLock? {
        do {
            return try SessionLock.acquire(name, in: directory)
        } catch {
            throw StorageError(error.message, underlying: error)
        }
    }
}

/// The failure of a save written in the background, kept until the next save or flush says it.
private final class LateFailure: Sendable {
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
