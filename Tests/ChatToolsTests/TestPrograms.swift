import Foundation

/// The hand-written fault server the process tests run (on ``RealParts/python()``; where the
/// real parts are is said once, in TestSupport's ``RealParts``).
enum TestPrograms {
    /// A line-JSON MCP server without dependencies, for faults a real process must show:
    /// `crash` exits with status 3 in the middle of the call, `huge` answers with `bytes` bytes
    /// of text. With `--ignore-term` it ignores SIGTERM and
    /// outlives its stdin. With `--close-input` it also lists `hang`, never answered, and
    /// `close_input`: once both have come it closes its stdin, answers `close_input` and
    /// lives on until a signal ends it.
    static let faultServerScript = #"""
        import json, os, signal, sys, time
        if "--ignore-term" in sys.argv:
            signal.signal(signal.SIGTERM, signal.SIG_IGN)
        sys.stderr.write("fault server started\n")
        sys.stderr.flush()
        def send(message):
            sys.stdout.write(json.dumps(message) + "\n")
            sys.stdout.flush()
        tools = [{"name": "crash", "inputSchema": {"type": "object"}}, {"name": "huge", "inputSchema": {"type": "object"}}]
        if "--close-input" in sys.argv:
            tools += [{"name": "hang", "inputSchema": {"type": "object"}}, {"name": "close_input", "inputSchema": {"type": "object"}}]
        hanging, closer = [], None
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
                send({"jsonrpc": "2.0", "id": ident, "result": {"tools": tools}})
            elif method == "tools/call" and message["params"]["name"] == "crash":
                sys.stderr.write("crashing on purpose\n")
                sys.stderr.flush()
                os._exit(3)
            elif method == "tools/call" and message["params"]["name"] == "huge":
                text = "x" * message["params"]["arguments"]["bytes"]
                send({"jsonrpc": "2.0", "id": ident, "result": {"content": [{"type": "text", "text": text}]}})
            elif method == "tools/call" and message["params"]["name"] == "hang":
                hanging.append(ident)
            elif method == "tools/call" and message["params"]["name"] == "close_input":
                closer = ident
            else:
                send({"jsonrpc": "2.0", "id": ident, "error": {"code": -32601, "message": "no such method"}})
            if hanging and closer is not None:
                break
        if closer is not None:
            os.close(0)
            send({"jsonrpc": "2.0", "id": closer, "result": {"content": [{"type": "text", "text": "closed"}]}})
            time.sleep(3600)
        while "--ignore-term" in sys.argv:
            time.sleep(3600)  # even its stdin closed, it stays until SIGKILL
        """#

    /// The fault server script written to `directory`.
    static func writeFaultServer(in directory: String) throws -> String {
        let path = directory + "/fault_server.py"
        try faultServerScript.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }
}
