#if canImport(Glibc)
import Glibc
#endif

/// Where a stdio server's standard error goes: `DIRECTORY/NAME.log`, appended to, so its
/// messages never reach the terminal (they would garble the prompt and could steer it) and
/// stay readable after it dies. The folder is created 0700 and the file 0600 — a server's
/// errors may quote what it was asked.
enum ServerLog {
    /// Opens the log of `server` for appending: its descriptor (close-on-exec) and path.
    static func open(directory: String, server: String) -> Result<(descriptor: Int32, path: String), ToolServerFailure> {
        if let failure = makeDirectory(directory) { return .failure(failure) }
        let path = (directory.hasSuffix("/") ? directory : directory + "/") + fileName(for: server)
        let descriptor = Glibc.open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard descriptor >= 0 else { return .failure(.system("open", subject: path, errno: errno)) }
        // The mode through the descriptor: a file that existed keeps no wider mode.
        _ = fchmod(descriptor, 0o600)
        return .success((descriptor, path))
    }

    /// `NAME.log` with characters that could leave the folder (`/`, a leading `.`) as `_`.
    static func fileName(for server: String) -> String {
        var name = String(
            server.unicodeScalars.map { scalar -> Character in
                scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || "_-.".unicodeScalars.contains(scalar))
                    ? Character(scalar) : "_"
            })
        if name.isEmpty || name.hasPrefix(".") { name = "_" + name }
        return name + ".log"
    }

    /// Creates `directory` and its missing parents, each 0700.
    private static func makeDirectory(_ directory: String) -> ToolServerFailure? {
        var path = directory.hasPrefix("/") ? "" : "."
        for component in directory.split(separator: "/") {
            path += "/" + component
            if mkdir(path, 0o700) != 0 && errno != EEXIST {
                return .system("mkdir", subject: path, errno: errno)
            }
        }
        return nil
    }
}
