#!/usr/bin/env python3
"""Our default teacher against the PyTorch peer (grokking_torch.py, eager and torch.compile)
in one invocation, on the same machine at the same thread count (`make bench-peers`): prints
seconds per epoch of each and our speed-up over each. Every run gets OMP_WAIT_POLICY=PASSIVE
(grokking sets it for itself; without it PyTorch's OpenMP threads spin and, on a machine
other processes share, run many times slower). The peer's first epoch (torch.compile
compiles there) is left out of its s/epoch and reported apart.

usage: bench/peers/run_peers.py [--python .venv-bench/bin/python] [--grokking PATH]
                                [--epochs 20] [--threads 2] [--rounds 1] [--out FILE]
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent


def ours(grokking, epochs, threads, env, tmp):
    run_dir = Path(tmp) / "teacher"
    subprocess.run([grokking, "train", "--save_dir", str(run_dir), "--epochs", str(epochs),
                    "--threads", str(threads), "--quiet", "--checkpoint_every", "1000",
                    "--overwrite"], check=True, env=env, stdout=subprocess.DEVNULL)
    s = json.loads((run_dir / "summary.json").read_text())
    return {"s_per_epoch": s["timing"]["wall_s"] / s["epochs"], "val_acc": s["final_val_acc"]}


def peer(python, epochs, threads, compiled, env, tmp):
    out = Path(tmp) / "peer.json"
    cmd = [python, str(HERE / "grokking_torch.py"), "--epochs", str(epochs), "--threads",
           str(threads), "--log_every", str(epochs), "--json", str(out)]
    subprocess.run(cmd + (["--compile"] if compiled else []), check=True, env=env,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    r = json.loads(out.read_text())
    return {"s_per_epoch": r["s_per_epoch"], "first_epoch_s": r["first_epoch_s"],
            "val_acc": r["final_val_acc"], "torch": r["torch"]}


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--python", default=".venv-bench/bin/python")
    parser.add_argument("--grokking", default="build/release/grokking")
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=1, help="interleaved rounds; medians")
    parser.add_argument("--out", help="JSON file to write")
    args = parser.parse_args()
    env = dict(os.environ, OMP_WAIT_POLICY="PASSIVE")
    runs = {"grokking.cpp": [], "pytorch eager": [], "pytorch torch.compile": []}
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(args.rounds):
            runs["grokking.cpp"].append(ours(args.grokking, args.epochs, args.threads, env, tmp))
            runs["pytorch eager"].append(peer(args.python, args.epochs, args.threads, False,
                                              env, tmp))
            runs["pytorch torch.compile"].append(peer(args.python, args.epochs, args.threads,
                                                      True, env, tmp))
            print(f"round {i + 1}: " + ", ".join(f"{k} {v[-1]['s_per_epoch']:.3f} s/epoch"
                                                 for k, v in runs.items()), file=sys.stderr)
    median = {k: statistics.median(r["s_per_epoch"] for r in v) for k, v in runs.items()}
    print(f"default teacher (division mod 97, width 128, batch 512), {args.epochs} epochs, "
          f"{args.threads} threads, median of {args.rounds} round(s):")
    print("| implementation | s / epoch | grokking.cpp's speed-up |")
    print("|---|---|---|")
    for name, s in median.items():
        extra = ""
        if "first_epoch_s" in runs[name][0]:
            extra = f" (first epoch {statistics.median(r['first_epoch_s'] for r in runs[name]):.1f} s)"
        print(f"| {name} | {s:.3f}{extra} | {s / median['grokking.cpp']:.2f}x |")
    if args.out:
        Path(args.out).write_text(json.dumps({"epochs": args.epochs, "threads": args.threads,
                                              "runs": runs, "median_s_per_epoch": median},
                                             indent=2) + "\n")


if __name__ == "__main__":
    main()
