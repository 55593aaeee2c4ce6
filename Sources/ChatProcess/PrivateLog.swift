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
