import Foundation
import TestSupport

#if canImport(Glibc)
import Glibc
#endif

/// What these tests run beside the real parts of ``RealParts`` (the built tool host, the MCP
/// venv): a small MCP server of their own, and a look at the processes left.
enum HostPrograms {
    /// The built tool host.
    static func host() throws -> String { try RealParts.builtProgram("bankfuture-chat-tools") }

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

    /// The sleepy server written to `directory`.
    static func writeSleepyServer(in directory: String) throws -> String {
        let path = directory + "/sleepy.py"
        try sleepyServerScript.write(toFile: path, atomically: true, encoding: .utf8)
        return path
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
