# grokking train with configs/quick_test.yaml writes every run file, and config.yaml re-runs
# the same run bit for bit (same seed → identical history).
source "$(dirname "$0")/lib/common.sh"
cfg="$GROK_SOURCE_DIR/configs/quick_test.yaml"

expect_exit 0 "$GROKKING" train --config "$cfg" --save_dir "$WORK/a"
for f in config.yaml training_history.json summary.json checkpoints/metadata.json; do
  [ -f "$WORK/a/$f" ] || fail "missing $f"
done
py "
h = json.load(open('$WORK/a/training_history.json'))
cols = ['step','epoch','train_loss','train_acc','val_loss','val_acc','lr','weight_norm',
        'softmax_collapse','elapsed_s']
assert list(h) == cols, list(h)
assert len(h['epoch']) == 20 and h['epoch'] == list(range(1, 21)), h['epoch']
assert h['step'][-1] == 20, h['step']
assert all(0 <= a <= 1 for a in h['val_acc'])
assert h['lr'][0] == 1e-4, h['lr'][0]   # after step 1 of warmup 10 at lr 1e-3
s = json.load(open('$WORK/a/summary.json'))
for k in ['final_val_acc','best_val_acc','epoch_to_50','epoch_to_90','epoch_to_99','timing','parameters']:
    assert k in s, k
assert s['parameters'] == 2*9*128 + 128 + 2*(16*128*128 + 2*128), s['parameters']
"
# The saved config reproduces the run exactly.
expect_exit 0 "$GROKKING" train --config "$WORK/a/config.yaml" --save_dir "$WORK/b"
py "
a = json.load(open('$WORK/a/training_history.json')); b = json.load(open('$WORK/b/training_history.json'))
a.pop('elapsed_s'); b.pop('elapsed_s')
assert a == b, 'histories differ'
"
cmp "$WORK/a/config.yaml" "$WORK/b/config.yaml" || fail "config.yaml differs"

# A second fresh run into the same directory is refused; --overwrite replaces it.
expect_exit 2 "$GROKKING" train --config "$cfg" --save_dir "$WORK/a"
expect_in "$WORK/err" "--resume"
expect_exit 0 "$GROKKING" train --config "$cfg" --save_dir "$WORK/a" --overwrite --epochs 3
py "assert len(json.load(open('$WORK/a/training_history.json'))['epoch']) == 3"
echo PASS
