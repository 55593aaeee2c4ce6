import ChatCore

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
            throw StorageError("cannot load \(path): \(reason)", underlying: error)
        }
        return try decode(bytes, path: path, blob: { attachments?.read($0) })
    }

    /// A saved conversation in either form: a journal (its first line starts it), or one
    /// JSON document (`/save`, and earlier versions' autosaves).
    static func decode(_ bytes: [UInt8], path: String, blob: (String) -> String?) throws(StorageError) -> SessionArchive {
        let firstLine = bytes.prefix { $0 != 0x0A }
        if firstLine.count < 4096, String(decoding: firstLine, as: UTF8.self).contains(#""event":"start""#) {
            return try ConversationJournal.replay(bytes, path: path, blob: blob).archive
        }
        return try SessionArchive.decode(bytes, path: path, blob: blob)
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

/// The REPL's and a one-shot `--session`'s ``ConversationStore``: the saved conversation of
/// this run (a ``ConversationFile`` in the sessions folder), and the files `/save`, `/load` and
/// `/export` name (with `~` expanded).
public final class SessionFiles: ConversationStore {
    private var file: ConversationFile?
    private let directory: SessionDirectory
    private let attachments: AttachmentCopies
    private let now: @Sendable () -> Double
    /// Told after every save is on disk, on its file's queue (the search index).
    private let didSave: (@Sendable (_ name: String, _ archive: SessionArchive) -> Void)?

    /// - Parameters:
    ///   - file: the saved conversation of this run; nil keeps none (it starts at `/session`).
    ///   - didSave: told of each save once it is on disk (to update the index).
    public init(
        file: ConversationFile?, directory: SessionDirectory, now: @escaping @Sendable () -> Double,
        didSave: (@Sendable (_ name: String, _ archive: SessionArchive) -> Void)? = nil
    ) {
        self.file = file
        self.directory = directory
        attachments = directory.attachments
        self.now = now
        self.didSave = didSave
    }

    public var autosaveName: String? { file?.name }

    public func record(_ session: ChatSession) throws(StorageError) {
        try file?.record(session)
    }

    public func flush() throws(StorageError) {
        try file?.flush()
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

    public func exists(session name: String) -> Bool {
        directory.exists(name)
    }

    public func sessionNames() -> [String] {
        directory.namesNewestFirst()
    }

    public func switchTo(session name: String) throws(StorageError) -> SessionArchive? {
        try file?.flush()
        let (next, archive) = try SessionFiles.open(name, in: directory, now: now(), didSave: didSave)
        file = next
        return archive
    }

    public func startNew() {
        try? file?.flush()
        file = ConversationFile.new(SessionDirectory.newName(now: now()), in: directory, now: now(), didSave: didSave)
    }

    public func fork(_ archive: SessionArchive, as name: String) throws(StorageError) {
        try file?.flush()
        file = try ConversationFile.create(archive, named: name, in: directory, now: now(), didSave: didSave)
    }

    public func renameAutosave(to name: String, session: ChatSession) throws(StorageError) {
        guard let file else { throw StorageError("this conversation is not saved") }
        try file.rename(to: name, session: session)
    }

    /// Opens saved conversation `name` for this process: its name checked, locked (refused
    /// when another process has it open), read. Nil for the archive when it is new.
    public static func open(
        _ name: String, in directory: SessionDirectory, now: Double, didSave: (@Sendable (String, SessionArchive) -> Void)? = nil
    ) throws(StorageError) -> (file: ConversationFile, archive: SessionArchive?) {
        do {
            try SessionDirectory.check(name)
        } catch {
            throw StorageError(error.message, underlying: error)
        }
        return try open(unchecked: name, in: directory, now: now, didSave: didSave)
    }

    /// As ``open(_:in:now:didSave:)``, for a name found in the folder (a file copied in by
    /// hand may have one `--session` would refuse).
    public static func open(
        unchecked name: String, in directory: SessionDirectory, now: Double, didSave: (@Sendable (String, SessionArchive) -> Void)? = nil
    ) throws(StorageError) -> (file: ConversationFile, archive: SessionArchive?) {
        // Saves a killed process left half-written.
        for folder in [directory.path, directory.attachments.directory] {
            PrivateFile.removeStaleTemporaryFiles(in: folder, now: now)
        }
        let lock: SessionLock?
        do {
            lock = try SessionLock.acquire(name, in: directory)
        } catch {
            throw StorageError(error.message, underlying: error)
        }
        return try ConversationFile.open(name, in: directory, lock: lock, now: now, didSave: didSave)
    }
}
