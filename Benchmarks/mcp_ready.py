#!/usr/bin/env python3
"""Checks that a config's MCP servers start: runs the client's scripted REPL and asks `/mcp`
every 0.25 s until COUNT servers say `ready` (exit 0) or TIMEOUT seconds pass (exit 1).

    mcp_ready.py --count N [--timeout S] -- BIN --config CFG [ARG ...]
"""
import argparse
import os
import select
import subprocess
import sys
import time


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, required=True)
    parser.add_argument("--timeout", type=float, default=30.0)
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    argv = args.command[1:] if args.command and args.command[0] == "--" else args.command
    proc = subprocess.Popen(argv + ["--stdin", "repl"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)
    seen = b""
    last = []
    deadline = time.monotonic() + args.timeout
    ok = False
    while time.monotonic() < deadline and not ok:
        proc.stdin.write(b"/mcp\n")
        proc.stdin.flush()
        time.sleep(0.25)
        while select.select([proc.stdout], [], [], 0)[0]:
            data = os.read(proc.stdout.fileno(), 65536)
            if not data:
                break
            seen += data
        # Each `/mcp` prints one line per server: the last COUNT lines are the latest state.
        last = seen.decode("utf-8", "replace").strip().splitlines()[-args.count:]
        ok = len(last) == args.count and all(" ready" in line for line in last)
    proc.stdin.close()
    proc.stdout.read()
    proc.wait()
    if not ok:
        sys.stderr.write("mcp_ready: not all %d MCP servers became ready within %.0f s; last /mcp:\n%s\n" % (
            args.count, args.timeout, "\n".join(last)))
        sys.exit(1)


if __name__ == "__main__":
    main()
