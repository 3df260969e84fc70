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
  set multiplot layout 1,3 title "teacher grokking dynamics: 10 seeds; val ≥ 99 % at epochs 86, 102, 107, 115, 93, 95, 87, 97, 87, 83" font ",13"
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
  set arrow from 107, graph 0 to 107, graph 1 nohead dt 3 lw 2 lc rgb "#2ca02c" front
  set arrow from 115, graph 0 to 115, graph 1 nohead dt 3 lw 2 lc rgb "#9467bd" front
  set arrow from 93, graph 0 to 93, graph 1 nohead dt 3 lw 2 lc rgb "#ff7f0e" front
  set arrow from 95, graph 0 to 95, graph 1 nohead dt 3 lw 2 lc rgb "#8c564b" front
  set arrow from 87, graph 0 to 87, graph 1 nohead dt 3 lw 2 lc rgb "#e377c2" front
  set arrow from 97, graph 0 to 97, graph 1 nohead dt 3 lw 2 lc rgb "#17becf" front
  set arrow from 87, graph 0 to 87, graph 1 nohead dt 3 lw 2 lc rgb "#bcbd22" front
  set arrow from 83, graph 0 to 83, graph 1 nohead dt 3 lw 2 lc rgb "#7f7f7f" front
  plot "teacher_dynamics.dat" index 0 using 1:2 with lines lw 1.5 dt 2 lc rgb "#d62728" notitle, "" index 0 using 1:3 with lines lw 2 lc rgb "#d62728" title "seed 42 (99 % at epoch 86)", \
       "" index 1 using 1:2 with lines lw 1.5 dt 2 lc rgb "#1f77b4" notitle, "" index 1 using 1:3 with lines lw 2 lc rgb "#1f77b4" title "seed 43 (99 % at epoch 102)", \
       "" index 2 using 1:2 with lines lw 1.5 dt 2 lc rgb "#2ca02c" notitle, "" index 2 using 1:3 with lines lw 2 lc rgb "#2ca02c" title "seed 44 (99 % at epoch 107)", \
       "" index 3 using 1:2 with lines lw 1.5 dt 2 lc rgb "#9467bd" notitle, "" index 3 using 1:3 with lines lw 2 lc rgb "#9467bd" title "seed 45 (99 % at epoch 115)", \
       "" index 4 using 1:2 with lines lw 1.5 dt 2 lc rgb "#ff7f0e" notitle, "" index 4 using 1:3 with lines lw 2 lc rgb "#ff7f0e" title "seed 46 (99 % at epoch 93)", \
       "" index 5 using 1:2 with lines lw 1.5 dt 2 lc rgb "#8c564b" notitle, "" index 5 using 1:3 with lines lw 2 lc rgb "#8c564b" title "seed 47 (99 % at epoch 95)", \
       "" index 6 using 1:2 with lines lw 1.5 dt 2 lc rgb "#e377c2" notitle, "" index 6 using 1:3 with lines lw 2 lc rgb "#e377c2" title "seed 48 (99 % at epoch 87)", \
       "" index 7 using 1:2 with lines lw 1.5 dt 2 lc rgb "#17becf" notitle, "" index 7 using 1:3 with lines lw 2 lc rgb "#17becf" title "seed 49 (99 % at epoch 97)", \
       "" index 8 using 1:2 with lines lw 1.5 dt 2 lc rgb "#bcbd22" notitle, "" index 8 using 1:3 with lines lw 2 lc rgb "#bcbd22" title "seed 50 (99 % at epoch 87)", \
       "" index 9 using 1:2 with lines lw 1.5 dt 2 lc rgb "#7f7f7f" notitle, "" index 9 using 1:3 with lines lw 2 lc rgb "#7f7f7f" title "seed 51 (99 % at epoch 83)"
  unset arrow
  set autoscale y
  set title "validation loss"
  set ylabel "cross-entropy (nats, log scale)"
  set logscale y 10
  set key bottom left
  plot "teacher_dynamics.dat" index 0 using 1:4 with lines lw 2 lc rgb "#d62728" title "seed 42", \
       "" index 1 using 1:4 with lines lw 2 lc rgb "#1f77b4" title "seed 43", \
       "" index 2 using 1:4 with lines lw 2 lc rgb "#2ca02c" title "seed 44", \
       "" index 3 using 1:4 with lines lw 2 lc rgb "#9467bd" title "seed 45", \
       "" index 4 using 1:4 with lines lw 2 lc rgb "#ff7f0e" title "seed 46", \
       "" index 5 using 1:4 with lines lw 2 lc rgb "#8c564b" title "seed 47", \
       "" index 6 using 1:4 with lines lw 2 lc rgb "#e377c2" title "seed 48", \
       "" index 7 using 1:4 with lines lw 2 lc rgb "#17becf" title "seed 49", \
       "" index 8 using 1:4 with lines lw 2 lc rgb "#bcbd22" title "seed 50", \
       "" index 9 using 1:4 with lines lw 2 lc rgb "#7f7f7f" title "seed 51"
  unset logscale y
  set title "weight norm"
  set ylabel "L2 norm of all parameters"
  set key top right
  plot "teacher_dynamics.dat" index 0 using 1:5 with lines lw 2 lc rgb "#d62728" title "seed 42", \
       "" index 1 using 1:5 with lines lw 2 lc rgb "#1f77b4" title "seed 43", \
       "" index 2 using 1:5 with lines lw 2 lc rgb "#2ca02c" title "seed 44", \
       "" index 3 using 1:5 with lines lw 2 lc rgb "#9467bd" title "seed 45", \
       "" index 4 using 1:5 with lines lw 2 lc rgb "#ff7f0e" title "seed 46", \
       "" index 5 using 1:5 with lines lw 2 lc rgb "#8c564b" title "seed 47", \
       "" index 6 using 1:5 with lines lw 2 lc rgb "#e377c2" title "seed 48", \
       "" index 7 using 1:5 with lines lw 2 lc rgb "#17becf" title "seed 49", \
       "" index 8 using 1:5 with lines lw 2 lc rgb "#bcbd22" title "seed 50", \
       "" index 9 using 1:5 with lines lw 2 lc rgb "#7f7f7f" title "seed 51"
  unset multiplot
  unset output
}
