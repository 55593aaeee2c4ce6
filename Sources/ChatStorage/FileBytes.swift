import ChatCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

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
        try contentsAndStatus(of: path, limit: limit).bytes
    }

    /// Reads like ``contents(of:limit:)`` and returns the status of the file that was read
    /// (`fstat` of the same descriptor), so a caller can tell which version of a file that is
    /// replaced by rename it has.
    static func contentsAndStatus(of path: String, limit: Int = .max) throws(ReadError) -> (bytes: [UInt8], status: stat) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw error(errno) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw error(errno) }
        if (info.st_mode & S_IFMT) == S_IFDIR { throw error(EISDIR) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(min(limit, max(0, Int(info.st_size))))
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
        return (bytes, info)
    }

    private static func error(_ code: Int32) -> ReadError {
        ReadError(code: code, reason: String(cString: strerror(code)))
    }
}
