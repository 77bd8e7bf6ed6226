#!/usr/bin/env bash
# All benchmarks: the in-process ones, the call-setup path under load (/sip/inbound against /healthz),
# and the server's cold start and idle memory.
# Usage: scripts/bench.sh   (builds release binaries first)
#        BENCH_POSTGRES_URL=postgres://…/bench_db scripts/bench.sh   (also on PostgreSQL: a database of the
#        benchmark's own — its public schema is dropped and made again with psql before each server)
set -euo pipefail
cd "$(dirname "$0")/.."
# wrk drives the call path (AsyncHTTPClient is slower than the server's /healthz, so it would measure itself).
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; } || echo "no wrk: the call-path figures need it (apt-get install wrk)"
swift build -c release --product scaidial-bench >/dev/null
swift build -c release --product scaidial >/dev/null
# LiveKit for the click-to-call figure (the fake the tests use: it answers as LiveKit does).
swift build -c release --product livekit-fake >/dev/null
.build/release/scaidial-bench --server "$(realpath .build/release/scaidial)" ${BENCH_POSTGRES_URL:+--postgres "$BENCH_POSTGRES_URL"}

WORK=$(mktemp -d /tmp/scaidial-bench.XXXXXX)
PORT=${BENCH_PORT:-18181}
BIN=$(realpath .build/release/scaidial)
trap 'kill ${PID:-0} 2>/dev/null || true; rm -rf "$WORK"' EXIT
cd "$WORK"
"$BIN" migrate >/dev/null
start=$(date +%s%N)
"$BIN" serve --port "$PORT" >serve.log 2>&1 &
PID=$!
until curl -sf "localhost:$PORT/readyz" >/dev/null; do sleep 0.005; done
ready=$(date +%s%N)
sleep 2
rss_kb=$(awk '/VmRSS/ {print $2}' /proc/$PID/status)
echo "server: cold start to ready $(( (ready - start) / 1000000 )) ms (budget 1000 ms); idle memory $(( rss_kb / 1024 )) MB resident (budget 100 MB)"
