# Corrupt checkpoints. `grokking inspect` on a good run exits 0 and prints every tensor of
# model.safetensors and optimizer.safetensors with dtype, shape and the L2 norm (checked
# against a plain-Python reading of the files). Truncating model.safetensors, flipping a bit
# of optimizer.safetensors or deleting state.json in the newest checkpoint: inspect exits 1
# naming the file; --resume names the file, continues from the previous valid checkpoint and
# ends bit-identical to the uninterrupted run (removing a crashed save's temporary directory).
# With every checkpoint corrupt, or metadata.json corrupt, --resume exits 1.
source "$(dirname "$0")/lib/common.sh"
source "$(dirname "$0")/lib/runs.sh"
# p 47 "/": 1081 training pairs, 17 steps of 64 per epoch; all 8 checkpoints kept.
ARGS=(--p 47 --dim 32 --depth 1 --epochs 40 --batch_size 64 --checkpoint_every 5 --keep 10
  --threads 1)
S=17

step_dir() { printf '%s/checkpoints/step_%08d' "$1" $(($2 * S)); }

expect_exit 0 "$GROKKING" train "${ARGS[@]}" --save_dir "$WORK/ref"
[ "$(ls -d "$WORK/ref/checkpoints"/step_* | wc -l)" -eq 8 ] || fail "expected 8 checkpoints"
[ -d "$(step_dir "$WORK/ref" 40)" ] || fail "no checkpoint at step $((40 * S))"

# inspect on a good run: every tensor of the newest step with dtype, shape and L2 norm.
expect_exit 0 "$GROKKING" inspect "$WORK/ref"
expect_in "$WORK/out" "step_$(printf %08d $((40 * S))): ok"
expect_in "$WORK/out" '"dim":32'
expect_in "$WORK/out" '"p":47'
py "
import math, re, struct
out = open('$WORK/out').read()
newest = '$(step_dir "$WORK/ref" 40)'
printed = {m.group(1): m.group(2, 3, 4) for m in
           re.finditer(r'^  (\S+) +(F32|I64) +(\[[0-9, ]*\]) +L2 (\S+)$', out, re.M)}
names = []
for file in ['model.safetensors', 'optimizer.safetensors']:
    data = open(newest + '/' + file, 'rb').read()
    n = struct.unpack('<Q', data[:8])[0]
    header = json.loads(data[8:8 + n]); header.pop('__metadata__', None)
    for name, t in header.items():
        names.append(name)
        b, e = t['data_offsets']
        raw = data[8 + n + b:8 + n + e]
        fmt = {'F32': 'f', 'I64': 'q'}[t['dtype']]
        values = struct.unpack('<%d%s' % (len(raw) // struct.calcsize(fmt), fmt), raw)
        total = 0.0
        for v in values:
            total += float(v) * float(v)
        want = (t['dtype'], '[' + ', '.join(map(str, t['shape'])) + ']', '%.6g' % math.sqrt(total))
        assert printed.get(name) == want, (name, printed.get(name), want)
assert sorted(names) == sorted(printed), (sorted(names), sorted(printed))
assert 'output_dense.kernel' in names and 'adam.mu.output_dense.kernel' in names, names
assert len(names) == 2 * 12 + 1 + 12, len(names)
"

# corrupt MODE DIR: damages one file of the newest checkpoint and prints its path.
corrupt() {
  local dir
  dir=$(ls -d "$2/checkpoints"/step_* | tail -1)
  case $1 in
    truncate) truncate -s -7 "$dir/model.safetensors" && echo "$dir/model.safetensors" ;;
    bitflip)
      py "
f = open('$dir/optimizer.safetensors', 'r+b'); data = bytearray(f.read())
data[len(data) * 2 // 3] ^= 0x04
f.seek(0); f.write(data)"
      echo "$dir/optimizer.safetensors" ;;
    delete) rm "$dir/state.json" && echo "$dir/state.json" ;;
  esac
}

for mode in truncate bitflip delete; do
  run="$WORK/$mode"
  # As after a kill -9 during epoch 21..24: checkpoints up to epoch 20, history ahead of them.
  cp -r "$WORK/ref" "$run"
  for e in 25 30 35 40; do rm -r "$(step_dir "$run" "$e")"; done
  rm "$run/summary.json"
  bad=$(corrupt "$mode" "$run")
  # What a kill -9 in the middle of a save leaves behind (removed on resume).
  mkdir "$run/checkpoints/.tmp-step_00000357-999"
  echo partial >"$run/checkpoints/.tmp-step_00000357-999/model.safetensors"
  expect_exit 1 "$GROKKING" inspect "$run"
  expect_in "$WORK/err" "$bad"
  expect_in "$WORK/out" "$(basename "$(dirname "$bad")"): INVALID"
  expect_in "$WORK/out" "step_$(printf %08d $((15 * S))): ok"
  # inspect on the corrupt step directory alone fails as well; on a good one it passes.
  expect_exit 1 "$GROKKING" inspect "$(dirname "$bad")"
  expect_in "$WORK/err" "$bad"
  expect_exit 0 "$GROKKING" inspect "$(step_dir "$run" 15)"

  expect_exit 0 "$GROKKING" train "${ARGS[@]}" --save_dir "$run" --resume
  expect_in "$WORK/err" "skipping invalid checkpoint: $bad"
  expect_in "$WORK/out" "resuming from step $((15 * S)) (epoch 15)"
  expect_in "$WORK/err" "removed leftover of an interrupted save: $run/checkpoints/.tmp-step_00000357-999"
  [ ! -e "$run/checkpoints/.tmp-step_00000357-999" ] || fail "leftover not removed"
  same_run "$WORK/ref" "$run"
  expect_exit 0 "$GROKKING" inspect "$run"  # the corrupt directory was replaced
  echo "$mode: ok"
done

# Every checkpoint corrupt: nothing to resume from, and nothing is deleted.
run="$WORK/all"
cp -r "$WORK/ref" "$run"
for d in "$run/checkpoints"/step_*; do rm "$d/state.json"; done
expect_exit 1 "$GROKKING" train "${ARGS[@]}" --save_dir "$run" --resume
expect_in "$WORK/err" "no valid checkpoint"
[ "$(ls -d "$run/checkpoints"/step_* | wc -l)" -eq 8 ] || fail "checkpoints were removed"

# A corrupt metadata.json: inspect and --resume exit 1 naming it.
cp -r "$WORK/ref" "$WORK/meta"
echo '{"config": ' >"$WORK/meta/checkpoints/metadata.json"
expect_exit 1 "$GROKKING" inspect "$WORK/meta"
expect_in "$WORK/err" "$WORK/meta/checkpoints/metadata.json: invalid JSON"
expect_exit 1 "$GROKKING" train "${ARGS[@]}" --save_dir "$WORK/meta" --resume
expect_in "$WORK/err" "$WORK/meta/checkpoints/metadata.json: invalid JSON"
echo PASS
