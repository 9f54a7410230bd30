#!/usr/bin/env bash
# Soak test: a release lossd on 127.0.0.1 under wrk load from a second process, with the
# server's RSS sampled from /proc every 10 s. Stops by itself and writes out/report.md.
#
#   Benchmarks/soak/run.sh [seconds=240] [connections=16] [threads=1]
#
# Environment: SOAK_PORT (default 18480), LOSSD_BIN (skip the build and use this binary),
# SCRATCH (build scratch path, default .build-soak).
set -euo pipefail

duration="${1:-240}"
connections="${2:-16}"
threads="${3:-1}"
port="${SOAK_PORT:-18480}"
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out="$here/out"
mkdir -p "$out"
command -v wrk >/dev/null || { echo "wrk not found (apt-get install -y wrk)" >&2; exit 1; }

if [[ -z "${LOSSD_BIN:-}" ]]; then
    (cd "$root" && swift build -c release --scratch-path "${SCRATCH:-.build-soak}" --product lossd)
    LOSSD_BIN="$root/${SCRATCH:-.build-soak}/release/lossd"
fi
if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "port $port is already in use; set SOAK_PORT" >&2; exit 1
fi

"$LOSSD_BIN" --host 127.0.0.1 --port "$port" --log-level warning --grace-period 10 \
    > "$out/server.log" 2>&1 &
server=$!
stop_server() { kill -TERM "$server" 2>/dev/null || true; }
trap stop_server EXIT
for _ in $(seq 50); do
    curl -sf -o /dev/null "http://127.0.0.1:$port/healthz" && break
    sleep 0.2
done

rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$server/status"; }
echo "elapsed_s,rss_kb" > "$out/rss.csv"
echo "0,$(rss_kb)" >> "$out/rss.csv"

wrk_command=(wrk -t"$threads" -c"$connections" -d"${duration}s" --timeout 5s --latency
    -s "$here/mix.lua" "http://127.0.0.1:$port")
"${wrk_command[@]}" > "$out/wrk.txt" 2>&1 &
load=$!

start=$SECONDS
while kill -0 "$load" 2>/dev/null; do
    sleep 10
    kill -0 "$load" 2>/dev/null || break
    echo "$((SECONDS - start)),$(rss_kb)" >> "$out/rss.csv"
done
wait "$load"
echo "$((SECONDS - start)),$(rss_kb)" >> "$out/rss.csv"

trap - EXIT
kill -TERM "$server"
server_status=0
wait "$server" || server_status=$?

# RSS is judged after a 30 s warm-up: allocator arenas and caches fill during the first seconds.
rss_summary="$(awk -F, 'NR > 1 && ($1 >= 30 || '"$duration"' < 60) { if (!n++) first = $2; last = $2; if ($2 > max) max = $2; if (min == "" || $2 < min) min = $2 }
    END { if (!n) exit; printf "after warm-up: first %d KB, last %d KB, min %d KB, max %d KB, growth %+d KB (%+.1f%%)", first, last, min, max, last - first, 100 * (last - first) / first }' "$out/rss.csv")"

{
    echo "# lossd soak report"
    echo
    echo "- Date: $(date -u +%Y-%m-%dT%H:%M:%SZ); host: $(nproc) cores, $(uname -sr)"
    echo "- Commit: $(cd "$root" && git rev-parse --short HEAD)"
    echo "- Command: \`${wrk_command[*]}\`"
    echo "- Server: \`lossd --host 127.0.0.1 --port $port --log-level warning --grace-period 10\` (release)"
    echo "- Server exit status after SIGTERM: $server_status"
    echo
    echo "## wrk"
    echo
    echo '```'
    cat "$out/wrk.txt"
    echo '```'
    echo
    echo "## RSS (VmRSS from /proc, every 10 s)"
    echo
    echo "$rss_summary"
    echo
    echo '```'
    cat "$out/rss.csv"
    echo '```'
} > "$out/report.md"
cat "$out/report.md"
