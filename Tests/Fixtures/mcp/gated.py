"""An MCP server (official Python SDK) that does not start until a gate file exists: a test
holds it "still starting" for as long as it likes, without timing anything.

usage: gated.py GATE_FILE
Tools: `hello(name)` -> "hello NAME".
"""
import os
import sys
import time

from mcp.server.mcpserver import MCPServer

gate = sys.argv[1]
while not os.path.exists(gate):
    time.sleep(0.02)

server = MCPServer("gated")


@server.tool(name="hello", description="Says hello to someone.")
def hello(name: str) -> str:
    return f"hello {name}"


server.run()
