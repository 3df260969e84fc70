#!/usr/bin/env bash
# grokking predict against independent computations in the project venv
# (tests/python/check_predict.py): .npy files byte-identical to numpy.save, tokens and labels
# the exact validation split, loss and accuracy the run's own last validation, and the Flax
# NNX model of grokking_jax.load_flax on the same examples within 1e-4 with identical argmax
# (and an earlier checkpoint told apart). Usage errors exit 2 before anything is written.
source "$(dirname "$0")/lib/common.sh"
VENV_MODULES="numpy safetensors jax flax grokking_jax" source "$(dirname "$0")/lib/venv.sh"

expect_exit 0 "$GROKKING" train --p 23 --dim 32 --heads 2 --epochs 6 --batch_size 64 \
  --checkpoint_every 3 --threads 1 --quiet --save_dir "$WORK/run"
expect_exit 0 "$GROKKING" predict "$WORK/run" --out "$WORK/pred.safetensors" --threads 1
expect_in "$WORK/out" "val split of p=23 '/': 253 examples"
expect_exit 0 "$GROKKING" predict "$WORK/run/checkpoints" --out "$WORK/npy" --batch_size 100
"$python" "$src/tests/python/check_predict.py" "$WORK/run" "$WORK/pred.safetensors" \
  "$WORK/npy" "$WORK/run/checkpoints/step_00000012"

# --split all: train rows first, then val, flagged by is_val.
expect_exit 0 "$GROKKING" predict "$WORK/run" --split all --out "$WORK/all.safetensors"
"$python" -c "
from safetensors.numpy import load_file
a = load_file('$WORK/all.safetensors'); v = load_file('$WORK/pred.safetensors')
n = len(a['labels']); assert n == 506, n
assert a['is_val'][:253].sum() == 0 and a['is_val'][253:].all()
assert abs(a['logits'][253:] - v['logits']).max() < 1e-5
"

expect_exit 2 "$GROKKING" predict "$WORK/run" --split test --out "$WORK/x.safetensors"
expect_in "$WORK/err" "split: 'test' is not a split; use train, val or all"
[ ! -e "$WORK/x.safetensors" ] || fail "a usage error wrote output"
expect_exit 1 "$GROKKING" predict "$WORK/nothing" --out "$WORK/x.safetensors"
echo ok
