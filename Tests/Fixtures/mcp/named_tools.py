"""An MCP server (the official Python SDK) with one tool per command-line argument, named
exactly as given (spaces, dots, anything). Each takes optional string arguments `command`
and `cwd`, writes `called NAME ARGS` to stderr (the chat's log of the server; ARGS as
JSON with sorted keys), and returns `NAME ran`. Run with the venv's Python
(.build/mcp-venv, made by .ci/install-deps): `python named_tools.py TOOL...`."""
import json
import sys

import anyio
from mcp.server.mcpserver import MCPServer

server = MCPServer("named-tools", version="1")


def make_tool(name: str):
    def tool(command: str = "", cwd: str = "") -> str:
        arguments = {key: value for key, value in (("command", command), ("cwd", cwd)) if value}
        sys.stderr.write(f"called {name} {json.dumps(arguments, sort_keys=True)}\n")
        sys.stderr.flush()
        return f"{name} ran"

    return tool


for name in sys.argv[1:]:
    server.add_tool(make_tool(name), name=name, description=f"The tool {name}.")

anyio.run(server.run_stdio_async)
