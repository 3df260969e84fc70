"""Orbax interoperability checks (tests/cli/orbax_python.sh), with a restore written here from
the reference's documented layout (grokking_jax/orbax_io.py's docstring), not its code.

  check_orbax.py export STEP_DIR OUT PRED NEXT_MODEL
      export_orbax(STEP_DIR, OUT); the step restores raw with exactly the reference's
      top-level keys and model-state leaves; its weights in a fresh NNX model give PRED's
      logits; the optimizer state restores into the reference's adamw state template, and one
      AdamW step from it (full batch, no dropout) gives the parameters grokking train
      computed for the next step (NEXT_MODEL, that step's model.safetensors).
      (Through the command line: python -m grokking_jax export-orbax.)
  check_orbax.py write-reference DIR RUN
      an Orbax checkpoint as the reference's save_checkpoint writes it, after 3 full-batch
      AdamW steps in JAX from a fresh model: DIR/checkpoints/{metadata.json, step_00000003},
      DIR/training_history.json; and DIR/expected/ with the validation logits and the
      parameters after a 4th step, for orbax_python.sh's checks of the imported run. Then
      `python -m grokking_jax import-orbax` makes RUN of it, and refuses to do so twice.
"""

import json
import os
import sys
from pathlib import Path

import jax
import jax.numpy as jnp
import numpy as np
import optax
import orbax.checkpoint as ocp
from flax import nnx
from safetensors.numpy import load_file, save_file

from grokking_jax import ModelConfig, Task, Transformer, make_split, names
from grokking_jax.__main__ import main as cli
from grokking_jax.orbax_io import reference_adamw

REFERENCE_CONFIG_FIELDS = {"depth", "dim", "heads", "n_tokens", "seq_len", "dropout", "pool"}
PAYLOAD_KEYS = {"model_state", "optimizer_state", "rng_key", "step", "epoch"}


def leaf_paths(tree) -> set:
    return {"/".join(str(getattr(k, "key", getattr(k, "idx", k))) for k in path)
            for path, _ in jax.tree_util.tree_flatten_with_path(tree)[0]}


def flat_params(model) -> dict:
    state = nnx.state(model, nnx.Param)
    return {ours: np.asarray(names.get_path(state, path).value)
            for ours, path in names.name_table(model.config.depth)}


def adamw_step(model, tx, opt_state, x, y):
    """One full-batch step of mean cross-entropy over the p + 2 classes, as both trainers do."""
    def loss_fn(m):
        logits = m(x, training=False)
        return optax.softmax_cross_entropy_with_integer_labels(logits, y).mean()

    grads = nnx.grad(loss_fn)(model)
    params = nnx.state(model, nnx.Param)
    updates, opt_state = tx.update(nnx.state(grads, nnx.Param), opt_state, params)
    nnx.update(model, optax.apply_updates(params, updates))
    return opt_state


def compare_params(ours: dict, expected: dict, what: str) -> None:
    worst = max(float(np.abs(ours[k] - expected[k]).max()) for k in expected)
    scale = max(float(np.abs(expected[k]).max()) for k in expected)
    print(f"{what}: max |d param| {worst:.3g} (largest |param| {scale:.3g})")
    assert worst <= 1e-5, f"{what}: parameters differ by {worst}"


