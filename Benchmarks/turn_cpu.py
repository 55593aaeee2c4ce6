#!/usr/bin/env python3
"""Client CPU per turn of a REPL session whose history holds images.

    turn_cpu.py --client BIN --url URL [--images 10] [--image-mib 1] [--turns 50]
                [--dir DIR] [--seed 1] [--server-pid PID]

Writes IMAGES files of IMAGE_MIB MiB each (a PNG signature and IHDR, then seeded random
bytes: the client reads the kind from the bytes), starts `BIN --base-url URL --stdin repl`
with stdin and stdout on pipes (stderr to DIR/turn_cpu.err), attaches them all with one
`/file img1.png ... imgN.png` line, then sends TURNS lines `turn K: ...` one at a time.
Each turn is over when the client's stdout has the echo of `turn K:` and its CPU has
stopped moving (unchanged over 30 ms: the autosave after the answer is counted too).

The client's CPU is read before each line is written and after its turn is over, in two ways:
the sum of utime+stime of /proc/PID/stat (clock ticks, every thread, dead ones included) and,
finer, the sum of the first field of /proc/PID/task/*/schedstat (ns on the CPU) over the
threads alive at that moment. The history is resent every turn (the images ride with turn
1's message), so if each file is read and encoded only once per session, turns 2..TURNS
cost the same whatever the turn number: the slope (least squares of CPU against the turn
index over 2..TURNS) should be ~0 ms per turn.

It also reads rchar and wchar of /proc/PID/io around each turn: the bytes the client read
and wrote (files, pipes and sockets). A client that read its attachments again every turn
would read ~IMAGES × IMAGE_MIB MiB per turn; the bytes written are the request (and the autosave).

Prints `RESULT name value unit` lines on stdout (ms), a table on stderr, and writes every
turn to DIR/turn_cpu.tsv.
"""
import argparse
import glob
import os
import select
import statistics
import subprocess
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from attachment import png_like  # noqa: E402

TICK_MS = 1000.0 / os.sysconf("SC_CLK_TCK")


def ticks(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)


def schedstat_ns(pid):
    total = 0
    for name in glob.glob("/proc/%d/task/*/schedstat" % pid):
        try:
            with open(name) as f:
                total += int(f.read().split()[0])
        except (OSError, ValueError, IndexError):
            pass  # the thread ended while we looked
    return total


def io(pid):
    """Bytes the process has passed to read(2)/write(2) and kin (files, pipes, sockets)."""
    values = {}
    with open("/proc/%d/io" % pid) as f:
        for line in f:
            name, value = line.split(":")
            values[name] = int(value)
    return values["rchar"], values["wchar"]


def cpu(pid):
    return ticks(pid), schedstat_ns(pid)


def settle(pid, quiet=0.030, limit=2.0):
    """Waits until the process's CPU stays unchanged for `quiet` seconds (at most `limit`)."""
    end = time.monotonic() + limit
    last = schedstat_ns(pid)
    since = time.monotonic()
    while time.monotonic() < end:
        time.sleep(0.005)
        now = schedstat_ns(pid)
        if now != last:
            last, since = now, time.monotonic()
        elif time.monotonic() - since >= quiet:
            return
    sys.stderr.write("turn_cpu: the client's CPU did not settle within %.1f s\n" % limit)


class Lines:
    """Reads the client's stdout line by line, with a timeout."""

    def __init__(self, fd):
        self.fd = fd
        self.buffer = b""

    def wait_for(self, needle, timeout):
        deadline = time.monotonic() + timeout
        while True:
            while b"\n" in self.buffer:
                line, self.buffer = self.buffer.split(b"\n", 1)
                if needle in line:
                    return line
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            ready, _, _ = select.select([self.fd], [], [], left)
            if ready:
                data = os.read(self.fd, 1 << 20)
                if not data:
                    return None
                self.buffer += data


