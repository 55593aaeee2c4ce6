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

/// The named sessions in `$XDG_STATE_HOME/bankfuture-chat/sessions/`, autosaved after every turn.
///
/// A session's name is its file's name without `.json`, one to one: a name that cannot be a
/// file name of its own (`/`, control characters, a leading `.`, too long) is refused, never
/// changed into another name (`a/b` must not open or delete `a_b`).
public struct SessionDirectory: Sendable {
    public var path: String

    public init(stateDirectory: String) {
        path = stateDirectory + "/sessions"
    }

    /// The journal of session `name`, or the one-line reason it cannot name one.
    public func file(named name: String) throws(UsageError) -> String {
        try Self.check(name)
        return journalPath(name)
    }

    /// The journal of conversation `name` (`NAME.jsonl`; the name already checked).
    public func journalPath(_ name: String) -> String {
        path + "/" + name + ".jsonl"
    }

    /// Where an earlier version saved conversation `name` (`NAME.json`, one JSON document).
    public func legacyPath(_ name: String) -> String {
        path + "/" + name + ".json"
    }

    /// Whether conversation `name` is saved (in either form).
    public func exists(_ name: String) -> Bool {
        access(journalPath(name), F_OK) == 0 || access(legacyPath(name), F_OK) == 0
    }

    /// Gives conversation `name`'s file the name `newName` (both checked), never over another
    /// conversation's: `link(2)` refuses an existing target where `rename(2)` would replace it;
    /// a file system without hard links gets a check, then `rename(2)`.
    public func move(_ name: String, to newName: String) throws(StorageError) {
        guard !exists(newName) else {
            throw StorageError("a session named \(newName) exists already; choose another name or delete that one first")
        }
        let journal = access(journalPath(name), F_OK) == 0
        guard journal || access(legacyPath(name), F_OK) == 0 else { throw StorageError("no session named \(name)") }
        let (source, target) = journal ? (journalPath(name), journalPath(newName)) : (legacyPath(name), legacyPath(newName))
        var code: Int32 = link(source, target) == 0 ? 0 : errno
        if code == EPERM || code == ENOTSUP || code == EOPNOTSUPP {
            var info = stat()
            code = lstat(target, &info) == 0 ? EEXIST : 0
            if code == 0 && Glibc.rename(source, target) != 0 { code = errno }
        } else if code == 0 {
            unlink(source)
        }
        if code == EEXIST {
            throw StorageError("a session named \(newName) exists already; choose another name or delete that one first")
        } else if code != 0 {
            throw StorageError("cannot rename \(source) to \(target): \(String(cString: strerror(code)))")
        }
    }

    /// Where the sessions' attachments are kept.
    public var attachments: AttachmentCopies {
        AttachmentCopies(directory: path + "/attachments")
    }

    /// A new name for an unnamed session: the local date and time.
    public static func newName(now: Double) -> String {
        var time = time_t(now.isFinite ? now : 0)
        var parts = tm()
        localtime_r(&time, &parts)
        func two(_ n: Int32) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return
            "\(parts.tm_year + 1900)\(two(parts.tm_mon + 1))\(two(parts.tm_mday))-\(two(parts.tm_hour))\(two(parts.tm_min))\(two(parts.tm_sec))"
    }

    /// Refuses a name that is not a file name of its own in the sessions folder.
    public static func check(_ name: String) throws(UsageError) {
        let shown = "session name \"\(TerminalText.oneLine(name, limit: 40))\""
        let rule = "; use letters, digits, spaces, \"-\", \"_\" and \".\""
        if name.isEmpty { throw UsageError("a session name cannot be empty" + rule) }
        if name.contains("/") { throw UsageError("\(shown) cannot hold \"/\" (a name is one file, not a path)" + rule) }
        if name.unicodeScalars.contains(where: { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) }) {
            throw UsageError("\(shown) cannot hold control characters" + rule)
        }
        if name.hasPrefix(".") {
            throw UsageError("\(shown) cannot start with \".\" (hidden files, and \"..\" is the folder above)" + rule)
        }
        if name.count > InputLimits.sessionNameCharacters || name.utf8.count > InputLimits.sessionNameBytes {
            throw UsageError(
                "\(shown) is too long: at most \(InputLimits.sessionNameCharacters) characters "
                    + "(\(InputLimits.sessionNameBytes) bytes as UTF-8)")
        }
    }

    /// The saved sessions' names, newest first (by the time their file last changed).
    public func namesNewestFirst() -> [String] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: path) else { return [] }
        var found: [(name: String, seconds: Int, nanoseconds: Int)] = []
        for file in names where !file.hasPrefix(".") {
            guard let name = Self.conversationName(ofFile: file) else { continue }
            var info = stat()
            guard lstat(path + "/" + file, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { continue }
            found.append((name, Int(info.st_mtim.tv_sec), Int(info.st_mtim.tv_nsec)))
        }
        var seen = Set<String>()
        // A conversation being converted has both files for a moment: listed once.
        return found.sorted { ($0.seconds, $0.nanoseconds) > ($1.seconds, $1.nanoseconds) }.map(\.name).filter { seen.insert($0).inserted }
    }

    /// The conversation a file in the sessions folder holds: `NAME.jsonl` or `NAME.json`.
    static func conversationName(ofFile file: String) -> String? {
        for suffix in [".jsonl", ".json"] where file.hasSuffix(suffix) && file.count > suffix.count {
            return String(file.dropLast(suffix.count))
        }
        return nil
    }

    /// The most recently saved session's name.
    public func mostRecent() -> String? {
        namesNewestFirst().first
    }

    /// The most recently saved session that no other process has open, locked for this one
    /// (`--continue`); nil when there is none.
    public func mostRecentUnlocked() -> (name: String, lock: SessionLock?)? {
        for name in namesNewestFirst() {
            // A file copied in by hand may have a name `--session` would refuse; it still continues.
            do {
                return (name, try SessionLock.acquire(name, in: self))
            } catch {
                continue  // open in another process
            }
        }
        return nil
    }
}
