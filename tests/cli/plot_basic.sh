# grokking plot on tiny runs: one training run gives the training-curve figure, a
# distillation run adds its loss components, several runs give the comparison; every figure
# is a valid PNG and an SVG beside its gnuplot script and data (the default --out is
# RUN_DIR/plots), and the saved script re-renders the figure on its own. Failing cases: no
# run, a missing run, an unknown flag, gnuplot not installed.
source "$(dirname "$0")/lib/common.sh"
require_gnuplot
task=(--p 23 --threads 1 --quiet)

expect_exit 0 "$GROKKING" train "${task[@]}" --dim 32 --depth 1 --epochs 5 --save_dir "$WORK/t"
expect_exit 0 "$GROKKING" distill --teacher_checkpoint "$WORK/t" --output_dir "$WORK/s" \
  --strategies logit,feature --epochs 3 --batch_size 64 --threads 1 --quiet

# check_figure DIR STEM: PNG (magic bytes, at most 300 KB), SVG, script and data exist.
check_figure() {
  for ext in png svg gp dat; do [ -s "$1/$2.$ext" ] || fail "missing $1/$2.$ext"; done
  py "
png = open('$1/$2.png', 'rb').read()
assert png[:8] == b'\x89PNG\r\n\x1a\n', png[:8]
assert len(png) <= 300 * 1024, len(png)
assert b'<svg' in open('$1/$2.svg', 'rb').read()
assert '$2.dat' in open('$1/$2.gp').read()
"
}

# One training run, default output directory.
expect_exit 0 "$GROKKING" plot "$WORK/t"
expect_in "$WORK/out" "$WORK/t/plots/training_curves"
check_figure "$WORK/t/plots" training_curves
[ ! -e "$WORK/t/plots/distillation_losses.png" ] || fail "a training run got distillation losses"
py "
h = json.load(open('$WORK/t/training_history.json'))
rows = [l.split() for l in open('$WORK/t/plots/training_curves.dat') if l.strip() and l[0] != '#']
assert len(rows) == len(h['epoch']) == 5, rows
for r, e, v in zip(rows, h['epoch'], h['val_acc']):
    assert int(r[0]) == e and abs(float(r[2]) - 100 * v) < 1e-6, (r, e, v)
"
# The saved script re-renders the figure by itself (what a user restyling it does).
rm "$WORK/t/plots/training_curves.png" "$WORK/t/plots/training_curves.svg"
(cd "$WORK/t/plots" && gnuplot training_curves.gp) || fail "the saved script does not run"
check_figure "$WORK/t/plots" training_curves

# A distillation run: training curves and loss components (logit and feature drawn).
expect_exit 0 "$GROKKING" plot "$WORK/s" --out "$WORK/ps"
check_figure "$WORK/ps" training_curves
check_figure "$WORK/ps" distillation_losses
py "
header = [l for l in open('$WORK/ps/distillation_losses.dat') if l.startswith('# epoch')][0]
train = ['train_loss', 'ce_loss', 'teacher_ce_loss', 'logit_loss', 'feature_loss', 'logit_kl']
val = ['val_loss', 'val_teacher_ce_loss', 'val_logit_loss', 'val_feature_loss', 'val_logit_kl']
assert header.split() == ['#', 'epoch'] + train + val, header
"
expect_in "$WORK/ps/distillation_losses.gp" "logit (KL to teacher)"
expect_in "$WORK/ps/distillation_losses.gp" "validation split"

# Several runs: the comparison, labelled by run name.
expect_exit 0 "$GROKKING" plot "$WORK/t" "$WORK/s" --out "$WORK/pc"
check_figure "$WORK/pc" comparison
expect_in "$WORK/pc/comparison.gp" 'title "t (never 99 %)"'
expect_in "$WORK/pc/comparison.dat" "# index 1: s ("

# Failing cases.
expect_exit 2 "$GROKKING" plot
expect_exit 2 "$GROKKING" plot "$WORK/t" --outt "$WORK/x"
expect_in "$WORK/err" "out"
expect_exit 1 "$GROKKING" plot "$WORK/missing"
expect_in "$WORK/err" "missing"
expect_exit 1 "$GROKKING" plot "$WORK/t/checkpoints"
expect_in "$WORK/err" "training_history.json"
expect_exit 1 env -u GROK_GNUPLOT PATH=/nonexistent "$GROKKING" plot "$WORK/t" --out "$WORK/np"
expect_in "$WORK/err" "gnuplot-nox"
[ ! -e "$WORK/np" ] || fail "wrote output without gnuplot"
echo PASS
