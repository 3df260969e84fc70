# A 40-epoch run killed with SIGKILL at three seeded-random points (each kill lands after a
# chosen epoch plus a random delay: mid-epoch, mid-evaluation or mid-save) and resumed each
# time ends bit-identical to an uninterrupted run: final model.safetensors and
# optimizer.safetensors equal (cmp), history equal but elapsed_s, summary.json equal but
# timing. No kill ever leaves an invalid step directory. Set CHECKPOINT_TEST_SEED to vary.
source "$(dirname "$0")/lib/common.sh"
source "$(dirname "$0")/lib/runs.sh"
# p 97 "/": 4656 training pairs, 73 steps of 64 per epoch, dropout 0.2 on.
ARGS=(--p 97 --dim 32 --depth 1 --epochs 40 --batch_size 64 --checkpoint_every 5 --threads 1)

pid=""  # the run in the background, stopped if the test fails early
trap '[ -z "$pid" ] || kill -KILL "$pid" 2>/dev/null; rm -rf "$WORK"' EXIT
expect_exit 0 "$GROKKING" train "${ARGS[@]}" --save_dir "$WORK/ref"

RANDOM=${CHECKPOINT_TEST_SEED:-2024}
points=($((2 + RANDOM % 10)) $((14 + RANDOM % 9)) $((26 + RANDOM % 9)))
echo "kill points: after epochs ${points[*]}"
resume=()
for k in "${points[@]}"; do
  kill_after_epoch "$WORK/log" "$k" "$GROKKING" train "${ARGS[@]}" --save_dir "$WORK/run" "${resume[@]}"
  [ ${#resume[@]} -eq 0 ] || expect_in "$WORK/log" "resuming from step"
  if ls -d "$WORK/run/checkpoints"/step_* >/dev/null 2>&1; then
    expect_exit 0 "$GROKKING" inspect "$WORK/run"  # every committed step directory is valid
  fi
  resume=(--resume)
done
expect_exit 0 "$GROKKING" train "${ARGS[@]}" --save_dir "$WORK/run" --resume
expect_in "$WORK/out" "resuming from step"
same_run "$WORK/ref" "$WORK/run"
expect_epochs "$WORK/run" 40
leftovers=$(find "$WORK/run" -name '.tmp-*')
[ -z "$leftovers" ] || fail "temporaries of killed writes remain: $leftovers"
echo PASS
