#if canImport(Glibc)
import Glibc
#endif

/// A log a child's standard error is appended to, so its messages never reach the terminal
/// (they would garble the prompt and could steer it) and stay readable after it dies. The
/// folder is created 0700 and the file 0600: a child's errors may quote what it was asked.
public enum PrivateLog {
    /// Opens `directory/file` for appending: its descriptor (close-on-exec) and its path.
    /// A link in the file's place is not followed.
    public static func open(directory: String, file: String) -> Result<(descriptor: Int32, path: String), SystemCallFailure> {
        if let failure = makeDirectory(directory) { return .failure(failure) }
        let path = (directory.hasSuffix("/") ? directory : directory + "/") + file
        let descriptor = Glibc.open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard descriptor >= 0 else { return .failure(SystemCallFailure(call: "open", subject: path, errno: errno)) }
        // The mode through the descriptor: a file that existed keeps no wider mode.
        _ = fchmod(descriptor, 0o600)
        return .success((descriptor, path))
    }

    /// A log to give a child as its standard error.
    public struct Opened: Sendable {
        /// The descriptor (close-on-exec), ours to close.
        public let descriptor: Int32
        /// The log's path; nil when the messages are discarded.
        public let path: String?
        /// Why the log could not be opened, when the messages are discarded.
        public let unwritable: SystemCallFailure?
    }

    /// Opens `directory/file` as ``open(directory:file:)`` does, else `discard` (`/dev/null`),
    /// so the child's messages go nowhere rather than to our terminal. Throws when neither
    /// opens: the child must not be started with our standard error.
    public static func openOrDiscard(directory: String, file: String, discard: String = "/dev/null") throws(SystemCallFailure) -> Opened {
        switch open(directory: directory, file: file) {
        case .success(let opened):
            return Opened(descriptor: opened.descriptor, path: opened.path, unwritable: nil)
        case .failure(let failure):
            let descriptor = Glibc.open(discard, O_WRONLY | O_CLOEXEC)
            guard descriptor >= 0 else { throw SystemCallFailure(call: "open", subject: discard, errno: errno) }
            return Opened(descriptor: descriptor, path: nil, unwritable: failure)
        }
    }

    /// Creates `directory` and its missing parents, each 0700.
    private static func makeDirectory(_ directory: String) -> SystemCallFailure? {
        var path = directory.hasPrefix("/") ? "" : "."
        for component in directory.split(separator: "/") {
            path += "/" + component
            if mkdir(path, 0o700) != 0 && errno != EEXIST {
                return SystemCallFailure(call: "mkdir", subject: path, errno: errno)
            }
        }
        return nil
    }
}
