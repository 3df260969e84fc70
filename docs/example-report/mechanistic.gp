# mechanistic measures of the teacher and the repeat-0 students
# Written by grokking; re-run in this directory with `gnuplot mechanistic.gp` to rewrite
# mechanistic.png and mechanistic.svg after editing (data: the .dat files named below).
do for [format in "png svg"] {
  if (format eq "png") {
    set terminal pngcairo size 1650,900 font "DejaVu Sans,11" noenhanced
  } else {
    set terminal svg size 1650,900 font "DejaVu Sans,11" noenhanced background "white"
  }
  set output "mechanistic." . format
  reset
  set border lw 1.2
  set grid back lc rgb "#cccccc" lw 1 dt 1
  set style line 100 lc rgb "#bfbfbf" lw 1
  set key box ls 100 opaque samplen 2.5 spacing 1.1
  set tics nomirror out
  set datafile missing "NaN"
  set multiplot layout 2,3 title "mechanistic measures on the validation split (seed 42 models, 4656 examples)" font ",13"
  set style data histogram
  set style histogram clustered gap 1
  set style fill solid 0.85 border rgb "#333333"
  set boxwidth 0.9
  set xtics rotate by 25 right scale 0
  set grid noxtics ytics
  set key off
  set title "debiased CKA with the teacher (solid), chance level (hatched)"
  set ylabel "CKA (1 = same representation, 0 = unrelated)"
  set yrange [-0.1:1.05]
  plot "mechanistic.dat" index 0 using 3:xtic(1) lc rgb "#0072B2" notitle, \
       "" index 0 using 4 lc rgb "#E69F00" notitle, \
       "" index 0 using 5 lc rgb "#009E73" notitle, \
       "" index 0 using 6 lc rgb "#808080" notitle, \
       "" index 1 using 3 fs pattern 4 lc rgb "#0072B2" notitle, \
       "" index 1 using 4 fs pattern 4 lc rgb "#E69F00" notitle, \
       "" index 1 using 5 fs pattern 4 lc rgb "#009E73" notitle, \
       "" index 1 using 6 fs pattern 4 lc rgb "#808080" notitle
  set title "effective rank per hidden state"
  set ylabel "effective rank (dimensions)"
  set yrange [0:*]
  plot "mechanistic.dat" index 2 using 2:xtic(1) lc rgb "#000000" notitle, \
       "" index 2 using 3 lc rgb "#0072B2" notitle, \
       "" index 2 using 4 lc rgb "#E69F00" notitle, \
       "" index 2 using 5 lc rgb "#009E73" notitle, \
       "" index 2 using 6 lc rgb "#808080" notitle
  set title "attention entropy per layer"
  set ylabel "entropy (nats)"
  set yrange [0:0.9136904762250342]
  plot "mechanistic.dat" index 3 using 2:xtic(1) lc rgb "#000000" notitle, \
       "" index 3 using 3 lc rgb "#0072B2" notitle, \
       "" index 3 using 4 lc rgb "#E69F00" notitle, \
       "" index 3 using 5 lc rgb "#009E73" notitle, \
       "" index 3 using 6 lc rgb "#808080" notitle, \
       0.7945134575869863 with lines dt 2 lw 2 lc rgb "#CC0000" notitle
  set title "Fourier Gini, multiplicative (discrete log, g = 5) basis"
  set ylabel "Gini of the spectrum (0 = flat)"
  set yrange [0:1]
  plot "mechanistic.dat" index 4 using 2:xtic(1) lc rgb "#000000" notitle, \
       "" index 4 using 3 lc rgb "#0072B2" notitle, \
       "" index 4 using 4 lc rgb "#E69F00" notitle, \
       "" index 4 using 5 lc rgb "#009E73" notitle, \
       "" index 4 using 6 lc rgb "#808080" notitle
  unset title
  unset border
  unset tics
  unset xlabel
  unset ylabel
  unset grid
  set xrange [0:1]
  set yrange [0:1]
  set style data lines
  set key center center box ls 100 spacing 1.4 samplen 3 font ",12"
  plot NaN with boxes fs solid 0.85 lc rgb "#000000" title "teacher", NaN with boxes fs solid 0.85 lc rgb "#0072B2" title "logit 0.5×", NaN with boxes fs solid 0.85 lc rgb "#E69F00" title "attention 0.5×", NaN with boxes fs solid 0.85 lc rgb "#009E73" title "feature 0.5×", NaN with boxes fs solid 0.85 lc rgb "#808080" title "scratch 0.5×", NaN with lines dt 2 lw 2 lc rgb "#CC0000" title "uniform causal attention (0.7945 nats)"
  unset multiplot
  unset output
}
