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
        if let named = getenv(hostPathVariable), named.pointee != 0 { return String(cString: named) }
        var sibling: String?
        if let executable = resolvedLink("/proc/self/exe"), let slash = executable.lastIndex(of: "/") {
            sibling = executable[..<slash] + "/" + hostExecutableName
        }
        if let sibling, access(sibling, X_OK) == 0 { return sibling }
        if let path = getenv("PATH").map({ String(cString: $0) }) {
            for folder in path.split(separator: ":") where !folder.isEmpty {
                let candidate = folder + "/" + hostExecutableName
                if candidate.hasPrefix("/"), access(candidate, X_OK) == 0 { return candidate }
            }
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
