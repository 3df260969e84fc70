#!/usr/bin/env python3
"""Loads a safetensors file with the reference library (safetensors.numpy.load_file) and
checks it against an expectations JSON: the exact set of tensor names, and for each its
dtype, shape and values (compared bit for bit), plus the header's __metadata__.

usage: check_safetensors.py FILE.safetensors EXPECTED.json
EXPECTED.json: {"metadata": {str: str}, "tensors": [{"name", "dtype", "shape", "values"}]}
Exit 0 if everything matches, 1 with one line per problem otherwise.
"""
import json
import sys

import numpy as np
from safetensors import safe_open
from safetensors.numpy import load_file

DTYPES = {
    "F64": np.float64, "F32": np.float32, "I64": np.int64, "U64": np.uint64,
    "I32": np.int32, "U32": np.uint32, "I16": np.int16, "U16": np.uint16,
    "I8": np.int8, "U8": np.uint8,
}


def check(path, expected):
    problems = []
    tensors = load_file(path)
    with safe_open(path, framework="np") as f:
        metadata = f.metadata() or {}
    if metadata != expected.get("metadata", {}):
        problems.append(f"metadata {metadata} != expected {expected.get('metadata', {})}")
    want_names = [t["name"] for t in expected["tensors"]]
    if sorted(tensors) != sorted(want_names):
        problems.append(f"tensor names {sorted(tensors)} != expected {sorted(want_names)}")
    for t in expected["tensors"]:
        name = t["name"]
        if name not in tensors:
            continue
        got = tensors[name]
        dtype = np.dtype(DTYPES[t["dtype"]])
        if got.dtype != dtype:
            problems.append(f"{name}: dtype {got.dtype} != expected {dtype}")
            continue
        if list(got.shape) != t["shape"]:
            problems.append(f"{name}: shape {list(got.shape)} != expected {t['shape']}")
            continue
        want = np.array(t["values"], dtype=dtype).reshape(t["shape"])
        if got.tobytes() != want.tobytes():
            problems.append(f"{name}: values {got.ravel().tolist()} != expected "
                            f"{want.ravel().tolist()}")
    return problems


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    with open(sys.argv[2]) as f:
        expected = json.load(f)
    problems = check(sys.argv[1], expected)
    for p in problems:
        print(f"{sys.argv[1]}: {p}", file=sys.stderr)
    if not problems:
        print(f"{sys.argv[1]}: {len(expected['tensors'])} tensors match {sys.argv[2]}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
