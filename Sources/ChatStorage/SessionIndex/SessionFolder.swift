import ChatCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Which version of a session file the index holds. The autosave replaces the file by
/// rename, so every save has a new inode as well as a new time and size.
struct FileStamp: Equatable, Sendable {
    var inode: Int64
    var modifiedNanoseconds: Int64
    var size: Int64

    init(inode: Int64, modifiedNanoseconds: Int64, size: Int64) {
        self.inode = inode
        self.modifiedNanoseconds = modifiedNanoseconds
        self.size = size
    }

    init(_ info: stat) {
        inode = Int64(truncatingIfNeeded: info.st_ino)
        modifiedNanoseconds = Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec)
        size = Int64(info.st_size)
    }

    /// The file's modification time, seconds since 1970: the session's last change.
    var modified: Double { Double(modifiedNanoseconds) / 1_000_000_000 }

    /// A stamp no file has: the row is read again at the next scan.
    static let none = FileStamp(inode: -1, modifiedNanoseconds: -1, size: -1)
}

/// The sessions folder as the index sees it: `NAME.jsonl` journals and earlier versions'
/// `NAME.json` files (regular files, not hidden, not symlinks), each with its stamp.
enum SessionFolder {
    /// Every conversation's name and the stamp of its file (its journal when it has both, as
    /// it does for a moment while it is converted); nil when the folder does not exist.
    static func scan(_ path: String) throws(StorageError) -> [String: FileStamp]? {
        guard let directory = opendir(path) else {
            if errno == ENOENT { return nil }
            throw StorageError("cannot read the sessions folder \(path): \(String(cString: strerror(errno)))")
        }
        defer { closedir(directory) }
        let descriptor = dirfd(directory)
        var files: [String: FileStamp] = [:]
        while let entry = readdir(directory) {
            let file = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            guard !file.hasPrefix("."), let name = SessionDirectory.conversationName(ofFile: file) else { continue }
            var info = stat()
            guard fstatat(descriptor, file, &info, AT_SYMLINK_NOFOLLOW) == 0, (info.st_mode & S_IFMT) == S_IFREG else { continue }
            if file.hasSuffix(".json"), files[name] != nil { continue }
            files[name] = FileStamp(info)
        }
        return files
    }

    /// The file conversation `name` is read from in `folder`: its journal, else an earlier
    /// version's file.
    static func path(of name: String, in folder: String) -> String {
        let journal = folder + "/" + name + ".jsonl"
        return access(journal, F_OK) == 0 ? journal : folder + "/" + name + ".json"
    }

    /// The stamp of one session file, nil when it is not there.
    static func stamp(of path: String) -> FileStamp? {
        var info = stat()
        guard lstat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        return FileStamp(info)
    }

    /// The session in `path` as indexed, and the stamp of exactly the bytes read; nil for the
    /// text when the file is not a conversation this build can read (the session is then
    /// listed nowhere), nil for both when the file is gone.
    static func read(_ path: String) -> (session: IndexedSession?, stamp: FileStamp)? {
        let file: (bytes: [UInt8], status: stat)
        do {
            file = try FileBytes.contentsAndStatus(of: path, maxBytes: ArchiveFiles.maxFileBytes, followingSymlinks: false)
        } catch {
            // Too large or not a regular file: listed nowhere, and read again when its stamp changes.
            if case .system = error.kind { return error.code == ENOENT ? nil : (nil, .none) }
            return (nil, stamp(of: path) ?? .none)
        }
        let stamp = FileStamp(file.status)
        // Attachment data is not indexed: a copy that is missing must not hide the conversation.
        guard let archive = try? ArchiveFiles.decode(file.bytes, path: path, blob: { _ in "" }) else { return (nil, stamp) }
        return (IndexedSession(archive), stamp)
    }
}
