"""Orbax checkpoints laid out as the reference's ``save_checkpoint`` writes them, both ways.

The reference saves one Orbax PyTree per step, ``checkpoint_dir/step_{step:08d}``, holding
``{"model_state": nnx.state(model).to_pure_dict(), "optimizer_state": <optax adamw state>,
"rng_key": PRNGKey, "step": int32, "epoch": int32}``, and beside the steps a
``metadata.json`` with ``config`` (TransformerConfig's fields), ``optimizer`` (learning_rate,
beta1, beta2, weight_decay, warmup_steps), ``seed``, ``latest_step`` and ``latest_epoch``.
Its adamw is ``optax.adamw(join_schedules([linear_schedule(0, lr, warmup),
constant_schedule(lr)], [warmup]), b1, b2, eps=1e-8, weight_decay)``, whose state is
``(ScaleByAdamState(count, mu, nu), EmptyState(), ScaleByScheduleState(count))`` with mu and
nu over ``nnx.state(model, nnx.Param)`` (so every leaf ends in ``/value``).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import jax
import jax.numpy as jnp
import numpy as np
import optax
import orbax.checkpoint as ocp
from flax import nnx

from . import names
from .flax_io import new_model, set_weights
from .model import ModelConfig
from .run_files import CheckpointError, Task, as_f32, read_checkpoint, write_checkpoint

HISTORY_COLUMNS = ["step", "epoch", "train_loss", "train_acc", "val_loss", "val_acc", "lr",
                   "weight_norm"]
REFERENCE_EPS = 1e-8  # the reference's create_adamw_optimizer default


def reference_adamw(optimizer: dict) -> optax.GradientTransformation:
    """The reference's AdamW with linear warmup from 0, then a constant learning rate."""
    lr, warmup = optimizer["learning_rate"], int(optimizer["warmup_steps"])
    schedule = optax.join_schedules(
        [optax.linear_schedule(0.0, lr, warmup), optax.constant_schedule(lr)], [warmup])
    return optax.adamw(schedule, b1=optimizer["beta1"], b2=optimizer["beta2"],
                       eps=optimizer.get("eps", REFERENCE_EPS),
                       weight_decay=optimizer["weight_decay"])


def _filled(tree, depth: int, tensors: dict, prefix: str):
    """A copy of Optax's moment tree (over nnx.Param states) holding our tensors. A copy:
    the states nnx.state returns may share their variables with the model."""
    tree = jax.tree.map(lambda x: x, tree)
    for ours, path in names.name_table(depth):
        names.get_path(tree, path).value = jnp.asarray(tensors[prefix + ours])
    return tree


def reference_rng_key(seed: int, step: int):
    """The reference loop's key after `step` steps: PRNGKey(seed), split once per step."""
    return jax.lax.fori_loop(0, step, lambda _, k: jax.random.split(k)[0], jax.random.PRNGKey(seed))


