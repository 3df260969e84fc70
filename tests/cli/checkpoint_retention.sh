# Retention: exactly the expected step directories remain for --keep N --keep_every K, and a
# resume never prunes the checkpoint it resumed from (even with --keep 1).
source "$(dirname "$0")/lib/common.sh"
# p 23 "/": 253 training pairs, 4 steps of 64 per epoch.
BASE=(--p 23 --dim 32 --depth 1 --batch_size 64 --threads 1)
S=4

# expect_steps DIR EPOCH...: DIR/checkpoints holds exactly the step directories of these epochs.
expect_steps() {
  local dir=$1 want="" e
  shift
  for e in "$@"; do want+=$(printf 'step_%08d ' $((e * S))); done
  local got
  got=$(cd "$dir/checkpoints" && ls -d step_* | tr '\n' ' ')
  [ "$got" = "$want" ] || fail "$dir: checkpoints '$got', want '$want'"
}

# Every epoch saved; keep the newest 2 and every 10th epoch.
expect_exit 0 "$GROKKING" train "${BASE[@]}" --epochs 25 --checkpoint_every 1 --keep 2 \
  --keep_every 10 --save_dir "$WORK/a"
expect_steps "$WORK/a" 10 20 24 25
py "m = json.load(open('$WORK/a/checkpoints/metadata.json')); assert (m['latest_step'], m['latest_epoch']) == (100, 25), m"
expect_exit 0 "$GROKKING" inspect "$WORK/a"

# Saves at epochs 5, 10 and the final 12; keep only the newest.
expect_exit 0 "$GROKKING" train "${BASE[@]}" --epochs 12 --checkpoint_every 5 --keep 1 \
  --save_dir "$WORK/b"
expect_steps "$WORK/b" 12

# The default: keep 3, no keep_every.
expect_exit 0 "$GROKKING" train "${BASE[@]}" --epochs 12 --checkpoint_every 2 --save_dir "$WORK/c"
expect_steps "$WORK/c" 8 10 12

# Resumed from epoch 4 with --keep 1: epochs 5..10 are saved and pruned one after another, but
# the resumed-from checkpoint stays.
expect_exit 0 "$GROKKING" train "${BASE[@]}" --epochs 10 --checkpoint_every 2 --keep 5 \
  --save_dir "$WORK/d"
expect_steps "$WORK/d" 2 4 6 8 10
rm -r "$WORK/d/checkpoints"/step_000000{24,32,40} "$WORK/d/summary.json"
expect_exit 0 "$GROKKING" train "${BASE[@]}" --epochs 10 --checkpoint_every 1 --keep 1 \
  --save_dir "$WORK/d" --resume
expect_in "$WORK/out" "resuming from step 16 (epoch 4)"
expect_steps "$WORK/d" 4 10
echo PASS
