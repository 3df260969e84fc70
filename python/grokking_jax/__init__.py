"""grokking.cpp runs in the JAX ecosystem: Flax NNX models and Orbax checkpoints, both ways.

    from grokking_jax import load_flax
    model, config, task = load_flax("runs/teacher42")
    logits = model(tokens, training=False)          # tokens [B, 4] int32 -> [B, p + 2]

docs/INTEROP.md has the name table and worked examples.
"""

from .data import make_split
from .flax_io import FlaxRun, load_flax
from .model import ModelConfig, Transformer
from .orbax_io import export_orbax, import_orbax
from .run_files import CheckpointError, Task

__all__ = ["CheckpointError", "FlaxRun", "ModelConfig", "Task", "Transformer", "export_orbax",
           "import_orbax", "load_flax", "make_split"]
