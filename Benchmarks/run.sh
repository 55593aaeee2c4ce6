#!/usr/bin/env bash
# make bench: builds the release binaries and the benchmark package, starts the fake
# OpenRouter and the SSE stream server on 127.0.0.1, runs every benchmark against them
# (with curl, llm and sgpt beside ours where installed) and prints the table.
#
# Environment:
#   BENCH_RUNS=N        runs per whole-process benchmark (default 30)
#   BENCH_STREAM_RUNS=N runs of the 20 MB stream (default 10)
#   BENCH_OUT=DIR       where raw results go (default .build-bench/results)
#   BENCH_NO_PEERS=1    skip installing/running llm and sgpt
#   BENCH_NO_VALGRIND=1 skip the leak check (it takes a minute or two)
#   BENCH_SKIP_BUILD=1  use the binaries already built
#   BENCH_SESSION_SIZES=100,1000,10000  how many saved conversations the session index is timed over
#   BENCH_NO_SESSIONS=1 skip the session index benchmark (it writes ~1 GB and takes a few minutes)
#   BENCH_ATTACH_RUNS=N runs of the 20 MiB attachment upload (default 10)
#   BENCH_TURNS=N       turns of the session with 10 images in its history (default 50)
#   BENCH_TOOL_RUNS=N BENCH_TOOL_ROUNDS=N  tool-round overhead: client runs, rounds per run (default 5, 10)
#   BENCH_DYNAMIC=1     also build with the Swift runtime linked dynamically (.build-dynamic, ~15 min
#                       the first time) and compare start-up, one-shot and RSS with the release build
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
OUT=${BENCH_OUT:-$ROOT/.build-bench/results}
RUNS=${BENCH_RUNS:-30}
STREAM_RUNS=${BENCH_STREAM_RUNS:-10}
VENV=$ROOT/.build-bench/venv            # llm
SGPT_VENV=$ROOT/.build-bench/venv-sgpt  # shell-gpt (its own: beside llm, pip picks an old sgpt)
BIN=$ROOT/.build/release/bankfuture-chat
FAKE=$ROOT/.build/release/fake-openrouter
MICRO=$ROOT/Benchmarks/.build/release/bench-micro
SSE=$ROOT/Benchmarks/.build/release/sse-server
FLOOR=$ROOT/Benchmarks/.build/release/bench-http-floor
SESSIONS=$ROOT/Benchmarks/.build/release/bench-sessions
TOOLS=$ROOT/Benchmarks/.build/release/bench-tools
TOOL_HOST=$ROOT/.build/release/bankfuture-chat-tools   # found by the client beside itself
MCP_TIME=$ROOT/.build/mcp-venv/bin/mcp-server-time     # ./.ci/install-deps creates it
DYNAMIC_BIN=$ROOT/.build-dynamic/release/bankfuture-chat
MODEL=google/gemini-2.5-flash
KEY=sk-or-v1-bench-0000000000000000

say() { printf '\033[1m== %s\033[0m\n' "$*" >&2; }

rm -rf "$OUT"
mkdir -p "$OUT"

