#!/usr/bin/env python3
"""Turns the raw results of Benchmarks/run.sh into the table of docs/PERFORMANCE.md.

    report.py RESULTS_DIR

Whole-process figures are hyperfine medians of wall time; micro-benchmarks are medians of
the measuring thread's CPU time; RSS is the median of /usr/bin/time's maximum resident set.
"""
import glob
import json
import os
import re
import statistics
import sys

out = sys.argv[1]


def path(name):
    return os.path.join(out, name)


def exists(name):
    return os.path.exists(path(name))


def hyperfine(name):
    """{command name: {median, user, system}} in seconds."""
    if not exists(name):
        return {}
    with open(path(name)) as f:
        data = json.load(f)
    result = {}
    for r in data["results"]:
        result[r["command"]] = {
            "median": statistics.median(r["times"]),
            "user": r.get("user"),
            "system": r.get("system"),
            "runs": len(r["times"]),
        }
    return result


def results(name):
    """The `RESULT name value unit` lines of a bench-* output file: {name: value}."""
    values = {}
    if exists(name):
        for line in open(path(name)):
            parts = line.split()
            if len(parts) >= 3 and parts[0] == "RESULT":
                values[parts[1]] = float(parts[2])
    return values


def micro():
    return results("micro.txt")


def rss(pattern):
    """Median of maximum RSS (bytes) and of elapsed seconds over files matching pattern."""
    files = sorted(glob.glob(path(pattern)))
    kib, secs = [], []
    for name in files:
        fields = open(name).read().split()
        if len(fields) >= 2:
            kib.append(int(fields[0]))
            secs.append(float(fields[1]))
    if not kib:
        return None, None
    return statistics.median(kib) * 1024, statistics.median(secs)


def definitely_lost(name):
    if not exists(name):
        return None
    text = open(path(name)).read()
    if "no leaks are possible" in text:
        return 0, 0, "no leaks are possible"
    m = re.search(r"definitely lost: ([\d,]+) bytes in ([\d,]+) blocks", text)
    if not m:
        return None
    possibly = re.search(r"possibly lost: ([\d,]+) bytes in ([\d,]+) blocks", text)
    return (int(m.group(1).replace(",", "")), int(m.group(2).replace(",", "")),
            possibly.group(0) if possibly else "possibly lost: 0 bytes")


def ms(seconds):
    return "%.1f ms" % (seconds * 1000)


def mb(nbytes):
    return "%.1f MB" % (nbytes / 1e6)


def verdict(ok):
    return "**met**" if ok else "**missed**"


rows = []  # (benchmark, ours, peers, ratio, target, met)

version = hyperfine("version.json")
peers = [p.strip() for p in open(path("peers.txt"))] if exists("peers.txt") else []
peers = [p for p in peers if p]
if "bankfuture-chat" in version:
    ours = version["bankfuture-chat"]["median"]
    peer_text = ", ".join("%s %s" % (p, ms(version[p]["median"])) for p in peers if p in version) or "—"
    ratio = ", ".join("%s ÷ ours %.0f×" % (p, version[p]["median"] / ours) for p in peers if p in version) or "—"
    rows.append(("`--version`, whole process", ms(ours), peer_text, ratio, "< 20 ms", verdict(ours < 0.020)))


def prompt_row(name, label, target):
    if not exists(name):
        return
    median, lo, hi, runs = open(path(name)).read().split()
    median = float(median) / 1000
    peer_text, ratio = "—", "—"
    if target:
        found = []
        for peer, command in (("llm", "llm chat"), ("sgpt", "sgpt --repl")):
            if exists("prompt-%s.txt" % peer) and open(path("prompt-%s.txt" % peer)).read().strip():
                found.append((command, float(open(path("prompt-%s.txt" % peer)).read().split()[0]) / 1000))
        if found:
            peer_text = ", ".join("%s %s" % (c, ms(t)) for c, t in found)
            ratio = ", ".join("%s ÷ ours %.0f×" % (c.split()[0], t / median) for c, t in found)
    rows.append((label, "%s (min %s, max %s ms)" % (ms(median), lo, hi), peer_text, ratio,
                 target or "—", verdict(median < 0.050) if target else "(information)"))


