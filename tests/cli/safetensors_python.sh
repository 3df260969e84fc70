#!/usr/bin/env bash
# Files written by our safetensors encoder load in Python with the reference library
# (safetensors.numpy.load_file): tests/data/golden.safetensors, which checkpoint_safetensors_test
# proves our encoder reproduces byte for byte, must hold exactly what tests/data/golden.json says.
# Needs the project virtual environment ($GROK_SOURCE_DIR/.venv with safetensors and numpy,
# created by `make test`); fails, never skips, without it.
set -euo pipefail
src="${GROK_SOURCE_DIR:?GROK_SOURCE_DIR must point at the source tree}"
python="$src/.venv/bin/python"
if [[ ! -x "$python" ]]; then
  echo "error: $python not found; create the test environment with" >&2
  echo "  python3 -m venv $src/.venv && $src/.venv/bin/pip install safetensors numpy" >&2
  echo "(make test does this)" >&2
  exit 1
fi
if ! "$python" -c "import safetensors.numpy, numpy" 2>/dev/null; then
  echo "error: $python cannot import safetensors and numpy; run" >&2
  echo "  $src/.venv/bin/pip install safetensors numpy" >&2
  exit 1
fi
"$python" "$src/tests/python/check_safetensors.py" "$src/tests/data/golden.safetensors" \
  "$src/tests/data/golden.json"

# The checker must be able to fail: a wrong expectation is reported.
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
"$python" - "$src/tests/data/golden.json" "$tmp/wrong.json" <<'PY'
import json, sys
expected = json.load(open(sys.argv[1]))
expected["tensors"][0]["values"][0] = 0.25
json.dump(expected, open(sys.argv[2], "w"))
PY
if "$python" "$src/tests/python/check_safetensors.py" "$src/tests/data/golden.safetensors" \
  "$tmp/wrong.json" 2>"$tmp/err"; then
  echo "error: check_safetensors.py accepted a wrong expectation" >&2
  exit 1
fi
grep -q "weights: values" "$tmp/err" || { echo "error: unexpected checker output:" >&2; cat "$tmp/err" >&2; exit 1; }
echo "ok"
