#!/usr/bin/env python3
"""Data parallelism across MPI ranks against threads, side by side in one run: a wide teacher
(`grokking train --dim 512` by default) for a few epochs as 1 rank x 1 thread, 1 rank x 2
threads and 2 ranks x 1 thread (mpirun --oversubscribe). Prints and writes, per layout, the
median seconds per training step (from summary.json: steps/s of this process, evaluation
included), its ratio to 1 x 1, and for ranks the time per step spent summing gradients across
them (timing.exchange_s_per_step, the MPI_Allgather and the ordered sum).

usage: bench/run_mpi.py [--grokking PATH] [--dim 512] [--epochs 2] [--runs 3] [--out FILE]
"""
import argparse
import json
import os
import statistics
import subprocess
import tempfile
from pathlib import Path

LAYOUTS = [("1 rank x 1 thread", 1, 1), ("1 rank x 2 threads", 1, 2), ("2 ranks x 1 thread", 2, 1)]


def run_once(grokking, ranks, threads, args, save_dir):
    cmd = [grokking, "train", *args, "--threads", str(threads), "--save_dir", save_dir, "--quiet"]
    if ranks > 1:
        cmd = ["mpirun", "--oversubscribe", "--bind-to", "none", "-np", str(ranks), *cmd]
    env = dict(os.environ)
    if os.geteuid() == 0:  # OpenMPI's consent to run as root
        env.update(OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")
    subprocess.run(cmd, check=True, env=env, stdout=subprocess.DEVNULL)
    timing = json.loads((Path(save_dir) / "summary.json").read_text())["timing"]
    return 1.0 / timing["steps_per_s"], timing.get("exchange_s_per_step", 0.0)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--grokking", default="build/release/grokking")
    parser.add_argument("--dim", type=int, default=512)
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--out", default="runs/bench_mpi.json")
    a = parser.parse_args()
    args = ["--dim", str(a.dim), "--epochs", str(a.epochs)]
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for run in range(a.runs):  # layouts interleaved, so that load drifts hit all alike
            for name, ranks, threads in LAYOUTS:
                step, exchange = run_once(a.grokking, ranks, threads, args, f"{tmp}/{run}-{ranks}-{threads}")
                results.setdefault(name, []).append((step, exchange))
    base = statistics.median(s for s, _ in results[LAYOUTS[0][0]])
    table = {}
    print(f"width {a.dim}, {a.epochs} epochs, median of {a.runs} (CPU: see lscpu)")
    print(f"{'layout':<20} {'s/step':>9} {'vs 1x1':>7} {'exchange s/step':>16}")
    for name, _, _ in LAYOUTS:
        step = statistics.median(s for s, _ in results[name])
        exchange = statistics.median(e for _, e in results[name])
        table[name] = {"s_per_step": step, "speedup_vs_1x1": base / step, "exchange_s_per_step": exchange}
        print(f"{name:<20} {step:9.4f} {base / step:6.2f}x {exchange:16.5f}")
    Path(a.out).parent.mkdir(parents=True, exist_ok=True)
    Path(a.out).write_text(json.dumps({"dim": a.dim, "epochs": a.epochs, "runs": a.runs, "layouts": table}, indent=2))


if __name__ == "__main__":
    main()
