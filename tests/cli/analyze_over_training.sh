# grokking analyze on the operation's Fourier basis and over training: a × model is analysed in
# the multiplicative (discrete-log) basis, named in the JSON; --over_training reads every kept
# checkpoint and writes the progress measures, their figure, and the phases; failing cases.
source "$(dirname "$0")/lib/common.sh"
task=(--p 23 --operation '*' --train_fraction 0.5 --seed 42 --threads 1)

expect_exit 0 "$GROKKING" train "${task[@]}" --dim 32 --depth 1 --epochs 6 --checkpoint_every 1 \
  --keep_every 2 --save_dir "$WORK/t"

expect_exit 0 "$GROKKING" analyze "$WORK/t" --out "$WORK/a.json" --threads 1
expect_in "$WORK/out" "Fourier basis: multiplicative (discrete log to the primitive root 5 mod 23"
py "
a = json.load(open('$WORK/a.json'))
assert a['format_version'] == 2
assert a['fourier_basis'] == {'basis': 'multiplicative', 'generator': 5, 'order': 22}, a['fourier_basis']
f = a['models'][0]['fourier']
assert f['basis'] == 'multiplicative' and f['frequencies'] == list(range(1, 12)), f
assert f['zero_norm'] is not None and f['zero_norm'] >= 0
names = [s['name'] for s in a['models'][0]['sublayer_fourier']]
assert names == ['layer1.attention_output', 'layer1.mlp_output'], names
"
expect_exit 0 "$GROKKING" analyze "$WORK/t" --fourier_basis additive --threads 1
py "
a = json.load(open('$WORK/out'))
assert a['fourier_basis']['basis'] == 'additive' and len(a['models'][0]['fourier']['norm']) == 11
"

expect_exit 0 "$GROKKING" analyze --over_training "$WORK/t" --out "$WORK/p/progress.json" \
  --threads 1
expect_in "$WORK/out" "multiplicative basis (g = 5)"
for ext in png svg gp dat; do
  [[ -s "$WORK/p/progress.$ext" ]] || fail "progress.$ext missing"
done
py "
import math
p = json.load(open('$WORK/p/progress.json'))
h = json.load(open('$WORK/t/training_history.json'))
assert p['format'] == 'grokking-progress' and p['basis'] == 'multiplicative'
epochs = [c['epoch'] for c in p['checkpoints']]
assert epochs == [2, 4, 5, 6], epochs  # every 2nd epoch kept, plus the newest 3
for c in p['checkpoints']:
    for split in ('train', 'val'):
        for k in ('loss', 'restricted', 'excluded'):
            assert math.isfinite(c[split][k]) and c[split][k] > 0, c
# The val loss at a checkpoint is the run's val loss at that epoch (inference mode).
last = p['checkpoints'][-1]
assert abs(last['val']['loss'] - h['val_loss'][-1]) < 1e-4, (last['val'], h['val_loss'][-1])
assert set(p['phases']) == {'train_fit', 'train_fit_training_mode', 'val_rise', 'generalised'}
"

# Failing cases.
expect_exit 2 "$GROKKING" analyze "$WORK/t" --over_training "$WORK/t"
expect_in "$WORK/err" "not both"
expect_exit 2 "$GROKKING" analyze "$WORK/t" --fourier_basis cyclic
expect_in "$WORK/err" "auto, additive or multiplicative"
expect_exit 2 "$GROKKING" analyze --over_training "$WORK/t" --grokking_threshold 1.5
expect_in "$WORK/err" "--grokking_threshold"
mkdir -p "$WORK/empty"
echo '{"step": [], "epoch": [], "train_loss": [], "train_acc": [], "val_loss": [], "val_acc": []}' \
  >"$WORK/empty/training_history.json"
expect_exit 1 "$GROKKING" analyze --over_training "$WORK/empty"
expect_in "$WORK/err" "no checkpoints"
echo PASS
