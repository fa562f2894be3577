"""Benchmark: the loss landscapes of core.landscape against the time of training the run they are drawn for.

The run is the book's default (2-5-1 sigmoid, SGD lr 0.2, 3000 full-batch epochs on 640 training points).
Each figure is the best of `--repeat` timings (1 torch thread), printed as a ratio to the training time:

    41 x 41 random slice around theta*            target <= 1
    1-D interpolation, 101 points, train and dev  target <= 0.2
    PCA path of the 3000 epochs (+ its surface)   target <= 0.2

`--costs` also prints core.landscape.estimate_seconds against measured seconds for networks from 2-5-1 to
8 x 64 (the cost model that holds a landscape to its time budget).

    python -m bench.bench_landscape [--repeat 5] [--costs]
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

from core import landscape as ls
from core.config import RunConfig, budget_unchecked
from core.data import make_splits
from core.training import train


def best_of(fn: Callable[[], object], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


TARGETS = (("slice 41 x 41", 1.0), ("line 101 points", 0.2), ("PCA path", 0.2))


def main_figures(repeat: int) -> None:
    config = RunConfig()
    train_seconds = best_of(lambda: train(config), repeat)
    result = train(config)
    ls.random_slice(result, grid=5)                 # first calls: kernels and allocator warmed up
    figures = {
        "slice 41 x 41": best_of(lambda: ls.random_slice(result, grid=41), repeat),
        "line 101 points": best_of(lambda: ls.interpolation(result), repeat),
        "PCA path": best_of(lambda: ls.training_path(result, grid=41), repeat),
    }
    print(f"training the default run ({config.label()}, {config.split_counts[0]} train points): "
          f"{train_seconds:.3f} s")
    for name, target in TARGETS:
        ratio = figures[name] / train_seconds
        verdict = "ok" if ratio <= target else "ABOVE TARGET"
        print(f"{name:16s} {figures[name]:7.3f} s   ratio {ratio:5.3f} x training  (target <= {target:g})  {verdict}")


COST_CASES = (((5,), 1000, 41), ((5,), 1000, 101), ((64, 64), 1000, 41), ((64,) * 4, 4000, 15),
              ((16, 16), 1000, 41), ((32, 32), 20000, 15), ((5,), 20000, 41), ((8,) * 8, 1000, 41),
              ((64,) * 8, 200, 21))


def costs(repeat: int) -> None:
    """estimate_seconds vs measured for a random slice of each case (hidden, samples, grid)."""
    print("\nhidden            rows  grid  estimated  measured  ratio")
    for hidden, samples, grid in COST_CASES:
        with budget_unchecked():
            config = RunConfig(hidden=hidden, n_samples=samples, epochs=5,
                               batch_norm=hidden == (16, 16), activation="relu" if hidden == (16, 16) else "sigmoid")
        result = train(config)
        rows = len(make_splits(config).y_train)
        estimate = ls.estimate_seconds(config, grid * grid, rows)
        if estimate > ls.MAX_SECONDS:
            print(f"{','.join(map(str, hidden)):16s} {rows:6d} {grid:5d}  {estimate:9.3f}  (over the budget)")
            continue
        ls.random_slice(result, grid=5)
        measured = best_of(lambda r=result, g=grid: ls.random_slice(r, grid=g), repeat)
        print(f"{','.join(map(str, hidden)) + (' bn' if config.batch_norm else ''):16s} {rows:6d} {grid:5d}  "
              f"{estimate:9.3f}  {measured:8.3f}  {estimate / measured:5.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--costs", action="store_true", help="also check the cost model of the time budget")
    args = parser.parse_args()
    main_figures(args.repeat)
    if args.costs:
        costs(max(1, args.repeat // 2))


if __name__ == "__main__":
    main()
