"""Command line over the same functions the app uses.

    python -m core train [--hidden 5 --activation sigmoid --lr 0.2 --epochs 3000 ...] [--json]
    python -m core grads --hidden 3,3,3,3 --weight-std 0.01 --bias 1.0 --activation sigmoid [--json]
    python -m core data [--dataset moons ...] > points.csv
    python -m core landscape [config flags] [--kind line|slice|path|race] [--grid 41 --span 1.0]
                             [--racers sgd,momentum,adam:0.005] [--json]

Every RunConfig field is a flag (underscores become hyphens); a bad value prints the
ConfigError message and exits with status 2. Only `train` and `landscape` (which trains the run, or the
racers, first) are held to the compute budget (core.budget): `grads` and `data` do not train, so a config
too long to train can still be inspected.
"""

from __future__ import annotations

import argparse
import json
import math
import sys

import pandas as pd

from .config import FIELD_BY_NAME, FIELDS, ConfigError, RunConfig, budget_unchecked, parse_params, to_params

ALIASES = {"bias_init": ["--bias"]}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m core", description="Train and inspect chapter-4 MLPs.")
    sub = parser.add_subparsers(dest="command", required=True)
    for name, text in (("train", "train one config and print its summary"),
                       ("grads", "print the per-layer gradient table after the first step"),
                       ("data", "print the dataset as CSV (x1, x2, label, split)"),
                       ("landscape", "train one config, then print its loss landscape (core.landscape)")):
        cmd = sub.add_parser(name, help=text, description=text)
        for f in FIELDS:
            flags = [f"--{f.name.replace('_', '-')}", *ALIASES.get(f.name, [])]
            cmd.add_argument(*flags, dest=f.name, metavar=f.kind.upper(),
                             help=f"{f.help_en} Default {to_params(RunConfig())[f.name] or '(none)'}.")
        cmd.add_argument("--json", action="store_true", help="print JSON instead of text")
        if name == "landscape":
            add_landscape_args(cmd)
    return parser


def add_landscape_args(cmd: argparse.ArgumentParser) -> None:
    from .landscape import DEFAULT_GRID, DEFAULT_RACE, DEFAULT_SPAN, RACERS

    cmd.add_argument("--kind", choices=("line", "slice", "path", "race"), default="slice",
                     help="line: 1-D interpolation theta_0 -> theta*; slice: 2-D random filter-normalized slice "
                          "around theta*; path: the training path on its PCA plane; race: optimizers from the same "
                          "theta_0 on one plane. Default slice.")
    cmd.add_argument("--grid", default=str(DEFAULT_GRID), metavar="INT",
                     help=f"points per side of a 2-D grid (odd). Default {DEFAULT_GRID}.")
    cmd.add_argument("--span", default=str(DEFAULT_SPAN), metavar="FLOAT",
                     help=f"a slice covers [-span, span] in filter norms. Default {DEFAULT_SPAN:g}.")
    racers = ", ".join(f"{r.name} (lr {r.lr:g})" for r in RACERS.values())
    cmd.add_argument("--racers", default=",".join(DEFAULT_RACE), metavar="LIST",
                     help=f"race: optimizers, each optionally with its lr as name:lr; from {racers}. "
                          f"Default {','.join(DEFAULT_RACE)}.")


def parse_racers(text: str) -> dict[str, float]:
    """'sgd,adam:0.005' -> {'sgd': 0.2, 'adam': 0.005} (default lrs from core.landscape.RACERS)."""
    from .landscape import RACERS

    lrs: dict[str, float] = {}
    for item in filter(None, (part.strip() for part in text.split(","))):
        name, _, lr = item.partition(":")
        if name not in RACERS:
            raise ConfigError("racers", name, ", ".join(RACERS), "unknown optimizer", "未知的优化器")
        try:
            lrs[name] = float(lr) if lr else RACERS[name].lr
        except ValueError:
            raise ConfigError("lr", lr, FIELD_BY_NAME["lr"].allowed(), "not a number", "不是数字") from None
    return lrs


TRAINS = ("train", "landscape")      # commands held to the training budget


def config_from_args(args: argparse.Namespace) -> RunConfig:
    given = {f.name: getattr(args, f.name) for f in FIELDS if getattr(args, f.name) is not None}
    if args.command in TRAINS:
        return parse_params(given)
    with budget_unchecked():          # every other check still applies
        return parse_params(given)


