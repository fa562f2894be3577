"""Benchmark: calibrate and check the compute budget's cost model (core.budget) against measured train() time.

Times train() on a calibration set of configs chosen to exercise every term of the model (full batch
and mini-batch paths, 1 to 9 linear layers, widths 1 to 64, every optimizer, batch norm, clipping, L1,
up to 20,000 samples), then a validation set it was not fitted on (the review's adversarial configs,
scaled down to a few seconds: the per-step costs are the same), and sweeps' batched groups. Prints,
for each config, predicted and measured seconds and their ratio (predicted / measured; the model should
stay within ~2x and never underestimate by more than 2x), then the largest runs the budget allows in
each adversarial family and the full-size adversarial configs (refused).

    python -m bench.bench_budget              # check core.budget's constants
    python -m bench.bench_budget --fit        # refit them (non-negative least squares on relative error)
                                              # and print the fitted constants to paste into core/budget.py
    python -m bench.bench_budget --full       # also run the largest allowed adversarial configs (~1 min each)

Wall-clock seconds, median of --repeat runs, one torch thread. On a machine shared with other work
(the 2-core development container) timings are noisy: compare ratios, not single figures.
"""

from __future__ import annotations

import argparse
import statistics
import time
from typing import Any

import numpy as np
import torch

from core import budget
from core.batched import split_group
from core.config import ConfigError, RunConfig, budget_unchecked
from core.data import make_splits
from core.sweep import estimate_sweep_seconds, group_key, sweep, validate_grid
from core.training import train

XAVIER = {"weight_init": "xavier_uniform"}          # wide/deep nets that must not diverge (a diverged run stops)

