#!/bin/bash
# Offline teacher logits (`grokking teacher-logits`, docs/DISTILLATION.md): for k = 8, 64 and all
# classes, the file size, the teacher pass and the write time with the write rate (examples/s
# and MB/s of the file); then distillation seconds per epoch (logit strategy) online and from
# the k = all file, interleaved ROUNDS rounds, side by side in one run.
#
# usage: bench/teacher_logits.sh TEACHER_CHECKPOINT [THREADS=1] [ROUNDS=3] [EPOCHS=20] [GROKKING]
set -euo pipefail
teacher=${1:?usage: bench/teacher_logits.sh TEACHER_CHECKPOINT [THREADS] [ROUNDS] [EPOCHS] [GROKKING]}
threads=${2:-1}
rounds=${3:-3}
epochs=${4:-20}
grokking=${5:-build/release/grokking}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "k      file_bytes  teacher_pass_s  write_s  examples  write_examples/s  write_MB/s"
for k in 8 64 0; do
  "$grokking" teacher-logits --teacher_checkpoint "$teacher" --out "$work/k$k.h5" --top_k "$k" \
    --threads "$threads" >"$work/k$k.txt"
  python3 - "$work/k$k.txt" "$k" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
examples = sum(int(n) for n in re.findall(r"(?:train|val) (\d+)", text.split(" examples")[0]))
k = re.search(r"top (\d+) of (\d+)", text)
m = re.search(r"wrote (\d+) bytes .* in ([\d.]+) s .*teacher pass ([\d.]+) s", text)
size, write_s, pass_s = int(m.group(1)), float(m.group(2)), float(m.group(3))
label = f"{k.group(1)}" + (" (all)" if k.group(1) == k.group(2) else "")
print(f"{label:<6} {size:>10}  {pass_s:>14.3f}  {write_s:>7.3f}  {examples:>8}  "
      f"{examples / max(write_s, 1e-9):>16.0f}  {size / 1e6 / max(write_s, 1e-9):>10.1f}")
PY
done

common=(--threads "$threads" --epochs "$epochs" --quiet --checkpoint_every 1000 --overwrite
        --strategies logit)
per_epoch() {  # summary.json → "s/epoch teacher_cache_s"
  python3 -c "import json,sys; s=json.load(open(sys.argv[1])); \
print(round(s['timing']['wall_s'] / s['epochs'], 4), s.get('teacher_cache', {}).get('seconds', ''))" "$1"
}
echo "source                      s/epoch  teacher_cache_s"
for ((round = 1; round <= rounds; ++round)); do
  "$grokking" distill --teacher_checkpoint "$teacher" --output_dir "$work/online" "${common[@]}" >/dev/null
  echo "online (teacher model)      $(per_epoch "$work/online/summary.json")"
  "$grokking" distill --teacher_logits "$work/k0.h5" --output_dir "$work/file" "${common[@]}" >/dev/null
  echo "file (--teacher_logits all) $(per_epoch "$work/file/summary.json")"
done
