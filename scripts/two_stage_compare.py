#!/usr/bin/env python3
"""Two-stage against single-stage logit distillation of one teacher, paired by student seed.

usage: scripts/two_stage_compare.py TEACHER OUT [--seeds 0,1,2,3,4] [--jobs 2]
       [--grokking build/release/grokking] [--config configs/two_stage_distill.yaml]

For each seed S: OUT/single-sS (`grokking distill --teacher_checkpoint TEACHER --seed S`, the
defaults: logit, alpha 0.5, 150 epochs) and OUT/two-stage-sS (the same with --config CONFIG),
each with --threads 1, resumed if already there (a finished run is not run again). Then prints
two Markdown tables: per schedule, the final validation accuracy and the epochs to 99 % of each
seed, their means with 95 % Student-t intervals, and a Wilson interval on the fraction reaching
99 %; and paired by seed, two-stage minus single-stage in final accuracy (mean [95 % CI]) and
in epochs to 99 % (an exact sign test; a run that never reached 99 % counts as later than one
that did). The intervals and tests are scripts/accelerator_table.py's. Standard library only.
"""
import argparse
import concurrent.futures
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from accelerator_table import interval, sign_test, wilson  # noqa: E402

SCHEDULES = ("single", "two-stage")


def run(args, schedule, seed):
    out = os.path.join(args.out, f"{schedule}-s{seed}")
    command = [args.grokking, "distill", "--teacher_checkpoint", args.teacher, "--seed",
               str(seed), "--threads", "1", "--quiet", "--output_dir", out, "--resume"]
    if schedule == "two-stage":
        command += ["--config", args.config]
    with open(out + ".log", "w") as log:
        subprocess.run(command, stdout=log, stderr=subprocess.STDOUT, check=True)
    return out


def result(out):
    """(final val acc, epoch to 99 % or None) of one run."""
    summary = json.load(open(os.path.join(out, "summary.json")))
    return summary["final_val_acc"], summary.get("epoch_to_99")


def main():
    parser = argparse.ArgumentParser(usage=__doc__)
    parser.add_argument("teacher")
    parser.add_argument("out")
    parser.add_argument("--seeds", default="0,1,2,3,4")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--grokking", default="build/release/grokking")
    parser.add_argument("--config", default="configs/two_stage_distill.yaml")
    args = parser.parse_args()
    seeds = [int(s) for s in args.seeds.split(",")]
    os.makedirs(args.out, exist_ok=True)
    with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
        futures = {(schedule, seed): pool.submit(run, args, schedule, seed)
                   for seed in seeds for schedule in SCHEDULES}
        results = {key: result(f.result()) for key, f in futures.items()}

    print("| schedule | seeds | final val % (each) | final val % (mean [95 % CI]) | "
          "epoch to 99 % (each) | reached 99 % | reached (95 % Wilson) | "
          "epochs to 99 % of those (mean [95 % CI]) |")
    print("|---|---|---|---|---|---|---|---|")
    for schedule in SCHEDULES:
        rows = [results[(schedule, s)] for s in seeds]
        finals = [100 * r[0] for r in rows]
        reached = [r[1] for r in rows if r[1] is not None]
        print(f"| {schedule} | {', '.join(map(str, seeds))} | "
              f"{' / '.join(f'{v:.2f}' for v in finals)} | {interval(finals)} | "
              f"{' / '.join('–' if r[1] is None else str(r[1]) for r in rows)} | "
              f"{len(reached)}/{len(rows)} | {wilson(len(reached), len(rows))} | "
              f"{interval(reached)} |")

    inf = float("inf")
    key = lambda r: inf if r[1] is None else r[1]
    pairs = [(results[("two-stage", s)], results[("single", s)]) for s in seeds]
    delta_acc = [100 * (a[0] - b[0]) for a, b in pairs]
    earlier = sum(key(a) < key(b) for a, b in pairs)
    later = sum(key(a) > key(b) for a, b in pairs)
    both = [a[1] - b[1] for a, b in pairs if a[1] is not None and b[1] is not None]
    print()
    print("| two-stage − single, paired by seed | Δ final val, points (mean [95 % CI]) | "
          "99 % earlier / tied / later | sign test p (two-sided) | "
          "Δ epochs to 99 %, seeds where both reached (mean [95 % CI], n) |")
    print("|---|---|---|---|---|")
    print(f"| {len(seeds)} seeds | {interval(delta_acc)} | {earlier} / "
          f"{len(pairs) - earlier - later} / {later} | {sign_test(earlier, later):.3f} | "
          f"{interval(both)}, n = {len(both)} |")


if __name__ == "__main__":
    main()