prompt_row("prompt.txt", "Launch to REPL prompt, pty, HTTP transport", "< 50 ms")
prompt_row("prompt-offline.txt", "Launch to REPL prompt, pty, `--offline`", None)
if exists("prompt-mcp3.txt") and open(path("prompt-mcp3.txt")).read().strip():
    median3, lo3, hi3, _ = open(path("prompt-mcp3.txt")).read().split()
    median3 = float(median3) / 1000
    server = open(path("prompt-mcp3.server")).read().strip() if exists("prompt-mcp3.server") else "stdio"
    plain = float(open(path("prompt.txt")).read().split()[0]) / 1000 if exists("prompt.txt") else None
    rows.append(("Launch to REPL prompt, pty, three stdio MCP servers configured (%s ×3)" % server,
                 "%s (min %s, max %s ms)" % (ms(median3), lo3, hi3),
                 "without servers: %s" % ms(plain) if plain else "—",
                 "%+.1f ms" % ((median3 - plain) * 1000) if plain else "—", "< 50 ms", verdict(median3 < 0.050)))
eof = hyperfine("repl-eof.json")
for name, r in eof.items():
    rows.append(("`--stdin repl` with immediate EOF (no-terminal proxy)", ms(r["median"]), "—", "—", "—", "(information)"))

oneshot = hyperfine("oneshot.json")
if "bankfuture-chat" in oneshot and "curl" in oneshot:
    ours = oneshot["bankfuture-chat"]["median"]
    curl = oneshot["curl"]["median"]
    rows.append(("One-shot round trip vs curl (same POST, streamed echo)", ms(ours), "curl %s" % ms(curl),
                 "%.2f× curl" % (ours / curl), "≤ 3× curl", verdict(ours <= 3 * curl)))
    if "llm" in oneshot:
        llm = oneshot["llm"]["median"]
        rows.append(("One-shot round trip vs llm", ms(ours), "llm %s" % ms(llm),
                     "%.1f× faster" % (llm / ours), "≥ 10× faster than llm", verdict(llm >= 10 * ours)))
    else:
        rows.append(("One-shot round trip vs llm", ms(ours), "llm not run", "—", "≥ 10× faster than llm", "not measured"))
    if "sgpt" in oneshot:
        sgpt = oneshot["sgpt"]["median"]
        rows.append(("One-shot round trip vs sgpt", ms(ours), "sgpt %s" % ms(sgpt),
                     "%.1f× faster" % (sgpt / ours), "—", "(information)"))

attach = hyperfine("attach.json")
file_bytes = int(open(path("attach-file-bytes.txt")).read()) if exists("attach-file-bytes.txt") else 20 * 1048576
body_bytes = int(open(path("attach-body-bytes.txt")).read()) if exists("attach-body-bytes.txt") else 0
if "bankfuture-chat" in attach and "curl" in attach:
    ours, curl = attach["bankfuture-chat"]["median"], attach["curl"]["median"]
    rows.append(("20 MiB PNG attached (`-f big.png describe`): read, encode, send, answer; vs curl `--data-binary @body.json` (the same %s of JSON) to the same fake" % mb(body_bytes),
                 ms(ours), "curl %s" % ms(curl), "%.2f× curl" % (ours / curl), "≤ 1.5× curl", verdict(ours <= 1.5 * curl)))
lean = hyperfine("attach-lean.json")
if "bankfuture-chat" in lean and "curl" in lean:
    ours, curl = lean["bankfuture-chat"]["median"], lean["curl"]["median"]
    user = (lean["bankfuture-chat"]["user"] or 0) + (lean["bankfuture-chat"]["system"] or 0)
    rows.append(("The same upload to a server that only reads the body (sse-server, 64-byte answer)",
                 "%s (%.0f ms CPU, mean)" % (ms(ours), user * 1000), "curl %s" % ms(curl), "%.2f× curl" % (ours / curl),
                 "—", "(information)"))
attach_rss, _ = rss("rss-attach.*")
attach_curl_rss, _ = rss("rss-attach-curl.*")
if attach_rss:
    rows.append(("Peak RSS, one-shot with the 20 MiB image attached", mb(attach_rss),
                 "curl %s" % mb(attach_curl_rss) if attach_curl_rss else "—",
                 "%.2f× the file (%s)" % (attach_rss / file_bytes, mb(file_bytes)), "< 3× the file",
                 verdict(attach_rss < 3 * file_bytes)))

