import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The programs these tests run: the built tool host, and MCP servers from the venv that
/// `.ci/install-deps` makes (`.build/mcp-venv`).
enum HostPrograms {
    /// The package root, from this file's place in `Tests/ChatToolHostTests/`.
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    /// Where `swift build` put the executables: beside the test bundle (as the end-to-end
    /// tests find them), or `BANKFUTURE_CHAT_BIN_DIR`.
    static let binaries: String = {
        if let directory = ProcessInfo.processInfo.environment["BANKFUTURE_CHAT_BIN_DIR"] { return directory }
        var url = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        while !FileManager.default.fileExists(atPath: url.appendingPathComponent("bankfuture-chat-tools").path), url.path != "/" {
            url = url.deletingLastPathComponent()
        }
        return url.path
    }()

    static var host: String { binaries + "/bankfuture-chat-tools" }

    static let venv = packageRoot + "/.build/mcp-venv"
    static let timeServer = venv + "/bin/mcp-server-time"
    /// The venv's Python, which has the `mcp` package mcp-server-time depends on.
    static let python = venv + "/bin/python3"

    /// A part the tests need is not there: the test fails with what to do.
    struct Missing: Error, CustomStringConvertible {
        let description: String
    }

    /// Fails (never skips) when the host or mcp-server-time is not there, saying why.
    static func requireReady() throws {
        guard FileManager.default.isExecutableFile(atPath: host) else {
            throw Missing(description: "\(host) is missing (swift build --build-tests builds it)")
        }
        if FileManager.default.isExecutableFile(atPath: timeServer) { return }
        let why = (try? String(contentsOfFile: venv + "/UNAVAILABLE", encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
        throw Missing(description: "\(timeServer) is missing (run .ci/install-deps)" + (why.map { "; the install said: \($0)" } ?? ""))
    }

    /// An MCP server on the `mcp` package with one tool, `sleep`, that says on stderr (its
    /// log) "sleep called" when it begins and "sleep cancelled" when MCP cancels it.
    static let sleepyServerScript = #"""
        import sys
        import anyio
        from mcp.server.mcpserver import MCPServer

        server = MCPServer("sleepy", version="1")

        def note(text):
            sys.stderr.write(text + "\n")
            sys.stderr.flush()

        @server.tool(name="sleep", description="Sleeps for the seconds given, then says so.")
        async def sleep(seconds: float) -> str:
            note("sleep called")
            try:
                await anyio.sleep(seconds)
            except anyio.get_cancelled_exc_class():
                note("sleep cancelled")
                raise
            return "slept"

        anyio.run(server.run_stdio_async)
        """#

    /// A fresh temporary folder.
    static func temporaryDirectory() throws -> String {
        let path = NSTemporaryDirectory() + "toolhost-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// The sleepy server written to `directory`.
    static func writeSleepyServer(in directory: String) throws -> String {
        let path = directory + "/sleepy.py"
        try sleepyServerScript.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// Returns once `file` holds a line `line` — a server tells what it did in its log — or
    /// after 20 s, when the caller's expectation fails.
    static func waitForLine(_ line: String, in file: String) async -> Bool {
        for _ in 0..<2000 {
            let text = (try? String(contentsOfFile: file, encoding: .utf8)) ?? ""
            if text.split(separator: "\n").contains(Substring(line)) { return true }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return false
    }

    /// The pids whose parent is `parent`, from `/proc`.
    static func children(of parent: Int32) -> [Int32] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap(Int32.init).filter { pid in
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                let close = stat.lastIndex(of: ")")
            else { return false }
            // "PID (NAME) STATE PPID …": the name may hold spaces, so count from its ")".
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            return fields.count > 1 && Int32(fields[1]) == parent
        }
    }

    /// Whether `pid` is gone and reaped.
    static func isGone(_ pid: Int32) -> Bool {
        kill(pid, 0) == -1 && errno == ESRCH
    }
}
