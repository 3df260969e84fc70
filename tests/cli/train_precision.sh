# --precision: fp32 by default; bf16 runs where the CPU has AVX512-BF16 or AMX-BF16 and is
# refused with exit 2, naming the missing feature, before anything is written elsewhere —
# here simulated by limiting oneDNN to AVX2 (ONEDNN_MAX_CPU_ISA), and for real on a CPU
# without the feature.
source "$(dirname "$0")/lib/common.sh"
quick="$GROK_SOURCE_DIR/configs/quick_test.yaml"

expect_exit 2 "$GROKKING" train --save_dir "$WORK/fp16" --precision fp16
expect_in "$WORK/err" "precision: 'fp16' is invalid; allowed: fp32, bf16"
[ ! -e "$WORK/fp16" ] || fail "--precision fp16 wrote its run directory"

ONEDNN_MAX_CPU_ISA=AVX2 expect_exit 2 "$GROKKING" train --save_dir "$WORK/avx2" --precision bf16
expect_in "$WORK/err" "precision: bf16 is invalid"
expect_in "$WORK/err" "AVX512-BF16"
expect_in "$WORK/err" "use --precision fp32 here"
[ ! -e "$WORK/avx2" ] || fail "a refused --precision bf16 wrote its run directory"

expect_exit 0 "$GROKKING" train --config "$quick" --save_dir "$WORK/fp32" --quiet
expect_in "$WORK/fp32/summary.json" '"precision": "fp32"'
expect_in "$WORK/fp32/config.yaml" "precision: fp32"

if "$GROKKING" train --config "$quick" --save_dir "$WORK/bf16" --quiet --precision bf16 \
    > "$WORK/out" 2> "$WORK/err"; then
  expect_in "$WORK/bf16/summary.json" '"precision": "bf16"'
  expect_in "$WORK/bf16/config.yaml" "precision: bf16"
  # The saved config reproduces the run's precision.
  expect_exit 0 "$GROKKING" train --config "$WORK/bf16/config.yaml" --save_dir "$WORK/again" \
    --quiet
  expect_in "$WORK/again/summary.json" '"precision": "bf16"'
else
  expect_in "$WORK/err" "precision: bf16 is invalid"
  expect_in "$WORK/err" "AVX512-BF16"
  [ ! -e "$WORK/bf16" ] || fail "a refused --precision bf16 wrote its run directory"
  echo "bf16 refused on this CPU: $(cat "$WORK/err")"
fi
echo PASS
