import ChatCore

@testable import ChatStorage

#if canImport(Glibc)
import Glibc
#endif

extension SessionDirectory {
    /// Saves `archive` as conversation `name` through the real journal (replacing one of that
    /// name, in either form), as a chat that had it open would have left it.
    func write(_ archive: SessionArchive, named name: String, now: Double = 1) throws {
        unlink(journalPath(name))
        unlink(legacyPath(name))
        _ = try ConversationFile.create(archive, named: name, in: self, now: now)
    }
}
