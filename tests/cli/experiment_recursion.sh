# Recursive distillation stops a chain at the first round below --grokking_threshold: with
# teachers far too short to grok, every round-0 student finishes below 0.99, so rounds 1 and
# 2 are skipped (recorded in the manifest with the reason), and the run still succeeds.
source "$(dirname "$0")/lib/common.sh"
EXP="$WORK/exp"
expect_exit 0 "$GROKKING" experiment --out "$EXP" --p 23 --base_dim 32 --base_depth 1 \
  --teacher_epochs 3 --distill_epochs 2 --strategies logit --recursive \
  --max_recursive_rounds 2 --no_control --jobs 2
py "
m = json.load(open('$EXP/manifest.json'))
status = {t['id']: t['status'] for t in m['trials']}
assert status == {'s42/teacher': 'completed', 's42/student-0.5-logit-r0': 'completed',
                  's42/student-0.5-logit-r1': 'skipped', 's42/student-0.5-logit-r2': 'skipped'}, status
r1 = [t for t in m['trials'] if t['id'].endswith('r1')][0]
assert 'threshold' in r1['note'], r1['note']
assert r1['overall_scale'] == 0.25, r1['overall_scale']
assert not __import__('os').path.exists('$EXP/s42/student-0.5-logit-r1/summary.json')
"
echo PASS
