# Data-parallel training under mpirun: R ranks × 1 thread end bit-identical to one process with
# --threads R (R = 2, 3: the same batch parts, and the sums in the same order), for train and
# for distillation with projectors (feature strategy); 2 ranks × 2 threads equal 4 threads to
# float rounding; only rank 0 prints; a run stopped by SIGTERM to mpirun leaves valid
# checkpoints and, resumed on the same ranks, ends bit-identical to an uninterrupted run.
source "$(dirname "$0")/lib/common.sh"
source "$(dirname "$0")/lib/runs.sh"
require_mpirun
ARGS=(--p 97 --dim 32 --depth 1 --epochs 4 --batch_size 512 --checkpoint_every 2)

for n in 2 3; do
  expect_exit 0 "$GROKKING" train "${ARGS[@]}" --threads $n --save_dir "$WORK/t$n"
  expect_exit 0 mpi $n "$GROKKING" train "${ARGS[@]}" --threads 1 --save_dir "$WORK/r$n"
  same_run "$WORK/t$n" "$WORK/r$n"
  [ "$(grep -c 'done: val' "$WORK/out")" -eq 1 ] || fail "not exactly one rank printed the summary"
  py "s = json.load(open('$WORK/r$n/summary.json')); assert s['timing']['ranks'] == $n, s['timing']"
done

expect_exit 0 "$GROKKING" train "${ARGS[@]}" --threads 4 --save_dir "$WORK/t4"
expect_exit 0 mpi 2 "$GROKKING" train "${ARGS[@]}" --threads 2 --save_dir "$WORK/r2x2"
py "
a = json.load(open('$WORK/t4/training_history.json'))
b = json.load(open('$WORK/r2x2/training_history.json'))
for key in ['train_loss', 'val_loss', 'weight_norm']:
    for x, y in zip(a[key], b[key]):
        assert abs(x - y) <= 1e-5 * abs(x), (key, x, y)
for key in ['train_acc', 'val_acc']:
    for x, y in zip(a[key], b[key]):
        assert abs(x - y) <= 0.002, (key, x, y)
"

DISTILL=(--teacher_checkpoint "$WORK/t2" --strategies logit,attention,feature --epochs 2
  --batch_size 256)
expect_exit 0 "$GROKKING" distill "${DISTILL[@]}" --threads 2 --output_dir "$WORK/d1"
expect_exit 0 mpi 2 "$GROKKING" distill "${DISTILL[@]}" --threads 1 --output_dir "$WORK/d2"
last=$(basename "$(ls -d "$WORK/d1/checkpoints"/step_* | tail -1)")
for f in model.safetensors optimizer.safetensors; do
  cmp "$WORK/d1/checkpoints/$last/$f" "$WORK/d2/checkpoints/$last/$f" ||
    fail "distillation on 2 ranks: $f differs from 2 threads"
done
py "
a = json.load(open('$WORK/d1/distillation_history.json'))
b = json.load(open('$WORK/d2/distillation_history.json'))
a.pop('elapsed_s'); b.pop('elapsed_s')
assert a == b
"

# Stopped by SIGTERM to mpirun (which forwards it to every rank) once the first checkpoint is
# there, then resumed on the same ranks. (Batches of 64: one shard in one process, but the
# ranks always split the batch, so the reference is a 2-rank run too.)
LONG=(--p 97 --dim 32 --depth 1 --epochs 60 --batch_size 64 --checkpoint_every 1)
expect_exit 0 mpi 2 "$GROKKING" train "${LONG[@]}" --threads 1 --save_dir "$WORK/ref"
(exec mpirun --oversubscribe --bind-to none -np 2 "$GROKKING" train "${LONG[@]}" --threads 1 \
  --save_dir "$WORK/run" > "$WORK/stop.log" 2>&1) &
job=$!  # mpirun itself
for _ in $(seq 600); do
  ls -d "$WORK/run/checkpoints"/step_* > /dev/null 2>&1 && break
  sleep 0.05
done
kill -TERM $job
set +e
wait $job
code=$?
set -e
[ "$code" -ne 0 ] || fail "mpirun exited 0 after SIGTERM"
[ "$(grep -c 'stopped by signal 15' "$WORK/stop.log")" -le 1 ] ||
  { cat "$WORK/stop.log"; fail "more than one rank reported the stop"; }
expect_exit 0 "$GROKKING" inspect "$WORK/run"
expect_exit 0 mpi 2 "$GROKKING" train "${LONG[@]}" --threads 1 --save_dir "$WORK/run" --resume
expect_in "$WORK/out" "resuming from step"
same_run "$WORK/ref" "$WORK/run"
expect_epochs "$WORK/run" 60
echo PASS
