import ChatCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The REPL's line history on disk, shared safely by every REPL running at once.
///
/// Lines are only ever appended — one `write(2)` of the new line under an exclusive
/// `flock` — so two REPLs lose nothing of each other's. When the file has grown to twice
/// the limit, the appender that notices keeps the newest `limit` entries in a new file
/// renamed over the old one, still holding the lock; an appender that then gets the lock on
/// the old file sees that the path now names another file and opens it again.
///
/// The file is opened `O_NOFOLLOW`: a symlink at the path is never read or written through;
/// it is replaced by a private file. The mode (0600) is set on the descriptor, never on the
/// path. The format is libedit's (`_HiStOrY_V2_`, then one entry per line with white space
/// and backslashes escaped as in `vis(3)`), so files from earlier versions keep working.
public struct LineHistoryFile: LineHistoryStore {
    public let path: String
    public let limit: Int

    static let header = "_HiStOrY_V2_"

    public init(path: String, limit: Int = 1000) {
        self.path = path
        self.limit = max(1, limit)
    }

    public func load() throws(LineHistoryError) -> [String] {
        let bytes: [UInt8]
        do {
            bytes = try FileBytes.contents(of: path, maxBytes: InputLimits.lineHistoryBytes, followingSymlinks: false)
        } catch {
            // Missing is empty; a symlink is not ours to read (it is replaced on the first append).
            if error.code == ENOENT || error.code == ELOOP { return [] }
            throw LineHistoryError(path: path, reason: error.reason)
        }
        return Array(Self.decode(bytes).suffix(limit))
    }

    public func append(_ line: String) throws(LineHistoryError) {
        let record = Array((Self.encode(line) + "\n").utf8)
        for _ in 0..<8 {
            // O_NONBLOCK: a FIFO at the path must not hold the prompt (it is refused below).
            let fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC, 0o600)
            if fd < 0 {
                if errno == ELOOP {
                    try replace(with: [line])
                    return
                }
                if errno == ENOENT {
                    try createParent()
                    continue
                }
                // ENXIO: a FIFO that no process reads.
                if errno == ENXIO { throw LineHistoryError(path: path, reason: "it is a FIFO, not a regular file") }
                throw failure(errno)
            }
            defer { close(fd) }
            var info = stat()
            guard fstat(fd, &info) == 0 else { throw failure(errno) }
            guard (info.st_mode & S_IFMT) == S_IFREG else {
                throw LineHistoryError(path: path, reason: "it is \(FileBytes.describe(info.st_mode & S_IFMT)), not a regular file")
            }
            guard flock(fd, LOCK_EX) == 0 else { throw failure(errno) }
            // Compacted by another process while we waited: write to the file the path names now.
            guard isStillAtPath(fd), fstat(fd, &info) == 0 else { continue }
            fchmod(fd, 0o600)
            if info.st_size == 0 { try writeAll(fd, Array((Self.header + "\n").utf8)) }
            try writeAll(fd, record)
            if info.st_size > 0 { try compactIfLong(fd) }
            return
        }
        throw failure(EAGAIN)
    }

    // MARK: Format

    /// Entries of a history file's text (libedit's format, or plain lines).
    static func decode(_ bytes: [UInt8]) -> [String] {
        var lines = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true).map { Array($0) }
        if let first = lines.first, first == Array(header.utf8) { lines.removeFirst() }
        return lines.map(unescape).filter { !$0.isEmpty }
    }

    /// `vis(3)`-style escapes: space, tab, newline, CR and other controls as `\ooo`, and `\` as `\\`.
    static func encode(_ line: String) -> String {
        var out = ""
        for scalar in line.unicodeScalars {
            switch scalar.value {
            case 0x5C: out += "\\\\"
            case 0x20, 0x00..<0x20, 0x7F:
                let octal = String(scalar.value, radix: 8)
                out += "\\" + String(repeating: "0", count: 3 - octal.count) + octal
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    static func unescape(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        var i = 0
        while i < bytes.count {
            let byte = bytes[i]
            if byte == UInt8(ascii: "\\"), i + 1 < bytes.count {
                let next = bytes[i + 1]
                if next == UInt8(ascii: "\\") {
                    out.append(next)
                    i += 2
                    continue
                }
                if i + 3 < bytes.count, let value = octal(bytes[(i + 1)...(i + 3)]) {
                    out.append(value)
                    i += 4
                    continue
                }
            }
            out.append(byte)
            i += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func octal(_ digits: ArraySlice<UInt8>) -> UInt8? {
        var value = 0
        for digit in digits {
            guard (UInt8(ascii: "0")...UInt8(ascii: "7")).contains(digit) else { return nil }
            value = value * 8 + Int(digit - UInt8(ascii: "0"))
        }
        return value <= 0xFF ? UInt8(value) : nil
    }

    // MARK: Files

    private func isStillAtPath(_ fd: Int32) -> Bool {
        var open = stat()
        var named = stat()
        guard fstat(fd, &open) == 0, lstat(path, &named) == 0 else { return false }
        return open.st_dev == named.st_dev && open.st_ino == named.st_ino
    }

    /// Keeps the newest `limit` entries once the file holds twice as many (called locked).
    private func compactIfLong(_ fd: Int32) throws(LineHistoryError) {
        guard let bytes = try? FileBytes.contents(of: path, maxBytes: InputLimits.lineHistoryBytes, followingSymlinks: false)
        else { return }
        let entries = Self.decode(bytes)
        guard entries.count > 2 * limit else { return }
        try replace(with: Array(entries.suffix(limit)))
    }

    private func replace(with entries: [String]) throws(LineHistoryError) {
        let text = ([Self.header] + entries.map(Self.encode)).joined(separator: "\n") + "\n"
        do {
            try PrivateFile.write(Array(text.utf8), to: path)
        } catch {
            throw LineHistoryError(path: path, reason: String(cString: strerror(error.code)))
        }
    }

    private func createParent() throws(LineHistoryError) {
        let parent = PathText.deletingLastComponent(path)
        guard !parent.isEmpty else { throw failure(ENOENT) }
        do {
            try PrivateFile.makeDirectories(parent)
        } catch {
            throw LineHistoryError(path: path, reason: String(cString: strerror(error.code)))
        }
    }

    private func writeAll(_ fd: Int32, _ bytes: [UInt8]) throws(LineHistoryError) {
        var offset = 0
        while offset < bytes.count {
            let count = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if count < 0 {
                if errno == EINTR { continue }
                throw failure(errno)
            }
            offset += count
        }
    }

    private func failure(_ code: Int32) -> LineHistoryError {
        LineHistoryError(path: path, reason: String(cString: strerror(code)))
    }
}
