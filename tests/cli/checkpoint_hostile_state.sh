# Edited checkpoints: state.json's checksum is unkeyed, so every value in it is untrusted. A
# re-sealed state.json with a value out of range for the run (a negative or too large batch
# index, overflowing accumulators, a component list of the wrong length, a huge epoch, a
# non-boolean flag) or a number past double's range (1e400) is skipped by --resume with a
# warning naming the file and the key, and the run continues from the previous valid step,
# ending bit-identical to the uninterrupted run; with every step edited it exits 1 naming the
# file and the key, never a signal. 1e400 in metadata.json exits 1 naming metadata.json. A
# non-boolean mid_epoch in an old step does not block later saves. --resume --epochs N on a
# finished run trains on to epoch N.
source "$(dirname "$0")/lib/common.sh"
source "$(dirname "$0")/lib/runs.sh"
EDIT="python3 $(dirname "$0")/lib/edit_state.py"
# p 23 "+": 264 training pairs, 5 steps of 64 per epoch; checkpoints at steps 10, 20, 30.
ARGS=(--p 23 --operation + --dim 16 --depth 1 --epochs 6 --batch_size 64 --checkpoint_every 2
  --keep 5 --threads 1 --quiet)
expect_exit 0 "$GROKKING" train "${ARGS[@]}" --save_dir "$WORK/ref"
last="$WORK/ref/checkpoints/step_00000030"
[ -d "$last" ] || fail "no checkpoint at step 30"

# resume_edited NAMED KEY VALUE...: a copy of the reference whose newest step is made
# unfinished and given the values, re-sealed, then resumed: that step is skipped with a message
# naming the key NAMED, and the run ends equal to the reference.
resume_edited() {
  local named=$1
  shift
  rm -rf "$WORK/run"
  cp -r "$WORK/ref" "$WORK/run"
  rm "$WORK/run/summary.json"
  $EDIT "$WORK/run/checkpoints/step_00000030/state.json" finished false "$@"
  expect_exit 0 "$GROKKING" train "${ARGS[@]}" --save_dir "$WORK/run" --resume
  expect_in "$WORK/err" "skipping invalid checkpoint: $WORK/run/checkpoints/step_00000030/state.json"
  expect_in "$WORK/err" "\"$named\" is"
  expect_in "$WORK/out" "resuming from step 20 (epoch 4)"
  same_run "$WORK/ref" "$WORK/run"
}
resume_edited data_order.batch_in_epoch data_order.batch_in_epoch -100000
resume_edited data_order.batch_in_epoch data_order.batch_in_epoch 1000
resume_edited step data_order.batch_in_epoch 3
resume_edited accumulators.train_seen accumulators.train_seen 9223372036854775807
# A float where an integer belongs (found by tests/fuzz/fuzz_state: converting it was UB).
resume_edited data_order.batch_in_epoch data_order.batch_in_epoch 1.5e300
resume_edited accumulators.train_correct accumulators.train_correct 9223372036854775807
resume_edited accumulators.component_sums accumulators.component_sums '[1, 2, 3]'
resume_edited step epoch 100000000000
resume_edited elapsed_s elapsed_s -5
resume_edited mid_epoch mid_epoch '"no"'

# 1e400 cannot be re-sealed (nothing parses it), but must not stop the search either.
rm -rf "$WORK/run" && cp -r "$WORK/ref" "$WORK/run" && rm "$WORK/run/summary.json"
sed -i 's/"elapsed_s": [0-9.e-]*/"elapsed_s": 1e400/' "$WORK/run/checkpoints/step_00000030/state.json"
expect_exit 0 "$GROKKING" train "${ARGS[@]}" --save_dir "$WORK/run" --resume
expect_in "$WORK/err" "$WORK/run/checkpoints/step_00000030/state.json: invalid JSON"
expect_in "$WORK/out" "resuming from step 20 (epoch 4)"

# Every step edited: exit 1 naming the file and the key.
rm -rf "$WORK/run" && cp -r "$WORK/ref" "$WORK/run"
for step in 10 20 30; do
  $EDIT "$(printf '%s/run/checkpoints/step_%08d/state.json' "$WORK" $step)" \
    data_order.batch_in_epoch -100000
done
expect_exit 1 "$GROKKING" train "${ARGS[@]}" --save_dir "$WORK/run" --resume
expect_in "$WORK/err" "step_00000010/state.json: \"data_order.batch_in_epoch\" is -100000; allowed 0 to 4"
expect_in "$WORK/err" "no valid checkpoint in $WORK/run/checkpoints (all 3 are invalid)"

# metadata.json with a number past double's range: exit 1 naming it.
rm -rf "$WORK/run" && cp -r "$WORK/ref" "$WORK/run"
sed -i 's/"latest_step": [0-9]*/"latest_step": 1e400/' "$WORK/run/checkpoints/metadata.json"
expect_exit 1 "$GROKKING" train "${ARGS[@]}" --save_dir "$WORK/run" --resume
expect_in "$WORK/err" "$WORK/run/checkpoints/metadata.json: invalid JSON"

# A non-boolean mid_epoch in an old step, while keep_every reads every old step: saves go on.
KEEP=(--keep 1 --keep_every 2 --epochs 8)
expect_exit 0 "$GROKKING" train "${ARGS[@]}" "${KEEP[@]}" --save_dir "$WORK/old"
rm -r "$WORK/old/checkpoints/step_00000030" "$WORK/old/checkpoints/step_00000040"
$EDIT "$WORK/old/checkpoints/step_00000010/state.json" mid_epoch '"x"'
expect_exit 0 "$GROKKING" train "${ARGS[@]}" "${KEEP[@]}" --save_dir "$WORK/old" --resume
[ -d "$WORK/old/checkpoints/step_00000040" ] || fail "no checkpoint at step 40"

# A finished run resumed with more epochs trains on, equal to a run planned that long.
rm -rf "$WORK/run" && cp -r "$WORK/ref" "$WORK/run"
expect_exit 0 "$GROKKING" train "${ARGS[@]}" --epochs 8 --save_dir "$WORK/run" --resume
expect_in "$WORK/out" "run finished at epoch 6; continuing to epoch 8"
expect_exit 0 "$GROKKING" train "${ARGS[@]}" --epochs 8 --save_dir "$WORK/ref8"
same_run "$WORK/ref8" "$WORK/run"
expect_epochs "$WORK/run" 8
echo "PASS"