def cmd_train(config: RunConfig, as_json: bool) -> None:
    from .training import confusion, train

    result = train(config)
    task = result.task
    summary = {
        "config": to_params(config), "task": task.kind, "classes": task.n_classes,
        "test_acc": result.test_acc, "test_loss": result.test_loss,
        "best_epoch": result.best_epoch, "best_dev_acc": result.best_dev_acc,
        "diverged_at": result.diverged_at, "epochs_run": result.epochs_run, "seconds": round(result.seconds, 4),
    }
    if result.best_step is not None:
        summary["best_step"] = result.best_step
    if task.classifies and result.best_epoch >= 0:          # test confusion matrix: rows true, columns predicted
        counts = confusion(result)["count"].to_numpy().reshape(task.n_classes, task.n_classes)
        summary["confusion"] = counts.tolist()
    if as_json:                 # JSON has no NaN: a run with no usable model reports null
        summary = {k: None if isinstance(v, float) and not math.isfinite(v) else v for k, v in summary.items()}
        print(json.dumps(summary, allow_nan=False))
        return
    score, loss = ("R²", "MSE") if task.kind == "regression" else ("acc", "loss")
    print(f"config:      {config.label()}")
    print(f"task:        {task.kind}" + (f", {task.n_classes} classes" if task.kind == "multiclass" else ""))
    if result.best_epoch < 0:
        print("no usable model: the loss was not finite from the first epoch on "
              "(lower the learning rate or the initial weights)")
    else:
        print(f"test {score}:    {result.test_acc:.4f}   test {loss}: {result.test_loss:.4f}")
        best = f"best step:   {result.best_step}   " if result.best_step is not None else ""
        print(f"{best}best epoch:  {result.best_epoch}   best dev {score}: {result.best_dev_acc:.4f}")
        if "confusion" in summary:
            print("confusion (rows: true class, columns: predicted):")
            for row in summary["confusion"]:
                print("  " + " ".join(f"{v:4d}" for v in row))
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


def _finite(value):
    """JSON has no NaN or infinity: they print as null."""
    return value if not isinstance(value, float) or math.isfinite(value) else None


def _records(frame: pd.DataFrame) -> list[dict]:
    return [{k: _finite(v.item() if hasattr(v, "item") else v) for k, v in row.items()}
            for row in frame.to_dict("records")]


def landscape_summary(config: RunConfig, args: argparse.Namespace) -> dict:
    """The landscape of --kind for the config (trained here) as a JSON-ready dict; ConfigError for bad values."""
    from . import landscape as ls
    from .training import train

    grid, span = ls.check_grid(args.grid), ls.check_span(args.span)
    if args.kind == "race":
        configs = ls.race_configs(config, parse_racers(args.racers))
        results = {name: train(c) for name, c in configs.items()}
        view = ls.race(results, grid)
        summary = {"racers": {name: {**to_params(c, only_changed=True), "final_train_loss": _finite(
            float(results[name].history["train_loss"].iloc[-1]))} for name, c in configs.items()}}
    else:
        result = train(config)
        if args.kind == "line":
            return {"config": to_params(config), "kind": "line", "points": _records(ls.interpolation(result))}
        view = ls.random_slice(result, grid, span) if args.kind == "slice" else ls.training_path(result, grid)
        summary = {}
    values = view.values()
    accuracy = view.surface["accuracy"].to_numpy().reshape(values.shape)
    return {"config": to_params(config), "kind": args.kind, "grid": grid, **({"span": span} if args.kind == "slice"
                                                                             else {}), **summary,
            "a": view.surface["a"].unique().tolist(), "b": view.surface["b"].unique().tolist(),
            "loss": [[_finite(float(v)) for v in row] for row in values],
            "accuracy": [[_finite(float(v)) for v in row] for row in accuracy],
            "explained": [_finite(r) for r in view.explained], "marks": _records(view.marks),
            "paths": _records(view.paths)}


def cmd_landscape(config: RunConfig, args: argparse.Namespace) -> None:
    summary = landscape_summary(config, args)
    if args.json:
        print(json.dumps(summary, allow_nan=False))
        return
    print(f"config:      {config.label()}")
    if summary["kind"] == "line":
        points = pd.DataFrame(summary["points"])
        print("alpha: 0 = theta_0 (initial weights), 1 = theta* (best dev model)")
        print(points.pivot(index="alpha", columns="split", values="loss").iloc[::10].to_string(float_format="%.4f"))
        return
    marks = pd.DataFrame(summary["marks"])
    print(f"{summary['kind']}: {summary['grid']} x {summary['grid']} grid, train loss "
          f"{min(v for row in summary['loss'] for v in row if v is not None):.4f} .. "
          f"{max(v for row in summary['loss'] for v in row if v is not None):.4f}")
    if summary["explained"][0] is not None:
        print(f"explained variance: {summary['explained'][0]:.3f}, {summary['explained'][1]:.3f}")
    print(marks.to_string(index=False, float_format=lambda x: f"{x:.4f}"))


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        config = config_from_args(args)
        if args.command == "landscape":
            cmd_landscape(config, args)
        else:
            {"train": cmd_train, "grads": cmd_grads, "data": cmd_data}[args.command](config, args.json)
    except ConfigError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
