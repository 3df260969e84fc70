# grokking experiment on a tiny study (2 seeds, teacher + 2 strategies + controls): the driver
# killed with SIGKILL mid-run and re-run with the same command finishes the plan; trials that
# had completed are not run again, interrupted ones resume from their checkpoints; the
# manifest and statistics are complete. A changed plan is refused; an extended one runs only
# the new trials.
source "$(dirname "$0")/lib/common.sh"
EXP="$WORK/exp"
ARGS=(--out "$EXP" --p 23 --base_dim 32 --base_depth 1 --teacher_epochs 150
  --teacher_batch_size 16 --distill_epochs 40 --distill_batch_size 16
  --strategies logit,attention --repeats 2 --jobs 2)

# Kill the driver once the first trial has finished (the others are mid-run).
"$GROKKING" experiment "${ARGS[@]}" > "$WORK/first.log" 2>&1 &
driver=$!
for _ in $(seq 600); do
  grep -q "finished" "$WORK/first.log" 2>/dev/null && break
  kill -0 $driver 2>/dev/null || break
  sleep 0.1
done
kill -KILL $driver 2>/dev/null || fail "the driver ended before it could be killed"
wait $driver 2>/dev/null || true
# Its trials get SIGTERM (parent-death signal): they checkpoint and stop.
for _ in $(seq 300); do pgrep -f -- "$EXP/" > /dev/null || break; sleep 0.1; done
pgrep -f -- "$EXP/" > /dev/null && fail "trials outlived the killed driver"
py "
m = json.load(open('$EXP/manifest.json'))
done = [t['id'] for t in m['trials'] if t['status'] == 'completed']
assert 1 <= len(done) < len(m['trials']), done
json.dump(done, open('$WORK/done_before.json', 'w'))
"

expect_exit 0 "$GROKKING" experiment "${ARGS[@]}"
expect_in "$WORK/out" "trials already completed; continuing"
py "
m = json.load(open('$EXP/manifest.json'))
ids = [t['id'] for t in m['trials']]
assert len(ids) == 8, ids
assert all(t['status'] == 'completed' for t in m['trials']), [(t['id'], t['status']) for t in m['trials']]
for t in m['trials']:
    for key in ['kind', 'strategy', 'round', 'seed', 'parent_checkpoint', 'student_config',
                'overall_scale', 'params', 'val_acc', 'best_val_acc', 'epoch_to_99', 'grokked',
                'success', 'checkpoint', 'wall_s', 'status']:
        assert key in t, key
    assert 0 <= t['val_acc'] <= 1
students = [t for t in m['trials'] if t['kind'] == 'student']
assert len(students) == 4 and all(t['overall_scale'] == 0.5 for t in students)
assert all(t['parent_checkpoint'].endswith('/teacher') for t in students)
# A trial completed before the kill ran exactly once.
for id in json.load(open('$WORK/done_before.json')):
    log = open('$EXP/' + id + '/log.txt').read()
    assert log.count('done:') == 1, (id, log.count('done:'))
s = json.load(open('$EXP/statistics.json'))
assert len(s['configurations']) == 4, [c['configuration'] for c in s['configurations']]
assert len(s['comparisons']['final_val_acc']) == 3
"
[ -s "$EXP/statistics.md" ] || fail "statistics.md missing"

# Same command again: nothing to run.
expect_exit 0 "$GROKKING" experiment "${ARGS[@]}"
expect_in "$WORK/out" "8 of 8 trials already completed"
# A changed plan is refused, naming the directory; nothing is modified.
cp "$EXP/manifest.json" "$WORK/manifest.before"
expect_exit 2 "$GROKKING" experiment "${ARGS[@]}" --distill_epochs 41
expect_in "$WORK/err" "holds a different experiment"
cmp "$EXP/manifest.json" "$WORK/manifest.before" || fail "a refused run changed the manifest"
echo PASS
