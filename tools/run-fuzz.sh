#!/usr/bin/env bash
# Builds the libFuzzer targets (the `fuzz` preset: clang, ASan + UBSan) and runs each for
# SECONDS (default 30) from its checked-in seed corpus (tests/fuzz/corpus/<name>/), on a
# scratch copy so that the repository's corpus stays small. Exits non-zero on the first crash,
# leak or sanitizer report; the reproducer is left in build/fuzz/findings/. Prints each target's
# executions, executions per second and coverage (libFuzzer's "cov" edges and "ft" features).
#   tools/run-fuzz.sh [SECONDS] [TARGET...]       (make fuzz: 300 s each; .ci/run: 30 s each)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-30}
shift || true
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz -j "${JOBS:-$(nproc)}"
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  for source in tests/fuzz/fuzz_*.cc; do targets+=("$(basename "$source" .cc)"); done
fi
mkdir -p build/fuzz/findings
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
for target in "${targets[@]}"; do
  name=${target#fuzz_}
  work=build/fuzz/corpus-work/$name
  rm -rf "$work" && mkdir -p "$work"
  log=build/fuzz/$target.log
  # -rss_limit_mb: an input that makes a reader allocate 2 GB is a finding too.
  build/fuzz/tests/fuzz/"$target" "$work" "tests/fuzz/corpus/$name" -max_total_time="$seconds" \
    -rss_limit_mb=2048 -max_len=65536 -timeout=10 -print_final_stats=1 \
    -artifact_prefix=build/fuzz/findings/"$target"- >"$log" 2>&1 || {
    tail -50 "$log"
    echo "fuzz: $target failed; reproducer in build/fuzz/findings/ (log $log)"
    exit 1
  }
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
  ft=$(grep -o 'ft: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
  echo "fuzz: $target: $runs executions in $seconds s ($((runs / seconds))/s), cov $cov edges, ft $ft features, no crash"
done