def export(run, out, pred, next_model):
    assert cli(["export-orbax", run, out]) == 0
    meta = json.loads((Path(out) / "checkpoints" / "metadata.json").read_text())
    step_dir = Path(out) / "checkpoints" / f"step_{meta['latest_step']:08d}"
    assert set(meta["config"]) == REFERENCE_CONFIG_FIELDS, meta["config"]
    for key in ("optimizer", "seed", "latest_step", "latest_epoch"):
        assert key in meta, key
    config = ModelConfig.from_json(meta["config"])
    model = Transformer(config, nnx.Rngs(params=1, dropout=1))

    raw = ocp.PyTreeCheckpointer().restore(os.fspath(step_dir.resolve()))
    assert set(raw) == PAYLOAD_KEYS, set(raw)
    assert leaf_paths(raw["model_state"]) == leaf_paths(nnx.state(model).to_pure_dict())
    state = nnx.state(model)
    state.replace_by_pure_dict(raw["model_state"])
    nnx.update(model, state)
    expected = load_file(pred)
    logits = np.asarray(model(expected["tokens"], training=False))
    delta = np.abs(logits - expected["logits"]).max()
    print(f"exported model vs grokking predict: max |dlogit| {delta:.3g}")
    assert delta <= 1e-4 and np.array_equal(logits.argmax(1), expected["predictions"])

    tx = reference_adamw(meta["optimizer"])
    template = {"model_state": nnx.state(model).to_pure_dict(),
                "optimizer_state": tx.init(nnx.state(model, nnx.Param)),
                "rng_key": jax.random.PRNGKey(0), "step": np.int32(0), "epoch": np.int32(0)}
    restored = ocp.PyTreeCheckpointer().restore(
        os.fspath(step_dir.resolve()), args=ocp.args.PyTreeRestore(item=template))
    opt_state = restored["optimizer_state"]
    assert int(opt_state[0].count) == int(restored["step"]) == meta["latest_step"]
    x, y, _, _ = make_split(Task.from_json(meta["task"]))
    adamw_step(model, tx, opt_state, x, y)
    compare_params(flat_params(model), load_file(next_model), "one AdamW step in JAX vs grokking train")


def write_reference(out, run):
    out = Path(out).resolve()
    task = Task(p=23, operation="/", train_fraction=0.5, split_seed=7)
    config = ModelConfig(depth=1, dim=32, heads=2, n_tokens=25, seq_len=4, dropout=0.0)
    optimizer = {"learning_rate": 1e-3, "beta1": 0.9, "beta2": 0.98, "weight_decay": 1.0,
                 "warmup_steps": 2}
    model = Transformer(config, nnx.Rngs(params=7, dropout=7))
    tx = reference_adamw(optimizer)
    opt_state = tx.init(nnx.state(model, nnx.Param))
    x, y, val_x, val_y = make_split(task)
    history = {k: [] for k in ("step", "epoch", "train_loss", "train_acc", "val_loss", "val_acc",
                               "lr", "weight_norm")}
    for step in range(1, 4):
        opt_state = adamw_step(model, tx, opt_state, x, y)
        logits = model(val_x, training=False)
        history["step"].append(step)
        history["epoch"].append(step)
        history["val_loss"].append(float(optax.softmax_cross_entropy_with_integer_labels(
            logits, val_y).mean()))
        history["val_acc"].append(float(np.mean(np.argmax(logits, 1) == val_y)))
        for key in ("train_loss", "train_acc", "lr", "weight_norm"):
            history[key].append(0.0)
    payload = {"model_state": nnx.state(model).to_pure_dict(), "optimizer_state": opt_state,
               "rng_key": jax.random.PRNGKey(7), "step": np.asarray(3, np.int32),
               "epoch": np.asarray(3, np.int32)}
    ocp.PyTreeCheckpointer().save(os.fspath(out / "checkpoints" / "step_00000003"), payload)
    meta = {"config": {k: v for k, v in config.__dict__.items() if k in REFERENCE_CONFIG_FIELDS},
            "optimizer": optimizer, "seed": 7, "latest_step": 3, "latest_epoch": 3}
    (out / "checkpoints" / "metadata.json").write_text(json.dumps(meta, indent=2, sort_keys=True))
    (out / "training_history.json").write_text(json.dumps(history, indent=2, sort_keys=True))
    expected = out / "expected"
    expected.mkdir()
    np.save(expected / "val_logits.npy", np.asarray(model(val_x, training=False)))
    adamw_step(model, tx, opt_state, x, y)
    save_file(flat_params(model), os.fspath(expected / "step4.safetensors"))
    args = ["import-orbax", os.fspath(out / "checkpoints"), run, "--operation", "/",
            "--train_fraction", "0.5", "--batch_size", "256"]
    assert cli(args) == 0
    assert cli(args) == 1  # the run directory exists now


def main():
    command, args = sys.argv[1], sys.argv[2:]
    {"export": export, "write-reference": write_reference}[command](*args)


if __name__ == "__main__":
    main()
