# A checkpoint written by `grokking train` loads with the reference Python library
# (safetensors.numpy.load_file, via tests/python/check_safetensors.py): model.safetensors holds
# exactly CONTRACT.md's tensor names with the shapes of the config (kernels [in, out]),
# float32, and the same values as a plain-Python reading of the bytes; optimizer.safetensors
# loads too (AdamW moments per parameter, an int64 step count). A wrong expected shape fails.
# Needs the project virtual environment (.venv, created by `make test` or `make venv`); skipped
# (ctest's SKIP_RETURN_CODE) without it, except under `make test`, where that is a failure.
source "$(dirname "$0")/lib/common.sh"
require_venv
src="$GROK_SOURCE_DIR"
python="$VENV_PYTHON"

# depth 2, dim 32, p 23: vocabulary and classes 25, FFN width 128.
expect_exit 0 "$GROKKING" train --p 23 --dim 32 --depth 2 --heads 2 --epochs 2 --batch_size 64 \
  --threads 1 --save_dir "$WORK/run"
step="$WORK/run/checkpoints/step_00000008"
[ -d "$step" ] || fail "no $step"

# expected FILE KIND > JSON: names and shapes from CONTRACT.md (not from the file), values and
# dtypes read from the bytes with the standard library only.
expected() {
  python3 - "$1" "$2" <<'PY'
import json, struct, sys
path, kind = sys.argv[1], sys.argv[2]
V, D, F, L = 25, 32, 128, 2
shapes = {"embedding.embedding": [V, D]}
for l in range(L):
    p = f"layers.{l}."
    shapes[p + "attn.norm.scale"] = [D]
    for w in ["wq", "wk", "wv", "wo"]:
        shapes[p + f"attn.{w}.kernel"] = [D, D]
    shapes[p + "ffn.norm.scale"] = [D]
    shapes[p + "ffn.w1.kernel"] = [D, F]
    shapes[p + "ffn.w3.kernel"] = [D, F]
    shapes[p + "ffn.w2.kernel"] = [F, D]
shapes["final_norm.scale"] = [D]
shapes["output_dense.kernel"] = [D, V]
if kind == "optimizer":
    shapes = {f"adam.{m}.{n}": s for m in ["mu", "nu"] for n, s in shapes.items()}
    shapes["count"] = []
data = open(path, "rb").read()
n = struct.unpack("<Q", data[:8])[0]
header = json.loads(data[8:8 + n])
metadata = header.pop("__metadata__", {})
tensors = []
for name, shape in shapes.items():
    t = header.get(name, {"dtype": "F32", "data_offsets": [0, 0]})
    b, e = t["data_offsets"]
    code = {"F32": "f", "I64": "q"}[t["dtype"]]
    raw = data[8 + n + b:8 + n + e]
    values = list(struct.unpack("<%d%s" % (len(raw) // struct.calcsize(code), code), raw))
    tensors.append({"name": name, "dtype": "F32" if kind == "model" else t["dtype"],
                    "shape": shape, "values": values})
json.dump({"metadata": metadata, "tensors": tensors}, sys.stdout)
PY
}

expected "$step/model.safetensors" model >"$WORK/model.json"
"$python" "$src/tests/python/check_safetensors.py" "$step/model.safetensors" "$WORK/model.json" ||
  fail "model.safetensors does not match CONTRACT.md"
py "
m = json.load(open('$WORK/model.json'))
assert m['metadata'].get('producer') == 'grokking.cpp', m['metadata']
assert len(m['tensors']) == 1 + 2 * 9 + 2
assert sum(len(t['values']) for t in m['tensors']) == json.load(open('$WORK/run/summary.json'))['parameters']
"
expected "$step/optimizer.safetensors" optimizer >"$WORK/optimizer.json"
"$python" "$src/tests/python/check_safetensors.py" "$step/optimizer.safetensors" \
  "$WORK/optimizer.json" || fail "optimizer.safetensors does not load as expected"
py "
o = json.load(open('$WORK/optimizer.json'))
count = [t for t in o['tensors'] if t['name'] == 'count'][0]
assert count['dtype'] == 'I64' and count['values'] == [8], count"

# The check can fail: a transposed kernel shape is reported.
py "
m = json.load(open('$WORK/model.json'))
t = [t for t in m['tensors'] if t['name'] == 'layers.1.ffn.w2.kernel'][0]
t['shape'] = t['shape'][::-1]
json.dump(m, open('$WORK/wrong.json', 'w'))"
if "$python" "$src/tests/python/check_safetensors.py" "$step/model.safetensors" "$WORK/wrong.json" \
  2>"$WORK/err"; then
  fail "check_safetensors.py accepted a transposed shape"
fi
expect_in "$WORK/err" "layers.1.ffn.w2.kernel: shape [128, 32] != expected [32, 128]"
echo PASS
