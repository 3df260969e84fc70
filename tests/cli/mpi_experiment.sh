# grokking experiment under mpirun: a small study with recursion and two seeds on 2 and on 3
# ranks gives the same trials, the same model.safetensors for each and the same manifest
# (paths and timings aside) as the one-process run; trials really ran on other ranks; an --out
# that a rank cannot see (each rank in its own working directory, a relative --out) is refused
# with exit 1 naming the rank, before any trial runs.
source "$(dirname "$0")/lib/common.sh"
require_mpirun
ARGS=(--config "$GROK_SOURCE_DIR/configs/smoke.yaml" --recursive --repeats 2 --teacher_epochs 12)

expect_exit 0 "$GROKKING" experiment "${ARGS[@]}" --out "$WORK/one" --jobs 2
for n in 2 3; do
  expect_exit 0 mpi $n "$GROKKING" experiment "${ARGS[@]}" --out "$WORK/np$n"
  expect_in "$WORK/out" "($n ranks × 1)"
  expect_in "$WORK/out" "on rank 1 ("
  same_models "$WORK/one" "$WORK/np$n"
  py "
def canonical(v, out):  # paths relative to the study, no timings
    if isinstance(v, dict): return {k: canonical(x, out) for k, x in v.items() if k != 'wall_s'}
    if isinstance(v, list): return [canonical(x, out) for x in v]
    return v.replace(out, 'OUT') if isinstance(v, str) else v
a = canonical(json.load(open('$WORK/one/manifest.json')), '$WORK/one')
b = canonical(json.load(open('$WORK/np$n/manifest.json')), '$WORK/np$n')
assert a == b, [(x['id'], y['id']) for x, y in zip(a['trials'], b['trials']) if x != y]
assert sum(t['status'] == 'completed' for t in a['trials']) >= 8
assert any(t['status'] == 'skipped' for t in a['trials'])  # the recursion stop rule ran
"
done

# Each rank in a working directory of its own: the relative --out is not the same directory.
mkdir -p "$WORK/a" "$WORK/b"
expect_exit 1 mpirun --oversubscribe --bind-to none -np 1 -wdir "$WORK/a" "$GROKKING" experiment \
  "${ARGS[@]}" --out runs/x : -np 1 -wdir "$WORK/b" "$GROKKING" experiment "${ARGS[@]}" --out runs/x
expect_in "$WORK/err" "--out runs/x is not visible to every rank: rank 1"
expect_in "$WORK/err" "working directory $WORK/b"
[ ! -e "$WORK/a/runs/x/plan.json" ] || fail "a refused study wrote its plan"
[ -z "$(ls -A "$WORK/a/runs/x")" ] || fail "a refused study left files: $(ls -A "$WORK/a/runs/x")"
echo PASS
