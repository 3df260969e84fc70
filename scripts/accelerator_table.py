#!/usr/bin/env python3
"""The table of docs/ACCELERATORS.md from experiment directories (configs/accelerators.yaml).

usage: scripts/accelerator_table.py ROOT

Every directory ROOT/<arm> or ROOT/<arm>-s<seed> is one `grokking experiment` of that arm;
its teachers (<seed>/teacher) are the runs compared. Per arm: runs, how many reached 99 %
validation accuracy within the budget, and the mean epochs and seconds to 99 % over those that
did, with a 95 % Student-t interval (runs that never reached it are counted, not averaged).
Standard library only.
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


def teacher_runs(experiment):
    for seed_dir in sorted(os.listdir(experiment)):
        run = os.path.join(experiment, seed_dir, "teacher")
        if os.path.isfile(os.path.join(run, "summary.json")):
            yield run


def main(root):
    arms = {}
    for name in sorted(os.listdir(root)):
        path = os.path.join(root, name)
        if not os.path.isdir(path):
            continue
        arm = re.sub(r"-s\d+$", "", name)
        for run in teacher_runs(path):
            summary = json.load(open(os.path.join(run, "summary.json")))
            history = json.load(open(os.path.join(run, "training_history.json")))
            epoch = summary.get("epoch_to_99")
            seconds = None
            if epoch is not None:
                seconds = history["elapsed_s"][history["epoch"].index(epoch)]
            arms.setdefault(arm, []).append((epoch, seconds, summary["final_val_acc"]))
    print("| arm | runs | reached 99 % | epochs to 99 % (each run) | epochs to 99 % (mean [95 % CI]) "
          "| seconds to 99 % (mean [95 % CI]) | final val % (mean) |")
    print("|---|---|---|---|---|---|---|")
    for arm, runs in arms.items():
        reached = [r for r in runs if r[0] is not None]
        final = 100 * sum(r[2] for r in runs) / len(runs)
        each = ", ".join("–" if r[0] is None else str(r[0]) for r in runs)
        print(f"| {arm} | {len(runs)} | {len(reached)}/{len(runs)} | {each} | "
              f"{interval([r[0] for r in reached])} | {interval([r[1] for r in reached])} | "
              f"{final:.2f} |")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
