#!/usr/bin/env bash
# Named custom losses against the built lossd: the tritonclient model-repository path
# (.ci/triton_definitions.py), a PUT that survives a restart (curl), and a bad --loss-dir file
# stopping start-up with file:line:column.
#
#   PYTHON=/path/to/python-with-tritonclient bash .ci/definitions-checks.sh
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${LOSSD_BIN:-.build/debug/lossd}
PORT=${LOSSD_CI_PORT:-18082}
PYTHON=${PYTHON:-.build-ci-venv/bin/python}
WORK=$(mktemp -d)
PID=
trap '[ -n "$PID" ] && kill $PID 2>/dev/null; rm -rf "$WORK"' EXIT
fail() { echo "FAIL: $*"; tail -20 "$WORK/lossd.log" 2>/dev/null; exit 1; }
start() {
  "$BIN" --port "$PORT" --loss-dir "$WORK/losses" "$@" 2>"$WORK/lossd.log" &
  PID=$!
  for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && return; sleep 0.1; done
  fail "lossd did not start"
}
stop() { kill -TERM $PID; wait $PID || true; PID=; }
mkdir -p "$WORK/losses"
BASE="http://127.0.0.1:$PORT"

echo "-- tritonclient load_model / infer / unload_model"
start
"$PYTHON" .ci/triton_definitions.py "$PORT" || fail "tritonclient definitions"
[ ! -e "$WORK/losses/triton_dice.json" ] || fail "unload left triton_dice.json behind"

echo "-- PUT survives a restart"
code=$(curl -s -o "$WORK/body" -w '%{http_code}' -X PUT "$BASE/v1/losses/ci_mse" -H 'Content-Type: application/json' \
  -d '{"expression": "mean((input - target)^2)", "summary": "MSE, as a definition"}')
[ "$code" = 201 ] || fail "PUT answered $code: $(cat "$WORK/body")"
[ -f "$WORK/losses/ci_mse.json" ] || fail "PUT did not write ci_mse.json"
code=$(curl -s -o "$WORK/body" -w '%{http_code}' -X PUT "$BASE/v1/losses/dice" -d '{"expression": "mean(input)"}')
[ "$code" = 409 ] || fail "PUT of a built-in answered $code"
stop
start
reply=$(curl -s "$BASE/v1/losses/ci_mse" -H 'Content-Type: application/json' -d '{"input": [1.0, 2.0], "target": [0.0, 0.0]}')
[[ "$reply" == *'"loss":2.5'* ]] || fail "ci_mse after restart: $reply"
curl -s "$BASE/v1/losses" | grep -q '"name":"ci_mse"' || fail "ci_mse not listed after restart"
code=$(curl -s -o /dev/null -w '%{http_code}' -X DELETE "$BASE/v1/losses/ci_mse")
[ "$code" = 204 ] || fail "DELETE answered $code"
[ ! -e "$WORK/losses/ci_mse.json" ] || fail "DELETE left ci_mse.json behind"
stop
echo ok

echo "-- a bad file stops start-up with file:line:column"
printf '{\n  "expression": "mean(input) * smoth"\n}\n' > "$WORK/losses/typo.json"
status=0
"$BIN" --port "$PORT" --loss-dir "$WORK/losses" 2>"$WORK/start.log" || status=$?
[ "$status" = 1 ] || fail "start-up with a bad file exited $status"
grep -q "^lossd: $WORK/losses/typo.json:2:32: unknown name 'smoth'" "$WORK/start.log" || fail "no file:line:column: $(cat "$WORK/start.log")"
echo ok
