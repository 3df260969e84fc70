"""A grokking.cpp checkpoint as a Flax NNX model of the reference's architecture."""

from __future__ import annotations

import json
from pathlib import Path
from typing import NamedTuple

import jax.numpy as jnp
from flax import nnx
from safetensors import safe_open

from . import names
from .model import ModelConfig, Transformer
from .run_files import Task, read_checkpoint


class FlaxRun(NamedTuple):
    model: Transformer
    config: ModelConfig
    task: Task


def new_model(config: ModelConfig, seed: int = 0) -> Transformer:
    return Transformer(config, nnx.Rngs(params=seed, dropout=seed))


def set_weights(model: Transformer, tensors: dict, prefix: str = "") -> None:
    """Copies our flat tensors into the model's parameters (shapes checked)."""
    state = nnx.state(model, nnx.Param)
    for ours, path in names.name_table(model.config.depth):
        variable = names.get_path(state, path)
        value = tensors[prefix + ours]
        if tuple(value.shape) != tuple(variable.value.shape):
            raise ValueError(f"{ours}: shape {value.shape}, the model has {variable.value.shape}")
        variable.value = jnp.asarray(value)
    nnx.update(model, state)


def _tensor_file_description(path: Path) -> tuple[dict, dict, dict]:
    with safe_open(str(path), framework="numpy") as f:
        meta = f.metadata() or {}
        tensors = {k: f.get_tensor(k) for k in f.keys()}
    if "config" not in meta or "task" not in meta:
        raise ValueError(f"{path}: __metadata__ has no config and task (not a grokking.cpp model)")
    return json.loads(meta["config"]), json.loads(meta["task"]), tensors


def load_flax(run_or_checkpoint) -> FlaxRun:
    """(model, config, task) of a run directory, checkpoint directory, step directory or a
    model.safetensors file (which describes itself). The model runs in inference mode with
    ``model(tokens, training=False)``."""
    path = Path(run_or_checkpoint)
    if path.is_file():
        config_json, task_json, tensors = _tensor_file_description(path)
        task = Task.from_json(task_json)
    else:
        checkpoint = read_checkpoint(path)
        config_json, tensors = checkpoint.metadata["config"], checkpoint.model
        task = Task.from_metadata(checkpoint.metadata)
    config = ModelConfig.from_json(config_json)
    model = new_model(config)
    set_weights(model, tensors)
    return FlaxRun(model, config, task)
