import Foundation

/// Programs the process tests run, found relative to the package root.
enum TestPrograms {
    /// A part the tests need is not there: the test fails with what to do.
    struct Missing: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    /// The package root, from this file's place in `Tests/ChatToolsTests/`.
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    /// Where `.ci/install-deps` installs the official `mcp-server-time` (PyPI).
    static let venv = packageRoot + "/.build/mcp-venv"
    static let timeServer = venv + "/bin/mcp-server-time"

    /// Why `mcp-server-time` cannot be run, nil when it is installed. The tests that need
    /// it fail with this reason: a missing part is never a skipped test.
    static let timeServerMissing: String? = {
        if FileManager.default.isExecutableFile(atPath: timeServer) { return nil }
        let why = (try? String(contentsOfFile: venv + "/UNAVAILABLE", encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
        return "\(timeServer) is missing (run .ci/install-deps)" + (why.map { "; the install said: \($0)" } ?? "")
    }()

    /// A Python 3 for the hand-written fault server: the venv's, else the system's.
    static let python: String? = {
        let found = [venv + "/bin/python3", "/usr/bin/python3", "/usr/local/bin/python3"].first {
            FileManager.default.isExecutableFile(atPath: $0)
        }
        return found
    }()

    /// A line-JSON MCP server without dependencies, for faults a real process must show:
    /// `crash` exits with status 3 in the middle of the call, `huge` answers with `bytes` bytes
    /// of text. With `--ignore-term` it ignores SIGTERM and
    /// outlives its stdin.
    static let faultServerScript = #"""
        import json, os, signal, sys, time
        if "--ignore-term" in sys.argv:
            signal.signal(signal.SIGTERM, signal.SIG_IGN)
        sys.stderr.write("fault server started\n")
        sys.stderr.flush()
        def send(message):
            sys.stdout.write(json.dumps(message) + "\n")
            sys.stdout.flush()
        for line in sys.stdin:
            message = json.loads(line)
            if "id" not in message:
                continue
            method, ident = message.get("method"), message["id"]
            if method == "initialize":
                send({"jsonrpc": "2.0", "id": ident, "result": {
                    "protocolVersion": message["params"]["protocolVersion"],
                    "capabilities": {"tools": {}}, "serverInfo": {"name": "py-fault", "version": "1"}}})
            elif method == "tools/list":
                send({"jsonrpc": "2.0", "id": ident, "result": {"tools": [
                    {"name": "crash", "inputSchema": {"type": "object"}},
                    {"name": "huge", "inputSchema": {"type": "object"}}]}})
            elif method == "tools/call" and message["params"]["name"] == "crash":
                sys.stderr.write("crashing on purpose\n")
                sys.stderr.flush()
                os._exit(3)
            elif method == "tools/call" and message["params"]["name"] == "huge":
                text = "x" * message["params"]["arguments"]["bytes"]
                send({"jsonrpc": "2.0", "id": ident, "result": {"content": [{"type": "text", "text": text}]}})
            else:
                send({"jsonrpc": "2.0", "id": ident, "error": {"code": -32601, "message": "no such method"}})
        while "--ignore-term" in sys.argv:
            time.sleep(3600)  # even its stdin closed, it stays until SIGKILL
        """#

    /// A fresh temporary folder.
    static func temporaryDirectory() throws -> String {
        let path = NSTemporaryDirectory() + "chattools-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// The fault server script written to `directory`.
    static func writeFaultServer(in directory: String) throws -> String {
        let path = directory + "/fault_server.py"
        try faultServerScript.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }
}
