# Invalid flags and values exit 2 with the flag, value and what is allowed, before anything
# is written.
source "$(dirname "$0")/lib/common.sh"
out="$WORK/run"

check() {  # check "expected text" args...
  local text=$1; shift
  expect_exit 2 "$GROKKING" train --save_dir "$out" "$@"
  expect_in "$WORK/err" "$text"
  [ ! -e "$out" ] || fail "'$*' wrote $out"
}
check "unknown flag '--epoch'" --epoch 3
check "did you mean '--epochs'" --epoch 3
check "'ten' is not an integer" --epochs ten
check "p" --p 91 --operation /
check "prime" --p 91 --operation /
check "train_fraction" --train_fraction 1.5
check "operation" --operation '%'
check "heads" --dim 128 --heads 3
check "epochs" --epochs 0
check "learning_rate" --learning_rate -1
check "optimizer" --optimizer sgd
check "pool" --pool max
printf 'epochs: 3\nepoch: 4\n' > "$WORK/bad.yaml"
check "unknown key 'epoch'" --config "$WORK/bad.yaml"
check "cannot read" --config "$WORK/missing.yaml"
check "pattern '(' is not a valid regex" --param_groups '{pattern: "(", lr_multiplier: 0}'
check "unknown field 'lr'" --param_groups '{pattern: embedding, lr: 0}'
check "lr_multiplier -1 is not a finite number >= 0" --param_groups '{pattern: x, lr_multiplier: -1}'
printf 'param_groups:\n  - {pattern: "[", lr_multiplier: 0}\n' > "$WORK/bad_groups.yaml"
check "param_groups" --config "$WORK/bad_groups.yaml"
check "grad_accum" --grad_accum 0

expect_exit 2 "$GROKKING" frobnicate
expect_in "$WORK/err" "unknown command"
expect_exit 0 "$GROKKING" train --help
expect_in "$WORK/out" "--train_fraction"
expect_exit 0 "$GROKKING" --version
echo PASS
