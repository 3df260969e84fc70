#!/usr/bin/env bash
# Files written by our safetensors encoder load in Python with the reference library
# (safetensors.numpy.load_file): tests/data/golden.safetensors, which checkpoint_safetensors_test
# proves our encoder reproduces byte for byte, must hold exactly what tests/data/golden.json says.
# Needs the project virtual environment (.venv, created by `make test` or `make venv`); skipped
# (ctest's SKIP_RETURN_CODE) without it, except under `make test`, where that is a failure.
source "$(dirname "$0")/lib/common.sh"
require_venv
src="$GROK_SOURCE_DIR"
python="$VENV_PYTHON"
"$python" "$src/tests/python/check_safetensors.py" "$src/tests/data/golden.safetensors" \
  "$src/tests/data/golden.json"

# The checker must be able to fail: a wrong expectation is reported.
"$python" - "$src/tests/data/golden.json" "$WORK/wrong.json" <<'PY'
import json, sys
expected = json.load(open(sys.argv[1]))
expected["tensors"][0]["values"][0] = 0.25
json.dump(expected, open(sys.argv[2], "w"))
PY
if "$python" "$src/tests/python/check_safetensors.py" "$src/tests/data/golden.safetensors" \
  "$WORK/wrong.json" 2>"$WORK/err"; then
  echo "error: check_safetensors.py accepted a wrong expectation" >&2
  exit 1
fi
grep -q "weights: values" "$WORK/err" || { echo "error: unexpected checker output:" >&2; cat "$WORK/err" >&2; exit 1; }
echo "ok"
