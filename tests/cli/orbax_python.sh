#!/usr/bin/env bash
# Orbax both ways, in the project venv (tests/python/check_orbax.py): a run exported with
# export_orbax restores with the reference's layout (keys, model-state leaves, the adamw
# state template), gives grokking predict's logits, and continues for one AdamW step exactly
# as `grokking train` does; an Orbax checkpoint written as the reference writes it
# becomes, with one `python -m grokking_jax import-orbax`, a run that inspect, analyze,
# predict (same logits as JAX), distill and train --resume (same next step as JAX) accept.
source "$(dirname "$0")/lib/common.sh"
VENV_MODULES="numpy safetensors jax flax optax orbax.checkpoint grokking_jax" \
  source "$(dirname "$0")/lib/venv.sh"
check="$src/tests/python/check_orbax.py"

# Full batches (253 training pairs, batch 256) and no dropout: one step is the same
# computation in both systems, up to the order of the gradient's sums.
ARGS=(--p 23 --dim 32 --heads 2 --dropout 0 --batch_size 256 --threads 1 --quiet)
expect_exit 0 "$GROKKING" train "${ARGS[@]}" --epochs 5 --checkpoint_every 1 --save_dir "$WORK/run"
step4="$WORK/run/checkpoints/step_00000004"
expect_exit 0 "$GROKKING" predict "$step4" --out "$WORK/pred.safetensors"
"$python" "$check" export "$step4" "$WORK/exported" "$WORK/pred.safetensors" \
  "$WORK/run/checkpoints/step_00000005/model.safetensors"
"$python" "$check" write-reference "$WORK/reference" "$WORK/imported"
expect_exit 2 "$python" -m grokking_jax import-orbax "$WORK/reference/checkpoints" "$WORK/x"
expect_in "$WORK/err" "required: --operation, --train_fraction"
expect_exit 0 "$GROKKING" inspect "$WORK/imported"
expect_in "$WORK/out" "step_00000003: ok (step 3, epoch 3; checksums verified)"
expect_exit 0 "$GROKKING" analyze "$WORK/imported" --out "$WORK/analysis.json"
expect_exit 0 "$GROKKING" predict "$WORK/imported" --out "$WORK/imported.safetensors"
"$python" -c "
import numpy as np
from safetensors.numpy import load_file
pred, expected = load_file('$WORK/imported.safetensors'), np.load('$WORK/reference/expected/val_logits.npy')
delta = abs(pred['logits'] - expected).max()
print(f'imported model vs the JAX model: max |dlogit| {delta:.3g}')
assert delta <= 1e-4 and (pred['predictions'] == expected.argmax(1)).all(), delta"
expect_exit 0 "$GROKKING" distill --teacher_checkpoint "$WORK/imported" --output_dir "$WORK/student" \
  --epochs 1 --threads 1 --quiet
IMPORTED=(--p 23 --seed 7 --depth 1 --dim 32 --heads 2 --dropout 0 --batch_size 256
  --warmup_steps 2 --threads 1 --quiet)
expect_exit 2 "$GROKKING" train "${IMPORTED[@]}" --batch_size 512 --epochs 4 \
  --save_dir "$WORK/imported" --resume
expect_in "$WORK/err" "batching.batch_size: 256 vs 512"
expect_exit 0 "$GROKKING" train "${IMPORTED[@]}" --epochs 4 --save_dir "$WORK/imported" --resume
expect_in "$WORK/out" "resuming from step 3 (epoch 3)"
"$python" -c "
from safetensors.numpy import load_file
ours = load_file('$WORK/imported/checkpoints/step_00000004/model.safetensors')
jax = load_file('$WORK/reference/expected/step4.safetensors')
assert set(ours) == set(jax), set(ours) ^ set(jax)
delta = max(abs(ours[k] - jax[k]).max() for k in jax)
print(f'one AdamW step in JAX vs grokking train --resume of the import: max |d param| {delta:.3g}')
assert delta <= 1e-5, delta"
echo ok
