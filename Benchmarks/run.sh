#!/usr/bin/env bash
# Benchmarks lossd against in-process PyTorch and two Python services, in one run.
# Run by hand (not in CI), from anywhere:
#
#   python3 -m venv /tmp/torch && /tmp/torch/bin/pip install torch safetensors numpy \
#       fastapi 'uvicorn[standard]' requests 'tritonclient[http]'                     # once
#   apt-get install -y wrk curl                                                         # once
#   Benchmarks/run.sh                      # report on stdout, progress on stderr
#   PYTHON=/path/to/python Benchmarks/run.sh --losses mse,dice --sizes 1K,64K
#   KERNELS=1 Benchmarks/run.sh            # also the kernel-only table (Benchmarks/Kernels)
#   CODECS=0 Benchmarks/run.sh             # skip the JSON codec microbenchmark (Benchmarks/Codecs)
#   WAIT_FOR_IDLE=600 Benchmarks/run.sh    # after the builds, wait up to 600 s for a 1-minute load < 1
#
# Builds lossd (and codec-bench) in release, runs codec-bench, starts lossd,
# Benchmarks/reference_service.py, Benchmarks/baselines/fastapi_service.py and
# Benchmarks/baselines/sink_server.py on free ports of 127.0.0.1, runs Benchmarks/bench.py
# (which also starts short-lived lossd processes for the peak-RSS probes), and stops every
# service on exit, whatever happens.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
python="${PYTHON:-/tmp/torch/bin/python}"
scratch="${SCRATCH_PATH:-$root/.build-bench}"
logs="$(mktemp -d)"
pids=()

stop_services() {
    for pid in "${pids[@]}"; do
        kill -TERM "$pid" 2>/dev/null || true
    done
    for pid in "${pids[@]}"; do
        wait "$pid" 2>/dev/null || true
    done
    rm -rf "$logs"
}
trap stop_services EXIT
trap 'exit 130' INT TERM

if ! "$python" -c 'import torch, safetensors, numpy, fastapi, uvicorn, requests, tritonclient.http' 2>/dev/null; then
    echo "run.sh: $python lacks torch/safetensors/numpy/fastapi/uvicorn/requests/tritonclient; see the comment at the top of this script" >&2
    exit 2
fi
for tool in curl wrk; do
    command -v "$tool" >/dev/null || echo "run.sh: $tool not found: its columns stay empty (apt-get install -y $tool)" >&2
done

echo "building lossd (release)..." >&2
swift build -c release --product lossd --package-path "$root" --scratch-path "$scratch" >&2
lossd="$(swift build -c release --package-path "$root" --scratch-path "$scratch" --show-bin-path)/lossd"

# The JSON codec microbenchmark (MB/s of JSON text, no HTTP), before any service runs.
codecs_report=""
if [[ "${CODECS:-1}" == 1 ]]; then
    echo "building the JSON codec microbenchmark (Benchmarks/Codecs)..." >&2
    swift build -c release --package-path "$here/Codecs" --scratch-path "$here/Codecs/.build" --product codec-bench >&2
fi

# On a shared machine: WAIT_FOR_IDLE=SECONDS waits up to that long for a 1-minute load below 1.
if [[ -n "${WAIT_FOR_IDLE:-}" ]]; then
    deadline=$((SECONDS + WAIT_FOR_IDLE))
    while awk '{ exit !($1 >= 1.0) }' /proc/loadavg && (( SECONDS < deadline )); do
        echo "waiting for the machine to go idle (load $(cut -d' ' -f1 /proc/loadavg))..." >&2
        sleep 30
    done
fi
if awk -v cores="$(nproc)" '{ exit !($1 > cores / 2) }' /proc/loadavg; then
    echo "run.sh: warning: 1-minute load $(cut -d' ' -f1 /proc/loadavg) on $(nproc) cores; figures will be noisy" >&2
fi

if [[ "${CODECS:-1}" == 1 ]]; then
    echo "running the JSON codec microbenchmark..." >&2
    codecs_report="$logs/codecs.md"
    "$(swift build -c release --package-path "$here/Codecs" --scratch-path "$here/Codecs/.build" --show-bin-path)/codec-bench" \
        parse > "$codecs_report"
    "$(swift build -c release --package-path "$here/Codecs" --scratch-path "$here/Codecs/.build" --show-bin-path)/codec-bench" \
        print | grep '^| print' >> "$codecs_report"
