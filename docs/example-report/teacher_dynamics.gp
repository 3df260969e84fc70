# teacher grokking dynamics
# Written by grokking; re-run in this directory with `gnuplot teacher_dynamics.gp` to rewrite
# teacher_dynamics.png and teacher_dynamics.svg after editing (data: the .dat files named below).
do for [format in "png svg"] {
  if (format eq "png") {
    set terminal pngcairo size 1500,520 font "DejaVu Sans,11" noenhanced
  } else {
    set terminal svg size 1500,520 font "DejaVu Sans,11" noenhanced background "white"
  }
  set output "teacher_dynamics." . format
  reset
  set border lw 1.2
  set grid back lc rgb "#cccccc" lw 1 dt 1
  set style line 100 lc rgb "#bfbfbf" lw 1
  set key box ls 100 opaque samplen 2.5 spacing 1.1
  set tics nomirror out
  set datafile missing "NaN"
  set multiplot layout 1,3 title "teacher grokking dynamics: 3 seeds; val ≥ 99 % at epochs 86, 102, 106" font ",13"
  set logscale x 10
  set autoscale xfix
  set format x "%g"
  set mxtics 10
  set xlabel "epoch (log scale)"
  set title "accuracy (dashed: train, solid: validation)"
  set ylabel "accuracy (%)"
  set yrange [0:102]
  set key top left
  set arrow from 86, graph 0 to 86, graph 1 nohead dt 3 lw 2 lc rgb "#d62728" front
  set arrow from 102, graph 0 to 102, graph 1 nohead dt 3 lw 2 lc rgb "#1f77b4" front
  set arrow from 106, graph 0 to 106, graph 1 nohead dt 3 lw 2 lc rgb "#2ca02c" front
  plot "teacher_dynamics.dat" index 0 using 1:2 with lines lw 1.5 dt 2 lc rgb "#d62728" notitle, "" index 0 using 1:3 with lines lw 2 lc rgb "#d62728" title "seed 42 (99 % at epoch 86)", \
       "" index 1 using 1:2 with lines lw 1.5 dt 2 lc rgb "#1f77b4" notitle, "" index 1 using 1:3 with lines lw 2 lc rgb "#1f77b4" title "seed 43 (99 % at epoch 102)", \
       "" index 2 using 1:2 with lines lw 1.5 dt 2 lc rgb "#2ca02c" notitle, "" index 2 using 1:3 with lines lw 2 lc rgb "#2ca02c" title "seed 44 (99 % at epoch 106)"
  unset arrow
  set autoscale y
  set title "validation loss"
  set ylabel "cross-entropy (nats, log scale)"
  set logscale y 10
  set key bottom left
  plot "teacher_dynamics.dat" index 0 using 1:4 with lines lw 2 lc rgb "#d62728" title "seed 42", \
       "" index 1 using 1:4 with lines lw 2 lc rgb "#1f77b4" title "seed 43", \
       "" index 2 using 1:4 with lines lw 2 lc rgb "#2ca02c" title "seed 44"
  unset logscale y
  set title "weight norm"
  set ylabel "L2 norm of all parameters"
  set key top right
  plot "teacher_dynamics.dat" index 0 using 1:5 with lines lw 2 lc rgb "#d62728" title "seed 42", \
       "" index 1 using 1:5 with lines lw 2 lc rgb "#1f77b4" title "seed 43", \
       "" index 2 using 1:5 with lines lw 2 lc rgb "#2ca02c" title "seed 44"
  unset multiplot
  unset output
}
