# epochs to 99 % validation accuracy per configuration
# Written by grokking; re-run in this directory with `gnuplot epochs_to_99.gp` to rewrite
# epochs_to_99.png and epochs_to_99.svg after editing (data: the .dat files named below).
do for [format in "png svg"] {
  if (format eq "png") {
    set terminal pngcairo size 900,650 font "DejaVu Sans,11" noenhanced
  } else {
    set terminal svg size 900,650 font "DejaVu Sans,11" noenhanced background "white"
  }
  set output "epochs_to_99." . format
  reset
  set border lw 1.2
  set grid back lc rgb "#cccccc" lw 1 dt 1
  set style line 100 lc rgb "#bfbfbf" lw 1
  set key box ls 100 opaque samplen 2.5 spacing 1.1
  set tics nomirror out
  set datafile missing "NaN"
  set title "epochs to 99 % validation accuracy per strategy and scale" font ",13"
  set xrange [-0.6:4.6]
  set xtics ("teacher" 0, "logit 0.5×" 1, "attention 0.5×" 2, "feature 0.5×" 3, "scratch 0.5×" 4)
  unset mxtics
  set grid noxtics ytics
  set xlabel "configuration (strategy and width relative to the teacher)"
  set ylabel "epoch of first validation accuracy ≥ 99 %"
  set yrange [0:*]
  set offsets 0, 0, graph 0.1, 0
  set bmargin 9
  set key at screen 0.5, 0.01 center bottom vertical
  plot "epochs_to_99.dat" index 0 using 2:3:4 with points pt 7 ps 1.5 lc rgb variable notitle, \
       "" index 1 using 2:3:4 with points pt 8 ps 1.7 lw 2 lc rgb variable notitle, \
       "" index 2 using 2:3:(0.3):4 with xerrorbars pt 0 lw 3 lc rgb variable notitle, \
       NaN with points pt 7 ps 1.5 lc rgb "#404040" title "one run (seed)", \
       NaN with points pt 8 ps 1.7 lw 2 lc rgb "#404040" title "never reached 99 % (drawn at its epoch budget)", \
       NaN with lines lw 3 lc rgb "#404040" title "mean of the runs that reached 99 %"
  unset output
}
