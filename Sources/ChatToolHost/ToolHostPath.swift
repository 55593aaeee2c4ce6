import ChatProcess

#if canImport(Glibc)
import Glibc
#endif

extension ToolHostClient {
    /// The name of the tool host's executable, installed beside `bankfuture-chat`.
    public static let hostExecutableName = "bankfuture-chat-tools"

    /// The environment variable that names another tool host (tests, a development build).
    public static let hostPathVariable = "BANKFUTURE_CHAT_TOOL_HOST"

    /// Where the tool host is: `BANKFUTURE_CHAT_TOOL_HOST` when set; else
    /// `bankfuture-chat-tools` in the folder of this executable (`/proc/self/exe`, links
    /// resolved) when it is there; else the first one on `PATH`; else the one beside this
    /// executable all the same — a start then names the file it looked for. Nil when none
    /// of these can be known.
    public static func defaultHostPath() -> String? {
        hostPath(
            named: getenv(hostPathVariable).map { String(cString: $0) }, executable: resolvedLink("/proc/self/exe"),
            searchPath: getenv("PATH").map { String(cString: $0) })
    }

    /// ``defaultHostPath()`` from what it reads: the variable's value, this executable's
    /// path and `PATH`. Only an executable regular file counts as found (a folder of that
    /// name does not), and only in an absolute folder of `PATH`.
    package static func hostPath(named: String?, executable: String?, searchPath: String?) -> String? {
        if let named, !named.isEmpty { return named }
        var sibling: String?
        if let executable, let slash = executable.lastIndex(of: "/") {
            sibling = executable[..<slash] + "/" + hostExecutableName
        }
        if let sibling, ExecutableSearch.isExecutableFile(sibling) { return sibling }
        if let searchPath, let found = ExecutableSearch.find(hostExecutableName, searchPath: searchPath, onlyAbsolute: true) {
            return found
        }
        return sibling
    }

    /// What the symbolic link at `path` points to.
    private static func resolvedLink(_ path: String) -> String? {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = readlink(path, &buffer, buffer.count - 1)
        guard count > 0 else { return nil }
        return String(decoding: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
