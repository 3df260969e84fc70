# grokking distill on a tiny teacher (p 23, dim 32): each strategy alone and combined writes
# every run file with the per-component history; the task and split are the teacher's (task
# flags that disagree are refused); shapes a strategy cannot pair are refused; a resumed run
# ends bit-identical to an uninterrupted one (projectors included); a distilled student
# (with its projectors) serves as a teacher (recursive distillation).
source "$(dirname "$0")/lib/common.sh"
G=("$GROKKING")
D=(--epochs 3 --batch_size 64 --threads 1 --quiet)

expect_exit 0 "${G[@]}" train --p 23 --dim 32 --epochs 3 --threads 1 --quiet --save_dir "$WORK/teacher"

for s in logit attention feature logit,attention,feature; do
  dir="$WORK/s-${s//,/-}"
  expect_exit 0 "${G[@]}" distill --teacher_checkpoint "$WORK/teacher" --output_dir "$dir" \
    --strategies "$s" "${D[@]}"
  for f in config.yaml distillation_history.json summary.json checkpoints/metadata.json; do
    [ -f "$dir/$f" ] || fail "$s: missing $f"
  done
  [ ! -f "$dir/training_history.json" ] || fail "$s: wrote training_history.json"
  expect_exit 0 "${G[@]}" inspect "$dir"
  py "
import struct
d, strategies = '$dir', '$s'.split(',')
h = json.load(open(d + '/distillation_history.json'))
terms = ['logit_loss','attention_loss','feature_loss']
cols = (['step','epoch','train_loss','train_acc','val_loss','val_acc','lr','weight_norm'] + terms
        + ['ce_loss','logit_kl','teacher_ce_loss'] + ['val_' + t for t in terms]
        + ['val_logit_kl','val_teacher_ce_loss','elapsed_s'])
assert list(h) == cols, list(h)
assert h['epoch'] == [1, 2, 3] and h['step'] == [4, 8, 12], (h['epoch'], h['step'])
for split in ['', 'val_']:  # every term on both splits, logged apart
    for name in ['logit', 'attention', 'feature']:
        values = h[split + name + '_loss']
        assert (min(values) > 0) == (name in strategies), (split, name, values)
        assert name in strategies or values == [0, 0, 0], (split, name, values)
    # The KL without τ² (τ = 2), and the frozen teacher's own cross-entropy.
    for kl, loss in zip(h[split + 'logit_kl'], h[split + 'logit_loss']):
        assert abs(4 * kl - loss) <= 1e-12 * loss, (split, kl, loss)
    assert min(h[split + 'teacher_ce_loss']) > 0, h[split + 'teacher_ce_loss']
assert len(set(h['val_teacher_ce_loss'])) == 1, h['val_teacher_ce_loss']  # the teacher is fixed
# train_loss is the weighted total (alpha 0.5, weights 1); here checked on the epoch means.
for i in range(3):
    total = 0.5 * h['ce_loss'][i] + 0.5 * h['logit_loss'][i] + h['attention_loss'][i] + h['feature_loss'][i]
    assert abs(total - h['train_loss'][i]) < 1e-9 * total, (i, total, h['train_loss'][i])
m = json.load(open(d + '/checkpoints/metadata.json'))
assert m['config']['dim'] == 16 and m['config']['depth'] == 2, m['config']
assert m['task'] == {'p': 23, 'operation': '/', 'train_fraction': 0.5, 'split_seed': 42}, m['task']
dist = m['distillation']
assert dist['strategies'] == strategies, dist
assert dist['teacher_checkpoint'] == '$WORK/teacher' and dist['split_seed'] == 42, dist
assert {k: dist['teacher_config'][k] for k in ['depth', 'dim', 'heads', 'n_tokens']} == {
    'depth': 2, 'dim': 32, 'heads': 1, 'n_tokens': 25}, dist
assert (dist['student_scale'], dist['temperature'], dist['alpha']) == (0.5, 2.0, 0.5), dist
# Cache: 253 training and 253 validation examples × (logits 25, always | 2 maps of 16 |
# 6 states of 4 × 32) floats.
want = 506 * 4 * (25 + (32 if 'attention' in strategies else 0)
                  + (6 * 4 * 32 if 'feature' in strategies else 0))
assert dist['teacher_cache_bytes'] == want, (dist['teacher_cache_bytes'], want)
s = json.load(open(d + '/summary.json'))
assert s['verb'] == 'distill' and s['teacher_cache']['bytes'] == want, s
assert s['run']['distillation']['strategies'] == strategies, s['run']
last = sorted(__import__('glob').glob(d + '/checkpoints/step_*'))[-1]
raw = open(last + '/model.safetensors', 'rb').read()
header = json.loads(raw[8:8 + struct.unpack('<Q', raw[:8])[0]])
projectors = sorted(k for k in header if k.startswith('projectors.'))
if 'feature' in strategies:
    assert projectors == ['projectors.%d.kernel' % k for k in range(6)], projectors
    assert header['projectors.0.kernel']['shape'] == [32, 16], header['projectors.0.kernel']
else:
    assert projectors == [], projectors
"
done

