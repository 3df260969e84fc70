#!/usr/bin/env python3
"""Prints a Markdown table of training runs from their summary.json files.

usage: tools/summarize_runs.py RUN_DIR...
"""
import json
import sys
from pathlib import Path


def main(paths):
    if not paths:
        sys.exit(__doc__)
    print("| run | seed | optimizer | final val | best val | epochs to 50 / 90 / 99 % "
          "| final train | weight norm | wall s | steps/s | peak MB |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for path in paths:
        run = Path(path)
        summary = json.loads((run / "summary.json").read_text())
        meta = json.loads((run / "checkpoints" / "metadata.json").read_text())
        epochs = " / ".join(str(summary.get(f"epoch_to_{t}") or "–") for t in (50, 90, 99))
        timing = summary["timing"]
        print(f"| {run.name} | {meta['seed']} | {meta['optimizer']['type']} "
              f"| {100 * summary['final_val_acc']:.2f} % | {100 * summary['best_val_acc']:.2f} % "
              f"| {epochs} | {100 * summary['final_train_acc']:.2f} % "
              f"| {summary['final_weight_norm']:.2f} | {timing['wall_s']:.0f} "
              f"| {timing['steps_per_s']:.1f} | {timing['peak_rss_mb']:.0f} |")


if __name__ == "__main__":
    main(sys.argv[1:])