def slope(xs, ys):
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    den = sum((x - mx) ** 2 for x in xs)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / den if den else 0.0


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--client", required=True)
    parser.add_argument("--url", required=True)
    parser.add_argument("--images", type=int, default=10)
    parser.add_argument("--image-mib", type=float, default=1.0)
    parser.add_argument("--turns", type=int, default=50)
    parser.add_argument("--dir", default=".")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--server-pid", type=int, help="also report this process's CPU per turn (the fake)")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds to wait for one answer")
    args = parser.parse_args()

    os.makedirs(args.dir, exist_ok=True)
    size = int(args.image_mib * 1048576)
    images = []
    for i in range(1, args.images + 1):
        path = os.path.join(args.dir, "img%d.png" % i)
        png_like(path, size, args.seed * 1000 + i)
        images.append(path)
    base64_bytes = args.images * 4 * ((size + 2) // 3)

    err_path = os.path.join(args.dir, "turn_cpu.err")
    err = open(err_path, "wb")
    proc = subprocess.Popen([args.client, "--base-url", args.url, "--stdin", "repl"],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=err, cwd=args.dir)
    pid = proc.pid
    out = Lines(proc.stdout.fileno())

    def stderr_text():
        with open(err_path, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def die(message):
        sys.stderr.write("turn_cpu: %s\nclient stderr:\n%s\n" % (message, stderr_text()[-2000:]))
        proc.kill()
        proc.wait()
        sys.exit(1)

    def send(line):
        proc.stdin.write((line + "\n").encode())
        proc.stdin.flush()

    def server_cpu():
        return ticks(args.server_pid) if args.server_pid else 0

    settle(pid, limit=5.0)  # start-up
    start_cpu = cpu(pid)

    # The attachment line: the client says `attached …` on stderr.
    io_before = io(pid)
    before = cpu(pid)
    send("/file " + " ".join(os.path.basename(p) for p in images))
    deadline = time.monotonic() + args.timeout
    while "attached" not in stderr_text():
        if proc.poll() is not None or time.monotonic() > deadline:
            die("the client did not confirm the attachments")
        time.sleep(0.005)
    settle(pid)
    after = cpu(pid)
    io_after = io(pid)
    attach = ((after[0] - before[0]) * TICK_MS, (after[1] - before[1]) / 1e6,
              io_after[0] - io_before[0], io_after[1] - io_before[1])

    rows = []  # (turn, ticks ms, schedstat ms, wall ms, server ms, bytes read, bytes written)
    for k in range(1, args.turns + 1):
        io_before = io(pid)
        before = cpu(pid)
        server_before = server_cpu()
        t0 = time.monotonic()
        send("turn %d: tell me something about the number %d, briefly please" % (k, k))
        line = out.wait_for(b"turn %d:" % k, args.timeout)
        wall = (time.monotonic() - t0) * 1000
        if line is None:
            die("no answer to turn %d" % k)
        if k == 1 and line.count(b"[image image/png") != args.images:
            die("turn 1's answer does not list %d images: %r" % (args.images, line[:300]))
        settle(pid)
        after = cpu(pid)
        io_after = io(pid)
        rows.append((k, (after[0] - before[0]) * TICK_MS, (after[1] - before[1]) / 1e6, wall,
                     (server_cpu() - server_before) * TICK_MS,
                     io_after[0] - io_before[0], io_after[1] - io_before[1]))

    total = cpu(pid)
    proc.stdin.close()
    proc.stdout.read()
    code = proc.wait()
    if code != 0:
        die("the client exited with status %d" % code)

    with open(os.path.join(args.dir, "turn_cpu.tsv"), "w") as f:
        f.write("turn\tticks_ms\tschedstat_ms\twall_ms\tserver_ms\tread_bytes\twritten_bytes\n")
        for row in rows:
            f.write("%d\t%.1f\t%.3f\t%.1f\t%.1f\t%d\t%d\n" % row)

    later = [r for r in rows if r[0] >= 2]
    early = [r for r in rows if 2 <= r[0] <= 10]
    results = {
        "turncpu_images": args.images,
        "turncpu_image_mib": args.image_mib,
        "turncpu_turns": args.turns,
        "turncpu_request_base64_mb": base64_bytes / 1e6,
        "turncpu_attach_ms": attach[1],
        "turncpu_attach_ticks_ms": attach[0],
        "turncpu_attach_read_mb": attach[2] / 1e6,
        "turncpu_attach_written_mb": attach[3] / 1e6,
        "turncpu_turn1_ms": rows[0][2],
        "turncpu_turn1_ticks_ms": rows[0][1],
        "turncpu_turn1_wall_ms": rows[0][3],
        "turncpu_turn1_read_mb": rows[0][5] / 1e6,
        "turncpu_turn1_written_mb": rows[0][6] / 1e6,
    }
    if early:
        results.update({
            "turncpu_turns2to10_median_ms": statistics.median(r[2] for r in early),
            "turncpu_turns2to10_ticks_median_ms": statistics.median(r[1] for r in early),
            "turncpu_turns2to10_wall_median_ms": statistics.median(r[3] for r in early),
        })
    last = rows[-1]
    results.update({
        "turncpu_last_turn": last[0],
        "turncpu_last_ms": last[2],
        "turncpu_last_ticks_ms": last[1],
        "turncpu_last_wall_ms": last[3],
        "turncpu_last_read_mb": last[5] / 1e6,
        "turncpu_last_written_mb": last[6] / 1e6,
    })
    if len(later) >= 2:
        xs = [r[0] for r in later]
        results["turncpu_slope_ms_per_turn"] = slope(xs, [r[2] for r in later])
        results["turncpu_slope_ticks_ms_per_turn"] = slope(xs, [r[1] for r in later])
        results["turncpu_later_median_ms"] = statistics.median(r[2] for r in later)
        results["turncpu_later_ticks_median_ms"] = statistics.median(r[1] for r in later)
        results["turncpu_later_read_max_mb"] = max(r[5] for r in later) / 1e6
    last10 = rows[-10:]
    if len(rows) >= 20:
        results["turncpu_last10_median_ms"] = statistics.median(r[2] for r in last10)
        results["turncpu_last10_first_turn"] = last10[0][0]
    if args.server_pid:
        results["turncpu_server_median_ms"] = statistics.median(r[4] for r in rows)
    results["turncpu_session_ticks_ms"] = (total[0] - start_cpu[0]) * TICK_MS

    sys.stderr.write("turn  ticks ms  schedstat ms  wall ms  read MB  written MB%s\n" % ("  server ms" if args.server_pid else ""))
    for r in rows:
        if r[0] <= 3 or r[0] % 10 == 0 or r[0] == args.turns:
            sys.stderr.write("%4d  %8.1f  %12.2f  %7.1f  %7.3f  %10.3f%s\n" % (
                r[0], r[1], r[2], r[3], r[5] / 1e6, r[6] / 1e6, "  %9.1f" % r[4] if args.server_pid else ""))
    sys.stderr.write("attach line: %.2f ms (schedstat), %.0f ms (ticks), read %.3f MB, wrote %.3f MB; slope over 2..%d: %.4f ms per turn\n" % (
        attach[1], attach[0], attach[2] / 1e6, attach[3] / 1e6, args.turns, results.get("turncpu_slope_ms_per_turn", float("nan"))))
    for name, value in results.items():
        print("RESULT %s %s %s" % (name, value, "ms" if name.endswith("_ms") or "_ms_" in name else ""))


if __name__ == "__main__":
    main()
