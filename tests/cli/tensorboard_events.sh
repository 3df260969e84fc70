#!/usr/bin/env bash
# TensorBoard event files, read back by TensorBoard's own EventAccumulator in the project
# venv (tests/python/check_tensorboard.py): our .proto's numbers are TensorBoard's; every
# history scalar of a training run appears once per epoch with the history's value, the
# config as text; a run killed after its last checkpoint and resumed shows each epoch once,
# with the resumed values (nothing truncated, nothing duplicated); a distillation logs its
# loss terms; an experiment writes one directory per trial; --no_tensorboard writes none.
source "$(dirname "$0")/lib/common.sh"
VENV_MODULES="numpy tensorboard" source "$(dirname "$0")/lib/venv.sh"
check() { "$python" "$src/tests/python/check_tensorboard.py" "$@"; }

check proto "$src/src/grokking/tensorboard/event.proto"

ARGS=(--p 23 --dim 32 --depth 1 --epochs 6 --batch_size 64 --checkpoint_every 2 --threads 1 --quiet)
expect_exit 0 "$GROKKING" train "${ARGS[@]}" --save_dir "$WORK/run"
check run "$WORK/run" training_history.json

# As after a kill -9 during epoch 6: its checkpoint never written, the history and the event
# file already at epoch 5 or 6. The resumed process redoes epochs 5 and 6 (elapsed_s differs).
rm -r "$WORK/run/checkpoints/step_00000024" "$WORK/run/summary.json"
cp "$WORK/run/training_history.json" "$WORK/first_history.json"
expect_exit 0 "$GROKKING" train "${ARGS[@]}" --save_dir "$WORK/run" --resume
expect_in "$WORK/out" "resuming from step 16 (epoch 4)"
[ "$(ls "$WORK/run/tensorboard" | wc -l)" -eq 2 ] || fail "expected two event files"
"$python" -c "
import json
a, b = (json.load(open(f)) for f in ('$WORK/first_history.json', '$WORK/run/training_history.json'))
assert a['elapsed_s'][4:] != b['elapsed_s'][4:], 'the resumed epochs are indistinguishable'
"
check run "$WORK/run" training_history.json

expect_exit 0 "$GROKKING" distill --teacher_checkpoint "$WORK/run" --output_dir "$WORK/student" \
  --strategies logit,attention --epochs 2 --threads 1 --quiet
check run "$WORK/student" distillation_history.json

expect_exit 0 "$GROKKING" train "${ARGS[@]}" --epochs 1 --save_dir "$WORK/off" --no_tensorboard
[ ! -e "$WORK/off/tensorboard" ] || fail "--no_tensorboard wrote $WORK/off/tensorboard"
expect_exit 0 "$GROKKING" train "${ARGS[@]}" --epochs 1 --save_dir "$WORK/off" --overwrite
[ -d "$WORK/off/tensorboard" ] || fail "--tensorboard is not the default"

expect_exit 0 "$GROKKING" experiment --out "$WORK/exp" --p 23 --base_dim 32 --base_depth 1 \
  --teacher_epochs 2 --distill_epochs 1 --strategies logit --no_control --jobs 2
for trial in s42/teacher s42/student-0.5-logit-r0; do
  ls "$WORK/exp/$trial/tensorboard/"events.out.tfevents.* >/dev/null || fail "no events for $trial"
done
expect_exit 0 "$GROKKING" experiment --out "$WORK/exp2" --p 23 --base_dim 32 --base_depth 1 \
  --teacher_epochs 1 --distill_epochs 1 --strategies logit --no_control --jobs 2 --no_tensorboard
[ ! -e "$WORK/exp2/s42/teacher/tensorboard" ] || fail "experiment --no_tensorboard wrote events"
echo ok
