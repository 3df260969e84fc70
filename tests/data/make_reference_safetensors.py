#!/usr/bin/env python3
"""Writes the two reference files our decoder is tested on (run once; outputs are committed).

handmade.safetensors: bytes laid out by hand with struct/json, independently of any encoder:
header keys in an order different from the data order, "__metadata__" last, padded with spaces.
  a: F32 [2]    = [1.5, -0.25]      data bytes [0, 8)
  b: I32 [3]    = [1, -2, 3]        data bytes [8, 20)
  __metadata__  = {"k": "v"}

python_written.safetensors (only if the safetensors package is importable): written by the
reference library, safetensors.numpy.save_file, with
  m: F64 [2, 2] = [[1, 2], [3, 4.5]]
  n: U64 [1]    = [18446744073709551615]
  o: F32 [3]    = [0.5, -0.5, 2]
  metadata      = {"source": "safetensors.numpy"}
"""
import json
import os
import struct
import sys

here = os.path.dirname(os.path.abspath(__file__))

header = (
    '{"b": {"dtype": "I32", "shape": [3], "data_offsets": [8, 20]}, '
    '"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}, '
    '"__metadata__": {"k": "v"}}'
)
json.loads(header)  # sanity
header = header + " " * ((8 - len(header) % 8) % 8)
data = struct.pack("<2f", 1.5, -0.25) + struct.pack("<3i", 1, -2, 3)
with open(os.path.join(here, "handmade.safetensors"), "wb") as f:
    f.write(struct.pack("<Q", len(header)) + header.encode() + data)

try:
    import numpy as np
    from safetensors.numpy import save_file
except ImportError:
    print("safetensors/numpy not importable: python_written.safetensors not regenerated")
    sys.exit(0)
save_file(
    {
        "m": np.array([[1, 2], [3, 4.5]], dtype=np.float64),
        "n": np.array([18446744073709551615], dtype=np.uint64),
        "o": np.array([0.5, -0.5, 2], dtype=np.float32),
    },
    os.path.join(here, "python_written.safetensors"),
    metadata={"source": "safetensors.numpy"},
)
