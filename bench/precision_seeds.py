#!/usr/bin/env python3
"""bf16 against fp32 on the default teacher over several seeds (docs/PERFORMANCE.md, "bf16"):
for each seed, `grokking train --seed S` at --precision fp32 and bf16, one after the other so
that the pair sees the same machine load. Prints, per seed and precision, the epochs to
50/90/99 % validation accuracy, the final validation accuracy and the wall time, then the
per-pair speed-ups (fp32 wall / bf16 wall) and their median.

usage: bench/precision_seeds.py [--grokking PATH] [--seeds 42,43,44,45,46] [--threads 2]
                                [--epochs 150] [--out FILE] [-- extra train flags]
"""
import argparse
import json
import statistics
import subprocess
import tempfile
from pathlib import Path


def train(grokking, save_dir, seed, precision, threads, epochs, extra):
    subprocess.run([grokking, "train", "--save_dir", str(save_dir), "--seed", str(seed),
                    "--precision", precision, "--threads", str(threads), "--epochs", str(epochs),
                    "--quiet", "--checkpoint_every", "1000"] + extra,
                   check=True, stdout=subprocess.DEVNULL)
    s = json.loads((save_dir / "summary.json").read_text())
    return {"seed": seed, "precision": precision, "wall_s": s["timing"]["wall_s"],
            "epoch_to_50": s["epoch_to_50"], "epoch_to_90": s["epoch_to_90"],
            "epoch_to_99": s["epoch_to_99"], "final_val_acc": s["final_val_acc"],
            "final_train_acc": s["final_train_acc"]}


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--grokking", default="build/release/grokking")
    parser.add_argument("--seeds", default="42,43,44,45,46")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--epochs", type=int, default=150)
    parser.add_argument("--out", help="JSON file to write")
    parser.add_argument("train_flags", nargs="*")
    args = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for seed in (int(s) for s in args.seeds.split(",")):
            for precision in ("fp32", "bf16"):
                r = train(args.grokking, Path(tmp) / f"{precision}-{seed}", seed, precision,
                          args.threads, args.epochs, args.train_flags)
                results.append(r)
                print(f"seed {seed} {precision}: 99 % at epoch {r['epoch_to_99']}, val "
                      f"{100 * r['final_val_acc']:.2f} %, {r['wall_s']:.1f} s", flush=True)
    print("| seed | precision | epochs to 50/90/99 % | final val acc | wall s |")
    print("|---|---|---|---|---|")
    for r in results:
        print(f"| {r['seed']} | {r['precision']} | {r['epoch_to_50']}/{r['epoch_to_90']}/"
              f"{r['epoch_to_99']} | {100 * r['final_val_acc']:.2f} % | {r['wall_s']:.1f} |")
    speedups = [a["wall_s"] / b["wall_s"] for a, b in zip(results[::2], results[1::2])]
    print("speed-up per seed (fp32 wall / bf16 wall): "
          + ", ".join(f"{x:.2f}" for x in speedups) + f"; median {statistics.median(speedups):.2f}")
    if args.out:
        Path(args.out).write_text(json.dumps({"threads": args.threads, "runs": results,
                                              "speedups": speedups}, indent=2) + "\n")


if __name__ == "__main__":
    main()
