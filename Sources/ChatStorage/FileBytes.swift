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

    /// A file opened for reading in pieces (an attachment is encoded as it is read, so its
    /// bytes and their base64 are never both in memory whole).
    public final class Reader {
        private let fd: Int32
        /// The size `fstat` gave when the file was opened.
        public let size: Int

        public init(path: String) throws(ReadError) {
            let fd = open(path, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { throw FileBytes.error(errno) }
            var info = stat()
            if fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR {
                close(fd)
                throw FileBytes.error(EISDIR)
            }
            self.fd = fd
            size = Int(info.st_size)
        }

        deinit { close(fd) }

        /// Appends up to `count` bytes to `buffer`; returns how many (0 at the end).
        @discardableResult
        public func read(_ count: Int, into buffer: inout [UInt8]) throws(ReadError) -> Int {
            var total = 0
            var chunk = [UInt8](repeating: 0, count: min(count, 1 << 20))
            while total < count {
                let wanted = min(chunk.count, count - total)
                let got = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, wanted) }
                if got < 0 {
                    if errno == EINTR { continue }
                    throw FileBytes.error(errno)
                }
                if got == 0 { break }
                buffer.append(contentsOf: chunk[0..<got])
                total += got
            }
            return total
        }
    }

    fileprivate static func error(_ code: Int32) -> ReadError {
        ReadError(code: code, reason: String(cString: strerror(code)))
    }
}