t = results("turn-cpu.txt")
if "turncpu_turn1_ms" in t:
    turns = int(t["turncpu_turns"])
    mid = t.get("turncpu_turns2to10_median_ms", float("nan"))
    growth = t.get("turncpu_slope_ms_per_turn", 0.0) * (turns - 2)
    reread = t.get("turncpu_later_read_max_mb", 0.0)
    flat = reread < t["turncpu_image_mib"] * 1.048576 and growth <= max(1.0, 0.25 * mid)
    rows.append(("Client CPU per turn, %d-turn `--stdin repl` session with %d images of %g MiB in its history (turn 1 / median of turns 2–10 / turn %d)"
                 % (turns, t["turncpu_images"], t["turncpu_image_mib"], turns),
                 "%.1f / %.1f / %.1f ms" % (t["turncpu_turn1_ms"], mid, t["turncpu_last_ms"]),
                 "`/file` of the %d (read + encode): %.1f ms, read %.1f MB" % (t["turncpu_images"], t["turncpu_attach_ms"], t["turncpu_attach_read_mb"]),
                 "slope %+.3f ms per turn over 2–%d (%+.1f ms in all); later turns read ≤ %.3f MB" % (
                     t.get("turncpu_slope_ms_per_turn", float("nan")), turns, growth, reread),
                 "flat: files read and encoded once", verdict(flat)))
    rows.append(("The same turns from /proc/PID/stat (utime+stime, 10 ms ticks); bytes written per turn",
                 "%.0f / %.0f / %.0f ms" % (t["turncpu_turn1_ticks_ms"], t.get("turncpu_turns2to10_ticks_median_ms", float("nan")), t["turncpu_last_ticks_ms"]),
                 "the fake: %.0f ms CPU per turn" % t["turncpu_server_median_ms"] if "turncpu_server_median_ms" in t else "—",
                 "written: turn 1 %.1f MB, turn %d %.1f MB (request ≈ %.1f MB of base64)" % (
                     t["turncpu_turn1_written_mb"], turns, t["turncpu_last_written_mb"], t["turncpu_request_base64_mb"]),
                 "—", "(information)"))

tools = results("tools.txt")
if "tools_overhead_median_ms" in tools:
    rows.append(("Client overhead per tool round: last byte of the tool-call answer → next request on the wire, minus the tool's own time (%d runs × %d rounds)"
                 % (tools["tools_runs"], tools["tools_rounds"] / tools["tools_runs"]),
                 "median %.2f ms (p90 %.2f, min %.2f, max %.2f)" % (
                     tools["tools_overhead_median_ms"], tools["tools_overhead_p90_ms"], tools["tools_overhead_min_ms"], tools["tools_overhead_max_ms"]),
                 "first round of a run: median %.2f ms (max %.2f)" % (tools["tools_first_round_median_ms"], tools["tools_first_round_max_ms"]),
                 "T1 − T0 median %.2f ms; the tool's own time %.3f ms; from after-write stamps %.2f ms (%d late)" % (
                     tools["tools_between_median_ms"], tools["tools_tool_time_median_ms"],
                     tools.get("tools_overhead_postwrite_median_ms", float("nan")), tools.get("tools_late_stamps", 0)),
                 "< 5 ms", verdict(tools["tools_overhead_median_ms"] < 5)))

stream = hyperfine("stream.json")
if "bankfuture-chat" in stream and "curl -N" in stream:
    ours = stream["bankfuture-chat"]["median"]
    curl = stream["curl -N"]["median"]
    answer = int(open(path("stream-bytes.txt")).read()) if exists("stream-bytes.txt") else 0
    rows.append(("20 MiB answer in 209,716 SSE events → /dev/null (%s of text written)" % mb(answer),
                 "%.2f s (%.0f MB/s of answer)" % (ours, answer / 1e6 / ours), "curl -N %.3f s" % curl,
                 "%.1f× curl" % (ours / curl), "≤ 2× curl -N", verdict(ours <= 2 * curl)))
    for name, label in (("AsyncHTTPClient alone", "no read timeout"), ("AsyncHTTPClient alone, read timeout", "60 s read timeout, as ours")):
        if name in stream:
            floor = stream[name]["median"]
            rows.append(("Floor: the same stream read by AsyncHTTPClient and only counted (%s)" % label,
                         "%.3f s" % floor, "curl -N %.3f s; ours %.2f s" % (curl, ours),
                         "%.1f× curl; ours = %.1f× this" % (floor / curl, ours / floor), "—", "(information)"))