# (name, RunConfig fields): each runs ~0.2-2 s on the reference machine
CALIBRATION: list[tuple[str, dict[str, Any]]] = [
    # full batch, plain SGD (train()'s fused path)
    ("book 2-5-1", {"epochs": 2000}),
    ("book 2-5-3-1", {"hidden": (5, 3), "epochs": 2000}),
    ("logistic", {"hidden": (), "epochs": 3000}),
    ("8x1", {"hidden": (1,) * 8, "epochs": 600}),
    ("8x8", {"hidden": (8,) * 8, "epochs": 500, **XAVIER}),
    ("8x64 n1000", {"hidden": (64,) * 8, "epochs": 100, **XAVIER}),
    ("8x64 n5000", {"hidden": (64,) * 8, "n_samples": 5000, "epochs": 20, **XAVIER}),
    ("2x64 n5000", {"hidden": (64, 64), "n_samples": 5000, "epochs": 60, **XAVIER}),
    ("5 n20000", {"n_samples": 20_000, "epochs": 300}),
    ("32 n20000 relu", {"hidden": (32,), "n_samples": 20_000, "epochs": 100, "activation": "relu", **XAVIER}),
    ("1x64 n20000", {"hidden": (64,), "n_samples": 20_000, "epochs": 150, **XAVIER}),
    ("8x16 n20000", {"hidden": (16,) * 8, "n_samples": 20_000, "epochs": 40, **XAVIER}),
    ("8x64 n20000", {"hidden": (64,) * 8, "n_samples": 20_000, "epochs": 6, **XAVIER}),
    # full batch, torch.optim optimizers at 2 and 9 linear layers
    *[(f"{opt} 2-5-1", {"optimizer": opt, "epochs": 800, **({"momentum": 0.9} if opt == "sgd" else {})})
      for opt in budget.OPT_KINDS],
    *[(f"{opt} 8x4", {"optimizer": opt, "hidden": (4,) * 8, "epochs": 200, **XAVIER,
                      **({"momentum": 0.9} if opt == "sgd" else {})}) for opt in budget.OPT_KINDS],
    ("sgd wd 8x64", {"hidden": (64,) * 8, "weight_decay": 1e-4, "epochs": 60, **XAVIER}),
    ("adam 8x64", {"optimizer": "adam", "lr": 0.01, "hidden": (64,) * 8, "epochs": 60, **XAVIER}),
    # clipping, L1
    ("clip 2-5-1", {"clip_norm": 1.0, "epochs": 1000}),
    ("l1 2-5-1", {"l1": 0.001, "epochs": 1000}),
    ("clip l1 8x4", {"clip_norm": 1.0, "l1": 0.001, "hidden": (4,) * 8, "epochs": 300, **XAVIER}),
    ("nadam clip l1 8x1", {"optimizer": "nadam", "clip_norm": 1.0, "l1": 0.001, "hidden": (1,) * 8, "epochs": 200}),
    # mini-batches
    ("b1 2-5-1 n500", {"batch_size": 1, "n_samples": 500, "epochs": 3}),
    ("b1 8x8 n500", {"batch_size": 1, "hidden": (8,) * 8, "n_samples": 500, "epochs": 1, **XAVIER}),
    ("b1 adam 8x64 n500", {"batch_size": 1, "optimizer": "adam", "lr": 0.001, "hidden": (64,) * 8,
                           "n_samples": 500, "epochs": 1, **XAVIER}),
    ("b1 rmsprop 2-5-1 n500", {"batch_size": 1, "optimizer": "rmsprop", "n_samples": 500, "epochs": 2}),
    ("b32 2-5-1 n5000", {"batch_size": 32, "n_samples": 5000, "epochs": 10}),
    ("b320 2-5-1", {"batch_size": 320, "epochs": 600}),
    ("b256 8x64 n5000", {"batch_size": 256, "hidden": (64,) * 8, "n_samples": 5000, "epochs": 10, **XAVIER}),
    ("b1024 8x64 n20000", {"batch_size": 1024, "hidden": (64,) * 8, "n_samples": 20_000, "epochs": 4, **XAVIER}),
    ("b32 8x16 n20000", {"batch_size": 32, "hidden": (16,) * 8, "n_samples": 20_000, "epochs": 1, **XAVIER}),
    ("b64 adagrad 2x32 n20000", {"batch_size": 64, "optimizer": "adagrad", "hidden": (32, 32),
                                 "n_samples": 20_000, "epochs": 2, **XAVIER}),
    ("b16 nadam clip l1 8x1 n1000", {"batch_size": 16, "optimizer": "nadam", "clip_norm": 1.0, "l1": 0.001,
                                     "hidden": (1,) * 8, "epochs": 8}),
    # batch norm
    ("bn full 2-5-1", {"batch_norm": True, "epochs": 600}),
    ("bn full 8x16", {"batch_norm": True, "hidden": (16,) * 8, "epochs": 150, **XAVIER}),
    ("bn b2 2-5-1 n500", {"batch_norm": True, "batch_size": 2, "n_samples": 500, "epochs": 2}),
    ("bn b2 8x64 n500", {"batch_norm": True, "batch_size": 2, "hidden": (64,) * 8, "n_samples": 500,
                         "epochs": 1, **XAVIER}),
    ("bn b64 adam 4x32 n5000", {"batch_norm": True, "batch_size": 64, "optimizer": "adam", "lr": 0.01,
                                "hidden": (32,) * 4, "n_samples": 5000, "epochs": 4, **XAVIER}),
]