# --- Tools -------------------------------------------------------------------------------
missing=()
command -v hyperfine >/dev/null || missing+=(hyperfine)
[ -x /usr/bin/time ] || missing+=(time)
command -v valgrind >/dev/null || missing+=(valgrind)
command -v curl >/dev/null || missing+=(curl)
if [ ${#missing[@]} -gt 0 ]; then
  say "installing ${missing[*]} (apt)"
  apt-get update -qq && apt-get install -y -qq "${missing[@]}" >/dev/null
fi
if [ -z "${BENCH_NO_PEERS:-}" ]; then
  if [ ! -x "$VENV/bin/llm" ]; then
    say "installing the peer llm into $VENV (pip)"
    { python3 -m venv "$VENV" && "$VENV/bin/pip" install -q llm; } || echo "llm could not be installed" >&2
  fi
  if [ ! -x "$SGPT_VENV/bin/sgpt" ]; then
    say "installing the peer shell-gpt into $SGPT_VENV (pip)"
    # shell-gpt 1.5 imports click without declaring it.
    { python3 -m venv "$SGPT_VENV" && "$SGPT_VENV/bin/pip" install -q shell-gpt click; } || echo "shell-gpt could not be installed" >&2
  fi
fi

# --- Build -------------------------------------------------------------------------------
if [ -z "${BENCH_SKIP_BUILD:-}" ]; then
  say "building release binaries (several minutes on 2 cores the first time)"
  # The client exactly as `make release` and `make install` build it (Swift runtime linked
  # in statically). One product per invocation: with several --product flags only the last is built.
  make release
  swift build -c release --static-swift-stdlib --product fake-openrouter
  (cd Benchmarks && swift build -c release)
  if [ -n "${BENCH_DYNAMIC:-}" ]; then
    swift build -c release --scratch-path .build-dynamic --product bankfuture-chat
  fi
fi

# --- Servers -----------------------------------------------------------------------------
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT

wait_for_url() {  # file -> prints the first line once it is there
  for _ in $(seq 1 200); do
    if [ -s "$1" ]; then head -n1 "$1"; return 0; fi
    sleep 0.05
  done
  echo "server did not start: $1" >&2
  return 1
}

"$FAKE" --port 0 >"$OUT/fake.url" 2>"$OUT/fake.log" &
pids+=($!)
"$SSE" --port 0 >"$OUT/sse.url" 2>"$OUT/sse.log" &
pids+=($!)
URL=$(wait_for_url "$OUT/fake.url")
SSE_URL=$(wait_for_url "$OUT/sse.url")
sleep 0.2
say "fake OpenRouter at $URL; SSE stream server at $SSE_URL ($(cat "$OUT/sse.log"))"

# Everything below runs with a scratch HOME so no real config, history or key is read.
export HOME=$OUT/home XDG_CONFIG_HOME=$OUT/home/.config XDG_STATE_HOME=$OUT/home/.local/state
mkdir -p "$XDG_CONFIG_HOME" "$XDG_STATE_HOME"
export OPENROUTER_API_KEY=$KEY
unset OPENROUTER_BASE_URL BANKFUTURE_CHAT_CONFIG HTTPS_PROXY https_proxy HTTP_PROXY http_proxy ALL_PROXY all_proxy

# Peers, pointed at the fake: llm through an extra OpenAI-compatible model, sgpt through its
# base-URL variable. Both get a dummy key. They are run through `env` with HTTPS proxies set
# to a closed local port: the fake is plain HTTP, so this changes nothing for it, but a peer
# that ignored its base URL would fail at once instead of reaching a real API host.
export OPENAI_API_KEY=$KEY LLM_USER_PATH=$OUT/home/llm
export API_BASE_URL=$URL OPENAI_BASE_URL=$URL DEFAULT_MODEL=$MODEL OPENAI_USE_FUNCTIONS=false
mkdir -p "$LLM_USER_PATH"
cat >"$LLM_USER_PATH/extra-openai-models.yaml" <<EOF
- model_id: bench-fake
  model_name: $MODEL
  api_base: "$URL"
EOF
FENCE="env HTTPS_PROXY=http://127.0.0.1:9 https_proxy=http://127.0.0.1:9"
LLM="$FENCE $VENV/bin/llm"
SGPT="$FENCE $SGPT_VENV/bin/sgpt"
peers=()
if [ -z "${BENCH_NO_PEERS:-}" ] && [ -x "$VENV/bin/llm" ]; then
  if $LLM -m bench-fake --no-log hi >"$OUT/llm.check" 2>&1 && grep -q "Echo: hi" "$OUT/llm.check"; then
    peers+=(llm)
  else
    echo "llm did not answer through the fake: $(head -c 300 "$OUT/llm.check")" >&2
  fi
fi
if [ -z "${BENCH_NO_PEERS:-}" ] && [ -x "$SGPT_VENV/bin/sgpt" ]; then
  if $SGPT --no-cache --no-md hi >"$OUT/sgpt.check" 2>&1 </dev/null && grep -q "Echo: hi" "$OUT/sgpt.check"; then
    peers+=(sgpt)
  else
    echo "sgpt did not answer through the fake: $(head -c 300 "$OUT/sgpt.check")" >&2
  fi
fi
printf '%s\n' "${peers[@]}" >"$OUT/peers.txt"

# The same request our client sends for `bankfuture-chat hi`, sent by curl.
BODY='{"model":"'$MODEL'","messages":[{"role":"user","content":"hi"}],"stream":true,"stream_options":{"include_usage":true}}'
curl_cmd() {  # base-url -> a curl command line (for hyperfine, which splits it like a shell)
  echo "curl -sS -N -X POST $1/chat/completions -H 'Authorization: Bearer $KEY' -H 'Content-Type: application/json' -H 'HTTP-Referer: https://bankfuture.com' -H 'X-Title: BankFuture' -d '$BODY'"
}

# Sanity: every client gets the answer.
"$BIN" --base-url "$URL" hi >"$OUT/ours.check" 2>&1
grep -q "Echo: hi" "$OUT/ours.check" || { echo "bankfuture-chat did not answer: $(cat "$OUT/ours.check")" >&2; exit 1; }
eval "$(curl_cmd "$URL")" >"$OUT/curl.check"
grep -q '"content":"Echo:"' "$OUT/curl.check" || { echo "curl did not get the answer" >&2; exit 1; }

# Other work on this 2-core machine (builds, tests) skews wall times: wait up to
# BENCH_QUIET_WAIT seconds (default 120) for the 1-minute load average to fall below 1.
for _ in $(seq 1 $(( ${BENCH_QUIET_WAIT:-120} / 5 ))); do
  awk '{ exit !($1 < 1.0) }' /proc/loadavg && break
  sleep 5
done
uptime >"$OUT/load-before.txt"

# --- 1. Cold start -----------------------------------------------------------------------
say "cold start: --version"
version_cmds=(-n bankfuture-chat "$BIN --version")
for peer in "${peers[@]}"; do
  case $peer in
    llm) version_cmds+=(-n llm "$LLM --version") ;;
    sgpt) version_cmds+=(-n sgpt "$SGPT --version") ;;
  esac
