#!/usr/bin/env python3
"""Time from launch to the REPL prompt, on a real pseudo-terminal.

    prompt_latency.py --runs N --prompt TEXT -- COMMAND [ARG ...]

Each run forks COMMAND on a new pty (as a terminal user would start it), reads what it
writes, and stops the clock when TEXT appears; then it sends Ctrl-D and waits for the
process to exit. The clock starts just before fork, so fork+exec, dynamic loading, Swift
runtime start-up, argument parsing, config, transport creation, libedit set-up and the
banner are all inside the figure. Python's own start-up is not.

Prints one line: `median_ms min_ms max_ms runs`.
"""
import argparse
import os
import pty
import select
import statistics
import sys
import time


def one_run(argv, prompt, timeout=10.0):
    start = time.perf_counter()
    pid, fd = pty.fork()
    if pid == 0:
        try:
            os.execvp(argv[0], argv)
        finally:
            os._exit(127)
    seen = b""
    elapsed = None
    deadline = start + timeout
    while time.perf_counter() < deadline:
        ready, _, _ = select.select([fd], [], [], max(0.0, deadline - time.perf_counter()))
        if not ready:
            break
        try:
            data = os.read(fd, 65536)
        except OSError:
            break
        if not data:
            break
        seen += data
        if prompt in seen:
            elapsed = time.perf_counter() - start
            break
    try:
        os.write(fd, b"\x04")  # Ctrl-D at the prompt: leave the REPL
    except OSError:
        pass
    # Drain until the child exits so the next run starts on a quiet machine.
    end = time.perf_counter() + 5
    while time.perf_counter() < end:
        done, _ = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        ready, _, _ = select.select([fd], [], [], 0.05)
        if ready:
            try:
                if not os.read(fd, 65536):
                    pass
            except OSError:
                pass
    else:
        os.kill(pid, 9)
        os.waitpid(pid, 0)
    os.close(fd)
    if elapsed is None:
        sys.stderr.write("prompt %r not seen; output was: %r\n" % (prompt, seen[-400:]))
        sys.exit(1)
    return elapsed


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--prompt", required=True)
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    argv = args.command[1:] if args.command and args.command[0] == "--" else args.command
    prompt = args.prompt.encode()
    for _ in range(args.warmup):
        one_run(argv, prompt)
    times = [one_run(argv, prompt) * 1000 for _ in range(args.runs)]
    print("%.2f %.2f %.2f %d" % (statistics.median(times), min(times), max(times), args.runs))


if __name__ == "__main__":
    main()
