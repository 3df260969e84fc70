"""Checks a `grokking teacher-logits` file with h5py against independent computations
(tests/cli/teacher_logits_python.sh).

usage: check_teacher_logits.py RUN FILE.h5 K OTHER_RUN_OR_STEP

- the root attributes name the format, k, the class count, the task and split seed, and the
  sha256 of the teacher's model.safetensors (recomputed here with hashlib);
- /train and /val hold tokens int32 [N,4], labels int32 [N], topk_values float32 [N,K],
  topk_indices int32 [N,K] and logsumexp float32 [N], chunked with shuffle + gzip, and
  datasets_sha256 is the documented digest of their bytes;
- tokens and labels are the task's split (grokking_jax.make_split, written from the
  reference's definition);
- the stored top-k are the teacher's logits computed independently by the Flax NNX model of
  grokking_jax.load_flax(RUN) from model.safetensors: values within 1e-4 at the stored
  classes, no other class above the k-th value, descending; logsumexp within 1e-4;
- and the comparison can fail: the model of OTHER_RUN_OR_STEP (an earlier step) is told apart.
"""

import hashlib
import json
import sys
from pathlib import Path

import h5py
import numpy as np

from grokking_jax import load_flax, make_split
from grokking_jax.run_files import resolve

run, path, k, other = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3]), Path(sys.argv[4])
model, config, task = load_flax(run)
train_x, train_y, val_x, val_y = make_split(task)
_, step_dir = resolve(run)

with h5py.File(path, "r") as f:
    a = f.attrs
    assert a["format"] == "grokking-teacher-logits" and a["format_version"] == 1, dict(a)
    assert a["k"] == k and a["n_classes"] == config.classes, (a["k"], a["n_classes"])
    assert (a["p"], a["operation"], a["train_fraction"], a["split_seed"]) == (
        task.p, task.operation, task.train_fraction, task.split_seed), dict(a)
    assert json.loads(a["task"])["split_seed"] == task.split_seed
    assert json.loads(a["model_config"])["dim"] == config.dim
    sha = hashlib.sha256((step_dir / "model.safetensors").read_bytes()).hexdigest()
    assert a["teacher_sha256"] == sha, (a["teacher_sha256"], sha)
    assert a["splits"] == "train,val", a["splits"]

    lines = ""
    for name, x, y in [("train", train_x, train_y), ("val", val_x, val_y)]:
        g = f[name]
        n = len(y)
        want = {"tokens": ((n, 4), np.int32), "labels": ((n,), np.int32),
                "topk_values": ((n, k), np.float32), "topk_indices": ((n, k), np.int32),
                "logsumexp": ((n,), np.float32), "label_logit": ((n,), np.float32)}
        for ds, (shape, dtype) in want.items():
            assert g[ds].shape == shape and g[ds].dtype == dtype, (name, ds, g[ds].shape, g[ds].dtype)
            assert g[ds].chunks is not None and g[ds].compression == "gzip" and g[ds].shuffle, ds
            lines += f"{name}/{ds} {hashlib.sha256(g[ds][()].astype(g[ds].dtype.newbyteorder('<')).tobytes()).hexdigest()}\n"
        assert np.array_equal(g["tokens"][()], x), f"{name}: tokens are not the split"
        assert np.array_equal(g["labels"][()], y), f"{name}: labels are not the split"

        values, indices = g["topk_values"][()], g["topk_indices"][()]
        logits = np.asarray(model(x, training=False), dtype=np.float64)
        assert (np.diff(values, axis=1) <= 0).all(), f"{name}: not descending"
        at = np.take_along_axis(logits, indices.astype(np.int64), axis=1)
        delta = np.abs(at - values).max()
        assert delta <= 1e-4, (name, delta)
        rest = logits.copy()
        np.put_along_axis(rest, indices.astype(np.int64), -np.inf, axis=1)
        assert (rest.max(axis=1) <= values[:, -1] + 1e-4).all(), f"{name}: a larger class is missing"
        m = logits.max(axis=1)
        lse = m + np.log(np.exp(logits - m[:, None]).sum(axis=1))
        assert np.abs(lse - g["logsumexp"][()]).max() <= 1e-4, name
        label_logit = np.take_along_axis(logits, y.astype(np.int64)[:, None], axis=1)[:, 0]
        assert np.abs(label_logit - g["label_logit"][()]).max() <= 1e-4, name
        print(f"{name}: {n} examples, top {k}: max |stored - Flax| {delta:.3g}")
    assert a["datasets_sha256"] == hashlib.sha256(lines.encode()).hexdigest(), "datasets_sha256"

    other_model = load_flax(other).model
    other_logits = np.asarray(other_model(val_x, training=False), dtype=np.float64)
    stored = f["val"]["topk_values"][()]
    other_at = np.take_along_axis(other_logits, f["val"]["topk_indices"][()].astype(np.int64), axis=1)
    other_delta = np.abs(other_at - stored).max()
    assert other_delta > 1e-2, f"the comparison cannot tell another checkpoint apart ({other_delta})"
    print(f"another checkpoint differs by {other_delta:.3g}: ok")