done
hyperfine -N --style basic --warmup 5 --runs "$RUNS" --export-json "$OUT/version.json" "${version_cmds[@]}"

say "cold start: launch to the REPL prompt on a pseudo-terminal"
python3 Benchmarks/prompt_latency.py --runs "$RUNS" --prompt "$MODEL> " -- \
  env TERM=xterm "$BIN" --base-url "$URL" >"$OUT/prompt.txt"
python3 Benchmarks/prompt_latency.py --runs "$RUNS" --prompt "$MODEL> " -- \
  env TERM=xterm "$BIN" --offline >"$OUT/prompt-offline.txt"
echo "prompt (HTTP transport): $(cat "$OUT/prompt.txt")   prompt (--offline): $(cat "$OUT/prompt-offline.txt")  [median min max runs, ms]" >&2

# The same with three stdio MCP servers configured: they start in the background (through
# the tool host), so the prompt must not wait for them. mcp-server-time (Python) when
# ./.ci/install-deps made it, else bench-tools' own server; three entries, three processes.
[ -x "$TOOL_HOST" ] || { echo "no tool host at $TOOL_HOST (make release builds it)" >&2; exit 1; }
if [ -x "$MCP_TIME" ]; then
  mcp3_server=mcp-server-time
  mcp3_entry='{"command":"'$MCP_TIME'"}'
else
  mcp3_server=bench-tools
  mcp3_entry='{"command":"'$TOOLS'","args":["mcp-server","--log","/dev/null"]}'
fi
echo '{"mcp_servers":{"s1":'"$mcp3_entry"',"s2":'"$mcp3_entry"',"s3":'"$mcp3_entry"'}}' >"$OUT/mcp3.json"
echo "$mcp3_server" >"$OUT/prompt-mcp3.server"
# First: the three do start with this config (`/mcp` says `ready` for each within 30 s).
python3 Benchmarks/mcp_ready.py --count 3 -- "$BIN" --config "$OUT/mcp3.json" --base-url "$URL"
python3 Benchmarks/prompt_latency.py --runs "$RUNS" --prompt "$MODEL> " -- \
  env TERM=xterm "$BIN" --config "$OUT/mcp3.json" --base-url "$URL" >"$OUT/prompt-mcp3.txt"
echo "prompt with three stdio MCP servers ($mcp3_server): $(cat "$OUT/prompt-mcp3.txt")  [median min max runs, ms]" >&2
# The peers' interactive modes, to their prompts ("> " for llm chat, ">>> " for sgpt --repl).
for peer in "${peers[@]}"; do
  case $peer in
    llm) python3 Benchmarks/prompt_latency.py --runs 10 --warmup 1 --prompt "> " -- \
           env TERM=xterm $LLM chat -m bench-fake >"$OUT/prompt-llm.txt" || true ;;
    sgpt) python3 Benchmarks/prompt_latency.py --runs 10 --warmup 1 --prompt ">>> " -- \
           env TERM=xterm $SGPT --repl temp >"$OUT/prompt-sgpt.txt" || true ;;
  esac
done

