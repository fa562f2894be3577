"""Command line over the same functions the app uses.

    python -m core train [--hidden 5 --activation sigmoid --lr 0.2 --epochs 3000 ...] [--json]
    python -m core grads --hidden 3,3,3,3 --weight-std 0.01 --bias 1.0 --activation sigmoid [--json]
    python -m core data [--dataset moons ...] > points.csv

Every RunConfig field is a flag (underscores become hyphens); a bad value prints the
ConfigError message and exits with status 2. Only `train` is held to the compute budget (core.budget):
`grads` and `data` do not train, so a config too long to train can still be inspected.
"""

from __future__ import annotations

import argparse
import json
import math
import sys

import pandas as pd

from .config import FIELDS, ConfigError, RunConfig, budget_unchecked, parse_params, to_params

ALIASES = {"bias_init": ["--bias"]}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m core", description="Train and inspect chapter-4 MLPs.")
    sub = parser.add_subparsers(dest="command", required=True)
    for name, text in (("train", "train one config and print its summary"),
                       ("grads", "print the per-layer gradient table after the first step"),
                       ("data", "print the dataset as CSV (x1, x2, label, split)")):
        cmd = sub.add_parser(name, help=text, description=text)
        for f in FIELDS:
            flags = [f"--{f.name.replace('_', '-')}", *ALIASES.get(f.name, [])]
            cmd.add_argument(*flags, dest=f.name, metavar=f.kind.upper(),
                             help=f"{f.help_en} Default {to_params(RunConfig())[f.name] or '(none)'}.")
        cmd.add_argument("--json", action="store_true", help="print JSON instead of text")
    return parser


TRAINS = ("train",)      # commands held to the training budget


def config_from_args(args: argparse.Namespace) -> RunConfig:
    given = {f.name: getattr(args, f.name) for f in FIELDS if getattr(args, f.name) is not None}
    if args.command in TRAINS:
        return parse_params(given)
    with budget_unchecked():          # every other check still applies
        return parse_params(given)


def cmd_train(config: RunConfig, as_json: bool) -> None:
    from .training import train

    result = train(config)
    summary = {
        "config": to_params(config), "test_acc": result.test_acc, "test_loss": result.test_loss,
        "best_epoch": result.best_epoch, "best_dev_acc": result.best_dev_acc,
        "diverged_at": result.diverged_at, "epochs_run": result.epochs_run, "seconds": round(result.seconds, 4),
    }
    if as_json:                 # JSON has no NaN: a run with no usable model reports null
        summary = {k: None if isinstance(v, float) and not math.isfinite(v) else v for k, v in summary.items()}
        print(json.dumps(summary, allow_nan=False))
        return
    print(f"config:      {config.label()}")
    if result.best_epoch < 0:
        print("no usable model: the loss was not finite from the first epoch on "
              "(lower the learning rate or the initial weights)")
    else:
        print(f"test acc:    {result.test_acc:.4f}   test loss: {result.test_loss:.4f}")
        print(f"best epoch:  {result.best_epoch}   best dev acc: {result.best_dev_acc:.4f}")
    if result.diverged_at is not None:
        print(f"diverged at epoch {result.diverged_at}: try a smaller lr or gradient clipping")
    print(f"seconds:     {result.seconds:.3f}")


def cmd_grads(config: RunConfig, as_json: bool) -> None:
    from .probes import first_step_gradients

    table = first_step_gradients(config)
    if as_json:
        records = [{k: (None if v is None or v is pd.NA else v.item() if hasattr(v, "item") else v)
                    for k, v in row.items()} for row in table.astype({"dead_units": "object"}).to_dict("records")]
        print(json.dumps(records))          # full float precision: 1.9e-11 stays 1.9e-11, only 0 prints 0
        return
    print(f"first-step gradients for {config.label()}")
    print(table.to_string(index=False, float_format=lambda x: f"{x:.4e}"))


def cmd_data(config: RunConfig, as_json: bool) -> None:
    from .data import make_splits

    frame = make_splits(config).frame()
    print(frame.to_json(orient="records") if as_json else frame.to_csv(index=False), end="")


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        config = config_from_args(args)
    except ConfigError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    {"train": cmd_train, "grads": cmd_grads, "data": cmd_data}[args.command](config, args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