def export_orbax(run_or_checkpoint, out_dir) -> Path:
    """Writes OUT_DIR/checkpoints/{metadata.json, step_XXXXXXXX/} as the reference's
    save_checkpoint lays them out (and OUT_DIR/training_history.json in its columns when the
    run has one), so the reference's restore_checkpoint and ``train_nnx.py --save_dir OUT_DIR
    --checkpoint_dir OUT_DIR/checkpoints --resume`` find it. Returns the step directory.
    The dropout RNG streams are fresh (grokking.cpp's dropout is Philox, not JAX's)."""
    ckpt = read_checkpoint(run_or_checkpoint)
    meta = ckpt.metadata
    optimizer = meta["optimizer"]
    if optimizer.get("type", "adamw") != "adamw":
        raise ValueError(f"optimizer {optimizer['type']}: only an adamw state can be exported")
    config = ModelConfig.from_json(meta["config"])
    seed = int(meta["seed"])
    model = new_model(config, seed)
    set_weights(model, ckpt.model)

    tx = reference_adamw(optimizer)
    adam, empty, schedule = tx.init(nnx.state(model, nnx.Param))
    count = jnp.asarray(int(ckpt.optimizer["count"]), jnp.int32)
    if int(count) != ckpt.step:
        raise CheckpointError(f"{ckpt.step_dir}: optimizer count {int(count)} != step {ckpt.step}")
    opt_state = (
        adam._replace(count=count, mu=_filled(adam.mu, config.depth, ckpt.optimizer, "adam.mu."),
                      nu=_filled(adam.nu, config.depth, ckpt.optimizer, "adam.nu.")),
        empty,
        schedule._replace(count=count),
    )
    payload = {
        "model_state": nnx.state(model).to_pure_dict(),
        "optimizer_state": opt_state,
        "rng_key": reference_rng_key(seed, ckpt.step),
        "step": np.asarray(ckpt.step, dtype=np.int32),
        "epoch": np.asarray(ckpt.epoch, dtype=np.int32),
    }
    out_dir = Path(out_dir).resolve()
    checkpoint_dir = out_dir / "checkpoints"
    checkpoint_dir.mkdir(parents=True, exist_ok=True)
    step_dir = checkpoint_dir / f"step_{ckpt.step:08d}"
    ocp.PyTreeCheckpointer().save(os.fspath(step_dir), payload)
    reference_meta = {
        "config": config.reference_dict(),
        "optimizer": {k: optimizer[k] for k in
                      ("learning_rate", "beta1", "beta2", "weight_decay", "warmup_steps")},
        "seed": seed,
        "latest_step": ckpt.step,
        "latest_epoch": ckpt.epoch,
        "task": meta["task"],  # ours; the reference ignores keys it does not know
    }
    (checkpoint_dir / "metadata.json").write_text(json.dumps(reference_meta, indent=2,
                                                             sort_keys=True))
    history = ckpt.step_dir.parent.parent / "training_history.json"
    if history.exists():
        h = json.loads(history.read_text())
        keep = [i for i, e in enumerate(h["epoch"]) if e <= ckpt.epoch]
        (out_dir / "training_history.json").write_text(json.dumps(
            {c: [h[c][i] for i in keep] for c in HISTORY_COLUMNS}, indent=2, sort_keys=True))
    return step_dir


def _reference_checkpoint_dir(path: Path) -> tuple[Path, Path | None]:
    """(checkpoint directory holding metadata.json, the step directory if one was named)."""
    if path.name.startswith("step_"):
        return path.parent, path
    if (path / "checkpoints" / "metadata.json").exists():
        return path / "checkpoints", None
    return path, None


def _with_leaf(tree, depth: int, prefix: str) -> dict:
    try:  # over nnx.State: leaves end in /value
        return names.from_reference_tree(tree, depth, prefix, leaf="value")
    except KeyError:  # over plain arrays
        return names.from_reference_tree(tree, depth, prefix)


