"""Checks `grokking predict` output against independent computations (tests/cli/predict_python.sh).

usage: check_predict.py RUN PRED.safetensors NPY_DIR OTHER_RUN_OR_STEP

- the .npy files are byte for byte what numpy.save writes for the safetensors' arrays;
- the tokens and labels are the task's validation split, rebuilt here with NumPy's
  RandomState (grokking_jax.make_split, written from the reference's definition);
- predictions = argmax(logits), correct = (predictions == labels), and loss and accuracy,
  recomputed in float64 from the logits, are the run's last history row (val_loss, val_acc);
- the Flax NNX model of load_flax(RUN) gives the same logits (max |d| <= 1e-4) and argmax,
  also through `python -m grokking_jax predict`;
- and the last check can fail: the Flax model of OTHER_RUN_OR_STEP (an earlier step) is
  told apart.
"""

import io
import json
import sys
from pathlib import Path

import numpy as np
from safetensors import safe_open
from safetensors.numpy import load_file

from grokking_jax import load_flax, make_split

run, pred_path, npy_dir, other = map(Path, sys.argv[1:5])
pred = load_file(str(pred_path))
with safe_open(str(pred_path), framework="numpy") as f:
    info = f.metadata()
assert info["split"] == "val", info

for name, array in pred.items():
    buffer = io.BytesIO()
    np.save(buffer, array)
    assert (npy_dir / f"{name}.npy").read_bytes() == buffer.getvalue(), f"{name}.npy != np.save"
assert json.loads((npy_dir / "predict.json").read_text())["correct"] == int(info["correct"])

model, config, task = load_flax(run)
_, _, val_x, val_y = make_split(task)
assert np.array_equal(pred["tokens"], val_x), "tokens are not the validation split"
assert np.array_equal(pred["labels"], val_y), "labels are not the validation split"
assert pred["logits"].shape == (len(val_y), config.classes), pred["logits"].shape
assert np.array_equal(pred["predictions"], np.argmax(pred["logits"], axis=1))
assert np.array_equal(pred["correct"], (pred["predictions"] == pred["labels"]).astype(np.uint8))
assert pred["is_val"].all()

z = pred["logits"].astype(np.float64)
z = z - z.max(axis=1, keepdims=True)
loss = np.mean(np.log(np.exp(z).sum(axis=1)) - z[np.arange(len(val_y)), val_y])
history = json.loads((run / "training_history.json").read_text())
assert abs(loss - history["val_loss"][-1]) < 1e-9, (loss, history["val_loss"][-1])
assert pred["correct"].mean() == history["val_acc"][-1], (pred["correct"].mean(), history["val_acc"])


def compare(flax_model):
    logits = np.asarray(flax_model(val_x, training=False))
    return np.abs(logits - pred["logits"]).max(), np.array_equal(logits.argmax(1), pred["predictions"])


delta, same_argmax = compare(model)
print(f"Flax vs grokking predict on {len(val_y)} validation examples: max |dlogit| {delta:.3g}, "
      f"argmax identical: {same_argmax}")
assert delta <= 1e-4 and same_argmax, (delta, same_argmax)
from grokking_jax.__main__ import main as cli  # noqa: E402

flax_npy = npy_dir / "flax_logits.npy"
assert cli(["predict", str(run), "--split", "val", "--out", str(flax_npy)]) == 0
assert np.abs(np.load(flax_npy) - pred["logits"]).max() <= 1e-4, "python -m grokking_jax predict"
other_delta, _ = compare(load_flax(other).model)
assert other_delta > 1e-2, f"the comparison cannot tell another checkpoint apart ({other_delta})"
print(f"another checkpoint differs by {other_delta:.3g}: ok")
