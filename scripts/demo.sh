#!/usr/bin/env bash
# Starts the fake OpenRouter on a free port and the client pointed at it.
set -euo pipefail
client=$1
fake=$2
out=$(mktemp)
"$fake" --port 0 >"$out" 2>/dev/null &
fake_pid=$!
trap 'kill $fake_pid 2>/dev/null || true; rm -f "$out"' EXIT
for _ in $(seq 1 100); do
  [ -s "$out" ] && break
  sleep 0.05
done
base=$(head -n1 "$out")
# With the MCP reference server installed (.ci/install-deps puts it in .build/mcp-venv), the
# demo configures it, so `/model fake/tools` shows a tool round: call, approval, answer.
args=()
time_server=$(cd "$(dirname "$0")/.." && pwd)/.build/mcp-venv/bin/mcp-server-time
if [ -x "$time_server" ]; then
  config=$(mktemp)
  trap 'kill $fake_pid 2>/dev/null || true; rm -f "$out" "$config"' EXIT
  printf '{"mcp_servers": {"time": {"command": "%s"}}}\n' "$time_server" >"$config"
  args=(--config "$config")
  echo "MCP server time configured ($time_server): /model fake/tools, then ask what time it is" >&2
fi
echo "fake OpenRouter at $base — try the models fake/slow, fake/error-429, fake/midstream-error, fake/reasoning," \
  "fake/reasoning-details, fake/tools, fake/tools-2, fake/web, fake/length, fake/content-filter, fake/provider-error," \
  "fake/context (/model ID); every scenario: $fake --help" >&2
OPENROUTER_API_KEY=demo-key "$client" --base-url "$base" "${args[@]}" "${@:3}"