say "cold start: --stdin repl with immediate end of input (a proxy without a terminal)"
hyperfine -N --style basic --warmup 3 --runs "$RUNS" --export-json "$OUT/repl-eof.json" \
  -n "bankfuture-chat --stdin repl (EOF)" "$BIN --base-url $URL --stdin repl"

# --- 2. One-shot round trip ----------------------------------------------------------------
say "one-shot round trip against the fake (short streamed answer)"
oneshot_cmds=(-n bankfuture-chat "$BIN --base-url $URL hi" -n curl "$(curl_cmd "$URL")")
for peer in "${peers[@]}"; do
  case $peer in
    llm) oneshot_cmds+=(-n llm "$LLM -m bench-fake --no-log hi") ;;
    sgpt) oneshot_cmds+=(-n sgpt "$SGPT --no-cache --no-md hi") ;;
  esac
done
hyperfine -N --style basic --warmup 3 --runs "$RUNS" --export-json "$OUT/oneshot.json" "${oneshot_cmds[@]}"

# --- 2b. Attachments ---------------------------------------------------------------------
# A fake of their own: the fake keeps every request body, and these are 14-28 MB each.
"$FAKE" --port 0 >"$OUT/fake-attach.url" 2>"$OUT/fake-attach.log" &
attach_fake=$!
pids+=($attach_fake)
# And a server that only reads the request and answers 64 bytes: the upload without the
# fake's decoding of 28 MB of JSON (several JSONSerialization passes) in the figure.
"$SSE" --port 0 --answer-bytes 64 >"$OUT/lean.url" 2>"$OUT/lean.log" &
pids+=($!)
ATTACH_URL=$(wait_for_url "$OUT/fake-attach.url")
LEAN_URL=$(wait_for_url "$OUT/lean.url")
ATT=$OUT/attach
mkdir -p "$ATT"

say "attachment: a 20 MiB PNG read, encoded and sent (-f) vs curl --data-binary of the same JSON"
python3 Benchmarks/attachment.py png "$ATT/big.png" --bytes $((20 * 1048576)) --seed 20
python3 Benchmarks/attachment.py body "$ATT/big.png" --prompt describe --model "$MODEL" >"$ATT/body.json"
wc -c <"$ATT/big.png" >"$OUT/attach-file-bytes.txt"
wc -c <"$ATT/body.json" >"$OUT/attach-body-bytes.txt"
# body.json must be what the client sends: checked byte for byte on a small file, where the
# --debug wire log shows the whole body.
python3 Benchmarks/attachment.py png "$ATT/small.png" --bytes 3000 --seed 3
python3 Benchmarks/attachment.py body "$ATT/small.png" --prompt describe --model "$MODEL" >"$ATT/small.json"
"$BIN" --base-url "$ATTACH_URL" --debug -f "$ATT/small.png" describe >/dev/null 2>"$ATT/small.wire"
grep -a '^\[wire\] > {' "$ATT/small.wire" | sed 's/^\[wire\] > //' | tr -d '\n' | cmp -s - "$ATT/small.json" \
  || { echo "the client's request for -f small.png differs from attachment.py's body; see $ATT/small.wire" >&2; exit 1; }
"$BIN" --base-url "$ATTACH_URL" -f "$ATT/big.png" describe >"$ATT/ours.check" 2>&1
grep -q "Echo: describe \[image image/png 20971520 B\]" "$ATT/ours.check" \
  || { echo "bankfuture-chat did not send the image: $(head -c 300 "$ATT/ours.check")" >&2; exit 1; }
# curl waits up to 1 s for a `100 Continue` before it sends a body over 1 MB (neither server
# sends one); an empty `Expect:` turns that off, so curl's figure is the upload, not the wait.
attach_curl() {  # base-url -> the curl command line
  echo "curl -sS -N -X POST $1/chat/completions -H 'Authorization: Bearer $KEY' -H 'Content-Type: application/json' -H 'HTTP-Referer: https://bankfuture.com' -H 'X-Title: BankFuture' -H 'Expect:' --data-binary @$ATT/body.json"
}
eval "$(attach_curl "$ATTACH_URL")" >"$ATT/curl.check"
grep -q '"content":" 20971520"' "$ATT/curl.check" || { echo "curl did not get the image's echo" >&2; exit 1; }
hyperfine -N --style basic --warmup 1 --runs "${BENCH_ATTACH_RUNS:-10}" --export-json "$OUT/attach.json" \
  -n bankfuture-chat "$BIN --base-url $ATTACH_URL -f $ATT/big.png describe" -n curl "$(attach_curl "$ATTACH_URL")"
