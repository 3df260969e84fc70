# Every recipe preset (configs/presets/*.yaml) loads, names its source in its header, and
# trains for an epoch on a tiny shape; its options reach the saved config.yaml. The
# comparison's experiment config (configs/accelerators.yaml) runs, and its table script reads it.
source "$(dirname "$0")/lib/common.sh"
presets=("$GROK_SOURCE_DIR"/configs/presets/*.yaml)
[ ${#presets[@]} -ge 4 ] || fail "expected at least 4 presets, found ${#presets[@]}"
for preset in "${presets[@]}"; do
  name=$(basename "$preset" .yaml)
  grep -q "^# How this differs from their setup:" "$preset" || fail "$name: no list of differences"
  grep -qE "^# .*(et al\.|Omnigrok).*20[0-9][0-9]" "$preset" || fail "$name: no source named"
  expect_exit 0 "$GROKKING" train --config "$preset" --epochs 1 --p 11 --dim 16 --depth 1 \
    --threads 1 --quiet --no_tensorboard --save_dir "$WORK/$name"
  # Each option the preset sets is in the run's config.yaml with the preset's value (those the
  # command line overrode aside).
  python3 - "$preset" "$WORK/$name/config.yaml" <<'PY'
import sys
def pairs(path):
    out = {}
    for line in open(path):
        line = line.split('#')[0].strip()
        if ':' in line:
            k, v = line.split(':', 1)
            out[k.strip()] = v.strip().strip('"')
    return out
preset, saved = pairs(sys.argv[1]), pairs(sys.argv[2])
for k, v in preset.items():
    if k in ('epochs', 'p', 'dim', 'depth'):
        continue
    assert k in saved, (sys.argv[1], k)
    assert float(saved[k]) == float(v) if v.replace('.', '').isdigit() else saved[k].strip('"\'') == v, (k, v, saved[k])
PY
done

# The comparison's experiment config runs (tiny here) with an arm's teacher option, which
# reaches the teacher's trial and config.
expect_exit 0 "$GROKKING" experiment --config "$GROK_SOURCE_DIR/configs/accelerators.yaml" \
  --out "$WORK/acc" --p 11 --base_dim 16 --base_depth 1 --teacher_epochs 2 --repeats 1 \
  --jobs 1 --no_tensorboard --teacher_grokfast ema
grep -q "^grokfast: ema" "$WORK/acc/s42/teacher/config.yaml" || fail "the arm's option is lost"
python3 "$GROK_SOURCE_DIR/scripts/accelerator_table.py" "$WORK" >"$WORK/table.md"
expect_in "$WORK/table.md" "| acc | 1 | "
echo PASS
