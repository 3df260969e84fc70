# A rank of `mpirun grokking experiment` killed with SIGKILL mid-trial: the job exits non-zero,
# rank 0 names the trial that rank was running, the trial's own process checkpoints (its
# parent-death signal); re-running the command, on another number of ranks, completes the study,
# and every model equals a one-process run of the same study (resume = uninterrupted).
source "$(dirname "$0")/lib/common.sh"
require_mpirun
ARGS=(--p 23 --base_dim 32 --base_depth 1 --teacher_epochs 300 --teacher_batch_size 16
  --distill_epochs 20 --distill_batch_size 16 --strategies logit --repeats 2)
EXP="$WORK/exp"

# rank_pid N: the pid of rank N of the job running in $EXP.
rank_pid() {
  local p
  for p in $(pgrep -f -- "experiment .*--out $EXP"); do
    tr '\0' '\n' < "/proc/$p/environ" 2>/dev/null | grep -qx "OMPI_COMM_WORLD_RANK=$1" &&
      { echo "$p"; return; }
  done
}

set +e
mpi 2 "$GROKKING" experiment "${ARGS[@]}" --out "$EXP" > "$WORK/killed.log" 2>&1 &
job=$!
set -e
# Rank 1 gets the first trial (the other ranks first): kill it once that trial is training.
for _ in $(seq 600); do
  grep -q "epoch  *10/" "$EXP/s42/teacher/log.txt" 2>/dev/null && break
  sleep 0.1
done
victim=$(rank_pid 1)
[ -n "$victim" ] || fail "no rank 1 found"
kill -KILL "$victim"
set +e
wait $job
code=$?
set -e
[ "$code" -ne 0 ] || { cat "$WORK/killed.log"; fail "mpirun exited 0 after a rank was killed"; }
expect_in "$WORK/killed.log" "s42/teacher on rank 1 ("
for _ in $(seq 300); do pgrep -f -- "$EXP/.*/trial.yaml" > /dev/null || break; sleep 0.1; done
expect_in "$EXP/s42/teacher/log.txt" "checkpoint saved"
py "
m = json.load(open('$EXP/manifest.json'))
t = [t for t in m['trials'] if t['id'] == 's42/teacher'][0]
assert t['status'] in ('interrupted', 'running'), t['status']
"

expect_exit 0 mpi 3 "$GROKKING" experiment "${ARGS[@]}" --out "$EXP"
expect_in "$EXP/s42/teacher/log.txt" "resuming from step"
py "
m = json.load(open('$EXP/manifest.json'))
assert all(t['status'] == 'completed' for t in m['trials']), [(t['id'], t['status']) for t in m['trials']]
"
expect_exit 0 "$GROKKING" experiment "${ARGS[@]}" --out "$WORK/one" --jobs 2
same_models "$WORK/one" "$EXP"
echo PASS
