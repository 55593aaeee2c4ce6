"""An MCP server (the official Python SDK) whose tool `environment` returns the names of
the variables in its environment, sorted, one per line (names only: never a value, which
could be a key). Run with the venv's Python (.build/mcp-venv, made by .ci/install-deps)."""
import os

import anyio
from mcp.server.mcpserver import MCPServer

server = MCPServer("environment", version="1")


@server.tool(name="environment", description="Names the variables of this server's environment.")
def environment() -> str:
    return "\n".join(sorted(os.environ))


anyio.run(server.run_stdio_async)
