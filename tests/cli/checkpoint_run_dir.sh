# What --resume and a fresh run do with the run directory:
# - a fresh run into a directory holding checkpoints (or only a history) exits 2 without
#   touching it, naming --resume and --overwrite;
# - resuming a finished run says so, exits 0 and changes nothing;
# - --resume into a missing or empty directory, or one with a history but no checkpoint
#   (killed before the first save), starts fresh and equals a plain run;
# - a run killed after its final checkpoint but before summary.json gets its summary on
#   --resume, equal to the uninterrupted one but for timings, and the temporaries of a
#   killed write are removed;
# - resuming from an intermediate checkpoint is bit-identical for AdamW and for Muon.
source "$(dirname "$0")/lib/common.sh"
source "$(dirname "$0")/lib/runs.sh"
ARGS=(--p 23 --dim 32 --depth 1 --epochs 10 --batch_size 64 --checkpoint_every 5 --threads 1)

# (but the run-directory lock, which every run takes and stamps with its pid).
snapshot() {
  (cd "$1" && find . ! -name .lock | sort &&
    find . -type f ! -name .lock -print0 | sort -z | xargs -0 sha256sum)
}

expect_exit 0 "$GROKKING" train "${ARGS[@]}" --save_dir "$WORK/ref"
[ -d "$WORK/ref/checkpoints/step_00000040" ] || fail "expected 4 steps per epoch"

# Fresh run over a finished one: refused, untouched.
snapshot "$WORK/ref" >"$WORK/before"
expect_exit 2 "$GROKKING" train "${ARGS[@]}" --save_dir "$WORK/ref"
expect_in "$WORK/err" "already holds a run"
expect_in "$WORK/err" "--resume"
expect_in "$WORK/err" "--overwrite"
snapshot "$WORK/ref" | cmp -s - "$WORK/before" || fail "a refused run changed the directory"

# Resuming the finished run: says so, exits 0, changes nothing.
expect_exit 0 "$GROKKING" train "${ARGS[@]}" --save_dir "$WORK/ref" --resume
expect_in "$WORK/out" "already finished at epoch 10 (step 40)"
snapshot "$WORK/ref" | cmp -s - "$WORK/before" || fail "resuming a finished run changed it"

# --resume into a missing directory and into an empty one: a fresh run.
expect_exit 0 "$GROKKING" train "${ARGS[@]}" --save_dir "$WORK/missing" --resume
expect_in "$WORK/out" "no checkpoint in $WORK/missing/checkpoints; starting a new run"
same_run "$WORK/ref" "$WORK/missing"
mkdir "$WORK/empty"
expect_exit 0 "$GROKKING" train "${ARGS[@]}" --save_dir "$WORK/empty" --resume
expect_in "$WORK/out" "starting a new run"
same_run "$WORK/ref" "$WORK/empty"

# Killed during epoch 3, before the first checkpoint: only config.yaml and a 2-row history.
mkdir "$WORK/early"
cp "$WORK/ref/config.yaml" "$WORK/early/"
py "
h = json.load(open('$WORK/ref/training_history.json'))
json.dump({k: v[:2] for k, v in h.items()}, open('$WORK/early/training_history.json', 'w'))"
expect_exit 2 "$GROKKING" train "${ARGS[@]}" --save_dir "$WORK/early"
expect_in "$WORK/err" "already holds a run"
expect_exit 0 "$GROKKING" train "${ARGS[@]}" --save_dir "$WORK/early" --resume
expect_in "$WORK/out" "starting a new run"
same_run "$WORK/ref" "$WORK/early"

# Killed after the final checkpoint, before summary.json.
cp -r "$WORK/ref" "$WORK/nosummary"
rm "$WORK/nosummary/summary.json"
# ... possibly while writing it: atomic_file's temporaries, removed on resume (only those).
echo '{"verb":' >"$WORK/nosummary/.tmp-summary.json-4242-2"
echo '{"step":' >"$WORK/nosummary/.tmp-training_history.json-4242-1"
echo "notes" >"$WORK/nosummary/.tmp-notes"
expect_exit 0 "$GROKKING" train "${ARGS[@]}" --save_dir "$WORK/nosummary" --resume
expect_in "$WORK/out" "has no summary.json; writing it"
[ "$(cd "$WORK/nosummary" && LC_ALL=C ls -A | tr '\n' ' ')" = \
  ".lock .tmp-notes checkpoints config.yaml summary.json tensorboard training_history.json " ] ||
  fail "leftovers: $(ls -A "$WORK/nosummary")"
same_run "$WORK/ref" "$WORK/nosummary"
cmp "$WORK/ref/training_history.json" "$WORK/nosummary/training_history.json" ||
  fail "the history was rewritten"

# Resuming from the epoch-5 checkpoint (as after a kill -9 in epoch 6..10), both optimizers.
for optimizer in adamw muon; do
  expect_exit 0 "$GROKKING" train "${ARGS[@]}" --optimizer $optimizer --save_dir "$WORK/$optimizer"
  cp -r "$WORK/$optimizer" "$WORK/$optimizer-resumed"
  rm -r "$WORK/$optimizer-resumed/checkpoints/step_00000040" "$WORK/$optimizer-resumed/summary.json"
  expect_exit 0 "$GROKKING" train "${ARGS[@]}" --optimizer $optimizer \
    --save_dir "$WORK/$optimizer-resumed" --resume
  expect_in "$WORK/out" "resuming from step 20 (epoch 5)"
  same_run "$WORK/$optimizer" "$WORK/$optimizer-resumed"
done
cmp -s "$WORK/adamw/checkpoints/step_00000040/optimizer.safetensors" \
  "$WORK/muon/checkpoints/step_00000040/optimizer.safetensors" && fail "muon state equals adamw's"
py "
import struct
d = open('$WORK/muon/checkpoints/step_00000040/optimizer.safetensors', 'rb').read()
names = set(json.loads(d[8:8 + struct.unpack('<Q', d[:8])[0]])) - {'__metadata__'}
assert any('muon' in n or 'momentum' in n for n in names), sorted(names)"

# --overwrite replaces the run.
expect_exit 0 "$GROKKING" train --p 23 --dim 32 --depth 1 --epochs 3 --batch_size 64 --threads 1 \
  --save_dir "$WORK/ref" --overwrite
py "assert json.load(open('$WORK/ref/training_history.json'))['epoch'] == [1, 2, 3]"
[ "$(ls -d "$WORK/ref/checkpoints"/step_*)" = "$WORK/ref/checkpoints/step_00000012" ] ||
  fail "--overwrite left old checkpoints: $(ls "$WORK/ref/checkpoints")"
echo PASS
