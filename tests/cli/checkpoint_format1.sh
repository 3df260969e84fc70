# Checkpoints written by an earlier version (format 1, tests/data/format1: grokking 0.1.0 at
# commit 06b2da3) still load and resume: a teacher stopped after epoch 2 of 4 resumes and ends
# with exactly the tensors that version wrote at epoch 4 (sha256 of the tensors), and so does a
# student distilled from it with logit and feature (projectors and all), although its teacher
# now lives at another path. inspect reads both, and the old step-4 teacher still distils.
source "$(dirname "$0")/lib/common.sh"
data="${GROK_SOURCE_DIR:?}/tests/data/format1"
cp -r "$data/teacher" "$data/student" "$WORK/"
want() { py "print(json.load(open('$data/expected.json'))['$1'])"; }
# The tensors of a safetensors file (its __metadata__ aside: newer versions describe the model
# there), digested as expected.json says.
tensors() {
  python3 - "$1" <<'PY'
import hashlib, json, struct, sys
raw = open(sys.argv[1], 'rb').read()
n = struct.unpack('<Q', raw[:8])[0]
header = json.loads(raw[8:8 + n])
header.pop('__metadata__', None)
d = hashlib.sha256()
for name in sorted(header):
    b, e = header[name]['data_offsets']
    d.update(name.encode() + b'\0' + header[name]['dtype'].encode() +
             json.dumps(header[name]['shape']).encode() + raw[8 + n + b:8 + n + e])
print(d.hexdigest())
PY
}

# The teacher: drop its epoch-4 checkpoint, resume from epoch 2 with its own config.yaml.
final="$WORK/teacher/checkpoints/step_00000016"
rm -rf "$final"
expect_exit 0 "$GROKKING" train --config "$WORK/teacher/config.yaml" --save_dir "$WORK/teacher" \
  --threads 1 --resume --quiet
expect_in "$WORK/out" "resuming from step 8 (epoch 2)"
[ "$(tensors "$final/model.safetensors")" = "$(want teacher_final_tensors_sha256)" ] ||
  fail "the resumed teacher differs from the one format 1 wrote"
expect_exit 0 "$GROKKING" inspect "$WORK/teacher"

# The student: its metadata names the teacher's old absolute path; it resumes from here.
expect_exit 0 "$GROKKING" distill --config "$WORK/student/config.yaml" \
  --teacher_checkpoint "$data/teacher" --output_dir "$WORK/student" --threads 1 --resume --quiet
expect_in "$WORK/out" "resuming from step 8 (epoch 2)"
[ "$(tensors "$WORK/student/checkpoints/step_00000016/model.safetensors")" = \
  "$(want student_final_tensors_sha256)" ] || fail "the resumed student differs from format 1's"
expect_exit 0 "$GROKKING" inspect "$WORK/student"

# A resume still refuses a changed setting of the old run.
rm -rf "$WORK/student2" && cp -r "$data/student" "$WORK/student2"
expect_exit 2 "$GROKKING" distill --config "$WORK/student2/config.yaml" --temperature 3 \
  --teacher_checkpoint "$data/teacher" --output_dir "$WORK/student2" --threads 1 --resume --quiet
expect_in "$WORK/err" "distillation.temperature: 2.0 vs 3.0"
echo PASS