def import_orbax(orbax_checkpoint_dir, run_dir, task=None, *, batch_size: int = 512,
                 epochs: int | None = None) -> Path:
    """A reference Orbax checkpoint (its checkpoint directory, run directory or one step
    directory) as a grokking.cpp run directory that ``grokking inspect``, ``analyze``,
    ``predict``, ``distill`` and ``train --resume`` accept. ``task``: a Task or a dict with
    operation and train_fraction (and p, checked against the vocabulary), which the
    reference does not record; the split seed is the reference's seed. ``epochs``: the run's
    planned length for a later resume (default: the checkpoint's epoch). Returns the step
    directory written."""
    source = Path(orbax_checkpoint_dir).resolve()
    checkpoint_dir, step_dir = _reference_checkpoint_dir(source)
    meta_path = checkpoint_dir / "metadata.json"
    if not meta_path.exists():
        raise CheckpointError(f"{meta_path}: missing (not a reference checkpoint directory)")
    meta = json.loads(meta_path.read_text())
    config = ModelConfig.from_json(meta["config"])
    if step_dir is None:
        step_dir = checkpoint_dir / f"step_{int(meta['latest_step']):08d}"
    if not (step_dir / "_CHECKPOINT_METADATA").exists():
        raise CheckpointError(f"{step_dir}: not a committed Orbax checkpoint")
    restored = ocp.PyTreeCheckpointer().restore(os.fspath(step_dir))
    seed = int(meta["seed"])
    task = _task(task, config, seed)

    model = names.from_reference_tree(restored["model_state"], config.depth)
    adam, schedule = restored["optimizer_state"][0], restored["optimizer_state"][2]
    count = int(np.asarray(adam["count"]))
    if count != int(np.asarray(schedule["count"])):
        raise CheckpointError(f"{step_dir}: adam count {count} != schedule count")
    step, epoch = int(np.asarray(restored["step"])), int(np.asarray(restored["epoch"]))
    if count != step:
        raise CheckpointError(f"{step_dir}: optimizer count {count} != step {step}")
    optimizer = {**_with_leaf(adam["mu"], config.depth, "adam.mu."),
                 **_with_leaf(adam["nu"], config.depth, "adam.nu."),
                 "count": np.asarray(count, dtype=np.int64)}
    opt = meta["optimizer"]
    lr, warmup = float(opt["learning_rate"]), int(opt["warmup_steps"])
    ours_meta = {
        "config": meta["config"],
        "task": task.to_json(),
        "optimizer": {"type": "adamw", "learning_rate": lr, "beta1": float(opt["beta1"]),
                      "beta2": float(opt["beta2"]), "eps": REFERENCE_EPS,
                      "weight_decay": float(opt["weight_decay"]), "warmup_steps": warmup},
        "seed": seed,
        "batching": {"batch_size": batch_size},
        "schedule": {"epochs": epoch if epochs is None else epochs, "max_steps": 0,
                     "lr": {"kind": "linear_warmup_then_constant", "init_value": 0.0,
                            "peak_value": lr, "warmup_steps": warmup}},
        "imported_from": {"orbax_checkpoint": os.fspath(step_dir), "step": step},
    }
    run_dir = Path(run_dir)
    if (run_dir / "checkpoints").exists():
        raise FileExistsError(f"{run_dir}/checkpoints exists: import into a new run directory")
    run_dir.mkdir(parents=True, exist_ok=True)
    written = write_checkpoint(
        run_dir / "checkpoints", step, epoch, {k: as_f32(v) for k, v in model.items()},
        optimizer, ours_meta, seed,
        {"config": json.dumps(meta["config"]), "task": json.dumps(task.to_json())})
    _import_history(checkpoint_dir.parent / "training_history.json", run_dir, epoch)
    return written


def _task(task, config: ModelConfig, seed: int) -> Task:
    if task is None:
        raise ValueError("task: the reference does not record the operation and train "
                         "fraction; give task={'operation': '/', 'train_fraction': 0.5}")
    if isinstance(task, Task):
        given = task.to_json()
    else:
        given = dict(task)
    p = config.n_tokens - 2
    if given.get("p", p) != p:
        raise ValueError(f"task p {given['p']}: the checkpoint's vocabulary n_tokens "
                         f"{config.n_tokens} means p {p}")
    if given.get("split_seed", seed) != seed:
        raise ValueError(f"task split_seed {given['split_seed']}: the reference splits with "
                         f"its seed {seed}")
    return Task(p, str(given["operation"]), float(given["train_fraction"]), seed)


def _import_history(path: Path, run_dir: Path, epoch: int) -> None:
    """The reference's training_history.json with elapsed_s (unknown there: zeros)."""
    if not path.exists():
        return
    h = json.loads(path.read_text())
    keep = [i for i, e in enumerate(h.get("epoch", [])) if e <= epoch]
    out = {c: [h[c][i] for i in keep] for c in HISTORY_COLUMNS if c in h}
    out["elapsed_s"] = [0.0] * len(keep)
    (run_dir / "training_history.json").write_text(json.dumps(out, indent=1) + "\n")
