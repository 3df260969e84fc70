#!/usr/bin/env bash
# grokking teacher-logits read with h5py in the project venv and checked against the teacher's
# logits computed independently by grokking_jax's Flax model from model.safetensors
# (tests/python/check_teacher_logits.py), for k = 8 and for all 25 classes.
source "$(dirname "$0")/lib/common.sh"
VENV_MODULES="numpy h5py safetensors jax flax grokking_jax" source "$(dirname "$0")/lib/venv.sh"

expect_exit 0 "$GROKKING" train --p 23 --dim 32 --heads 2 --epochs 6 --batch_size 64 \
  --checkpoint_every 3 --threads 1 --quiet --save_dir "$WORK/run"
for k in 8 0; do
  expect_exit 0 "$GROKKING" teacher-logits --teacher_checkpoint "$WORK/run" --out "$WORK/k$k.h5" \
    --top_k "$k" --threads 1
  want=$k; [ "$k" = 0 ] && want=25
  "$python" "$src/tests/python/check_teacher_logits.py" "$WORK/run" "$WORK/k$k.h5" "$want" \
    "$WORK/run/checkpoints/step_00000012"
done
echo ok
