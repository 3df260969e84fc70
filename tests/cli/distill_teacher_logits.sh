# grokking teacher-logits and distill --teacher_logits on a tiny teacher (p 23, dim 32): the
# file's layout line; with --top_k 0 a run from the file (alone, or with the checkpoint) is
# bit-identical to the online run (history and model.safetensors); top-k runs under both
# reconstructions; the run metadata records the file and a resume refuses another one; files
# of another task or split seed, a truncated file, the attention strategy without the teacher
# and bad flags are refused before anything is written, each with its exit code and message.
source "$(dirname "$0")/lib/common.sh"
G=("$GROKKING")
D=(--epochs 3 --batch_size 64 --threads 1 --quiet)

expect_exit 0 "${G[@]}" train --p 23 --dim 32 --epochs 3 --threads 1 --quiet --save_dir "$WORK/teacher"

expect_exit 0 "${G[@]}" teacher-logits --help
for flag in --teacher_checkpoint --out --top_k --splits --compression --eval_batch_size --overwrite; do
  expect_in "$WORK/out" "$flag"
done
expect_exit 0 "${G[@]}" distill --help
expect_in "$WORK/out" "--teacher_logits"
expect_in "$WORK/out" "--topk_reconstruction"

expect_exit 0 "${G[@]}" teacher-logits --teacher_checkpoint "$WORK/teacher" --out "$WORK/all.h5" \
  --top_k 0 --threads 1
expect_in "$WORK/out" "train 253 + val 253 examples, top 25 of 25 logits each"
expect_in "$WORK/out" "examples/s overall"
expect_exit 0 "${G[@]}" teacher-logits --teacher_checkpoint "$WORK/teacher" --out "$WORK/k8.h5" \
  --top_k 8 --splits train --compression 9 --threads 1
expect_in "$WORK/out" "train 253 examples, top 8 of 25"
ls "$WORK"/.tmp-* >/dev/null 2>&1 && fail "a temporary file was left behind"

# k = all classes: from the file alone and with the checkpoint, the same bits as online.
expect_exit 0 "${G[@]}" distill --teacher_checkpoint "$WORK/teacher" --output_dir "$WORK/online" "${D[@]}"
expect_exit 0 "${G[@]}" distill --teacher_logits "$WORK/all.h5" --output_dir "$WORK/file" "${D[@]}"
expect_exit 0 "${G[@]}" distill --teacher_logits "$WORK/all.h5" --teacher_checkpoint "$WORK/teacher" \
  --output_dir "$WORK/both" "${D[@]}"
for run in file both; do
  cmp "$WORK/online/checkpoints/step_00000012/model.safetensors" \
    "$WORK/$run/checkpoints/step_00000012/model.safetensors" || fail "$run: model differs from online"
  py "
a = json.load(open('$WORK/online/distillation_history.json'))
b = json.load(open('$WORK/$run/distillation_history.json'))
a.pop('elapsed_s'); b.pop('elapsed_s')
assert a == b, ('$run', a, b)
"
done

# Top-k runs record the file; zero and uniform give different students.
for mode in zero uniform; do
  expect_exit 0 "${G[@]}" distill --teacher_logits "$WORK/k8.h5" --topk_reconstruction "$mode" \
    --output_dir "$WORK/k8-$mode" "${D[@]}" --checkpoint_every 1
done
cmp -s "$WORK/k8-zero/checkpoints/step_00000012/model.safetensors" \
  "$WORK/k8-uniform/checkpoints/step_00000012/model.safetensors" && fail "zero and uniform agree"
py "
m = json.load(open('$WORK/k8-zero/checkpoints/metadata.json'))['distillation']
t = m['teacher_logits']
assert t['file'] == '$WORK/k8.h5' and t['k'] == 8 and t['topk_reconstruction'] == 'zero', t
assert len(t['datasets_sha256']) == 64 and len(t['teacher_sha256']) == 64, t
assert m['teacher_checkpoint'] == '$WORK/teacher/checkpoints/step_00000003', m
assert m['teacher_config']['dim'] == 32, m
"
# Top-k KD from a top-8 file equals online top-k KD with the teacher (the same 8 classes and
# values), bit for bit; the file holds no validation split, so that run has no val_ terms; its
# teacher_ce_loss is the teacher's own (logsumexp − label_logit), to float rounding.
expect_exit 0 "${G[@]}" distill --teacher_checkpoint "$WORK/teacher" --distill_top_k 8 \
  --output_dir "$WORK/top8-online" "${D[@]}"
expect_exit 0 "${G[@]}" distill --teacher_logits "$WORK/k8.h5" --distill_top_k 8 \
  --output_dir "$WORK/top8-file" "${D[@]}"
cmp "$WORK/top8-online/checkpoints/step_00000012/model.safetensors" \
  "$WORK/top8-file/checkpoints/step_00000012/model.safetensors" || fail "top-8 from the file differs"
py "
a = json.load(open('$WORK/top8-online/distillation_history.json'))
b = json.load(open('$WORK/top8-file/distillation_history.json'))
assert [c for c in b if c.startswith('val_')] == ['val_loss', 'val_acc'], list(b)
assert 'val_logit_loss' in a, list(a)
for c in b:
    assert c in ('elapsed_s', 'teacher_ce_loss') or a[c] == b[c], c
assert all(abs(f - o) <= 1e-5 * o for f, o in zip(b['teacher_ce_loss'], a['teacher_ce_loss'])), (
    b['teacher_ce_loss'], a['teacher_ce_loss'])
"
expect_exit 2 "${G[@]}" distill --teacher_logits "$WORK/k8.h5" --distill_top_k 9 \
  --output_dir "$WORK/refused" "${D[@]}"
