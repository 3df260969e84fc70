# Multi-stage distillation (docs/DISTILLATION.md, "Multi-stage training"): a two-stage run on a
# tiny teacher prints each stage's heading and parameter-group table, names the stage on every
# progress line and writes the stage column; killed with SIGKILL in stage 1, just after the
# boundary (the newest checkpoint is stage 1's last epoch, or stage 2's first) and later in
# stage 2 (seeded-random delays, as checkpoint_kill_resume.sh) and resumed each time, it loads
# its newest checkpoint every time and ends bit-identical to the uninterrupted run. Set
# CHECKPOINT_TEST_SEED to vary.
source "$(dirname "$0")/lib/common.sh"
source "$(dirname "$0")/lib/runs.sh"
HISTORY=distillation_history.json

# Teacher: p 97 "/", 4656 training pairs; it need not grok for this test.
expect_exit 0 "$GROKKING" train --p 97 --dim 32 --depth 1 --epochs 2 --threads 1 --quiet \
  --save_dir "$WORK/teacher"
cat >"$WORK/stages.yaml" <<'YAML'
stages:
  - name: kd-frozen
    epochs: 15
    alpha: 0
    warmup_steps: 20
    param_groups:
      - {pattern: '^embedding\.', lr_multiplier: 0}
  - name: ce-kd
    epochs: 15
    alpha: 0.5
    learning_rate: 0.002
YAML
# Batch 64: 73 steps per epoch; a student as wide as the teacher, so that an epoch lasts long
# enough to be killed in.
ARGS=(--teacher_checkpoint "$WORK/teacher" --config "$WORK/stages.yaml" --batch_size 64
  --student_scale 1
  --checkpoint_every 1 --keep 2 --keep_every 15 --threads 1)

pid=""
trap '[ -z "$pid" ] || kill -KILL "$pid" 2>/dev/null; rm -rf "$WORK"' EXIT
expect_exit 0 "$GROKKING" distill "${ARGS[@]}" --output_dir "$WORK/ref"
expect_in "$WORK/out" "stage 1/2 'kd-frozen': epochs 1 to 15"
expect_in "$WORK/out" "stage 2/2 'ce-kd': epochs 16 to 30, lr 0.002, warmup 0 steps, optimizer state kept"
expect_in "$WORK/out" "[kd-frozen] epoch 15/30"
expect_in "$WORK/out" "[ce-kd] epoch 30/30"
[ "$(grep -c '^parameter groups' "$WORK/out")" -eq 2 ] || fail "want one table per stage"
expect_in "$WORK/out" "embedding.embedding       ^embedding\.           0"
py "
h = json.load(open('$WORK/ref/$HISTORY'))
assert h['stage'] == [0] * 15 + [1] * 15, h['stage']
s = json.load(open('$WORK/ref/summary.json'))
assert [x['name'] for x in s['stages']] == ['kd-frozen', 'ce-kd'], s['stages']
m = json.load(open('$WORK/ref/checkpoints/metadata.json'))
assert m['stages'][1]['alpha'] == 0.5, m['stages']
"

RANDOM=${CHECKPOINT_TEST_SEED:-2024}
points=($((2 + RANDOM % 10)) 15 $((20 + RANDOM % 8)))  # stage 1, the boundary, stage 2
echo "kill points: after epochs ${points[*]}"
resume=()
for k in "${points[@]}"; do
  kill_after_epoch "$WORK/log" "$k" "$GROKKING" distill "${ARGS[@]}" --output_dir "$WORK/run" "${resume[@]}"
  ! grep -F "skipping invalid checkpoint" "$WORK/log" || fail "a committed checkpoint did not load"
  resume=(--resume)
done
expect_exit 0 "$GROKKING" distill "${ARGS[@]}" --output_dir "$WORK/run" --resume
expect_in "$WORK/out" "resuming from step"
expect_in "$WORK/out" "stage 'ce-kd'"
! grep -F "skipping invalid checkpoint" "$WORK/err" || fail "a committed checkpoint did not load"
same_run "$WORK/ref" "$WORK/run"
expect_epochs "$WORK/run" 30

# As after a kill -9 just after the boundary's save: the newest checkpoint is stage 1's last
# epoch (step 15 x 73 = 1095, kept by --keep_every 15), which holds stage 1's optimizer.
cp -r "$WORK/ref" "$WORK/boundary"
for d in "$WORK/boundary"/checkpoints/step_*; do
  [ "$(basename "$d")" = step_00001095 ] || rm -rf "$d"
done
rm "$WORK/boundary/summary.json"
expect_exit 0 "$GROKKING" distill "${ARGS[@]}" --output_dir "$WORK/boundary" --resume
expect_in "$WORK/out" "resuming from step 1095 (epoch 15, stage 'kd-frozen')"
expect_in "$WORK/out" "stage 2/2 'ce-kd'"
! grep -F "skipping invalid checkpoint" "$WORK/err" || fail "the boundary checkpoint did not load"
same_run "$WORK/ref" "$WORK/boundary"
echo PASS
