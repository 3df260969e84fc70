#!/usr/bin/env python3
"""End-to-end benchmark: runs `grokking train` (the default teacher unless told otherwise)
several times and reports the median wall time, seconds per epoch, steps/s, peak memory and,
from the FLOP count printed by `bench_model --flops` if available, the efficiency against a
given GEMM rate. Prints a table and writes JSON.

usage: bench/run_e2e.py [--grokking PATH] [--runs 3] [--threads 2] [--out FILE]
                        [-- extra train flags...]
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--grokking", default="build/release/grokking")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--out", help="JSON file to write")
    parser.add_argument("--env", action="append", default=[],
                        help="NAME=VALUE set for the runs (repeatable)")
    parser.add_argument("train_flags", nargs="*")
    args = parser.parse_args()

    env = dict(os.environ)
    for item in args.env:
        name, _, value = item.partition("=")
        env[name] = value
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(args.runs):
            run_dir = Path(tmp) / f"run{i}"
            cmd = [args.grokking, "train", "--save_dir", str(run_dir), "--threads",
                   str(args.threads), "--quiet", "--checkpoint_every", "1000"] + args.train_flags
            subprocess.run(cmd, check=True, env=env, stdout=subprocess.DEVNULL)
            summary = json.loads((run_dir / "summary.json").read_text())
            timing = summary["timing"]
            results.append({
                "wall_s": timing["wall_s"],
                "s_per_epoch": timing["wall_s"] / summary["epochs"],
                "steps_per_s": timing["steps_per_s"],
                "peak_rss_mb": timing["peak_rss_mb"],
                "final_val_acc": summary["final_val_acc"],
                "epoch_to_99": summary["epoch_to_99"],
            })
            print(f"run {i}: {results[-1]['wall_s']:.1f} s, "
                  f"{results[-1]['s_per_epoch']:.3f} s/epoch, "
                  f"peak {results[-1]['peak_rss_mb']:.0f} MB, "
                  f"val {100 * results[-1]['final_val_acc']:.2f} %, "
                  f"99 % at epoch {results[-1]['epoch_to_99']}", file=sys.stderr)
    median = {key: statistics.median(r[key] for r in results)
              for key in ("wall_s", "s_per_epoch", "steps_per_s", "peak_rss_mb")}
    report = {"command": " ".join([args.grokking, "train"] + args.train_flags),
              "threads": args.threads, "env": args.env, "runs": results, "median": median}
    print("| runs | threads | median wall s | s/epoch | steps/s | peak MB |")
    print("|---|---|---|---|---|---|")
    print(f"| {args.runs} | {args.threads} | {median['wall_s']:.1f} | {median['s_per_epoch']:.3f} "
          f"| {median['steps_per_s']:.1f} | {median['peak_rss_mb']:.0f} |")
    if args.out:
        Path(args.out).write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()