expect_in "$WORK/err" "distill_top_k: 9 exceeds the 8 classes per example that $WORK/k8.h5 stores"
# A resume with another file, or another reconstruction, is refused.
expect_exit 2 "${G[@]}" distill --teacher_logits "$WORK/all.h5" --topk_reconstruction zero \
  --output_dir "$WORK/k8-zero" "${D[@]}" --resume
expect_in "$WORK/err" "teacher_logits"
expect_exit 2 "${G[@]}" distill --teacher_logits "$WORK/k8.h5" --topk_reconstruction uniform \
  --output_dir "$WORK/k8-zero" "${D[@]}" --resume
expect_in "$WORK/err" "topk_reconstruction"

# Files of another split seed or task, given with this teacher's checkpoint.
expect_exit 0 "${G[@]}" train --p 23 --dim 32 --epochs 1 --seed 7 --threads 1 --quiet --save_dir "$WORK/seed7"
expect_exit 0 "${G[@]}" teacher-logits --teacher_checkpoint "$WORK/seed7" --out "$WORK/seed7.h5" --threads 1
expect_exit 0 "${G[@]}" train --p 29 --dim 32 --epochs 1 --threads 1 --quiet --save_dir "$WORK/p29"
expect_exit 0 "${G[@]}" teacher-logits --teacher_checkpoint "$WORK/p29" --out "$WORK/p29.h5" --threads 1
T=(--teacher_checkpoint "$WORK/teacher" --output_dir "$WORK/refused" "${D[@]}")
expect_exit 2 "${G[@]}" distill "${T[@]}" --teacher_logits "$WORK/seed7.h5"
expect_in "$WORK/err" "holds the logits of another teacher: its split seed is 7, the teacher's"
expect_exit 2 "${G[@]}" distill "${T[@]}" --teacher_logits "$WORK/p29.h5"
expect_in "$WORK/err" "its p is 29"
expect_exit 2 "${G[@]}" distill --teacher_logits "$WORK/all.h5" --p 29 --output_dir "$WORK/refused" "${D[@]}"
expect_in "$WORK/err" "p: 29 differs from the teacher's p 23"
# Truncated and corrupt files (exit 1: a bad file).
head -c 40000 "$WORK/all.h5" >"$WORK/cut.h5"
expect_exit 1 "${G[@]}" distill --teacher_logits "$WORK/cut.h5" --output_dir "$WORK/refused" "${D[@]}"
expect_in "$WORK/err" "cut.h5: cannot open as HDF5 (truncated or corrupt file?)"
echo "not hdf5" >"$WORK/junk.h5"
expect_exit 1 "${G[@]}" distill --teacher_logits "$WORK/junk.h5" --output_dir "$WORK/refused" "${D[@]}"
expect_in "$WORK/err" "not a readable HDF5 file"
# Strategies that need the teacher's model.
expect_exit 2 "${G[@]}" distill --teacher_logits "$WORK/all.h5" --strategies logit,attention \
  --output_dir "$WORK/refused" "${D[@]}"
expect_in "$WORK/err" "strategies: attention needs the teacher's model (its attention maps), which --teacher_logits"
expect_exit 2 "${G[@]}" distill --teacher_logits "$WORK/all.h5" --strategies feature \
  --output_dir "$WORK/refused" "${D[@]}"
expect_in "$WORK/err" "feature needs the teacher's model (its hidden states)"
expect_exit 2 "${G[@]}" distill --teacher_logits "$WORK/all.h5" --topk_reconstruction spread \
  --output_dir "$WORK/refused" "${D[@]}"
expect_in "$WORK/err" "topk_reconstruction: 'spread' is not a reconstruction; use zero"
[ ! -e "$WORK/refused" ] || fail "a refused run wrote $WORK/refused"

# teacher-logits usage errors: exit 2 naming the key, the value and what is allowed; no file.
L=(teacher-logits --teacher_checkpoint "$WORK/teacher" --out "$WORK/new.h5")
expect_exit 2 "${G[@]}" "${L[@]}" --top_k -1
expect_in "$WORK/err" "top_k: -1 is invalid; allowed: an integer >= 1"
expect_exit 2 "${G[@]}" "${L[@]}" --splits train,test
expect_in "$WORK/err" "splits: 'test' is not a split; allowed: train, val"
expect_exit 2 "${G[@]}" "${L[@]}" --compression 10
expect_in "$WORK/err" "compression: 10 is invalid; allowed: a gzip level in [0, 9]"
expect_exit 2 "${G[@]}" teacher-logits --teacher_checkpoint "$WORK/none" --out "$WORK/new.h5"
expect_in "$WORK/err" "teacher_checkpoint: '$WORK/none' does not exist"
[ ! -e "$WORK/new.h5" ] || fail "a refused teacher-logits wrote its file"
expect_exit 2 "${G[@]}" teacher-logits --teacher_checkpoint "$WORK/teacher" --out "$WORK/all.h5"
expect_in "$WORK/err" "out: '$WORK/all.h5' exists; pass --overwrite to replace it"
# A write that fails part-way (a full disk after 20000 bytes) leaves neither the file nor a
# temporary behind.
GROK_INJECT_WRITE_FAILURE=20000 expect_exit 1 "${G[@]}" "${L[@]}" --threads 1
expect_in "$WORK/err" "new.h5"
[ ! -e "$WORK/new.h5" ] || fail "a failed write left $WORK/new.h5"
ls "$WORK"/.tmp-* >/dev/null 2>&1 && fail "a failed write left a temporary file"
expect_exit 0 "${G[@]}" teacher-logits --teacher_checkpoint "$WORK/teacher" --out "$WORK/all.h5" \
  --top_k 0 --overwrite --threads 1
echo PASS
