# Limits checked up front. A model whose estimated peak memory exceeds --max_memory (default
# 90% of this machine's memory) exits 2 naming max_memory before anything is written; the
# estimate is printed at start. A metadata.json describing a huge model is refused by its
# tensors' shapes before the model is allocated. A plan past the trial limit, a --config that is
# a directory, too large, an alias bomb, with a key given twice or a non-scalar key, a path that
# is not UTF-8: exit 2 naming the file, the key or the limit.
source "$(dirname "$0")/lib/common.sh"
ARGS=(--p 23 --operation + --dim 16 --depth 1 --epochs 2 --batch_size 64 --threads 1)

expect_exit 2 "$GROKKING" train --dim 16384 --depth 256 --save_dir "$WORK/huge"
expect_in "$WORK/err" "max_memory: the run needs an estimated"
expect_in "$WORK/err" "(90% of this machine's memory)"
[ ! -e "$WORK/huge" ] || fail "a refused run wrote $WORK/huge"
expect_exit 2 "$GROKKING" train "${ARGS[@]}" --max_memory 0.0001 --save_dir "$WORK/small"
expect_in "$WORK/err" "above the limit of 0.1 MiB"
[ ! -e "$WORK/small" ] || fail "a refused run wrote $WORK/small"
expect_exit 0 "$GROKKING" train "${ARGS[@]}" --save_dir "$WORK/run"
expect_in "$WORK/out" "memory: estimated peak"

# metadata.json edited to a 2^40-parameter model: refused by the first tensor's shape.
py "
p = '$WORK/run/checkpoints/metadata.json'
m = json.load(open(p)); m['config'].update(dim=16384, depth=256)
json.dump(m, open(p, 'w'))
"
expect_exit 1 "$GROKKING" analyze "$WORK/run"
expect_in "$WORK/err" "tensor 'embedding.embedding' has shape [25, 16] in the file, expected [25, 16384]"

# 10,000 repeats of a recursive study of 29 trials: past the plan's limit of 100,000 trials.
expect_exit 2 "$GROKKING" experiment --repeats 10000 --student_scales 0.5,0.25 \
  --strategies logit,attention,feature,combined --recursive --max_recursive_rounds 2 --out "$WORK/exp"
expect_in "$WORK/err" "repeats: 10000 repeats make a plan of more than 100000 trials"
[ ! -e "$WORK/exp" ] || fail "a refused experiment wrote $WORK/exp"

# --config files.
mkdir "$WORK/dir"
expect_exit 2 "$GROKKING" train --config "$WORK/dir" --save_dir "$WORK/c"
expect_in "$WORK/err" "--config: '$WORK/dir' is a directory"
printf 'epochs: 5\nseed: 1\nepochs: 7\n' > "$WORK/twice.yaml"
expect_exit 2 "$GROKKING" train --config "$WORK/twice.yaml" --save_dir "$WORK/c"
expect_in "$WORK/err" "$WORK/twice.yaml: key 'epochs' is given twice"
printf 'save_dir: a\noutput_dir: b\n' > "$WORK/alias.yaml"
expect_exit 2 "$GROKKING" train --config "$WORK/alias.yaml"
expect_in "$WORK/err" "key 'output_dir' is given twice (as 'save_dir')"
printf '? [a, b]\n: 1\n' > "$WORK/key.yaml"
expect_exit 2 "$GROKKING" train --config "$WORK/key.yaml" --save_dir "$WORK/c"
expect_in "$WORK/err" "$WORK/key.yaml: a key must be a plain name"
py "
lines = ['l0: &l0 [' + ', '.join(['x'] * 9) + ']']
for i in range(1, 12):
    lines.append('l%d: &l%d [' % (i, i) + ', '.join(['*l%d' % (i - 1)] * 9) + ']')
open('$WORK/bomb.yaml', 'w').write('\n'.join(lines) + '\n')
"
expect_exit 2 "$GROKKING" train --config "$WORK/bomb.yaml" --save_dir "$WORK/c"
expect_in "$WORK/err" "$WORK/bomb.yaml: line 9: more than 64 YAML aliases (the limit)"
py "open('$WORK/big.yaml', 'w').write('# ' + 'x' * (1 << 21) + '\n')"
expect_exit 2 "$GROKKING" train --config "$WORK/big.yaml" --save_dir "$WORK/c"
expect_in "$WORK/err" "above the limit of 1048576 bytes"
[ ! -e "$WORK/c" ] || fail "a refused run wrote $WORK/c"

# A path that is not UTF-8 cannot go into the JSON files: refused before training.
expect_exit 2 "$GROKKING" train "${ARGS[@]}" --save_dir "$WORK/bad-$(printf '\xff')"
expect_in "$WORK/err" "save_dir: '$WORK/bad-"
expect_in "$WORK/err" "is not valid UTF-8 (it is written into JSON files)"
[ -z "$(ls -d "$WORK"/bad-* 2>/dev/null)" ] || fail "a refused run wrote its directory"
echo "PASS"