hyperfine -N --style basic --warmup 1 --runs "${BENCH_ATTACH_RUNS:-10}" --export-json "$OUT/attach-lean.json" \
  -n bankfuture-chat "$BIN --base-url $LEAN_URL -f $ATT/big.png describe" -n curl "$(attach_curl "$LEAN_URL")"
for i in $(seq 1 5); do
  /usr/bin/time -f "%M %e" -o "$OUT/rss-attach.$i" "$BIN" --base-url "$ATTACH_URL" -f "$ATT/big.png" describe >/dev/null 2>&1
  /usr/bin/time -f "%M %e" -o "$OUT/rss-attach-curl.$i" sh -c "$(attach_curl "$ATTACH_URL")" >/dev/null 2>&1
done
echo "peak RSS KiB, ours: $(cat "$OUT"/rss-attach.? | cut -d' ' -f1 | sort -n | tr '\n' ' ')curl: $(cat "$OUT"/rss-attach-curl.? | cut -d' ' -f1 | sort -n | tr '\n' ' ')" >&2
rm -f "$ATT/big.png" "$ATT/body.json"

say "attachments: client CPU per turn over ${BENCH_TURNS:-50} turns with 10 images of 1 MiB in the history"
python3 Benchmarks/turn_cpu.py --client "$BIN" --url "$ATTACH_URL" --images 10 --image-mib 1 \
  --turns "${BENCH_TURNS:-50}" --dir "$OUT/turn-cpu" --server-pid "$attach_fake" >"$OUT/turn-cpu.txt"
rm -f "$OUT"/turn-cpu/img*.png
kill "$attach_fake" 2>/dev/null || true
wait "$attach_fake" 2>/dev/null || true

# --- 2c. Tool rounds ---------------------------------------------------------------------
say "tools: the client's overhead per tool round (${BENCH_TOOL_RUNS:-5} runs × ${BENCH_TOOL_ROUNDS:-10} rounds against bench-tools' HTTP and MCP servers)"
"$TOOLS" run --client "$BIN" --runs "${BENCH_TOOL_RUNS:-5}" --rounds "${BENCH_TOOL_ROUNDS:-10}" --dir "$OUT/tools" >"$OUT/tools.txt"

# --- 3. Streaming throughput ----------------------------------------------------------------
say "a 20 MiB answer as small SSE events, rendered to /dev/null"
"$BIN" --base-url "$SSE_URL" hi >"$OUT/stream.out" 2>/dev/null
stream_bytes=$(wc -c <"$OUT/stream.out")
rm -f "$OUT/stream.out"
echo "bankfuture-chat wrote $stream_bytes bytes of answer" >&2
echo "$stream_bytes" >"$OUT/stream-bytes.txt"
hyperfine -N --style basic --warmup 1 --runs "$STREAM_RUNS" --export-json "$OUT/stream.json" \
  -n bankfuture-chat "$BIN --base-url $SSE_URL hi" -n "curl -N" "$(curl_cmd "$SSE_URL")" \
  -n "AsyncHTTPClient alone" "$FLOOR $SSE_URL delegate" \
  -n "AsyncHTTPClient alone, read timeout" "$FLOOR $SSE_URL delegate read-timeout"

say "micro-benchmarks (CPU time of the measuring thread, medians)"
"$MICRO" all >"$OUT/micro.txt"

if [ -z "${BENCH_NO_SESSIONS:-}" ]; then
  # 10,000 conversations of ~100 KB are ~1 GB of session files plus the index: with less
  # than 4 GB free in the temporary folder, the 10,000 are written smaller (and the table says so).
  TMP=${TMPDIR:-/tmp}
  free_kb=$(df -Pk "$TMP" | awk 'NR == 2 { print $4 }')
  kb_10k=100
  [ "$free_kb" -lt 4000000 ] && kb_10k=20
  say "session index: --sessions QUERY over ${BENCH_SESSION_SIZES:-100,1000,10000} saved conversations (writes them to $TMP; a few minutes)"
  "$SESSIONS" --sizes "${BENCH_SESSION_SIZES:-100,1000,10000}" --kb 100 --kb-10000 "$kb_10k" --dir "$TMP/bench-sessions-$$" >"$OUT/sessions.txt"
fi

