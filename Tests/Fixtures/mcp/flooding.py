"""An MCP server (the official Python SDK) whose tool `flood` sends COUNT log notifications
(`notifications/message`, levels cycling debug/info/warning/error, logger `flood`, data
`log line N xxx…` with SIZE x's) during the call, then returns "flooded COUNT". Run with
the venv's Python (.build/mcp-venv, made by .ci/install-deps).

The notifications are written to the wire directly, in batches: the SDK's `ctx.log` sends
about 1,000 a second, and a flood must outrun its reader. Nothing else is written while the
tool runs (the client had the previous answer before it called), so lines cannot interleave."""
import json
import os

import anyio
from mcp.server.mcpserver import MCPServer

server = MCPServer("flooding", version="1")
# The SDK serves the wire from a private copy of stdout and points descriptor 1 at stderr;
# this copy, taken before the SDK starts, is the wire too.
WIRE = os.dup(1)
LEVELS = ["debug", "info", "warning", "error"]


def notification(index: int, size: int) -> bytes:
    params = {"level": LEVELS[index % 4], "logger": "flood", "data": f"log line {index} " + "x" * size}
    return (json.dumps({"jsonrpc": "2.0", "method": "notifications/message", "params": params}) + "\n").encode()


@server.tool(name="flood", description="Sends log notifications, then answers.")
def flood(count: int, size: int = 100) -> str:
    batch = []
    for index in range(count):
        batch.append(notification(index, size))
        if len(batch) == 1000 or index == count - 1:
            data = b"".join(batch)
            while data:
                data = data[os.write(WIRE, data):]
            batch = []
    return f"flooded {count}"


anyio.run(server.run_stdio_async)
