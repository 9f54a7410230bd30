#!/usr/bin/env bash
# Kernel-only benchmark: lossd's LossRegistry.standard.evaluate vs PyTorch float32 forward +
# backward vs a memory copy of the same bytes, for 7 losses at 1K, 64K, 1M and 16M elements,
# all in one run. Run by hand (not in CI), from anywhere:
#
#   Benchmarks/Kernels/run.sh > /tmp/kernels.md              # Markdown report on stdout, progress on stderr
#   Benchmarks/Kernels/run.sh --losses mse,dice --sizes 1K,64K
#   PYTHON=/other/python Benchmarks/Kernels/run.sh            # an interpreter with torch and numpy
#   Benchmarks/Kernels/run.sh --profile dice 1M [SECONDS]     # perf record -e cpu-clock -g, top of perf report
#   Benchmarks/Kernels/run.sh --callgrind dice 64K [ITERS]    # valgrind --tool=callgrind, top of callgrind_annotate
#   WAIT_FOR_IDLE=600 Benchmarks/Kernels/run.sh               # first wait up to 600 s for a 1-minute load < 1
#   KEEP_JSON=/tmp/kjson Benchmarks/Kernels/run.sh            # keep lossd.jsonl and torch.jsonl there
#
# Builds kernel-bench in release (this package's own scratch path, Benchmarks/Kernels/.build),
# runs it (JSON lines), then torch_bench.py on bit-identical data (JSON lines), and joins them
# with `torch_bench.py report`. Exits 1 if lossd fails a cell or disagrees with torch.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
python="${PYTHON:-/tmp/torch/bin/python}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM

losses="mse,bce_with_logits,dice,focal,cross_entropy,softmax_focal,lovasz_hinge"
sizes="1K,64K,1M,16M"
mode=bench
while [[ $# -gt 0 ]]; do
    case "$1" in
        --losses) losses="$2"; shift 2 ;;
        --sizes) sizes="$2"; shift 2 ;;
        --profile|--callgrind)
            mode="${1#--}"; profile_loss="${2:?$1 needs LOSS SIZE}"; profile_size="${3:?$1 needs LOSS SIZE}"
            profile_amount="${4:-}"; shift $(( $# >= 4 ? 4 : 3 )) ;;
        -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
        *) echo "run.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
    esac
done

# One build directory per LOSSD_TARGET_CPU (Package.swift reads it): SwiftPM neither notices a
# changed environment variable nor re-plans when the root package's manifest changes under a
# dependent package, so the stale plan is dropped too (objects are reused when flags match).
scratch="$here/.build-${LOSSD_TARGET_CPU:-native}"
rm -f "$scratch/release.yaml"
echo "building kernel-bench (release, LOSSD_TARGET_CPU=${LOSSD_TARGET_CPU:-unset → native}) in $scratch..." >&2
swift build -c release --package-path "$here" --scratch-path "$scratch" >&2
bench="$(swift build -c release --package-path "$here" --scratch-path "$scratch" --show-bin-path)/kernel-bench"

demangle() { if command -v swift >/dev/null; then swift demangle --simplified; else cat; fi; }

case "$mode" in
    profile)
        # Hardware counters are not available in this container: cpu-clock sampling.
        command -v perf >/dev/null || { echo "run.sh: perf missing (apt-get install -y linux-perf)" >&2; exit 2; }
        data="${PERF_DATA:-/tmp/kernel-bench.perf.data}"
        perf record -e cpu-clock -g -o "$data" -- "$bench" --profile "$profile_loss" "$profile_size" \
            --seconds "${profile_amount:-20}" >&2
        perf report -i "$data" --stdio --no-children --percent-limit 1 2>/dev/null | demangle | head -n 120
        echo "(full profile: perf report -i $data)" >&2
        exit 0 ;;
    callgrind)
        command -v valgrind >/dev/null || { echo "run.sh: valgrind missing (apt-get install -y valgrind)" >&2; exit 2; }
        out="${CALLGRIND_OUT:-/tmp/kernel-bench.callgrind.out}"
        # Collects only inside kernel-bench's evaluate wrapper: not the data generation or the dynamic linker.
        valgrind --tool=callgrind --callgrind-out-file="$out" --collect-atstart=no \
            --toggle-collect='*kernel_bench8evaluate*' \
            "$bench" --profile "$profile_loss" "$profile_size" --iterations "${profile_amount:-10}" >&2
        callgrind_annotate "$out" 2>/dev/null | demangle | head -n 60
        echo "(full profile: callgrind_annotate $out, or kcachegrind)" >&2
        exit 0 ;;
esac

if ! "$python" -c 'import torch, numpy' 2>/dev/null; then
    echo "run.sh: $python lacks torch/numpy (python3 -m venv /tmp/torch && /tmp/torch/bin/pip install torch numpy)" >&2
    exit 2
fi

commit="$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)"
if [[ -n "$(git -C "$root" status --porcelain -- Sources Package.swift 2>/dev/null)" ]]; then
    commit="$commit (plus uncommitted changes in Sources/)"
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
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
start=$SECONDS

status=0
echo "running kernel-bench..." >&2
"$bench" --losses "$losses" --sizes "$sizes" --json "$work/lossd.jsonl" >&2 || status=$?
echo "running torch_bench.py..." >&2
# OPENBLAS_* are unset for torch only, as Benchmarks/run.sh does (see the environment notes).
env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "$python" "$here/torch_bench.py" \
    --losses "$losses" --sizes "$sizes" --json "$work/torch.jsonl"
load_after="$(cut -d' ' -f1-3 /proc/loadavg)"

if [[ -n "${KEEP_JSON:-}" ]]; then
    mkdir -p "$KEEP_JSON" && cp "$work"/*.jsonl "$KEEP_JSON"/
    echo "JSON lines kept in $KEEP_JSON" >&2
fi
env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "$python" "$here/torch_bench.py" report \
    --lossd "$work/lossd.jsonl" --torch "$work/torch.jsonl" --commit "$commit" \
    --load-before "$load_before" --load-after "$load_after" --wall "$((SECONDS - start))" || status=1
exit "$status"
