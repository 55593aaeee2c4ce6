#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Small text, path and file helpers, so the client needs only FoundationEssentials:
// Foundation proper (with ICU and its internationalization library) costs about 6 MB of
// resident memory and 6 ms of start-up, and these were the only things it was used for.

extension StringProtocol {
    /// The text without leading and trailing white space (spaces, tabs, newlines and other
    /// Unicode white space).
    public func trimmingWhitespace() -> String {
        guard let first = firstIndex(where: { !$0.isWhitespace }), let last = lastIndex(where: { !$0.isWhitespace }) else {
            return ""
        }
        return String(self[first...last])
    }
}

/// File path text, with the rules of the classic path APIs: trailing slashes do not count,
/// and "/" stays "/".
public enum PathText {
    /// `"/a/b.txt"` → `"b.txt"`, `"/a/b/"` → `"b"`, `"/"` → `"/"`.
    public static func lastComponent(_ path: String) -> String {
        let trimmed = withoutTrailingSlashes(path)
        if trimmed == "/" { return "/" }
        guard let slash = trimmed.lastIndex(of: "/") else { return trimmed }
        return String(trimmed[trimmed.index(after: slash)...])
    }

    /// `"/a/b.txt"` → `"/a"`, `"/a"` → `"/"`, `"b.txt"` → `""`.
    public static func deletingLastComponent(_ path: String) -> String {
        let trimmed = withoutTrailingSlashes(path)
        if trimmed == "/" { return "/" }
        guard let slash = trimmed.lastIndex(of: "/") else { return "" }
        let parent = withoutTrailingSlashes(String(trimmed[..<slash]))
        return parent.isEmpty ? "/" : parent
    }

    /// `"~"` and `"~/x"` in the home directory, `"~user/x"` in that user's; anything else unchanged.
    public static func expandingTilde(_ path: String, home: String? = nil) -> String {
        guard path.hasPrefix("~") else { return path }
        let rest = path.dropFirst()
        let slash = rest.firstIndex(of: "/") ?? rest.endIndex
        let user = String(rest[..<slash])
        let directory: String?
        if user.isEmpty {
            directory = home ?? homeDirectory()
        } else {
            directory = getpwnam(user).flatMap { $0.pointee.pw_dir.map { String(cString: $0) } }
        }
        guard let directory else { return path }
        return withoutTrailingSlashes(directory) + rest[slash...]
    }

    /// `$HOME`, or the password database's entry for this user.
    public static func homeDirectory() -> String? {
        if let home = getenv("HOME").map({ String(cString: $0) }), !home.isEmpty { return home }
        return getpwuid(getuid()).flatMap { $0.pointee.pw_dir.map { String(cString: $0) } }
    }

    private static func withoutTrailingSlashes(_ path: String) -> String {
        var path = Substring(path)
        while path.count > 1, path.hasSuffix("/") { path = path.dropLast() }
        return String(path)
    }
}

/// Reads a file's bytes with POSIX calls, reporting failures as the system states them.
public enum FileBytes {
    public struct ReadError: Error, Sendable, Equatable {
        /// The `errno` value (`ENOENT`, `EACCES`, `EISDIR`, ...).
        public var code: Int32
        /// The system's text for it, e.g. "Permission denied".
        public var reason: String
    }

    /// Reads at most `limit` bytes of `path` (everything when there are fewer).
    public static func contents(of path: String, limit: Int = .max) throws(ReadError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw error(errno) }
        defer { close(fd) }
        var info = stat()
        if fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR { throw error(EISDIR) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while bytes.count < limit {
            let wanted = min(chunk.count, limit - bytes.count)
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, wanted) }
            if count < 0 {
                if errno == EINTR { continue }
                throw error(errno)
            }
            if count == 0 { break }
            bytes.append(contentsOf: chunk[0..<count])
        }
        return bytes
    }

    private static func error(_ code: Int32) -> ReadError {
        ReadError(code: code, reason: String(cString: strerror(code)))
    }
}
