#!/usr/bin/env python3
"""The table of docs/ACCELERATORS.md from experiment directories (configs/accelerators.yaml).

usage: scripts/accelerator_table.py ROOT

Every directory ROOT/<arm> or ROOT/<arm>-s<seed> is one `grokking experiment` of that arm;
its teachers (<seed>/teacher) are the runs compared. Per arm: runs, how many reached 99 %
validation accuracy within the budget, and the mean epochs and seconds to 99 % over those that
did, with a 95 % Student-t interval (runs that never reached it are counted, not averaged), and
a Wilson interval on the fraction that reached it. A second table pairs each arm with the
baseline by seed: on how many seeds it reached 99 % earlier, as early, or later (a run that
never reached it counts as later than one that did) with an exact sign test, and the paired difference in epochs over
the seeds where both reached it. Standard library only.
"""
import json
import math
import os
import re
import sys

# Two-sided 95 % Student t quantiles, df 1..30.
T95 = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179,
       2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064,
       2.060, 2.056, 2.052, 2.048, 2.045, 2.042]


def interval(values):
    n = len(values)
    if n == 0:
        return "–"
    mean = sum(values) / n
    if n == 1:
        return f"{mean:.1f}"
    sd = math.sqrt(sum((v - mean) ** 2 for v in values) / (n - 1))
    half = T95[min(n - 1, len(T95)) - 1] * sd / math.sqrt(n)
    return f"{mean:.1f} [{mean - half:.1f}, {mean + half:.1f}]"


def wilson(k, n):
    """95 % Wilson score interval of a proportion k/n, in percent."""
    z = 1.959964
    centre = (k + z * z / 2) / (n + z * z)
    half = z * math.sqrt(k * (n - k) / n + z * z / 4) / (n + z * z)
    return f"[{100 * (centre - half):.0f}, {100 * (centre + half):.0f}] %"


def sign_test(wins, losses):
    """Two-sided exact sign test p-value (ties dropped)."""
    n = wins + losses
    if n == 0:
        return 1.0
    tail = sum(math.comb(n, i) for i in range(min(wins, losses) + 1)) / 2 ** n
    return min(1.0, 2 * tail)


def teacher_runs(experiment):
    """(seed, run directory) of every finished teacher of one experiment."""
    for seed_dir in sorted(os.listdir(experiment)):
        run = os.path.join(experiment, seed_dir, "teacher")
        match = re.fullmatch(r"s(\d+)", seed_dir)
        if match and os.path.isfile(os.path.join(run, "summary.json")):
            yield int(match.group(1)), run


def read_arms(root):
    """arm → {seed: (epoch to 99 % or None, seconds to it or None, final val acc)}."""
    arms = {}
    for name in sorted(os.listdir(root)):
        path = os.path.join(root, name)
        if not os.path.isdir(path):
            continue
        arm = re.sub(r"-s\d+$", "", name)
        for seed, run in teacher_runs(path):
            summary = json.load(open(os.path.join(run, "summary.json")))
            history = json.load(open(os.path.join(run, "training_history.json")))
            epoch = summary.get("epoch_to_99")
            seconds = None
            if epoch is not None:
                seconds = history["elapsed_s"][history["epoch"].index(epoch)]
            arms.setdefault(arm, {})[seed] = (epoch, seconds, summary["final_val_acc"])
    return arms


def main(root):
    arms = read_arms(root)
    print("| arm | runs | reached 99 % | reached (95 % Wilson) | epochs to 99 % (each run) "
          "| epochs to 99 % (mean [95 % CI]) | seconds to 99 % (mean [95 % CI]) "
          "| final val % (mean) |")
    print("|---|---|---|---|---|---|---|---|")
    for arm, by_seed in arms.items():
        runs = [by_seed[s] for s in sorted(by_seed)]
        reached = [r for r in runs if r[0] is not None]
        final = 100 * sum(r[2] for r in runs) / len(runs)
        each = ", ".join("–" if r[0] is None else str(r[0]) for r in runs)
        print(f"| {arm} | {len(runs)} | {len(reached)}/{len(runs)} | "
              f"{wilson(len(reached), len(runs))} | {each} | "
              f"{interval([r[0] for r in reached])} | {interval([r[1] for r in reached])} | "
              f"{final:.2f} |")
    if "baseline" not in arms:
        return
    # Paired by seed against the baseline. A run that never reached 99 % counts as later than
    # any that did (censored at the budget); two such runs tie.
    print()
    print("| arm vs baseline | seeds | earlier / tied / later | sign test p (two-sided) | "
          "Δ epochs, seeds where both reached (mean [95 % CI], n) |")
    print("|---|---|---|---|---|")
    base = arms["baseline"]
    for arm, by_seed in arms.items():
        if arm == "baseline":
            continue
        seeds = sorted(set(by_seed) & set(base))
        inf = float("inf")
        key = lambda r: inf if r[0] is None else r[0]
        earlier = sum(key(by_seed[s]) < key(base[s]) for s in seeds)
        later = sum(key(by_seed[s]) > key(base[s]) for s in seeds)
        both = [by_seed[s][0] - base[s][0] for s in seeds
                if by_seed[s][0] is not None and base[s][0] is not None]
        print(f"| {arm} | {len(seeds)} | {earlier} / {len(seeds) - earlier - later} / {later} | "
              f"{sign_test(earlier, later):.3f} | {interval(both)}, n = {len(both)} |")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
