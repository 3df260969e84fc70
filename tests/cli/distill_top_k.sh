# Top-k logit distillation (--distill_top_k): k = the class count is the full KL, bit for bit;
# a smaller k changes the logit term and is recorded in the metadata (a resume with another k
# is refused); k above the class count, a negative k, and k without the logit strategy are
# refused before anything is written.
source "$(dirname "$0")/lib/common.sh"
G=("$GROKKING")
D=(--epochs 3 --batch_size 64 --threads 1 --quiet)

expect_exit 0 "${G[@]}" train --p 23 --dim 32 --epochs 3 --threads 1 --quiet --save_dir "$WORK/teacher"
T=(--teacher_checkpoint "$WORK/teacher" "${D[@]}")

expect_exit 0 "${G[@]}" distill "${T[@]}" --output_dir "$WORK/full"
expect_exit 0 "${G[@]}" distill "${T[@]}" --output_dir "$WORK/k25" --distill_top_k 25  # 25 classes
expect_exit 0 "${G[@]}" distill "${T[@]}" --output_dir "$WORK/k4" --distill_top_k 4
py "
h = {r: json.load(open('$WORK/' + r + '/distillation_history.json')) for r in ['full', 'k25', 'k4']}
for r in h: h[r].pop('elapsed_s')
assert h['k25'] == h['full'], 'k = every class differs from the full KL'
# Over fewer classes the KL changes (on both splits); the hard-label CE of epoch 1 does not,
# as the first step starts from the same student.
for col in ['logit_loss', 'val_logit_loss']:
    assert all(a != b for a, b in zip(h['k4'][col], h['full'][col])), (col, h['k4'][col])
m = json.load(open('$WORK/k4/checkpoints/metadata.json'))['distillation']
assert m['distill_top_k'] == 4, m
assert 'distill_top_k' not in json.load(open('$WORK/full/checkpoints/metadata.json'))['distillation']
"
cmp "$WORK/full/checkpoints/step_00000012/model.safetensors" \
    "$WORK/k25/checkpoints/step_00000012/model.safetensors" || fail "k = 25 model differs"
expect_in "$WORK/k4/config.yaml" "distill_top_k: 4"

# A resume with another k is refused (the run's settings differ).
expect_exit 2 "${G[@]}" distill "${T[@]}" --output_dir "$WORK/k4" --distill_top_k 5 --epochs 4 --resume
expect_in "$WORK/err" "distill_top_k"

for bad in "--distill_top_k 26" "--distill_top_k -1" "--distill_top_k 3 --strategies attention" \
           "--distill_top_k 2.5"; do
  # shellcheck disable=SC2086
  expect_exit 2 "${G[@]}" distill "${T[@]}" --output_dir "$WORK/refused" $bad
  [ ! -e "$WORK/refused" ] || fail "$bad: wrote $WORK/refused"
done
expect_exit 2 "${G[@]}" distill "${T[@]}" --output_dir "$WORK/refused" --distill_top_k 26
expect_in "$WORK/err" "distill_top_k: 26 exceeds the teacher's 25 classes; allowed: 0 (every class) to 25"
expect_exit 2 "${G[@]}" distill "${T[@]}" --output_dir "$WORK/refused" --distill_top_k 3 \
  --strategies attention
expect_in "$WORK/err" "distill_top_k: 3 applies to the logit strategy"
expect_exit 0 "${G[@]}" distill --help
expect_in "$WORK/out" "--distill_top_k"
echo "distill_top_k: ok"
