# Disk full while checkpointing (GROK_INJECT_WRITE_FAILURE=<bytes>, see core/atomic_file.h,
# sized so the first checkpoint fits and the second does not): exit 1 with a message naming
# the checkpoint and "No space left on device"; the previous checkpoint is intact (inspect
# exits 0, metadata.json still points at it, no temporaries left), and --resume without the
# failure finishes bit-identical to an uninterrupted run.
source "$(dirname "$0")/lib/common.sh"
# p 47 "/": 17 steps per epoch; checkpoints at epochs 5, 10, 15, 20.
ARGS=(--p 47 --dim 32 --depth 1 --epochs 20 --batch_size 64 --checkpoint_every 5 --threads 1)
S=17
first=$(printf 'step_%08d' $((5 * S)))
second=$(printf 'step_%08d' $((10 * S)))
last=$(printf 'step_%08d' $((20 * S)))

expect_exit 0 "$GROKKING" train "${ARGS[@]}" --save_dir "$WORK/ref"

# One checkpoint is ~280 kB; the history and config written between two saves are a few kB.
checkpoint_bytes=$(cat "$WORK/ref/checkpoints/$last"/* | wc -c)
budget=$((checkpoint_bytes * 3 / 2))
GROK_INJECT_WRITE_FAILURE=$budget expect_exit 1 "$GROKKING" train "${ARGS[@]}" --save_dir "$WORK/run"
expect_in "$WORK/err" "cannot write checkpoint $second in $WORK/run/checkpoints"
expect_in "$WORK/err" "No space left on device"
[ "$(wc -l <"$WORK/err")" -eq 1 ] || { cat "$WORK/err" >&2; fail "expected one error line"; }

LC_ALL=C ls -A "$WORK/run/checkpoints" >"$WORK/entries"
printf '%s\n' metadata.json "$first" | cmp -s - "$WORK/entries" || {
  cat "$WORK/entries" >&2
  fail "expected exactly metadata.json and $first (no temporaries)"
}
py "m = json.load(open('$WORK/run/checkpoints/metadata.json')); assert m['latest_epoch'] == 5 and m['latest_step'] == $((5 * S)), m"
expect_exit 0 "$GROKKING" inspect "$WORK/run"
expect_in "$WORK/out" "$first: ok"
cmp -s "$WORK/ref/training_history.json" "$WORK/run/training_history.json" &&
  fail "the failed run cannot have the whole history"
[ ! -e "$WORK/run/summary.json" ] || fail "a failed run wrote summary.json"

expect_exit 0 "$GROKKING" train "${ARGS[@]}" --save_dir "$WORK/run" --resume
expect_in "$WORK/out" "resuming from step $((5 * S)) (epoch 5)"
for f in model.safetensors optimizer.safetensors; do
  cmp "$WORK/ref/checkpoints/$last/$f" "$WORK/run/checkpoints/$last/$f" || fail "$f differs"
done
py "
for name, drop in [('training_history.json', 'elapsed_s'), ('summary.json', 'timing')]:
    x = json.load(open('$WORK/ref/' + name)); y = json.load(open('$WORK/run/' + name))
    x.pop(drop); y.pop(drop)
    assert x == y, name
"

# A budget too small for the first checkpoint: exit 1, and nothing committed but the history.
GROK_INJECT_WRITE_FAILURE=$((checkpoint_bytes / 2)) expect_exit 1 "$GROKKING" train "${ARGS[@]}" \
  --save_dir "$WORK/early"
expect_in "$WORK/err" "cannot write checkpoint $first"
[ -z "$(ls -A "$WORK/early/checkpoints" 2>/dev/null)" ] || fail "a failed first save left files"
echo PASS
