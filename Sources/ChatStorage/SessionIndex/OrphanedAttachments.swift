import ChatCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The attachment copies (`sessions/attachments/ID.b64`) a deleted session leaves that no
/// other session file names.
///
/// The other files are searched as bytes for `"ID"`, not decoded: a file this build cannot
/// read (damaged, or saved by a newer version) still keeps the copies it names, and a file
/// that merely mentions the id in its text keeps one too, which errs on the side of keeping.
enum OrphanedAttachments {
    /// The ids of the data attachments of the session file at `path`; empty when it cannot be read.
    static func ids(inSessionFile path: String) -> Set<String> {
        guard let bytes = try? FileBytes.contents(of: path, maxBytes: ArchiveFiles.maxFileBytes),
            let archive = try? ArchiveFiles.decode(bytes, path: path, blob: { _ in "" })
        else { return [] }
        return Set(archive.dataAttachments.map(\.id).filter(AttachmentCopies.isSafe))
    }

    /// Deletes the copy of each of `ids` that none of the session files in `folder` names.
    static func remove(_ ids: Set<String>, folder: String) {
        guard !ids.isEmpty else { return }
        var unnamed = ids
        // A folder or a file that cannot be read might name any of them: keep them all.
        let files: [String: FileStamp]
        do {
            files = try SessionFolder.scan(folder) ?? [:]
        } catch {
            return
        }
        for name in files.keys {
            guard let bytes = try? FileBytes.contents(of: SessionFolder.path(of: name, in: folder), maxBytes: ArchiveFiles.maxFileBytes)
            else { return }
            unnamed = unnamed.filter { !contains(bytes, "\"" + $0 + "\"") }
            if unnamed.isEmpty { return }
        }
        for id in unnamed { unlink(folder + "/attachments/" + id + ".b64") }
    }

    private static func contains(_ bytes: [UInt8], _ needle: String) -> Bool {
        bytes.firstRange(of: Array(needle.utf8)) != nil
    }
}