# Not fitted on: the review's adversarial configs at reduced size (same per-step work), and odd corners.
VALIDATION: list[tuple[str, dict[str, Any]]] = [
    ("8x64 adam b1 (n2000, 1 ep)", {"hidden": (64,) * 8, "optimizer": "adam", "lr": 0.001, "batch_size": 1,
                                    "n_samples": 2000, "epochs": 1, **XAVIER}),
    ("bn b2 (n2000, 1 ep)", {"batch_norm": True, "batch_size": 2, "n_samples": 2000, "epochs": 1}),
    ("8x1 nadam clip l1 b1 (n1000, 2 ep)", {"hidden": (1,) * 8, "optimizer": "nadam", "clip_norm": 1.0,
                                            "l1": 0.001, "batch_size": 1, "epochs": 2}),
    ("8x1 nadam clip l1 full", {"hidden": (1,) * 8, "optimizer": "nadam", "clip_norm": 1.0, "l1": 0.001,
                                "epochs": 400}),
    ("adadelta 8x64 b1 n500", {"hidden": (64,) * 8, "optimizer": "adadelta", "batch_size": 1, "n_samples": 500,
                               "epochs": 1, **XAVIER}),
    ("everything: bn nadam clip l1 b2 8x64", {"hidden": (64,) * 8, "batch_norm": True, "optimizer": "nadam",
                                              "lr": 0.001, "clip_norm": 1.0, "l1": 0.001, "batch_size": 2,
                                              "n_samples": 300, "epochs": 1, **XAVIER}),
    ("dev-heavy 8x64 n20000 (5% train)", {"hidden": (64,) * 8, "n_samples": 20_000, "train_frac": 0.05,
                                          "dev_frac": 0.5, "epochs": 10, **XAVIER}),
    ("last batch of 1 (b639)", {"batch_size": 639, "epochs": 500}),
    ("gelu 4x64 b128 n5000", {"hidden": (64,) * 4, "activation": "gelu", "batch_size": 128, "n_samples": 5000,
                              "epochs": 10, **XAVIER}),
    ("vanishing adam 8x64 std 0.01", {"hidden": (64,) * 8, "optimizer": "adam", "weight_std": 0.01,
                                      "bias_init": 1.0, "epochs": 60}),
    ("momentum nesterov 3x16 b8", {"hidden": (16,) * 3, "momentum": 0.9, "nesterov": True, "batch_size": 8,
                                   "epochs": 5, **XAVIER}),
]

# The review's adversarial configs at full size: they must now be refused (or estimated honestly).
ADVERSARIAL: list[tuple[str, dict[str, Any]]] = [
    ("8x64 adam b1 n20000", {"hidden": (64,) * 8, "optimizer": "adam", "batch_size": 1, "n_samples": 20_000,
                             "epochs": 20}),
    ("bn b2 n20000", {"batch_norm": True, "batch_size": 2, "n_samples": 20_000, "epochs": 40}),
    ("8x1 nadam clip l1 b1", {"hidden": (1,) * 8, "optimizer": "nadam", "clip_norm": 1.0, "l1": 0.001,
                              "batch_size": 1, "epochs": 400}),
    ("8x1 nadam clip l1 full 20000 ep", {"hidden": (1,) * 8, "optimizer": "nadam", "clip_norm": 1.0, "l1": 0.001,
                                         "epochs": 20_000}),
]

# (name, base fields, grid) of sweeps whose configs form batched groups
SWEEPS: list[tuple[str, dict[str, Any], dict[str, list]]] = [
    ("book grid 18", {}, {"hidden": [(5,), (5, 3)], "lr": [0.01, 1, 5], "seed": [0, 1, 2]}),
    ("9 seeds 2-5-1", {"epochs": 3000}, {"seed": list(range(9))}),
    ("6 x 8x8", {"epochs": 800, **XAVIER}, {"hidden": [(8,) * 8], "seed": list(range(6))}),
    ("4 x 2x64 n5000", {"epochs": 60, "n_samples": 5000, **XAVIER}, {"hidden": [(64, 64)], "seed": [0, 1, 2, 3]}),
    ("3 x 8x64 n2000", {"epochs": 40, "n_samples": 2000, **XAVIER}, {"hidden": [(64,) * 8], "seed": [0, 1, 2]}),
    ("adam 9 x 2-5-1", {"optimizer": "adam", "epochs": 2000}, {"seed": list(range(9))}),
    ("momentum 9 x 5,3", {"momentum": 0.9, "hidden": (5, 3), "epochs": 2000}, {"seed": list(range(9))}),
    ("40 seeds 2-5-1 n20000", {"n_samples": 20_000, "epochs": 200}, {"seed": list(range(40))}),
    ("2 x logistic", {"hidden": (), "epochs": 5000}, {"seed": [0, 1]}),
    ("2 x 8x2", {"hidden": (2,) * 8, "epochs": 2000, **XAVIER}, {"seed": [0, 1]}),
    ("20 x 8x1", {"hidden": (1,) * 8, "epochs": 1000}, {"seed": list(range(20))}),
    ("adam 2 x 8x2", {"optimizer": "adam", "hidden": (2,) * 8, "epochs": 1000, **XAVIER}, {"seed": [0, 1]}),
    ("momentum 2 x logistic", {"momentum": 0.9, "hidden": (), "epochs": 4000}, {"seed": [0, 1]}),
    ("120 seeds 2-5-1", {"epochs": 300}, {"seed": list(range(120))}),
    ("adam 60 seeds 2-5-1", {"optimizer": "adam", "epochs": 500}, {"seed": list(range(60))}),
    ("rmsprop x 4 (fallback)", {"optimizer": "rmsprop", "epochs": 500}, {"seed": [0, 1, 2, 3]}),
]


