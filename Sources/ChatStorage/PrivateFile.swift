import ChatCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes files that may hold conversation text: mode 0600, atomically, creating parent
/// directories (0700) as needed.
///
/// The bytes go to a new temporary file beside the target, with a name no other process can
/// predict, opened `O_CREAT|O_EXCL|O_NOFOLLOW` (so a file or symlink planted there is never
/// written through); its mode is set on the descriptor, it is flushed to disk, then renamed
/// over the target. A symlink at the target itself is replaced, not followed.
public enum PrivateFile {
    public struct WriteError: Error, Sendable, Equatable {
        public var message: String
        /// The `errno` of the failure.
        public var code: Int32
    }

    /// Writes `bytes` to `path`. With `creatingOnly` the file must not exist yet: it is put in
    /// place with `link(2)`, which fails (`EEXIST`) when another process got there first.
    public static func write(_ bytes: [UInt8], to path: String, creatingOnly: Bool = false) throws(WriteError) {
        let directory = PathText.deletingLastComponent(path)
        let parent = directory.isEmpty ? "." : directory
        try makeDirectories(parent)
        var fd: Int32 = -1
        var temp = ""
        for _ in 0..<16 {
            temp = parent + "/." + PathText.lastComponent(path) + "." + randomSuffix() + ".tmp"
            fd = open(temp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
            if fd >= 0 || errno != EEXIST { break }
        }
        guard fd >= 0 else { throw failure(path, errno) }
        // The umask may have narrowed the mode; set it through the descriptor, never the path.
        fchmod(fd, 0o600)
        var code: Int32 = 0
        var written = 0
        while written < bytes.count {
            let count = bytes.withUnsafeBytes { writeBytes(fd, $0.baseAddress! + written, bytes.count - written) }
            if count < 0 {
                if errno == EINTR { continue }
                code = errno
                break
            }
            written += count
        }
        if code == 0 && fdatasync(fd) != 0 && errno != EINVAL { code = errno }
        if close(fd) != 0 && code == 0 { code = errno }
        if code == 0 {
            if creatingOnly {
                if link(temp, path) != 0 { code = errno }
                unlink(temp)
            } else if rename(temp, path) != 0 {
                code = errno
            }
        }
        if code != 0 {
            unlink(temp)
            throw failure(path, code)
        }
    }

    /// Deletes the temporary files of saves that never finished (`.NAME.<16 hex>.tmp`, left
    /// by a process killed mid-save) in `folder`: those not changed for `minimumAge` seconds,
    /// since a save in progress writes its file within milliseconds and renames it at once.
    /// Returns how many were removed.
    @discardableResult
    public static func removeStaleTemporaryFiles(in folder: String, now: Double, minimumAge: Double = 60) -> Int {
        guard let directory = opendir(folder) else { return 0 }
        defer { closedir(directory) }
        let descriptor = dirfd(directory)
        var removed = 0
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            guard isTemporaryName(name) else { continue }
            var info = stat()
            guard fstatat(descriptor, name, &info, AT_SYMLINK_NOFOLLOW) == 0, (info.st_mode & S_IFMT) == S_IFREG else { continue }
            let modified = Double(info.st_mtim.tv_sec) + Double(info.st_mtim.tv_nsec) / 1_000_000_000
            guard now - modified >= minimumAge else { continue }
            if unlinkat(descriptor, name, 0) == 0 { removed += 1 }
        }
        return removed
    }

    /// Whether `name` is one of ours: `.` + the target's name + `.` + 16 hex digits + `.tmp`.
    static func isTemporaryName(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        let suffix = Array(".tmp".utf8)
        // "." + at least one byte of name + "." + 16 + ".tmp"
        guard bytes.count >= 1 + 1 + 1 + 16 + suffix.count, bytes.first == UInt8(ascii: "."), bytes.suffix(suffix.count) == suffix[...]
        else { return false }
        let end = bytes.count - suffix.count
        let hex = bytes[(end - 16)..<end]
        return bytes[end - 17] == UInt8(ascii: ".")
            && hex.allSatisfy {
                (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains($0)
            }
    }

    /// 16 hex digits from the system's random source.
    static func randomSuffix() -> String {
        var generator = SystemRandomNumberGenerator()
        let value = generator.next()
        let hex = String(value, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    private static func failure(_ path: String, _ code: Int32) -> WriteError {
        WriteError(message: "cannot write \(path): \(String(cString: strerror(code)))", code: code)
    }

    /// `mkdir -p` with mode 0700 for the directories it creates.
    public static func makeDirectories(_ directory: String) throws(WriteError) {
        var info = stat()
        if stat(directory, &info) == 0 {
            guard (info.st_mode & S_IFMT) == S_IFDIR else {
                throw WriteError(message: "cannot create \(directory): it is a file", code: ENOTDIR)
            }
            return
        }
        let parent = PathText.deletingLastComponent(directory)
        if !parent.isEmpty && parent != directory { try makeDirectories(parent) }
        if mkdir(directory, 0o700) != 0 && errno != EEXIST {
            throw WriteError(message: "cannot create \(directory): \(String(cString: strerror(errno)))", code: errno)
        }
    }
}

/// `write(2)` (inside `PrivateFile`, `write` names its own method).
private func writeBytes(_ fd: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
    write(fd, bytes, count)
}
