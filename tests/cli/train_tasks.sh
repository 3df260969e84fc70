# The task zoo end to end: an S5 task and a three-operand task train, checkpoint and resume
# through the ordinary commands; `grokking data` writes their CSV headers; bad task options
# exit 2 before anything is written.
source "$(dirname "$0")/lib/common.sh"
tiny=(--dim 16 --depth 1 --heads 1 --batch_size 256 --threads 1 --no_tensorboard --quiet)

expect_exit 0 "$GROKKING" data --operation s5conj --train_fraction 0.3 --out "$WORK/s5.csv"
py "
rows = open('$WORK/s5.csv').read().splitlines()
assert rows[0] == 'a,b,c,split', rows[0]
assert len(rows) == 1 + 120 * 120, len(rows)
assert all(0 <= int(x) < 120 for r in rows[1:] for x in r.split(',')[:3])
"
expect_exit 0 "$GROKKING" train --operation s5 --train_fraction 0.5 --epochs 2 "${tiny[@]}" \
  --save_dir "$WORK/s5"
py "
h = json.load(open('$WORK/s5/training_history.json'))
assert len(h['epoch']) == 2, h['epoch']
s = json.load(open('$WORK/s5/summary.json'))
# vocabulary 122 (120 permutations, op, eq): embedding and head are 122 x 16
assert s['parameters'] == 2*122*16 + 16 + (4*16*16 + 3*16*64 + 2*16), s['parameters']
"

expect_exit 0 "$GROKKING" data --operation '(a+b)*c' --p 5 --out "$WORK/abc.csv"
py "
rows = open('$WORK/abc.csv').read().splitlines()
assert rows[0] == 'a,b,c,result,split', rows[0]
assert len(rows) == 1 + 125
for r in rows[1:]:
    a, b, c, result, split = r.split(',')
    assert int(result) == (int(a) + int(b)) * int(c) % 5, r
"
# Three operands: sequences of 6. Resumed from epoch 2's checkpoint (the later ones removed),
# the run ends with the same weights and history as in one go.
args=(--operation '(a*b)+c' --p 11 --epochs 4 --checkpoint_every 1 --keep 4 "${tiny[@]}")
expect_exit 0 "$GROKKING" train "${args[@]}" --save_dir "$WORK/run"
cp "$WORK/run/checkpoints/step_00000012/model.safetensors" "$WORK/full.safetensors"
cp "$WORK/run/training_history.json" "$WORK/full.json"
rm -r "$WORK/run/checkpoints/step_00000012" "$WORK/run/checkpoints/step_00000009"
expect_exit 0 "$GROKKING" train "${args[@]}" --save_dir "$WORK/run" --resume
cat "$WORK/out" "$WORK/err" >"$WORK/log"
expect_in "$WORK/log" "resuming from step 6"
py "
a = json.load(open('$WORK/full.json')); b = json.load(open('$WORK/run/training_history.json'))
a.pop('elapsed_s'); b.pop('elapsed_s')
assert a == b, 'resumed history differs'
assert len(a['epoch']) == 4
"
cmp "$WORK/full.safetensors" "$WORK/run/checkpoints/step_00000012/model.safetensors" ||
  fail "resumed weights differ"

expect_exit 2 "$GROKKING" train --operation mix --p 12 --save_dir "$WORK/bad"
expect_in "$WORK/err" "p: 12 is not prime; operation mix needs a prime p"
[ ! -e "$WORK/bad" ] || fail "a rejected run wrote $WORK/bad"
expect_exit 2 "$GROKKING" data --operation 'x^2' --out "$WORK/bad.csv"
expect_in "$WORK/err" "operation: 'x^2' is not one of"
expect_exit 2 "$GROKKING" data --label_noise 1.5 --out "$WORK/bad.csv"
expect_in "$WORK/err" "label_noise"
echo PASS
