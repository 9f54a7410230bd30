#!/usr/bin/env bash
# Builds the libFuzzer target for the HTTP request parser and chunked decoder, then runs it.
#
#   Fuzz/run.sh [seconds] [extra libFuzzer flags...]     (default 60 s)
#
# The grown corpus and any crash/timeout/oom inputs go to Fuzz/artifacts/ (gitignored);
# the committed seed corpus in Fuzz/corpus/ is only read. One worker, one job: the
# machine is shared. The full log is Fuzz/artifacts/fuzz.log.
set -euo pipefail

duration="${1:-60}"
shift || true
here="$(cd "$(dirname "$0")" && pwd)"
artifacts="$here/artifacts"
mkdir -p "$artifacts/corpus" "$artifacts/crashes"

cd "$here"
# Debug builds get no coverage instrumentation from libFuzzer; release it is.
# swiftc (6.3) drops coverage instrumentation when -sanitize=fuzzer comes before
# -sanitize=address, and SwiftPM's --sanitize flags come out in no fixed order, so fuzzer is
# repeated after them with -Xswiftc. (SwiftPM still needs --sanitize=fuzzer itself: it then
# leaves the executable's entry point to libFuzzer.)
build_flags=(-c release --sanitize=address --sanitize=fuzzer -Xswiftc -sanitize=fuzzer -Xswiftc -parse-as-library)
swift build "${build_flags[@]}" --product HTTPParserFuzzer
binary="$(swift build "${build_flags[@]}" --show-bin-path)/HTTPParserFuzzer"
sections="$(objdump -h "$binary")"
if [[ "$sections" != *__sancov_cntrs* ]]; then
    echo "error: $binary has no coverage counters; libFuzzer would fuzz blind" >&2
    exit 1
fi

# Without this the Swift runtime's backtracer waits on a crashed child and the run hangs.
export SWIFT_BACKTRACE=enable=no

# With -jobs the fuzzing runs in a child whose log (fuzz-0.log) lands in the working
# directory: keep it with the other artifacts.
cd "$artifacts"
# New inputs are written to the first corpus directory (artifacts), seeds are read from the second.
"$binary" "$artifacts/corpus" "$here/corpus" \
    -max_total_time="$duration" \
    -workers=1 -jobs=1 \
    -max_len=8192 \
    -timeout=10 \
    -rss_limit_mb=2048 \
    -dict="$here/http.dict" \
    -print_final_stats=1 \
    -artifact_prefix="$artifacts/crashes/" \
    "$@" 2>&1 | tee "$artifacts/fuzz.log"
