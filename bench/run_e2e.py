#!/usr/bin/env python3
"""End-to-end benchmark: the default teacher (`grokking train`), a 0.5x logit distillation
from the first teacher run, and the same width-64 student trained from scratch (the
distillation's cost reference), each run --runs times. Prints a table and writes JSON with,
per kind: median wall time, seconds per epoch, steps/s, peak memory, GEMM GFLOP per epoch
(counted by the trainer, model/flops.h), the best GEMM rate bench_gemm measures on the
model's products in this same run, the FLOP-bound floor (GFLOP per epoch / that rate) and
the efficiency = floor / actual seconds per epoch; and the distillation cost ratio.

usage: bench/run_e2e.py [--grokking PATH] [--bench-gemm PATH] [--runs 3] [--threads 2]
                        [--epochs 150] [--no-distill] [--out FILE] [--env NAME=VALUE]
                        [-- extra flags for the teacher's `grokking train`]
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

SCRATCH_STUDENT = ["--dim", "64", "--warmup_steps", "0"]  # the 0.5x student, from labels


def run(cmd, env):
    subprocess.run(cmd, check=True, env=env, stdout=subprocess.DEVNULL)


def measure(summary_path):
    summary = json.loads(Path(summary_path).read_text())
    timing = summary["timing"]
    return {
        "wall_s": timing["wall_s"],
        "s_per_epoch": timing["wall_s"] / summary["epochs"],
        "steps_per_s": timing["steps_per_s"],
        "peak_rss_mb": timing["peak_rss_mb"],
        "gemm_gflop_per_epoch": timing["gemm_gflop_per_epoch"],
        "shards": timing.get("shards", 1),
        "final_val_acc": summary["final_val_acc"],
        "epoch_to_99": summary["epoch_to_99"],
        "gemm_backend": summary["versions"]["gemm"],
    }


def gemm_peak(bench_gemm, backend, threads, env):
    """Best GFLOP/s of the backend over the model's products at `threads` (median of 3)."""
    name = {"onednn": "onednn", "cblas": "openblas"}[backend]
    out = subprocess.run(
        [bench_gemm, f"--benchmark_filter=^{name}/.*/threads:{threads}/",
         "--benchmark_repetitions=3", "--benchmark_report_aggregates_only=true",
         "--benchmark_format=json"], check=True, env=env, capture_output=True, text=True).stdout
    rates = [b["FLOP/s"] for b in json.loads(out)["benchmarks"]
             if b.get("aggregate_name") == "median"]
    if not rates:
        sys.exit(f"run_e2e: {bench_gemm} measured no '{name}' products at {threads} threads")
    return max(rates) / 1e9


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--grokking", default="build/release/grokking")
    parser.add_argument("--bench-gemm", default=None,
                        help="bench_gemm executable (default: bench/bench_gemm next to grokking)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--epochs", type=int, default=150, help="epochs of every run")
    parser.add_argument("--no-distill", action="store_true", help="the teacher only")
    parser.add_argument("--out", help="JSON file to write")
    parser.add_argument("--env", action="append", default=[],
                        help="NAME=VALUE set for the runs (repeatable)")
    parser.add_argument("train_flags", nargs="*")
    args = parser.parse_args()

    env = dict(os.environ)
    for item in args.env:
        name, _, value = item.partition("=")
        env[name] = value
    bench_gemm = args.bench_gemm or str(Path(args.grokking).parent / "bench" / "bench_gemm")
    common = ["--threads", str(args.threads), "--quiet", "--checkpoint_every", "1000",
              "--epochs", str(args.epochs)]
    kinds = {"teacher": [], "distill_logit_0.5": [], "scratch_0.5": []}
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(args.runs):
            teacher = Path(tmp) / f"teacher{i}"
            run([args.grokking, "train", "--save_dir", str(teacher)] + common + args.train_flags,
                env)
            kinds["teacher"].append(measure(teacher / "summary.json"))
            if not args.no_distill:
                student = Path(tmp) / f"student{i}"
                run([args.grokking, "distill", "--teacher_checkpoint", str(Path(tmp) / "teacher0"),
                     "--output_dir", str(student), "--strategies", "logit",
                     "--student_scale", "0.5"] + common, env)
                kinds["distill_logit_0.5"].append(measure(student / "summary.json"))
                scratch = Path(tmp) / f"scratch{i}"
                run([args.grokking, "train", "--save_dir", str(scratch)] + SCRATCH_STUDENT + common,
                env)
                kinds["scratch_0.5"].append(measure(scratch / "summary.json"))
            last = {k: v[-1] for k, v in kinds.items() if v}
            print(f"round {i}: " + ", ".join(
                f"{k} {r['wall_s']:.1f} s ({r['s_per_epoch']:.3f} s/epoch)" for k, r in last.items()),
                file=sys.stderr)
    peak = gemm_peak(bench_gemm, kinds["teacher"][0]["gemm_backend"], args.threads, env)

    report = {"command": " ".join([args.grokking, "train"] + args.train_flags),
              "threads": args.threads, "env": args.env, "gemm_peak_gflop_per_s": peak,
              "kinds": {}}
    print(f"GEMM peak on the model's products, {args.threads} thread(s): {peak:.1f} GFLOP/s")
    print("| run | runs | median wall s | s/epoch | steps/s | peak MB | GFLOP/epoch "
          "| floor s/epoch | efficiency |")
    print("|---|---|---|---|---|---|---|---|---|")
    for kind, results in kinds.items():
        if not results:
            continue
        median = {key: statistics.median(r[key] for r in results)
                  for key in ("wall_s", "s_per_epoch", "steps_per_s", "peak_rss_mb",
                              "gemm_gflop_per_epoch")}
        median["floor_s_per_epoch"] = median["gemm_gflop_per_epoch"] / peak
        median["efficiency"] = median["floor_s_per_epoch"] / median["s_per_epoch"]
        report["kinds"][kind] = {"runs": results, "median": median}
        print(f"| {kind} | {len(results)} | {median['wall_s']:.1f} | {median['s_per_epoch']:.3f} "
              f"| {median['steps_per_s']:.1f} | {median['peak_rss_mb']:.0f} "
              f"| {median['gemm_gflop_per_epoch']:.2f} | {median['floor_s_per_epoch']:.3f} "
              f"| {100 * median['efficiency']:.0f} % |")
    if "distill_logit_0.5" in report["kinds"]:
        ratio = (report["kinds"]["distill_logit_0.5"]["median"]["s_per_epoch"]
                 / report["kinds"]["scratch_0.5"]["median"]["s_per_epoch"])
        report["distillation_cost_ratio"] = ratio
        print(f"distillation cost: {ratio:.2f} x the same student from scratch (s/epoch)")
    if args.out:
        Path(args.out).write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()