# The saved config.yaml reproduces the run exactly.
expect_exit 0 "${G[@]}" distill --config "$WORK/s-logit-attention-feature/config.yaml" \
  --output_dir "$WORK/again" --threads 1 --quiet
py "
a = json.load(open('$WORK/s-logit-attention-feature/distillation_history.json'))
b = json.load(open('$WORK/again/distillation_history.json'))
a.pop('elapsed_s'); b.pop('elapsed_s')
assert a == b, 'histories differ'
"

# Refusals: task flags that disagree with the teacher, shapes a strategy cannot pair, bad
# strategy names, no teacher.
T=(--teacher_checkpoint "$WORK/teacher" --output_dir "$WORK/refused" "${D[@]}")
expect_exit 2 "${G[@]}" distill "${T[@]}" --p 29
expect_in "$WORK/err" "p: 29 differs from the teacher's p 23"
expect_exit 2 "${G[@]}" distill "${T[@]}" --train_fraction 0.3
expect_in "$WORK/err" "train_fraction: 0.3 differs from the teacher's 0.5"
expect_exit 2 "${G[@]}" distill "${T[@]}" --strategies attention --depth_scale 0.5
expect_in "$WORK/err" "attention needs the student's depth to equal the teacher's, got teacher depth 2 vs student depth 1"
expect_exit 2 "${G[@]}" distill "${T[@]}" --strategies feature --depth_scale 2
expect_in "$WORK/err" "feature needs the student's depth"
expect_exit 2 "${G[@]}" distill "${T[@]}" --strategies logit,attention_transfer
expect_in "$WORK/err" "'attention_transfer' is not a strategy"
expect_exit 2 "${G[@]}" distill --output_dir "$WORK/refused" "${D[@]}"
expect_in "$WORK/err" "teacher_checkpoint: required"
expect_exit 1 "${G[@]}" distill --teacher_checkpoint "$WORK/none" --output_dir "$WORK/refused" "${D[@]}"
expect_exit 2 "${G[@]}" distill "${T[@]}" --alpha 1.5
expect_in "$WORK/err" "alpha: 1.5 is invalid"
[ ! -e "$WORK/refused" ] || fail "a refused run wrote $WORK/refused"
# Task flags that agree with the teacher's are accepted.
expect_exit 0 "${G[@]}" distill --teacher_checkpoint "$WORK/teacher" --output_dir "$WORK/agree" \
  "${D[@]}" --p 23 --operation / --train_fraction 0.5

# Resume: an interrupted combined run (newest checkpoints lost after epoch 3 of 6) resumes to
# the same bits as an uninterrupted one, projectors and their optimizer state included.
R=(--teacher_checkpoint "$WORK/teacher" --strategies logit,attention,feature --epochs 6
   --batch_size 64 --checkpoint_every 1 --keep 10 --threads 1 --quiet)
expect_exit 0 "${G[@]}" distill "${R[@]}" --output_dir "$WORK/full"
cp -r "$WORK/full" "$WORK/cut"
rm -r "$WORK/cut/checkpoints/step_00000016" "$WORK/cut/checkpoints/step_00000020" \
  "$WORK/cut/checkpoints/step_00000024" "$WORK/cut/summary.json"
expect_exit 0 "${G[@]}" distill "${R[@]/--quiet/--log_every=1}" --output_dir "$WORK/cut" --resume
expect_in "$WORK/out" "resuming from step 12 (epoch 3)"
for f in model.safetensors optimizer.safetensors; do
  cmp "$WORK/full/checkpoints/step_00000024/$f" "$WORK/cut/checkpoints/step_00000024/$f" \
    || fail "resumed $f differs"
done
py "
a = json.load(open('$WORK/full/distillation_history.json'))
b = json.load(open('$WORK/cut/distillation_history.json'))
a.pop('elapsed_s'); b.pop('elapsed_s')
assert a == b, 'histories differ after resume'
assert a['epoch'] == list(range(1, 7)), a['epoch']
"
# Resuming with other distillation settings is refused.
expect_exit 2 "${G[@]}" distill "${R[@]}" --output_dir "$WORK/cut" --resume --temperature 3
expect_in "$WORK/err" "temperature"

# Recursive: the combined student (with projectors) as teacher of a 0.5× student (dim 8);
# a student seeded differently keeps the original split.
expect_exit 0 "${G[@]}" distill --teacher_checkpoint "$WORK/s-logit-attention-feature" \
  --output_dir "$WORK/grandchild" --strategies feature,logit --seed 7 "${D[@]}"
expect_exit 0 "${G[@]}" distill --teacher_checkpoint "$WORK/grandchild" \
  --output_dir "$WORK/great" --strategies attention "${D[@]}"
py "
m = json.load(open('$WORK/grandchild/checkpoints/metadata.json'))
assert m['config']['dim'] == 8 and m['seed'] == 7, (m['config'], m['seed'])
assert m['distillation']['split_seed'] == 42 and m['distillation']['teacher_config']['dim'] == 16, m
g = json.load(open('$WORK/great/checkpoints/metadata.json'))
assert g['seed'] == 7 and g['distillation']['split_seed'] == 42, g
assert g['config']['dim'] == 8 and g['distillation']['teacher_config']['dim'] == 8, g
"
echo PASS
