# strategy comparison: mean validation accuracy per configuration
# Written by grokking; re-run in this directory with `gnuplot strategy_comparison.gp` to rewrite
# strategy_comparison.png and strategy_comparison.svg after editing (data: the .dat files named below).
do for [format in "png svg"] {
  if (format eq "png") {
    set terminal pngcairo size 1000,650 font "DejaVu Sans,11" noenhanced
  } else {
    set terminal svg size 1000,650 font "DejaVu Sans,11" noenhanced background "white"
  }
  set output "strategy_comparison." . format
  reset
  set border lw 1.2
  set grid back lc rgb "#cccccc" lw 1 dt 1
  set style line 100 lc rgb "#bfbfbf" lw 1
  set key box ls 100 opaque samplen 2.5 spacing 1.1
  set tics nomirror out
  set datafile missing "NaN"
  set multiplot layout 1,1 title "strategy comparison: mean validation accuracy across repeats\nband: mean ± 1.96·sd/√n across runs" font ",13"
  set logscale x 10
  set autoscale xfix
  set format x "%g"
  set mxtics 10
  set xlabel "epoch (log scale)"
  set ylabel "validation accuracy (%)"
  set yrange [0:102]
  set key top left
  set style fill transparent solid 0.18 noborder
  set title "students and control at 0.5× the teacher's width"
  plot "strategy_comparison.dat" index 0 using 1:4:5 with filledcurves fc rgb "#000000" notitle, \
       "" index 0 using 1:3 with lines lw 2 dt 1 lc rgb "#000000" title "teacher (10 runs)", \
       "" index 1 using 1:4:5 with filledcurves fc rgb "#0072B2" notitle, \
       "" index 1 using 1:3 with lines lw 2 dt 1 lc rgb "#0072B2" title "logit 0.5× (10 runs)", \
       "" index 2 using 1:4:5 with filledcurves fc rgb "#E69F00" notitle, \
       "" index 2 using 1:3 with lines lw 2 dt 1 lc rgb "#E69F00" title "attention 0.5× (10 runs)", \
       "" index 3 using 1:4:5 with filledcurves fc rgb "#009E73" notitle, \
       "" index 3 using 1:3 with lines lw 2 dt 1 lc rgb "#009E73" title "feature 0.5× (10 runs)", \
       "" index 4 using 1:4:5 with filledcurves fc rgb "#808080" notitle, \
       "" index 4 using 1:3 with lines lw 2 dt 1 lc rgb "#808080" title "scratch 0.5× (10 runs)"
  unset multiplot
  unset output
}
