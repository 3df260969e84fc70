# grokking analyze on tiny trained runs: a model against itself (CKA 1 for every hidden state),
# a narrower student against it (CKA per shared state name), the JSON fields, validation
# accuracy equal to the run's final_val_acc, JSON on stdout without --out, and the failing
# cases (no model, unknown flag, models of different tasks, missing path).
source "$(dirname "$0")/lib/common.sh"
task=(--p 23 --operation + --train_fraction 0.5 --seed 42 --threads 1)

expect_exit 0 "$GROKKING" train "${task[@]}" --dim 32 --depth 1 --epochs 6 --save_dir "$WORK/t"
expect_exit 0 "$GROKKING" train "${task[@]}" --dim 16 --depth 1 --epochs 2 --save_dir "$WORK/s"

expect_exit 0 "$GROKKING" analyze "$WORK/t" "$WORK/t" --out "$WORK/self.json" --threads 1
expect_in "$WORK/out" "val accuracy"
expect_in "$WORK/out" "attention entropy layer1"
py "
import math
a = json.load(open('$WORK/self.json')); s = json.load(open('$WORK/t/summary.json'))
assert a['format'] == 'grokking-analysis' and a['split'] == 'val', a['format']
assert a['task'] == {'p': 23, 'operation': '+', 'train_fraction': 0.5, 'seed': 42}, a['task']
assert a['val_size'] == 529 - 264 and a['examples'] == 265, (a['val_size'], a['examples'])
assert a['reference'] == '$WORK/t' and len(a['models']) == 2
m0, m1 = a['models']
for m in (m0, m1):
    assert m['val']['accuracy'] == s['final_val_acc'], (m['val'], s['final_val_acc'])
    assert m['val']['correct'] == round(s['final_val_acc'] * 265)
    assert m['parameters'] == s['parameters'] == m['weights']['total']['n']
    names = [h['name'] for h in m['hidden_states']]
    assert names == ['embedding', 'layer1.post_attention', 'layer1.post_ffn', 'final_norm'], names
    for h in m['hidden_states']:
        assert 1 < h['effective_rank'] <= 32 and h['dim'] == 32, h['effective_rank']
        assert len(h['singular_values']) == 32
    (e,) = m['attention_entropy']
    assert e['layer'] == 1 and 0 < e['mean_nats'] <= 0.7946, e['mean_nats']
    assert abs(e['mean_bits'] - e['mean_nats'] / math.log(2)) < 1e-12
    assert abs(e['per_position_nats'][0]) < 1e-6
    assert all(v <= math.log(i + 1) + 1e-9 for i, v in enumerate(e['per_position_nats']))
    w = m['weights']['total']
    assert w['sparsity'] == 1 - w['l0'] / w['n'] and abs(w['l1_over_l2'] - w['l1'] / w['l2']) < 1e-9
    assert [t['name'] for t in m['weights']['tensors']][0] == 'embedding.embedding'
    f = m['fourier']
    assert f['frequencies'] == list(range(1, 12)), f['frequencies']
    assert abs(sum(f['fraction']) - 1) < 1e-12 and abs(sum(f['power_fraction']) - 1) < 1e-12
    assert 0 <= f['gini'] < 1 and f['key_sd'] == 2.0
assert 'cka_vs_reference' not in m0
cka = m1['cka_vs_reference']
assert [c['state'] for c in cka] == ['embedding', 'layer1.post_attention', 'layer1.post_ffn', 'final_norm']
assert all(abs(c['cka'] - 1) < 1e-9 for c in cka), cka
assert m0['hidden_states'] == m1['hidden_states']
"

# Without --out the JSON goes to standard output; a step directory is accepted.
step_dir=$(ls -d "$WORK"/t/checkpoints/step_* | tail -1)
expect_exit 0 "$GROKKING" analyze "$WORK/t" "$WORK/t" --threads 1
py "
a = json.load(open('$WORK/self.json')); b = json.load(open('$WORK/out'))
assert a == b, 'stdout JSON differs from the --out file'
"
# A narrower student against the teacher, on the first 40 validation examples.
expect_exit 0 "$GROKKING" analyze "$WORK/t" "$step_dir" "$WORK/s" --max_examples 40 --threads 1
py "
a = json.load(open('$WORK/out'))
assert a['examples'] == 40 and a['val_size'] == 265
t, same, s = a['models']
assert same['path'] == '$step_dir' and same['step'] == t['step']
assert all(abs(c['cka'] - 1) < 1e-9 for c in same['cka_vs_reference'])
assert s['config']['dim'] == 16 and [h['dim'] for h in s['hidden_states']] == [16] * 4
cka = [c['cka'] for c in s['cka_vs_reference']]
assert len(cka) == 4 and all(0 < c < 0.999 for c in cka), cka
"

# Failing cases.
expect_exit 2 "$GROKKING" analyze
expect_exit 2 "$GROKKING" analyze "$WORK/t" --max_example 5
expect_in "$WORK/err" "max_examples"
expect_exit 2 "$GROKKING" analyze "$WORK/t" --batch_size 0
expect_in "$WORK/err" "--batch_size"
expect_exit 0 "$GROKKING" train --p 23 --operation + --seed 7 --threads 1 --dim 16 --depth 1 \
  --epochs 1 --save_dir "$WORK/other"
expect_exit 2 "$GROKKING" analyze "$WORK/t" "$WORK/other"
expect_in "$WORK/err" "seed 7"
expect_exit 1 "$GROKKING" analyze "$WORK/missing"
expect_in "$WORK/err" "missing"
echo PASS
