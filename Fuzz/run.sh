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
swift build -c release --sanitize=address --sanitize=fuzzer \
    -Xswiftc -parse-as-library --product HTTPParserFuzzer
binary="$(swift build -c release --sanitize=address --sanitize=fuzzer \
    -Xswiftc -parse-as-library --show-bin-path)/HTTPParserFuzzer"

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
