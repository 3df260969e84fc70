# Helpers of the resume tests (sourced after common.sh).

# same_run A B: the run directories A and B end in the same state, timings aside: the newest
# step directory's model.safetensors and optimizer.safetensors byte-identical, and the
# history (but elapsed_s), summary.json (but timing) and that step's state.json (but
# elapsed_s and its own checksum) equal. HISTORY names the history file (a distillation's:
# distillation_history.json, whose summary's teacher_cache.seconds is a timing too).
same_run() {
  local last
  last=$(basename "$(ls -d "$1"/checkpoints/step_* | tail -1)")
  for f in model.safetensors optimizer.safetensors; do
    cmp "$1/checkpoints/$last/$f" "$2/checkpoints/$last/$f" || fail "$2: $last/$f differs from $1"
  done
  py "
a, b = '$1', '$2'
for name, drop in [('${HISTORY:-training_history.json}', 'elapsed_s'), ('summary.json', 'timing'),
                   ('checkpoints/$last/state.json', 'elapsed_s')]:
    x = json.load(open(a + '/' + name)); y = json.load(open(b + '/' + name))
    for d in (x, y):
        d.pop(drop); d.pop('state_sha256', None); d.get('teacher_cache', {}).pop('seconds', None)
    assert x == y, (name, x, y)
"
}

# expect_epochs RUN N: the history of RUN (HISTORY as for same_run) lists epochs 1..N exactly
# once each.
expect_epochs() {
  py "h = json.load(open('$1/${HISTORY:-training_history.json}')); assert h['epoch'] == list(range(1, $2 + 1)), h['epoch']"
}

# newest_epoch LOG: the last epoch a run printed into LOG (0 if none yet); a multi-stage run's
# lines start with "[stage] ".
newest_epoch() {
  sed -n 's|^\(\[[^]]*\] \)\{0,1\}epoch *\([0-9]*\)/.*|\2|p' "$1" | tail -1 | grep . || echo 0
}

# wait_epoch LOG PID K: waits until process PID has printed epoch K (fails if it exits first).
wait_epoch() {
  local tries=0
  while [ "$(newest_epoch "$1")" -lt "$3" ]; do
    kill -0 "$2" 2>/dev/null || { cat "$1" >&2; fail "run ended before epoch $3"; }
    tries=$((tries + 1))
    [ $tries -lt 30000 ] || fail "timed out waiting for epoch $3"
    sleep 0.01
  done
}

# kill_after_epoch LOG K CMD...: runs CMD in the background (output in LOG; its pid in the
# caller's $pid meanwhile, for the caller's EXIT trap), waits until it has printed epoch K, then
# after a random delay of up to 0.09 s (from $RANDOM: seed it) kills it with SIGKILL; fails if it
# had already exited.
kill_after_epoch() {
  local log=$1 k=$2 rc
  shift 2
  "$@" >"$log" 2>&1 &
  pid=$!
  wait_epoch "$log" "$pid" "$k"
  sleep "0.0$((RANDOM % 10))"
  kill -KILL "$pid"
  set +e
  { wait "$pid"; } 2>/dev/null
  rc=$?
  set -e
  pid=""
  [ "$rc" -eq 137 ] || { cat "$log" >&2; fail "run exited $rc before the kill after epoch $k"; }
  echo "killed after epoch $(newest_epoch "$log") (wanted >= $k)"
}