m = micro()
if "sse_parser_mibps" in m:
    rate = m["sse_parser_mibps"] * 1048576 / 1e6
    small = m.get("sse_parser_mibps_small_chunks", 0) * 1048576 / 1e6
    rows.append(("SSE parser (32 MiB of events, 16 KiB / 1,500-byte chunks)", "%.0f / %.0f MB/s" % (rate, small),
                 "—", "—", "≥ 200 MB/s", verdict(min(rate, small) >= 200)))
if "decoder_us_per_chunk" in m:
    rows.append(("Stream-chunk JSON decoder (~340-byte chunks)", "%.2f µs per chunk (%.0f MB/s)" % (
        m["decoder_us_per_chunk"], m["decoder_mibps"] * 1048576 / 1e6), "—", "—", "—", "(information)"))
for n in (100, 1000, 10000):
    key = "request_ms_%d" % n
    if key in m:
        target = "< 20 ms" if n == 10000 else "—"
        met = verdict(m[key] < 20) if n == 10000 else "(information)"
        rows.append(("Request build+encode, %s messages (%s)" % ("{:,}".format(n), mb(m["request_bytes_%d" % n])),
                     "%.3f ms (%.3f µs/message)" % (m[key], m["request_us_per_message_%d" % n]), "—", "—", target, met))
if "request_linearity" in m:
    r = m["request_linearity"]
    rows.append(("Growth: cost per message at 10,000 ÷ at 100", "%.2f×" % r, "—", "—", "linear (≈ 1×)",
                 verdict(r < 1.5)))

s = results("sessions.txt")
sizes = [n for n in (100, 1000, 10000) if "sessions_build_s_%d" % n in s]
for n in sizes:
    kb = s.get("sessions_kb_%d" % n, 100)
    label = "{:,} conversations of ~{:.0f} KB".format(n, kb)
    rows.append(("`--sessions QUERY`, first run (builds the index), %s" % label,
                 "%.2f s (%.2f s of CPU; index %s)" % (s["sessions_build_s_%d" % n], s.get("sessions_build_cpu_s_%d" % n, float("nan")),
                                                      mb(s.get("sessions_index_mb_%d" % n, 0) * 1e6)),
                 "—", "the files read and decoded alone: %.2f s" % s.get("sessions_decode_s_%d" % n, float("nan")),
                 "< 10 s" if n == 1000 else "—",
                 verdict(s["sessions_build_s_%d" % n] < 10) if n == 1000 else "(information)"))
    searches = [(key, s["sessions_search_ms_%s_%d" % (key, n)], int(s.get("sessions_search_matches_%s_%d" % (key, n), 0)))
                for key in ("rare", "phrase", "common", "prefix") if "sessions_search_ms_%s_%d" % (key, n) in s]
    worst = max(t for _, t, _ in searches) if searches else float("nan")
    rows.append(("`--sessions QUERY` once indexed, %s (median of 20; rare / two words / common / prefix)" % label,
                 " / ".join("%.1f ms" % t for _, t, _ in searches),
                 "matches: " + " / ".join("{:,}".format(c) for _, _, c in searches),
                 "list %.1f ms" % s.get("sessions_list_ms_%d" % n, float("nan")),
                 "< 100 ms" if n == 1000 else "—", verdict(worst < 100) if n == 1000 else "(information)"))
if "sessions_didsave_ms" in s:
    rows.append(("Index update after an autosave (didSave), {:,}-message conversation (median of 50)".format(int(s["sessions_didsave_messages"])),
                 "%.2f ms" % s["sessions_didsave_ms"], "—", "the file write beside it: %.2f ms" % s["sessions_autosave_write_ms"],
                 "< 5 ms", verdict(s["sessions_didsave_ms"] < 5)))
if "sessions_autosave_prompt_ms" in s:
    rows.append(("Autosave after a turn of a {:,}-message conversation, with the index update: what the prompt waits for (median of 50)".format(
                     int(s["sessions_didsave_messages"])),
                 "%.3f ms" % s["sessions_autosave_prompt_ms"], "—",
                 "written behind the prompt, in order: %.2f ms (encoding %.2f ms)" % (
                     s["sessions_autosave_behind_ms"], s.get("sessions_autosave_encode_ms", float("nan"))),
                 "< 5 ms", verdict(s["sessions_autosave_prompt_ms"] < 5)))