# --- 4/5. Memory -------------------------------------------------------------------------
say "peak RSS: one-shot, and scripted sessions of 10, 100 and 1,000 turns"
for i in $(seq 1 5); do
  /usr/bin/time -f "%M %e" -o "$OUT/rss-oneshot.$i" "$BIN" --base-url "$URL" hi >/dev/null 2>&1
  /usr/bin/time -f "%M %e" -o "$OUT/rss-curl.$i" sh -c "$(curl_cmd "$URL")" >/dev/null 2>&1
done
fake_cpu() { awk '{ printf "%.2f\n", ($14 + $15) / 100 }' "/proc/${pids[0]}/stat"; }  # the fake's CPU seconds
for turns in 10 100 1000; do
  for i in $(seq 1 "$turns"); do echo "turn $i: tell me something about the number $i, briefly please"; done >"$OUT/script-$turns.txt"
  before=$(fake_cpu)
  /usr/bin/time -f "%M %e %U %S" -o "$OUT/rss-session-$turns" "$BIN" --base-url "$URL" --stdin repl \
    <"$OUT/script-$turns.txt" >"$OUT/session-$turns.out" 2>"$OUT/session-$turns.err"
  echo "$before $(fake_cpu)" | awk '{ print $2 - $1 }' >"$OUT/session-$turns.fake-cpu"
  answered=$(grep -c "^Echo: turn" "$OUT/session-$turns.out" || true)
  echo "$turns turns: $answered answers; KiB, elapsed s, user s, sys s: $(cat "$OUT/rss-session-$turns"); the fake's CPU: $(cat "$OUT/session-$turns.fake-cpu") s" >&2
  echo "$answered" >"$OUT/session-$turns.answers"
done
# The history the 1,000-turn session holds at the end: its autosaved session file.
ls -S "$XDG_STATE_HOME"/bankfuture-chat/sessions/*.json 2>/dev/null | head -n1 | xargs -r wc -c | awk '{print $1}' >"$OUT/session-1000.history-bytes" || true

if [ -n "${BENCH_DYNAMIC:-}" ] && [ -x "$DYNAMIC_BIN" ]; then
  say "diagnostic: the same client with the Swift runtime linked dynamically"
  hyperfine -N --style basic --warmup 3 --runs "$RUNS" --export-json "$OUT/dynamic.json" \
    -n "version" "$BIN --version" -n "version, dynamic" "$DYNAMIC_BIN --version" \
    -n "one-shot" "$BIN --base-url $URL hi" -n "one-shot, dynamic" "$DYNAMIC_BIN --base-url $URL hi"
  for i in $(seq 1 5); do
    /usr/bin/time -f "%M %e" -o "$OUT/rss-dynamic.$i" "$DYNAMIC_BIN" --base-url "$URL" hi >/dev/null 2>&1
  done
fi

if [ -z "${BENCH_NO_VALGRIND:-}" ]; then
  say "leak check: valgrind --leak-check=full on a one-shot and on a 20-turn scripted session"
  # Valgrind 3.19 cannot read the release binary's DWARF 5 ("unhandled dwarf2 abbrev form"),
  # so it gets a copy without debug info (symbols stay); and it dies on libdispatch's
  # sigsuspend of a read-only mask, which the preloaded shim passes as a copy instead.
  objcopy --strip-debug "$BIN" "$OUT/bankfuture-chat.nodebug"
  cc -O2 -shared -fPIC -o "$OUT/sigsuspend-shim.so" Benchmarks/valgrind/sigsuspend-shim.c
  LD_PRELOAD=$OUT/sigsuspend-shim.so valgrind --leak-check=full --log-file="$OUT/valgrind-oneshot.txt" \
    "$OUT/bankfuture-chat.nodebug" --base-url "$URL" hi >/dev/null 2>&1 || true
  head -n 20 "$OUT/script-100.txt" >"$OUT/script-20.txt"
  LD_PRELOAD=$OUT/sigsuspend-shim.so valgrind --leak-check=full --log-file="$OUT/valgrind-session.txt" \
    "$OUT/bankfuture-chat.nodebug" --base-url "$URL" --stdin repl <"$OUT/script-20.txt" >/dev/null 2>&1 || true
  grep -h -E "definitely lost|possibly lost:|INTERNAL ERROR" "$OUT"/valgrind-*.txt >&2 || true
fi

uptime >"$OUT/load-after.txt"

# --- Table -------------------------------------------------------------------------------
python3 Benchmarks/report.py "$OUT" | tee "$OUT/table.md"