fi

# Waits for a service's log to name its port (both are started with port 0: the kernel picks a free one).
wait_for_port() {
    local log="$1" pattern="$2" port=""
    for _ in $(seq 1 300); do
        port="$(grep -oE "$pattern" "$log" | head -n1 | grep -oE '[0-9]+$' || true)"
        if [[ -n "$port" ]]; then
            echo "$port"
            return 0
        fi
        sleep 0.1
    done
    echo "run.sh: service did not start; its log:" >&2
    cat "$log" >&2
    return 1
}

# Default log level (info): lossd as users run it, one access-log line per request (to a file here).
lossd_args=(--max-body-size 1073741824)
"$lossd" --host 127.0.0.1 --port 0 "${lossd_args[@]}" 2>"$logs/lossd.log" &
pids+=($!)
# OPENBLAS_* are unset for torch only (see the environment README): they slow current builds.
# One torch thread in the reference service: its best setting here. With two intra-op threads
# called from a handler thread, small requests took 3-4x longer and varied wildly on 2 busy cores.
python_threads="${PYTHON_SERVICE_THREADS:-1}"
env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "$python" "$here/reference_service.py" --port 0 \
    --threads "$python_threads" 2>"$logs/python.log" &
pids+=($!)
# FastAPI + uvicorn (one worker process, uvicorn's defaults; uvloop/httptools when installed, as
# with `pip install "fastapi[standard]"`), torch threads as the reference service's.
fastapi_threads="${FASTAPI_THREADS:-$python_threads}"
env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "$python" "$here/baselines/fastapi_service.py" --port 0 \
    --threads "$fastapi_threads" >"$logs/fastapi.access.log" 2>"$logs/fastapi.log" &
pids+=($!)
# The client floor: answers every POST with a canned body (bench.py loads lossd's own answers).
"$python" "$here/baselines/sink_server.py" --port 0 2>"$logs/sink.log" &
pids+=($!)

lossd_port="$(wait_for_port "$logs/lossd.log" 'address=127\.0\.0\.1:[0-9]+')"
python_port="$(wait_for_port "$logs/python.log" 'on 127\.0\.0\.1:[0-9]+')"
fastapi_port="$(wait_for_port "$logs/fastapi.log" 'running on http://127\.0\.0\.1:[0-9]+')"
sink_port="$(wait_for_port "$logs/sink.log" 'on 127\.0\.0\.1:[0-9]+')"
commit="$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)"
if ! git -C "$root" diff --quiet HEAD 2>/dev/null; then commit="$commit (dirty)"; fi
# lossd's own code: the last commit that touched it (the benchmark harness changes more often).
sources="$(git -C "$root" log -1 --format=%h -- Sources Package.swift 2>/dev/null || true)"
if [[ -n "$sources" ]]; then
    if ! git -C "$root" diff --quiet HEAD -- Sources Package.swift 2>/dev/null; then sources="$sources + uncommitted changes"; fi
    commit="$commit; lossd sources at $sources"
fi
echo "lossd on 127.0.0.1:$lossd_port, reference service on :$python_port, FastAPI on :$fastapi_port, sink on :$sink_port" >&2

cd "$here"
status=0
env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "$python" bench.py \
    --lossd-port "$lossd_port" --python-port "$python_port" --fastapi-port "$fastapi_port" \
    --sink-port "$sink_port" --lossd-bin "$lossd" --lossd-args "${lossd_args[*]}" --commit "$commit" \
    --python-threads "$python_threads" --fastapi-threads "$fastapi_threads" --codecs "$codecs_report" "$@" || status=$?

# Optional: the kernel-only microbenchmark (a separate package; its first build takes minutes).
if [[ "${KERNELS:-0}" == 1 ]]; then
    echo "building and running the kernel microbenchmark..." >&2
    swift build -c release --package-path "$here/Kernels" --scratch-path "$here/Kernels/.build" >&2
    echo
    echo "### Kernel only: LossRegistry.standard.evaluate, no HTTP or JSON"
    echo
    "$(swift build -c release --package-path "$here/Kernels" --scratch-path "$here/Kernels/.build" --show-bin-path)/kernel-bench"
fi
exit "$status"