def measure(fn, repeat: int) -> float:
    """Median wall seconds of fn() over `repeat` runs."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def time_run(config: RunConfig, repeat: int) -> tuple[float, str]:
    note = []

    def run() -> None:
        result = train(config)
        if result.epochs_run < config.epochs:
            note.append(f"stopped at {result.epochs_run}")

    return measure(run, repeat), (note[0] if note else "")


def group_parts(configs: list[RunConfig]) -> list[tuple[list[RunConfig], int, int]]:
    """(configs, n_train, n_dev) of every batched group part of a sweep (as core.batched.split_group cuts them)."""
    out, groups = [], {}
    for c in configs:
        groups.setdefault(group_key(c), []).append(c)
    for key, members in groups.items():
        if key[0] == "batch":
            data = make_splits(members[0])
            n_train, n_dev = len(data.y_train), len(data.y_dev)
            out += [(part, n_train, n_dev) for part in split_group(members, data)]
    return out


def nnls(A: np.ndarray, b: np.ndarray, max_iter: int = 1000) -> np.ndarray:
    """Non-negative least squares min |Ax - b|, x >= 0 (Lawson-Hanson active set)."""
    scale = np.linalg.norm(A, axis=0)
    scale[scale == 0] = 1.0
    A = A / scale
    n = A.shape[1]
    x, active = np.zeros(n), np.zeros(n, dtype=bool)
    for _ in range(max_iter):
        w = A.T @ (b - A @ x)
        if active.all() or w[~active].max() <= 1e-10:
            break
        active[np.argmax(np.where(active, -np.inf, w))] = True
        while True:
            z = np.zeros(n)
            z[active] = np.linalg.lstsq(A[:, active], b, rcond=None)[0]
            if (z[active] > 0).all():
                x = z
                break
            neg = active & (z <= 0)
            alpha = np.min(x[neg] / (x[neg] - z[neg]))
            x = x + alpha * (z - x)
            active &= x > 1e-12
    return x / scale


SAFETY = 1.2     # the constants are the least-squares fit x 1.2: under noise, estimates err on the long side


def fit(rows: list[tuple[dict[str, float], float]], keys: list[str]) -> dict[str, float]:
    """Constants minimising the squared relative error sum((pred - meas) / meas)^2, all >= 0, times SAFETY."""
    A = np.array([[f[k] / meas for k in keys] for f, meas in rows])
    x = nnls(A, np.ones(len(rows))) * SAFETY
    return {k: float(f"{v:.2g}") for k, v in zip(keys, x)}


def table(title: str, rows: list[tuple[str, float, float, str]]) -> list[float]:
    print(f"\n{title}")
    print(f"{'config':44s} {'predicted s':>11s} {'measured s':>11s} {'pred/meas':>9s}")
    ratios = []
    for name, pred, meas, note in rows:
        ratios.append(pred / meas)
        print(f"{name:44s} {pred:11.3f} {meas:11.3f} {pred / meas:9.2f}  {note}")
    print(f"ratio pred/meas: min {min(ratios):.2f}  median {statistics.median(ratios):.2f}  max {max(ratios):.2f}"
          f"  (target: all within 0.5-2)")
    return ratios


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--fit", action="store_true", help="refit COSTS and GROUP_COSTS and print them")
    parser.add_argument("--full", action="store_true", help="also run the largest allowed adversarial configs")
    args = parser.parse_args()
    torch.set_num_threads(1)
    train(RunConfig(epochs=50))                     # warm-up: imports, first-call overheads

    runs = [(name, RunConfig(**fields)) for name, fields in CALIBRATION]
    measured = [(name, c, *time_run(c, args.repeat)) for name, c in runs]
    sweeps = []
    for name, base, grid in SWEEPS:
        base_config = RunConfig(**base)
        configs = validate_grid(base_config, grid)
        sweeps.append((name, configs, measure(lambda b=base_config, g=grid: sweep(b, g), args.repeat)))

    if args.fit:
        budget.COSTS.update(fit([(budget.features(c), meas) for _, c, meas, _ in measured], list(budget.COSTS)))
        group_rows = []
        for _, configs, meas in sweeps:
            if all(group_key(c)[0] == "batch" for c in configs):      # features add up over group parts
                parts = [budget.group_features(*part) for part in group_parts(configs)]
                group_rows.append(({k: sum(f[k] for f in parts) for k in parts[0]}, meas))
        budget.GROUP_COSTS.update(fit(group_rows, list(budget.GROUP_COSTS)))
        print("fitted constants (paste into core/budget.py):")
        print("COSTS =", {k: v for k, v in budget.COSTS.items()})
        print("GROUP_COSTS =", {k: v for k, v in budget.GROUP_COSTS.items()})

    ratios = table("calibration set (train())", [(n, budget.estimate_seconds(c), m, note)
                                                  for n, c, m, note in measured])
    checks = [(name, RunConfig(**fields)) for name, fields in VALIDATION]
    ratios += table("validation set (not fitted on; the review's configs scaled down, odd corners)",
                    [(n, budget.estimate_seconds(c), *time_run(c, args.repeat)) for n, c in checks])
    ratios += table("sweeps (core.sweep.estimate_sweep_seconds vs sweep())",
                    [(n, estimate_sweep_seconds(configs), meas, "") for n, configs, meas in sweeps])
    print(f"\nall: pred/meas min {min(ratios):.2f}, max {max(ratios):.2f}")

    print(f"\nthe review's adversarial configs at full size (cap {budget.MAX_SECONDS:.0f} s):")
    for name, fields in ADVERSARIAL:
        try:
            RunConfig(**fields)
            verdict = "ALLOWED"
        except ConfigError:
            verdict = "refused"
        with budget_unchecked():
            estimate = budget.estimate_seconds(RunConfig(**fields))
        largest = largest_allowed(fields)
        print(f"  {name:34s} estimated {estimate:8.0f} s: {verdict}; largest allowed: epochs={largest.epochs} "
              f"(estimated {budget.estimate_seconds(largest):.0f} s)")
        if args.full:
            meas, note = time_run(largest, 1)
            print(f"    measured {meas:.1f} s  pred/meas {budget.estimate_seconds(largest) / meas:.2f}  {note}")


def largest_allowed(fields: dict[str, Any]) -> RunConfig:
    """The config with the most epochs (<= the given) that the budget allows."""
    lo, hi = 1, fields["epochs"]
    while lo < hi:
        mid = (lo + hi + 1) // 2
        try:
            RunConfig(**{**fields, "epochs": mid})
            lo = mid
        except ConfigError:
            hi = mid - 1
    return RunConfig(**{**fields, "epochs": lo})


if __name__ == "__main__":
    main()
