# Bad multi-stage configs (YAML `stages:`) exit 2 naming the stage, the key, the value and what
# is allowed, before anything is written: for train and for distill (whose stages also take the
# distillation weights).
source "$(dirname "$0")/lib/common.sh"
out="$WORK/run"

# check VERB "expected text" STAGES_YAML [args...]: a config of `stages:` and that list.
check() {
  local verb=$1 text=$2 stages=$3; shift 3
  printf 'stages:\n%s\n' "$stages" >"$WORK/stages.yaml"
  expect_exit 2 "$GROKKING" "$verb" --save_dir "$out" --config "$WORK/stages.yaml" "$@"
  expect_in "$WORK/err" "$text"
  [ ! -e "$out" ] || fail "'$stages' wrote $out"
}
check train "unknown key 'alpha' in stage 'a'" "  - {name: a, epochs: 2, alpha: 0}"
check train "allowed: name, epochs, learning_rate, warmup_steps, param_groups, reset_optimizer" \
  "  - {name: a, epochs: 2, alpha: 0}"
check train "unknown key 'optimizer'" "  - {name: a, epochs: 2, optimizer: muon}"
check train "stages[1].epochs: 0 is invalid for stage 'b'; allowed: an integer in [1, 10000000]" \
  "  - {name: a, epochs: 2}
  - {name: b, epochs: 0}"
check train "stages[0].name: empty" "  - {name: '', epochs: 2}"
check train "no name" "  - {epochs: 2}"
check train "stages[1].name: 'a' is also the name of stages[0]" "  - {name: a, epochs: 1}
  - {name: a, epochs: 1}"
check train "pattern '(' is not a valid regex" \
  "  - {name: a, epochs: 1, param_groups: [{pattern: '(', lr_multiplier: 0}]}"
check train "stages[0].learning_rate" "  - {name: a, epochs: 1, learning_rate: 0}"
check train "reset_optimizer: 'often' is not true or false" "  - {name: a, epochs: 1, reset_optimizer: often}"
check train "epochs: 9 with stages whose epochs sum to 3" "  - {name: a, epochs: 3}" --epochs 9

# distill: the weights are allowed and range-checked (the teacher is read, nothing written).
expect_exit 0 "$GROKKING" train --p 23 --dim 32 --depth 1 --epochs 1 --threads 1 --quiet \
  --save_dir "$WORK/teacher"
check distill "stages[0].alpha" "  - {name: a, epochs: 1, alpha: 2}" --teacher_checkpoint "$WORK/teacher"
check distill "did you mean 'temperature'" "  - {name: a, epochs: 1, temprature: 2}" \
  --teacher_checkpoint "$WORK/teacher"
check distill "stages[0].temperature" "  - {name: a, epochs: 1, temperature: 0}" \
  --teacher_checkpoint "$WORK/teacher"
echo PASS
