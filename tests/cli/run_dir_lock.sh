# Run-directory locks (DIR/.lock, flock). While a process holds a directory, train, train
# --overwrite, train --resume, distill --output_dir and experiment --out on it exit 1 naming
# the directory, and the holder's pid when the holder is grokking; the holder's run is left
# whole. A lock file whose holder died (kill -9) is taken over.
source "$(dirname "$0")/lib/common.sh"
ARGS=(--p 23 --operation + --dim 16 --depth 1 --epochs 4 --batch_size 64 --threads 1 --quiet)
expect_exit 0 "$GROKKING" train "${ARGS[@]}" --save_dir "$WORK/teacher"

# refused DIR CMD...: CMD exits 1 naming DIR as in use, and leaves DIR as it was.
refused() {
  local dir=$1; shift
  local before
  before=$(cd "$dir" && find . -type f ! -name .lock -exec sha256sum {} + | sort)
  expect_exit 1 "$@"
  expect_in "$WORK/err" "$dir is in use by another process"
  [ "$(cd "$dir" && find . -type f ! -name .lock -exec sha256sum {} + | sort)" = "$before" ] ||
    fail "$dir changed under a refused '$*'"
}

# A directory held by another program (flock(1) takes the same lock).
mkdir -p "$WORK/held" "$WORK/exp"
cp -r "$WORK/teacher/." "$WORK/held/"
# hold FILE: a background process holding an flock on FILE (killing it frees the lock).
hold() { (exec 9>"$1" && flock 9 && exec sleep 300) > /dev/null 2>&1 & }
hold "$WORK/held/.lock"
holder=$!
hold "$WORK/exp/.lock"
exp_holder=$!
for _ in $(seq 100); do
  ! flock -n "$WORK/held/.lock" true && ! flock -n "$WORK/exp/.lock" true && break
  sleep 0.1
done
refused "$WORK/held" "$GROKKING" train "${ARGS[@]}" --save_dir "$WORK/held" --seed 2
refused "$WORK/held" "$GROKKING" train "${ARGS[@]}" --save_dir "$WORK/held" --overwrite
refused "$WORK/held" "$GROKKING" train "${ARGS[@]}" --save_dir "$WORK/held" --resume --epochs 8
refused "$WORK/held" "$GROKKING" distill --teacher_checkpoint "$WORK/teacher" \
  --output_dir "$WORK/held" --strategies logit --epochs 2 --threads 1 --quiet
refused "$WORK/exp" "$GROKKING" experiment --out "$WORK/exp" --p 23 --base_dim 16 \
  --base_depth 1 --teacher_epochs 2 --distill_epochs 2 --strategies logit
kill "$holder" "$exp_holder"
wait "$holder" "$exp_holder" 2>/dev/null || true

# Held by grokking itself: the message names its pid; its run goes on with its own seed (here
# until SIGINT, which checkpoints and exits 130).
"$GROKKING" train "${ARGS[@]}" --epochs 100000 --save_dir "$WORK/busy" > "$WORK/busy.log" 2>&1 &
trainer=$!
for _ in $(seq 300); do
  grep -q "pid $trainer," "$WORK/busy/.lock" 2>/dev/null && break
  sleep 0.1
done
expect_exit 1 "$GROKKING" train "${ARGS[@]}" --save_dir "$WORK/busy" --seed 2
expect_in "$WORK/err" "$WORK/busy is in use by another process (pid $trainer, grokking train)"
expect_exit 1 "$GROKKING" train "${ARGS[@]}" --save_dir "$WORK/busy" --overwrite
expect_in "$WORK/err" "(pid $trainer, grokking train)"
kill -INT "$trainer"
set +e
wait "$trainer"
code=$?
set -e
[ "$code" -eq 130 ] || fail "the first trainer exited $code, want 130: $(cat "$WORK/busy.log")"
expect_in "$WORK/busy/config.yaml" "seed: 42"
expect_exit 0 "$GROKKING" inspect "$WORK/busy"

# A holder killed with SIGKILL leaves its pid in .lock; the next run takes the lock over.
"$GROKKING" train "${ARGS[@]}" --epochs 100000 --save_dir "$WORK/stale" > /dev/null 2>&1 &
victim=$!
for _ in $(seq 300); do
  grep -q "pid $victim," "$WORK/stale/.lock" 2>/dev/null && break
  sleep 0.1
done
kill -KILL "$victim"
wait "$victim" 2>/dev/null || true
expect_in "$WORK/stale/.lock" "pid $victim,"
expect_exit 0 "$GROKKING" train "${ARGS[@]}" --save_dir "$WORK/stale" --overwrite
grep -q "pid $victim," "$WORK/stale/.lock" && fail "the stale lock was not taken over"
echo "PASS"
