# Resuming a checkpoint written with another model, task, optimizer, seed or batch size is a
# usage error (exit 2) naming each differing key with both values, and changes nothing in
# the run directory (every file's content and the list of files compared before/after). The
# same options resume fine, and options outside the checkpoint's identity (--epochs,
# --checkpoint_every, --keep) may change.
source "$(dirname "$0")/lib/common.sh"
# train_args [--KEY VALUE]...: the run's options into the array ARGS, with these replaced or
# added (a flag may be given only once).
train_args() {
  local -A o=([p]=23 [dim]=32 [depth]=1 [epochs]=10 [batch_size]=64 [checkpoint_every]=5
    [threads]=1)
  while [ $# -gt 0 ]; do o[${1#--}]=$2 && shift 2; done
  ARGS=()
  for key in "${!o[@]}"; do ARGS+=("--$key" "${o[$key]}"); done
}

# snapshot DIR: the paths and contents of everything under DIR.
# (but the run-directory lock, which every run takes and stamps with its pid).
snapshot() {
  (cd "$1" && find . ! -name .lock | sort &&
    find . -type f ! -name .lock -print0 | sort -z | xargs -0 sha256sum)
}

train_args
expect_exit 0 "$GROKKING" train "${ARGS[@]}" --save_dir "$WORK/run"
# Unfinished: drop the final checkpoint (epoch 10 = step 40) so a resume would train.
rm -r "$WORK/run/checkpoints/step_00000040" "$WORK/run/summary.json"
snapshot "$WORK/run" >"$WORK/before"

# refuse "FLAGS..." "KEY: SAVED vs NOW"...: resuming with FLAGS exits 2 naming each key.
refuse() {
  train_args $1
  shift
  expect_exit 2 "$GROKKING" train "${ARGS[@]}" --save_dir "$WORK/run" --resume
  for want in "$@"; do expect_in "$WORK/err" "$want"; done
  expect_in "$WORK/err" "$WORK/run/checkpoints"
  snapshot "$WORK/run" >"$WORK/after"
  cmp -s "$WORK/before" "$WORK/after" || {
    diff "$WORK/before" "$WORK/after" >&2
    fail "resume with $* changed the run directory"
  }
}

refuse "--dim 64" "config.dim: 32 vs 64"
refuse "--depth 2" "config.depth: 1 vs 2"
refuse "--p 29" "task.p: 23 vs 29" "config.n_tokens: 25 vs 31"
refuse "--operation +" 'task.operation: "/" vs "+"'
refuse "--train_fraction 0.4" "task.train_fraction: 0.5 vs 0.4"
refuse "--learning_rate 0.003" "optimizer.learning_rate: 0.001 vs 0.003"
refuse "--optimizer muon" 'optimizer.type: "adamw" vs "muon"'
refuse "--seed 7" "seed: 42 vs 7"
refuse "--batch_size 32" "batching.batch_size: 64 vs 32"
refuse "--dropout 0.1 --weight_decay 0.5" "config.dropout: 0.2 vs 0.1" \
  "optimizer.weight_decay: 1.0 vs 0.5"

# The same identity resumes (other loop options may differ) and finishes the run.
train_args --checkpoint_every 2 --keep 5 --epochs 12
expect_exit 0 "$GROKKING" train "${ARGS[@]}" --save_dir "$WORK/run" --resume
expect_in "$WORK/out" "resuming from step 20 (epoch 5)"
py "h = json.load(open('$WORK/run/training_history.json')); assert h['epoch'] == list(range(1, 13)), h"
[ -f "$WORK/run/summary.json" ] || fail "no summary.json after the resume"
echo PASS
