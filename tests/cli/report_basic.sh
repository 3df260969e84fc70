# grokking report on a tiny experiment (2 seeds, teacher, 2 strategies, control): every figure
# (PNG ≤ 300 KB with its SVG, script and data) and table (Markdown, LaTeX, CSV) is written
# into EXPERIMENT_DIR/report, report.md links each of them, the tables hold the manifest's
# numbers, the LaTeX tables are well-formed (column counts, escaping), and the mechanistic
# analysis covers the repeat-0 teacher, students and control. A partial experiment gives a
# partial report that says what is missing. Failing cases: no experiment, two directories, a
# directory without a manifest, an unknown flag.
source "$(dirname "$0")/lib/common.sh"
require_gnuplot
EXP="$WORK/exp"
expect_exit 0 "$GROKKING" experiment --out "$EXP" --p 23 --base_dim 32 --base_depth 1 \
  --teacher_epochs 8 --teacher_batch_size 64 --distill_epochs 4 --distill_batch_size 64 \
  --strategies logit,feature --repeats 2 --jobs 1

expect_exit 0 "$GROKKING" report "$EXP" --threads 1
R="$EXP/report"
expect_in "$WORK/out" "wrote $R/report.md"
for fig in teacher_dynamics strategy_comparison mechanistic epochs_to_99; do
  for ext in png svg gp dat; do [ -s "$R/$fig.$ext" ] || fail "missing $fig.$ext"; done
done
for table in trials configurations comparisons mechanistic_table; do
  for ext in md tex csv; do [ -s "$R/$table.$ext" ] || fail "missing $table.$ext"; done
done
[ -s "$R/mechanistic_analysis.json" ] || fail "missing mechanistic_analysis.json"
py "
import csv, glob, os, re
R = '$R'
md = open(R + '/report.md').read()
for fig in ['teacher_dynamics', 'strategy_comparison', 'mechanistic', 'epochs_to_99']:
    assert '](%s.png)' % fig in md and '](%s.svg)' % fig in md, fig
    png = open('%s/%s.png' % (R, fig), 'rb').read()
    assert png[:8] == b'\x89PNG\r\n\x1a\n' and len(png) <= 300 * 1024, (fig, len(png))
for table in ['trials', 'configurations', 'comparisons', 'mechanistic_table']:
    for ext in ['csv', 'tex', 'md']:
        assert '](%s.%s)' % (table, ext) in md, (table, ext)
assert 'Not produced' not in md
assert 'min–max across runs' in md  # two repeats: the band is the min-max envelope

# Tables hold the manifest's numbers: one CSV row per trial, val acc in percent.
m = json.load(open('$EXP/manifest.json'))
rows = list(csv.reader(open(R + '/trials.csv')))
assert len(rows) == 1 + len(m['trials']) == 1 + 2 * 4, len(rows)
for t, r in zip(m['trials'], rows[1:]):
    assert r[0] == t['id'] and r[1] == t['kind'] and r[12] == t['status'], r
    assert r[7] == '%.2f' % (100 * t['val_acc']) and int(r[6]) == t['params'], (r, t)
s = json.load(open('$EXP/statistics.json'))
conf = list(csv.reader(open(R + '/configurations.csv')))
assert [r[0] for r in conf[1:]] == [c['configuration'] for c in s['configurations']], conf
assert all(len(r) == len(conf[0]) for r in conf)

# LaTeX: every row has as many cells as the tabular spec, ends in \\\\, and is plain ASCII.
for tex in glob.glob(R + '/*.tex'):
    text = open(tex, encoding='utf-8').read()
    assert text.isascii(), tex
    assert text.count('{') - text.count('\\\\{') == text.count('}') - text.count('\\\\}'), tex
    spec = re.search(r'\\\\begin\{tabular\}\{([lr]+)\}', text).group(1)
    body = text.split('\\\\begin{tabular}')[1].split('\\\\end{tabular}')[0].splitlines()[1:]
    cells = [l for l in body if l.strip() != '\\\\hline']
    assert len(cells) >= 2, tex
    for line in cells:
        assert line.endswith(' \\\\\\\\'), (tex, line)
        assert len(re.split(r'(?<!\\\\)&', line)) == len(spec), (tex, line, spec)
        assert not re.search(r'(?<!\\\\)[_%#]', line), (tex, line)

# Mechanistic: the seed-42 teacher, two students and the control on the validation split.
a = json.load(open(R + '/mechanistic_analysis.json'))
assert a['format'] == 'grokking-analysis' and a['split'] == 'val'
assert [os.path.relpath(x['path'], '$EXP') for x in a['models']] == [
    's42/teacher', 's42/student-0.5-logit-r0', 's42/student-0.5-feature-r0', 's42/scratch-d16-l1']
mech = list(csv.reader(open(R + '/mechanistic_table.csv')))
assert mech[0] == ['measure', 'teacher', 'logit 0.5×', 'feature 0.5×', 'scratch 0.5×'], mech[0]
assert mech[1][0] == 'val accuracy (%)'
assert [float(v) for v in mech[1][1:]] == [round(100 * x['val']['accuracy'], 2) for x in a['models']]
"

# --out elsewhere, without the analysis; the experiment made partial: a failed student.
py "
m = json.load(open('$EXP/manifest.json'))
m['trials'][1]['status'] = 'failed'
json.dump(m, open('$EXP/manifest.json', 'w'))
"
expect_exit 0 "$GROKKING" report "$EXP" --out "$WORK/r2" --no_analysis
expect_in "$WORK/out" "not produced: figure 'Mechanistic measures': skipped (--no_analysis)"
expect_in "$WORK/r2/report.md" "7 of 8 trials completed, 1 failed"
expect_in "$WORK/r2/report.md" "## Not produced"
[ -s "$WORK/r2/strategy_comparison.png" ] || fail "no strategy comparison"
[ ! -e "$WORK/r2/mechanistic.png" ] || fail "drew the analysis despite --no_analysis"

# Failing cases.
expect_exit 2 "$GROKKING" report
expect_exit 2 "$GROKKING" report "$EXP" "$EXP"
expect_in "$WORK/err" "expected one EXPERIMENT_DIR"
expect_exit 2 "$GROKKING" report "$EXP" --no_analyse
expect_in "$WORK/err" "no_analysis"
expect_exit 1 "$GROKKING" report "$WORK"
expect_in "$WORK/err" "no manifest.json"
# An edited plan.json: a float where an integer belongs is named, never converted.
cp -r "$EXP" "$WORK/edited"
py "
p = '$WORK/edited/plan.json'; plan = json.load(open(p))
plan[0]['repeat'] = 1e300
json.dump(plan, open(p, 'w'))
"
expect_exit 1 "$GROKKING" report "$WORK/edited" --out "$WORK/r3" --no_analysis
expect_in "$WORK/err" "plan.json: trial"
expect_in "$WORK/err" "\"repeat\" is 1e+300"
echo PASS
