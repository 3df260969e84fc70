"""grokking.cpp's run and checkpoint files, read and written without the C++ program.

A run directory holds ``checkpoints/metadata.json`` (config, task, optimizer, seed, batching,
schedule) and ``checkpoints/step_XXXXXXXX/`` with ``model.safetensors``,
``optimizer.safetensors`` and ``state.json`` (step, epoch, loop state and the SHA-256 of each
tensor file, sealed by ``state_sha256``). Reading verifies every checksum; writing produces
files that ``grokking inspect`` verifies and ``grokking train --resume`` continues.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import re
import tempfile
from pathlib import Path

import numpy as np
from safetensors.numpy import load_file, save_file

FORMAT_VERSION = 1
STEP_DIR = re.compile(r"^step_(\d{8,})$")


class CheckpointError(ValueError):
    """A missing, corrupt or inconsistent checkpoint (the message names the file)."""


@dataclasses.dataclass(frozen=True)
class Task:
    p: int = 97
    operation: str = "/"
    train_fraction: float = 0.5
    split_seed: int = 42

    @classmethod
    def from_json(cls, d: dict, seed: int | None = None) -> "Task":
        split_seed = d.get("split_seed", seed)
        if split_seed is None:
            raise CheckpointError("task: no split_seed and no run seed")
        return cls(int(d["p"]), str(d["operation"]), float(d["train_fraction"]), int(split_seed))

    def to_json(self) -> dict:
        return dataclasses.asdict(self)

    @classmethod
    def from_metadata(cls, metadata: dict) -> "Task":
        """The task of a metadata.json; the split seed as grokking.cpp's loader finds it (the
        task's split_seed, else a distilled student's teacher split, else the run's seed)."""
        seed = metadata.get("distillation", {}).get("split_seed", metadata.get("seed"))
        return cls.from_json(metadata["task"], seed)


@dataclasses.dataclass
class Checkpoint:
    step_dir: Path
    metadata: dict  # metadata.json
    state: dict  # state.json
    model: dict  # name -> np.ndarray (model.safetensors)
    optimizer: dict  # name -> np.ndarray (optimizer.safetensors)

    @property
    def step(self) -> int:
        return int(self.state["step"])

    @property
    def epoch(self) -> int:
        return int(self.state["epoch"])


def _state_digest(state: dict) -> str:
    # The C++ side hashes nlohmann::json's compact dump: sorted keys, no spaces.
    body = {k: v for k, v in state.items() if k != "state_sha256"}
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def read_step(step_dir: Path) -> tuple[dict, dict, dict]:
    """state.json, model and optimizer tensors of one step directory, every checksum verified."""
    state_path = step_dir / "state.json"
    if not state_path.exists():
        raise CheckpointError(f"{state_path}: missing")
    state = json.loads(state_path.read_text())
    if state.get("state_sha256") != _state_digest(state):
        raise CheckpointError(f"{state_path}: checksum mismatch")
    files = {}
    for name in ("model.safetensors", "optimizer.safetensors"):
        path = step_dir / name
        entry = state.get("files", {}).get(name)
        if entry is None or not path.exists():
            raise CheckpointError(f"{path}: missing")
        if path.stat().st_size != entry["bytes"] or _sha256(path) != entry["sha256"]:
            raise CheckpointError(f"{path}: checksum mismatch")
        files[name] = load_file(str(path))
    return state, files["model.safetensors"], files["optimizer.safetensors"]


def resolve(path) -> tuple[Path, Path]:
    """(checkpoint directory, step directory) of a run, checkpoint or step directory: the
    newest step whose checksums verify."""
    path = Path(path)
    if STEP_DIR.match(path.name) or (path / "state.json").exists():
        return path.parent, path
    checkpoint_dir = path / "checkpoints" if (path / "checkpoints").is_dir() else path
    steps = sorted(
        (p for p in checkpoint_dir.glob("step_*") if STEP_DIR.match(p.name)),
        key=lambda p: int(STEP_DIR.match(p.name).group(1)),
        reverse=True,
    )
    problems = []
    for step_dir in steps:
        try:
            read_step(step_dir)
            return checkpoint_dir, step_dir
        except CheckpointError as e:
            problems.append(str(e))
    raise CheckpointError(f"{checkpoint_dir}: no valid checkpoint {problems or ''}".rstrip())


def read_checkpoint(path) -> Checkpoint:
    checkpoint_dir, step_dir = resolve(path)
    metadata_path = checkpoint_dir / "metadata.json"
    if not metadata_path.exists():
        raise CheckpointError(f"{metadata_path}: missing")
    state, model, optimizer = read_step(step_dir)
    return Checkpoint(step_dir, json.loads(metadata_path.read_text()), state, model, optimizer)


def _write_atomic(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".tmp-{path.name}-")
    with os.fdopen(fd, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def write_checkpoint(
    checkpoint_dir: Path,
    step: int,
    epoch: int,
    model: dict,
    optimizer: dict,
    metadata: dict,
    seed: int,
    model_metadata: dict | None = None,
) -> Path:
    """A step directory and metadata.json as grokking.cpp writes them, for a run paused at an
    epoch end (no partial-epoch accumulators). Tensors are name -> np.ndarray."""
    checkpoint_dir = Path(checkpoint_dir)
    step_dir = checkpoint_dir / f"step_{step:08d}"
    step_dir.mkdir(parents=True, exist_ok=False)
    header = {"producer": "grokking_jax", "format_version": str(FORMAT_VERSION)}
    save_file(model, str(step_dir / "model.safetensors"), metadata={**header, **(model_metadata or {})})
    save_file(optimizer, str(step_dir / "optimizer.safetensors"), metadata=header)
    state = {
        "accumulators": {
            "component_sums": [],
            "train_correct": 0,
            "train_loss_sum": 0.0,
            "train_seen": 0,
        },
        "data_order": {
            "algorithm": "philox4x32-10 fisher-yates per epoch",
            "batch_in_epoch": 0,
            "epoch": epoch,
            "seed": seed,
        },
        "elapsed_s": 0.0,
        "epoch": epoch,
        "files": {
            name: {"bytes": (step_dir / name).stat().st_size, "sha256": _sha256(step_dir / name)}
            for name in ("model.safetensors", "optimizer.safetensors")
        },
        "finished": False,
        "format_version": FORMAT_VERSION,
        "rng": {"algorithm": "philox4x32-10", "dropout_step": step, "seed": seed},
        "step": step,
    }
    state["state_sha256"] = _state_digest(state)
    (step_dir / "state.json").write_text(json.dumps(state, indent=2) + "\n")
    metadata = {**metadata, "latest_step": step, "latest_epoch": epoch,
                "format_version": FORMAT_VERSION}
    _write_atomic(checkpoint_dir / "metadata.json", (json.dumps(metadata, indent=2) + "\n").encode())
    return step_dir


def as_f32(x) -> np.ndarray:
    return np.ascontiguousarray(np.asarray(x, dtype=np.float32))
