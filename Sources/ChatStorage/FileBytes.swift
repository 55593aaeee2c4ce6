import ChatCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The one reader of files named by a path: every file the program reads whole or in pieces
/// goes through it, so every such read is bounded and never waits.
///
/// A path is opened `O_NONBLOCK|O_NOCTTY|O_CLOEXEC` (a FIFO opens at once instead of waiting
/// for a writer; a terminal never becomes the controlling one), then `fstat` of that
/// descriptor must say it is a regular file: a FIFO, device or socket is refused before a
/// byte is read (reading `/dev/zero` never ends, a FIFO may never deliver). A file larger
/// than the caller's cap is refused, by its size before reading and by what was read
/// (it may grow meanwhile), never cut silently.
public enum FileBytes {
    /// Why a file was not read: one line, worded so that `cannot read X: REASON` reads well.
    public struct ReadError: Error, Sendable, Equatable {
        /// What went wrong.
        public enum Kind: Sendable, Equatable {
            /// A system call failed; ``ReadError/code`` says how.
            case system
            /// The path names a FIFO, device or socket (`what` says which).
            case notRegularFile(what: String)
            /// The file holds more than the caller's cap.
            case tooLarge(limit: Int)
        }

        public var kind: Kind
        /// The `errno` value (`ENOENT`, `EACCES`, `EISDIR`, ...); 0 when no system call failed.
        public var code: Int32
        /// The reason in words, e.g. "Permission denied", "it is a FIFO, not a regular file",
        /// "larger than 1 MiB".
        public var reason: String

        static func system(_ code: Int32) -> ReadError {
            ReadError(kind: .system, code: code, reason: String(cString: strerror(code)))
        }

        static func notRegularFile(_ what: String) -> ReadError {
            ReadError(kind: .notRegularFile(what: what), code: 0, reason: "it is \(what), not a regular file")
        }

        static func tooLarge(_ limit: Int) -> ReadError {
            ReadError(kind: .tooLarge(limit: limit), code: 0, reason: "larger than \(InputLimits.size(limit))")
        }
    }

    /// Everything in the regular file `path`, at most `maxBytes` of it (more is an error).
    /// - Parameter followingSymlinks: false opens with `O_NOFOLLOW` (a symlink is `ELOOP`).
    public static func contents(of path: String, maxBytes: Int, followingSymlinks: Bool = true) throws(ReadError) -> [UInt8] {
        try contentsAndStatus(of: path, maxBytes: maxBytes, followingSymlinks: followingSymlinks).bytes
    }

    /// Reads like ``contents(of:maxBytes:followingSymlinks:)`` and returns the status of the
    /// file that was read (`fstat` of the same descriptor), so a caller can tell which version
    /// of a file that is replaced by rename it has.
    static func contentsAndStatus(
        of path: String, maxBytes: Int, followingSymlinks: Bool = true
    ) throws(ReadError) -> (bytes: [UInt8], status: stat) {
        let (fd, info) = try openRegular(path, followingSymlinks: followingSymlinks)
        defer { close(fd) }
        if Int(info.st_size) > maxBytes { throw .tooLarge(maxBytes) }
        return (try read(descriptor: fd, maxBytes: maxBytes, sizeHint: Int(info.st_size)), info)
    }

    /// Everything readable from the open `descriptor` until its end (a pipe, standard input),
    /// at most `maxBytes` of it: one byte more is an error, and nothing beyond it is read.
    public static func read(descriptor fd: Int32, maxBytes: Int, sizeHint: Int = 0) throws(ReadError) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(min(maxBytes, max(0, sizeHint)) + 1)
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            // One byte past the cap is enough to know the input is over it.
            let wanted = min(chunk.count, maxBytes + 1 - bytes.count)
            let count = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, wanted) }
            if count < 0 {
                if errno == EINTR { continue }
                if errno == EAGAIN || errno == EWOULDBLOCK {
                    // A descriptor left non-blocking by whoever gave it to us: wait for data.
                    var entry = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                    _ = poll(&entry, 1, -1)
                    continue
                }
                throw .system(errno)
            }
            if count == 0 { return bytes }
            bytes.append(contentsOf: chunk[0..<count])
            if bytes.count > maxBytes { throw .tooLarge(maxBytes) }
        }
    }

    /// Opens `path` for reading without waiting, and makes sure it is a regular file.
    static func openRegular(_ path: String, followingSymlinks: Bool = true) throws(ReadError) -> (Int32, stat) {
        var flags = O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC
        if !followingSymlinks { flags |= O_NOFOLLOW }
        let fd = open(path, flags)
        guard fd >= 0 else { throw .system(errno) }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            let code = errno
            close(fd)
            throw .system(code)
        }
        let type = info.st_mode & S_IFMT
        guard type == S_IFREG else {
            close(fd)
            if type == S_IFDIR { throw .system(EISDIR) }
            throw .notRegularFile(describe(type))
        }
        return (fd, info)
    }

    /// What a file of type `type` (`st_mode & S_IFMT`) is, in words.
    static func describe(_ type: mode_t) -> String {
        switch type {
        case S_IFIFO: "a FIFO"
        case S_IFCHR: "a character device"
        case S_IFBLK: "a block device"
        case S_IFSOCK: "a socket"
        case S_IFDIR: "a directory"
        default: "not a regular file"
        }
    }

    /// A regular file opened for reading in pieces (an attachment is encoded as it is read, so
    /// its bytes and their base64 are never both in memory whole).
    public final class Reader {
        private let fd: Int32
        /// The size `fstat` gave when the file was opened.
        public let size: Int

        public init(path: String) throws(ReadError) {
            let (fd, info) = try FileBytes.openRegular(path)
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
                    throw .system(errno)
                }
                if got == 0 { break }
                buffer.append(contentsOf: chunk[0..<got])
                total += got
            }
            return total
        }
    }
}
