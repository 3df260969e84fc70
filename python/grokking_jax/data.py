"""The task's examples and split exactly as grokking.cpp and the reference make them:
pairs a-major, b-minor (b = 0 excluded for "/"), rows [a, p, b, p + 1], labels a op b mod p,
NumPy's RandomState(split_seed).permutation, train = the first floor(fraction * N)."""

from __future__ import annotations

import numpy as np

from .run_files import Task


def _result(op: str, a: np.ndarray, b: np.ndarray, p: int) -> np.ndarray:
    if op == "+":
        return (a + b) % p
    if op == "-":
        return (a - b) % p
    if op == "*":
        return (a * b) % p
    if op == "/":
        return (a * np.array([pow(int(x), p - 2, p) for x in b])) % p
    raise ValueError(f"operation '{op}': use + - * /")


def make_split(task: Task) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(train_tokens [n,4], train_labels [n], val_tokens, val_labels), int32."""
    p = task.p
    a, b = np.meshgrid(np.arange(p), np.arange(1 if task.operation == "/" else 0, p), indexing="ij")
    a, b = a.ravel(), b.ravel()
    tokens = np.stack([a, np.full_like(a, p), b, np.full_like(a, p + 1)], axis=1).astype(np.int32)
    labels = _result(task.operation, a, b, p).astype(np.int32)
    perm = np.random.RandomState(task.split_seed).permutation(len(labels))
    n_train = int(task.train_fraction * len(labels))
    train, val = perm[:n_train], perm[n_train:]
    return tokens[train], labels[train], tokens[val], labels[val]
