# SIGINT and SIGTERM during a run: the current step finishes, a checkpoint is written (mid-
# epoch when the signal lands mid-epoch: batch_in_epoch > 0 in state.json) and the process
# exits 130 / 143; resuming each time ends bit-identical to an uninterrupted run (final
# model.safetensors and optimizer.safetensors equal, history equal but elapsed_s, summary
# equal but timing). At least one stop must land mid-epoch (retried up to 5 times if not). The
# same signal twice from one process (a parent-death signal repeats once per thread of the dying
# parent) is one request: the run still checkpoints.
source "$(dirname "$0")/lib/common.sh"
source "$(dirname "$0")/lib/runs.sh"
# p 97 "/": 4656 training pairs, 73 steps of 64 per epoch, so most signals land mid-epoch.
ARGS=(--p 97 --dim 32 --depth 1 --epochs 40 --batch_size 64 --checkpoint_every 10 --threads 1)

pid=""  # the run in the background, stopped if the test fails early
trap '[ -z "$pid" ] || kill -KILL "$pid" 2>/dev/null; rm -rf "$WORK"' EXIT
expect_exit 0 "$GROKKING" train "${ARGS[@]}" --save_dir "$WORK/ref"

RANDOM=${CHECKPOINT_TEST_SEED:-7}
mid_epoch=0
resume=()
epoch=0
stop() {  # stop SIGNAL EXIT_CODE [twice]: start or resume the run, signal it a few epochs later
  "$GROKKING" train "${ARGS[@]}" --save_dir "$WORK/run" "${resume[@]}" >"$WORK/log" 2>&1 &
  pid=$!
  local rc
  wait_epoch "$WORK/log" "$pid" $((epoch + 3))
  sleep "0.0$((RANDOM % 5))$((RANDOM % 10))"  # 0-49 ms: anywhere in an epoch
  kill "-$1" "$pid"
  [ "${3:-}" != twice ] || kill "-$1" "$pid"
  set +e
  { wait "$pid"; } 2>/dev/null
  rc=$?
  set -e
  pid=""
  [ "$rc" -eq "$2" ] || { cat "$WORK/log" >&2; fail "SIG$1: exit $rc, want $2"; }
  expect_in "$WORK/log" "stopped by signal"
  expect_in "$WORK/log" "checkpoint saved in $WORK/run/checkpoints"
  expect_exit 0 "$GROKKING" inspect "$WORK/run"
  # The newest checkpoint is the stop's: its step is the one the message names.
  local newest step batch
  newest=$(ls -d "$WORK/run/checkpoints"/step_* | tail -1)
  step=$(py "print(json.load(open('$newest/state.json'))['step'])")
  batch=$(py "print(json.load(open('$newest/state.json'))['data_order']['batch_in_epoch'])")
  epoch=$(py "print(json.load(open('$newest/state.json'))['epoch'])")
  [ "$step" -eq $((10#${newest##*step_})) ] || fail "state.json step $step in $newest"
  if [ "$batch" -gt 0 ]; then
    mid_epoch=$((mid_epoch + 1))
    expect_in "$WORK/log" "at step $step; checkpoint saved"
    [ "$step" -eq $((epoch * 73 + batch)) ] || fail "step $step, epoch $epoch, batch $batch"
  else
    expect_in "$WORK/log" "after epoch $epoch; checkpoint saved"
  fi
  echo "SIG$1 → exit $rc, checkpoint at step $step (epoch $epoch, batch $batch)"
  resumes_at="resuming from step $step (epoch $epoch"
  [ "$batch" -eq 0 ] || resumes_at+=", batch $batch"
  resume=(--resume)
}

stop INT 130
expect_in "$WORK/log" "stopped by signal 2"
stop TERM 143
expect_in "$WORK/log" "stopped by signal 15"
stop TERM 143 twice
for _ in 1 2 3 4 5; do
  [ $mid_epoch -eq 0 ] || break
  stop INT 130
done
[ $mid_epoch -gt 0 ] || fail "no signal landed mid-epoch"

expect_exit 0 "$GROKKING" train "${ARGS[@]}" --save_dir "$WORK/run" --resume
expect_in "$WORK/out" "$resumes_at"
same_run "$WORK/ref" "$WORK/run"
expect_epochs "$WORK/run" 40
echo PASS