ours_rss, _ = rss("rss-oneshot.*")
curl_rss, _ = rss("rss-curl.*")
if ours_rss:
    rows.append(("Peak RSS, one-shot", mb(ours_rss), "curl %s" % mb(curl_rss) if curl_rss else "—",
                 "%.1f× curl" % (ours_rss / curl_rss) if curl_rss else "—", "< 30 MB", verdict(ours_rss < 30e6)))
def session_cpu(turns):
    """Client CPU milliseconds per turn of the scripted session."""
    fields = open(path("rss-session-%d" % turns)).read().split()
    return (float(fields[2]) + float(fields[3])) / turns * 1000 if len(fields) >= 4 else float("nan")


sessions = {}
for turns in (10, 100, 1000):
    r, secs = rss("rss-session-%d" % turns)
    if r:
        answers = int(open(path("session-%d.answers" % turns)).read()) if exists("session-%d.answers" % turns) else 0
        sessions[turns] = (r, secs, answers)
if 1000 in sessions:
    r, secs, answers = sessions[1000]
    base = sessions.get(10, (r, 0, 0))[0]
    history = open(path("session-1000.history-bytes")).read().strip() if exists("session-1000.history-bytes") else ""
    history_text = " (saved history %s)" % mb(int(history)) if history else ""
    rows.append(("Peak RSS, 1,000-turn `--stdin repl` session (%d answers)" % answers, mb(r),
                 "10 turns %s; 100 turns %s" % (mb(base), mb(sessions.get(100, (0,))[0])),
                 "+%s over 10 turns%s" % (mb(r - base), history_text), "no growth beyond the history",
                 "(see text)"))
    cpu = session_cpu(1000)
    fake = float(open(path("session-1000.fake-cpu")).read()) * 1000 / 1000 if exists("session-1000.fake-cpu") else None
    rows.append(("Per turn in that session: client CPU (user+sys) / wall", "%.2f ms CPU / %.1f ms wall" % (cpu, secs * 1000 / 1000),
                 "the fake: %.1f ms CPU per turn" % (fake * 1000 / 1000) if fake is not None else "—",
                 "10 turns: %.2f ms CPU per turn" % session_cpu(10) if 10 in sessions else "—", "—",
                 "(information)"))

dynamic = hyperfine("dynamic.json")
if dynamic:
    dynamic_rss, _ = rss("rss-dynamic.*")
    for base, label in (("version", "`--version`"), ("one-shot", "one-shot round trip")):
        if base in dynamic and base + ", dynamic" in dynamic:
            a, b = dynamic[base]["median"], dynamic[base + ", dynamic"]["median"]
            rows.append(("Diagnostic: %s, dynamically linked Swift runtime" % label, ms(b), "release build %s" % ms(a),
                         "%.2f× the release build" % (b / a), "—", "(information)"))
    if dynamic_rss and ours_rss:
        rows.append(("Diagnostic: peak RSS, one-shot, dynamically linked Swift runtime", mb(dynamic_rss),
                     "release build %s" % mb(ours_rss), "%+.1f MB" % ((dynamic_rss - ours_rss) / 1e6), "< 30 MB",
                     "(information)"))

for name, label in (("valgrind-oneshot.txt", "valgrind: definitely lost, one-shot"),
                    ("valgrind-session.txt", "valgrind: definitely lost, 20-turn session")):
    lost = definitely_lost(name)
    if lost is not None:
        rows.append((label, "%d bytes in %d blocks" % lost[:2], "—", "(%s)" % lost[2], "0 bytes", verdict(lost[0] == 0)))
    elif exists(name):
        rows.append((label, "valgrind failed: see %s" % name, "—", "—", "0 bytes", "not measured"))

print("| Benchmark | bankfuture-chat | Peers | Ratio | Target | Result |")
print("|---|---|---|---|---|---|")
for row in rows:
    print("| " + " | ".join(row) + " |")
for name in ("load-before.txt", "load-after.txt"):
    if exists(name):
        print("\n%s: %s" % (name.replace(".txt", ""), open(path(name)).read().strip()), end="")
print()
