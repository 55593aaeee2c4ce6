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

/// Writes files that may hold conversation text: mode 0600, atomically (a temp file in the
/// same directory, then rename), creating parent directories (0700) as needed.
public enum PrivateFile {
    public struct WriteError: Error, Sendable, Equatable {
        public var message: String
    }

    public static func write(_ bytes: [UInt8], to path: String) throws(WriteError) {
        let directory = PathText.deletingLastComponent(path)
        let parent = directory.isEmpty ? "." : directory
        try makeDirectories(parent)
        let temp = parent + "/." + PathText.lastComponent(path) + ".\(getpid()).tmp"
        let fd = open(temp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw WriteError(message: "cannot write \(path): \(String(cString: strerror(errno)))") }
        // An existing temp file keeps its mode, and the umask may have narrowed it: set it.
        fchmod(fd, 0o600)
        var written = 0
        var failure: Int32 = 0
        while written < bytes.count {
            let count = bytes.withUnsafeBytes { writeBytes(fd, $0.baseAddress! + written, bytes.count - written) }
            if count < 0 {
                if errno == EINTR { continue }
                failure = errno
                break
            }
            written += count
        }
        if close(fd) != 0 && failure == 0 { failure = errno }
        if failure == 0 && rename(temp, path) != 0 { failure = errno }
        if failure != 0 {
            unlink(temp)
            throw WriteError(message: "cannot write \(path): \(String(cString: strerror(failure)))")
        }
    }

    /// `mkdir -p` with mode 0700 for the directories it creates.
    private static func makeDirectories(_ directory: String) throws(WriteError) {
        var info = stat()
        if stat(directory, &info) == 0 {
            guard (info.st_mode & S_IFMT) == S_IFDIR else { throw WriteError(message: "cannot create \(directory): it is a file") }
            return
        }
        let parent = PathText.deletingLastComponent(directory)
        if !parent.isEmpty && parent != directory { try makeDirectories(parent) }
        if mkdir(directory, 0o700) != 0 && errno != EEXIST {
            throw WriteError(message: "cannot create \(directory): \(String(cString: strerror(errno)))")
        }
    }
}

/// `write(2)` (inside `PrivateFile`, `write` names its own method).
private func writeBytes(_ fd: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
    write(fd, bytes, count)
}

/// The model list cached on disk for a limited time (for `/model` checks and completion,
/// and as a fallback when the network is down).
public struct ModelCache: Sendable {
    public var path: String
    public var maxAge: Double

    public init(path: String, maxAge: Double = 24 * 3600) {
        self.path = path
        self.maxAge = maxAge
    }

    /// The cached models and whether they are younger than `maxAge`; nil when there is no usable cache.
    public func load(now: Double = Date().timeIntervalSince1970) -> (models: [ModelInfo], fresh: Bool)? {
        guard let data = FileManager.default.contents(atPath: path),
            let json = try? JSONParser.parse(Array(data)),
            case .number(let savedAt)? = json["saved_at"],
            let models = ChatCompletionDecoder.models(fromJSON: json)
        else { return nil }
        return (models, now - savedAt < maxAge)
    }

    /// Saves `models` (best effort: a cache that cannot be written is not an error).
    public func save(_ models: [ModelInfo], now: Double = Date().timeIntervalSince1970) {
        let text = "{\"saved_at\":\(Int(now)),\"data\":\(ModelInfo.jsonArray(models))}"
        try? PrivateFile.write(Array(text.utf8), to: path)
    }
}
