"""python -m grokking_jax export-orbax | import-orbax | predict ... (see --help)."""

from __future__ import annotations

import argparse
import sys

import numpy as np


def _export(args) -> None:
    from .orbax_io import export_orbax

    step_dir = export_orbax(args.run, args.out_dir)
    checkpoints = f"{args.out_dir.rstrip('/')}/checkpoints"
    print(f"wrote {checkpoints}/{step_dir.name} (the reference's layout: train_nnx.py "
          f"--save_dir {args.out_dir} --checkpoint_dir {checkpoints} --resume finds it)")


def _import(args) -> None:
    from .orbax_io import import_orbax

    task = {"operation": args.operation, "train_fraction": args.train_fraction}
    if args.p is not None:
        task["p"] = args.p
    step_dir = import_orbax(args.orbax_checkpoint, args.run_dir, task,
                            batch_size=args.batch_size, epochs=args.epochs)
    print(f"wrote {step_dir}; e.g. grokking distill --teacher_checkpoint {args.run_dir} ...")


def _predict(args) -> None:
    from .data import make_split
    from .flax_io import load_flax

    model, config, task = load_flax(args.run)
    train_x, train_y, val_x, val_y = make_split(task)
    x, y = {"train": (train_x, train_y), "val": (val_x, val_y),
            "all": (np.concatenate([train_x, val_x]), np.concatenate([train_y, val_y]))}[args.split]
    logits = np.asarray(model(x, training=False))
    np.save(args.out, logits)
    acc = float(np.mean(np.argmax(logits, axis=1) == y))
    print(f"{args.split} split of p={task.p} '{task.operation}': {len(y)} examples, "
          f"accuracy {100 * acc:.2f}% (Flax) -> {args.out}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m grokking_jax",
                                     description="grokking.cpp runs as Flax models and Orbax "
                                                 "checkpoints, and back")
    sub = parser.add_subparsers(dest="command", required=True)
    e = sub.add_parser("export-orbax", help="a run as a reference Orbax checkpoint")
    e.add_argument("run", help="run, checkpoint or step directory")
    e.add_argument("out_dir", help="writes OUT_DIR/checkpoints and OUT_DIR/training_history.json")
    e.set_defaults(func=_export)
    i = sub.add_parser("import-orbax", help="a reference Orbax checkpoint as a run directory")
    i.add_argument("orbax_checkpoint", help="the reference's checkpoint, run or step directory")
    i.add_argument("run_dir", help="new grokking.cpp run directory")
    i.add_argument("--operation", required=True, help="+ - * / (not recorded by the reference)")
    i.add_argument("--train_fraction", type=float, required=True,
                   help="fraction of pairs used for training (not recorded by the reference)")
    i.add_argument("--p", type=int, help="modulus (default: n_tokens - 2, checked if given)")
    i.add_argument("--batch_size", type=int, default=512, help="batch size of a later resume")
    i.add_argument("--epochs", type=int, help="planned epochs (default: the checkpoint's)")
    i.set_defaults(func=_import)
    p = sub.add_parser("predict", help="the Flax model's logits on a split, as .npy")
    p.add_argument("run", help="run, checkpoint or step directory, or model.safetensors")
    p.add_argument("--split", choices=["train", "val", "all"], default="val")
    p.add_argument("--out", default="logits.npy")
    p.set_defaults(func=_predict)
    args = parser.parse_args(argv)
    try:
        args.func(args)
    except (ValueError, KeyError, FileExistsError, OSError) as e:
        print(f"python -m grokking_jax {args.command}: error: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
