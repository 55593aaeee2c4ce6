import ChatCore
import ChatProcess

#if canImport(Glibc)
import Glibc
#endif

/// What makes a configured MCP server the same server as last time, as one key of the tool
/// list cache: its config (name, command, arguments, environment or URL) and, for a stdio
/// server, the identity of its executable and of its script (the first argument, when it is
/// a file: `python3 server.py`) — device, inode, size, modification time. A new version of
/// the program or of its script is another server, whose tools are listed afresh; other
/// arguments count as text only (a file one of them names may come and go).
enum ToolServerIdentity {
    static func key(of server: ToolServerConfig, searchPath: String) -> String {
        var parts = ["name=" + server.name]
        switch server.connection {
        case .stdio(let command, let arguments, let environment):
            parts.append("command=" + command)
            parts += arguments.map { "arg=" + $0 }
            parts += environment.sorted { $0.key < $1.key }.map { "env=\($0.key)=\($0.value)" }
            let executable = command.contains("/") ? command : ExecutableSearch.find(command, searchPath: searchPath) ?? command
            parts.append("exe=" + stamp(executable))
            if let script = arguments.first, isFile(script) { parts.append("script=" + stamp(script)) }
        case .http(let url):
            parts.append("url=" + url)
        }
        // FNV-1a, 64 bits, over the parts: stable across processes (Swift's Hasher is not).
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in parts.joined(separator: "\n").utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        let hex = String(hash, radix: 16)
        return server.name + "-" + String(repeating: "0", count: 16 - hex.count) + hex
    }

    private static func isFile(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG
    }

    /// `path`'s device, inode, size and modification time; "none" when it is not there.
    private static func stamp(_ path: String) -> String {
        var info = stat()
        guard stat(path, &info) == 0 else { return "none" }
        return "\(path):\(info.st_dev):\(info.st_ino):\(info.st_size):\(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec)"
    }
}
