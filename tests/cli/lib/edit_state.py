#!/usr/bin/env python3
"""Edits a checkpoint's state.json and re-seals it, as a hostile user could (the checksum is
unkeyed): edit_state.py STATE_JSON KEY.PATH JSON_VALUE [KEY.PATH JSON_VALUE ...].
The seal is the SHA-256 of the compact, key-sorted JSON without "state_sha256"
(checkpoint_state.cc)."""
import hashlib
import json
import sys

path = sys.argv[1]
with open(path, encoding="utf-8") as f:
    state = json.load(f)
pairs = sys.argv[2:]
for key, value in zip(pairs[::2], pairs[1::2]):
    *parents, last = key.split(".")
    node = state
    for name in parents:
        node = node[name]
    node[last] = json.loads(value)
state.pop("state_sha256", None)
compact = json.dumps(state, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
state["state_sha256"] = hashlib.sha256(compact.encode("utf-8")).hexdigest()
with open(path, "w", encoding="utf-8") as f:
    json.dump(state, f, indent=2, sort_keys=True, ensure_ascii=False)
    f.write("\n")
