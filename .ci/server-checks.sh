#!/usr/bin/env bash
# Starts the built lossd and checks it through real clients: the README example verbatim
# (so the README cannot drift), curl edge cases, a Python keep-alive load, and the
# tritonclient / safetensors clients of .ci/python_clients.py (Python from $PYTHON).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${LOSSD_BIN:-.build/debug/lossd}
PORT=${LOSSD_CI_PORT:-18080}
WORK=$(mktemp -d)
trap 'kill $PID 2>/dev/null || true; rm -rf "$WORK"' EXIT

"$BIN" --port "$PORT" 2>"$WORK/lossd.log" &
PID=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.1; done

fail() { echo "FAIL: $*"; cat "$WORK/lossd.log" | tail -20; exit 1; }

echo "-- README example"
# The command between the ci:example markers, pointed at this port.
sed -n '/<!-- ci:example:begin -->/,/<!-- ci:example:end -->/p' README.md | sed '/^<!--/d;/^```/d' \
  | sed "s/127.0.0.1:8080/127.0.0.1:$PORT/" > "$WORK/example.sh"
expected=$(sed -n '/<!-- ci:output:begin -->/,/<!-- ci:output:end -->/p' README.md | sed '/^<!--/d;/^```/d')
actual=$(bash "$WORK/example.sh")
[ "$actual" = "$expected" ] || fail "README example output differs:
expected: $expected
actual:   $actual"
echo "ok"

echo "-- statuses"
status() { curl -s -o "$WORK/body" -w '%{http_code}' "$@"; }
[ "$(status -X POST "http://127.0.0.1:$PORT/v1/losses/dice" -H 'Content-Type: application/json' -d '{"input": [1,')" = 400 ] || fail "malformed JSON not 400"
grep -q '"error"' "$WORK/body" || fail "400 without JSON error"
[ "$(status -X POST "http://127.0.0.1:$PORT/v1/losses/dcie" -H 'Content-Type: application/json' -d '{}')" = 404 ] || fail "unknown loss not 404"
grep -q "dice" "$WORK/body" || fail "404 does not suggest dice"
[ "$(status "http://127.0.0.1:$PORT/v1/losses/dice" -H 'Content-Type: application/json' -d '{"input": [1, 2], "target": [1, 0, 1]}')" = 422 ] || fail "shape mismatch not 422"
grep -q '"field":"target"' "$WORK/body" || fail "422 does not name target: $(cat "$WORK/body")"
echo ok

echo "-- 2 MB body through curl (Expect: 100-continue) without the 1 s stall"
python3 - "$WORK/big.json" <<'PY'
import json, random, sys
random.seed(7)
n = 160_000
x = [round(random.uniform(-4, 4), 6) for _ in range(n)]
t = [random.randint(0, 1) for _ in range(n)]
open(sys.argv[1], "w").write(json.dumps({"input": {"shape": [n], "data": x}, "target": {"shape": [n], "dtype": "uint8", "data": t}}))
PY
size=$(stat -c %s "$WORK/big.json"); [ "$size" -gt 2000000 ] || fail "test body only $size bytes"
curl -sv -o "$WORK/body" "http://127.0.0.1:$PORT/v1/losses/dice" -H 'Content-Type: application/json' \
  --data-binary @"$WORK/big.json" 2>"$WORK/curl.log"
grep -q '"grad"' "$WORK/body" || fail "2 MB request failed: $(head -c 300 "$WORK/body")"
grep -q '^> Expect: 100-continue' "$WORK/curl.log" || fail "curl did not send Expect: 100-continue"
grep -q '^< HTTP/1.1 100 Continue' "$WORK/curl.log" || fail "no 100 Continue: curl waited out its Expect timeout"
elapsed=$(curl -s -o /dev/null -w '%{time_total}' "http://127.0.0.1:$PORT/v1/losses/dice" -H 'Content-Type: application/json' --data-binary @"$WORK/big.json")
echo "ok ($size bytes in ${elapsed}s)"

echo "-- 413 for an oversized body, server keeps serving"
kill $PID; wait $PID || true
"$BIN" --port "$PORT" --max-body-size 1000 2>"$WORK/lossd.log" &
PID=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.1; done
[ "$(status "http://127.0.0.1:$PORT/v1/losses/dice" -H 'Content-Type: application/json' --data-binary @"$WORK/big.json")" = 413 ] || fail "oversized body not 413"
grep -q '"error"' "$WORK/body" || fail "413 without JSON error"
curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null || fail "server stopped serving after 413"
kill $PID; wait $PID || true
"$BIN" --port "$PORT" 2>"$WORK/lossd.log" &
PID=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.1; done
echo ok

echo "-- 50 concurrent keep-alive clients"
python3 .ci/keepalive_clients.py "$PORT"

echo "-- binary bodies: malformed safetensors is a 400, the server keeps serving"
printf '\x08\x00\x00\x00\x00\x00\x00\x00{bad' > "$WORK/bad.safetensors"
[ "$(status "http://127.0.0.1:$PORT/v1/losses/dice" -H 'Content-Type: application/vnd.safetensors' --data-binary @"$WORK/bad.safetensors")" = 400 ] || fail "malformed safetensors not 400"
grep -q 'safetensors' "$WORK/body" || fail "400 does not explain: $(cat "$WORK/body")"
[ "$(status "http://127.0.0.1:$PORT/v2/health/ready")" = 200 ] || fail "/v2/health/ready not 200 after a malformed body"
echo ok

echo "-- Python clients: tritonclient[http] (KServe v2), safetensors + numpy, JSON"
# .ci/run exports PYTHON: a venv with tritonclient[http], safetensors and numpy from PyPI.
PYTHON=${PYTHON:-.build-ci-venv/bin/python}
[ -x "$PYTHON" ] || fail "no Python with tritonclient at $PYTHON (run .ci/run, or set PYTHON)"
"$PYTHON" .ci/python_clients.py "$PORT" || fail "Python clients failed"

echo "-- /metrics parses with prometheus_client"
"$PYTHON" .ci/metrics_check.py "$PORT"

echo "-- SIGTERM exits 0"
kill -TERM $PID
wait $PID && echo ok || fail "exit status $? after SIGTERM"
