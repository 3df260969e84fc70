#!/bin/bash
# Distillation cost per strategy: seconds per epoch of `grokking distill` (0.5x student) and of
# the same width-64 student trained from scratch, the kinds interleaved, ROUNDS rounds.
# Prints one line per run: kind, seconds per epoch, teacher-cache seconds.
#
# usage: bench/distill_cost.sh TEACHER_CHECKPOINT [THREADS=2] [ROUNDS=3] [EPOCHS=20] [GROKKING]
set -euo pipefail
teacher=${1:?usage: bench/distill_cost.sh TEACHER_CHECKPOINT [THREADS] [ROUNDS] [EPOCHS] [GROKKING]}
threads=${2:-2}
rounds=${3:-3}
epochs=${4:-20}
grokking=${5:-build/release/grokking}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
common=(--threads "$threads" --epochs "$epochs" --quiet --checkpoint_every 1000 --overwrite)
per_epoch() {  # summary.json → "s/epoch cache_s"
  python3 -c "import json,sys; s=json.load(open(sys.argv[1])); \
print(round(s['timing']['wall_s'] / s['epochs'], 4), s.get('teacher_cache', {}).get('seconds', ''))" "$1"
}
for ((round = 1; round <= rounds; ++round)); do
  "$grokking" train --dim 64 --warmup_steps 0 --save_dir "$work/scratch" "${common[@]}" >/dev/null
  echo "scratch $(per_epoch "$work/scratch/summary.json")"
  for strategies in logit attention feature logit,attention,feature; do
    "$grokking" distill --teacher_checkpoint "$teacher" --output_dir "$work/$strategies" \
      --strategies "$strategies" --student_scale 0.5 "${common[@]}" >/dev/null
    echo "$strategies $(per_epoch "$work/$strategies/summary.json")"
  done
done
