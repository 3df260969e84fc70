"""Parameter names: grokking.cpp's dotted tensor names and the reference's NNX state paths.

    grokking.cpp (model.safetensors)       reference NNX path (nnx.state(model))
    embedding.embedding                    embedding/embedding
    layers.{l}.attn.norm.scale             layers/{l}/0/norm/scale
    layers.{l}.attn.w{q,k,v,o}.kernel      layers/{l}/0/W{q,k,v,o}/kernel
    layers.{l}.ffn.norm.scale              layers/{l}/1/norm/scale
    layers.{l}.ffn.w{1,2,3}.kernel         layers/{l}/1/w{1,2,3}/kernel
    final_norm.scale                       final_norm/scale
    output_dense.kernel                    output_dense/kernel

The reference's state also holds, for every block with dropout > 0, an RNG stream
(``layers/{l}/{0,1}/dropout/rngs/{key,count}``) that has no counterpart here. Kernels are
[in, out] on both sides. In Optax's adamw state the same paths appear under ``mu`` and ``nu``
with one more level, ``value`` (the nnx.Param wrapper), and ours are ``adam.mu.<name>``,
``adam.nu.<name>`` and ``count``.
"""

from __future__ import annotations

import numpy as np

_ATTENTION = {"norm.scale": ("norm", "scale"), "wq.kernel": ("Wq", "kernel"),
              "wk.kernel": ("Wk", "kernel"), "wv.kernel": ("Wv", "kernel"),
              "wo.kernel": ("Wo", "kernel")}
_FFN = {"norm.scale": ("norm", "scale"), "w1.kernel": ("w1", "kernel"),
        "w2.kernel": ("w2", "kernel"), "w3.kernel": ("w3", "kernel")}


def name_table(depth: int) -> list[tuple[str, tuple]]:
    """(our name, reference NNX path) for every parameter, in our layout order."""
    table = [("embedding.embedding", ("embedding", "embedding"))]
    for layer in range(depth):
        for block, index, names in (("attn", 0, _ATTENTION), ("ffn", 1, _FFN)):
            for ours, tail in names.items():
                table.append((f"layers.{layer}.{block}.{ours}", ("layers", layer, index) + tail))
    table += [("final_norm.scale", ("final_norm", "scale")),
              ("output_dense.kernel", ("output_dense", "kernel"))]
    return table


def get_path(tree, path: tuple):
    for key in path:
        tree = tree[key if not isinstance(tree, dict) or key in tree else str(key)]
    return tree


def set_path(tree: dict, path: tuple, value) -> None:
    for key in path[:-1]:
        tree = tree.setdefault(key, {})
    tree[path[-1]] = value


def to_reference_tree(tensors: dict, depth: int, prefix: str = "", leaf: str | None = None) -> dict:
    """Our flat tensors (``prefix + name``) as a nested dict keyed by the reference's paths;
    ``leaf="value"`` adds Optax's Param level."""
    tree: dict = {}
    for ours, path in name_table(depth):
        key = prefix + ours
        if key not in tensors:
            raise KeyError(f"no tensor '{key}'")
        set_path(tree, path + ((leaf,) if leaf else ()), np.asarray(tensors[key], np.float32))
    return tree


def from_reference_tree(tree, depth: int, prefix: str = "", leaf: str | None = None) -> dict:
    """The inverse: a (restored) nested tree -> our flat tensors named ``prefix + name``.
    Leaves the table does not name (the dropout RNG streams) are not read."""
    out = {}
    for ours, path in name_table(depth):
        try:
            value = get_path(tree, path + ((leaf,) if leaf else ()))
        except (KeyError, IndexError, TypeError) as e:
            raise KeyError(f"no leaf {'/'.join(map(str, path))} for '{ours}'") from e
        out[prefix + ours] = np.ascontiguousarray(np.asarray(value, np.float32))
    return out
