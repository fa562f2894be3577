"""Benchmark: core.sweep on a 36-config grid vs one straightforward run and vs 36 core.train runs.

The grid is 3 layouts x 4 learning rates x 3 seeds (hidden (5,), (5, 3), (8,); lr 0.01, 0.1, 1, 5;
seeds 0, 1, 2) at 3000 epochs on the default data. Prints the sweep's time over one default run of
the straightforward per-epoch loop (bench.bench_train.straightforward_loop; target <= 6), its speed-up
over training the 36 configs one by one with core.train, and the largest differences between the
two (target: test loss < 1e-5, same best epochs and test accuracies). 1 torch thread.

    python -m bench.bench_sweep [--epochs 3000] [--repeat 3]
"""

from __future__ import annotations

import time

from bench.bench_train import best_of, straightforward_loop, timing_args
from core import RunConfig, train
from core.sweep import sweep, validate_grid

GRID = {"hidden": [(5,), (5, 3), (8,)], "lr": [0.01, 0.1, 1, 5], "seed": [0, 1, 2]}


def main() -> None:
    args = timing_args(__doc__.splitlines()[0])
    base = RunConfig(epochs=args.epochs)
    configs = validate_grid(base, GRID)

    t_loop, _ = best_of(lambda: straightforward_loop(RunConfig()), args.repeat)
    t_sweep, frame = best_of(lambda: sweep(base, GRID), args.repeat)
    start = time.perf_counter()
    results = [train(c) for c in configs]
    t_seq = time.perf_counter() - start

    loss_diff = max(abs(row.test_loss - r.test_loss) for row, r in zip(frame.itertuples(), results))
    same_epoch = sum(row.best_epoch == r.best_epoch for row, r in zip(frame.itertuples(), results))
    same_acc = sum(row.test_acc == r.test_acc for row, r in zip(frame.itertuples(), results))
    print(f"grid: {len(configs)} configs ({' x '.join(f'{len(v)} {k}' for k, v in GRID.items())}), "
          f"{args.epochs} epochs, {int(frame['batched'].sum())} batched in {frame['hidden'].nunique()} groups")
    print(f"straightforward loop, 1 default run: {t_loop:.3f} s")
    print(f"core.sweep, {len(configs)} configs:         {t_sweep:.3f} s")
    print(f"core.train x {len(configs)} one by one:      {t_seq:.3f} s")
    print(f"ratio sweep/loop:                  {t_sweep / t_loop:.2f}  (target <= 6)")
    print(f"speed-up over core.train x {len(configs)}:   {t_seq / t_sweep:.1f}x")
    print(f"max |test loss diff| vs train:     {loss_diff:.2e}  (target < 1e-5)")
    print(f"same best_epoch / test_acc:        {same_epoch}/{len(configs)} / {same_acc}/{len(configs)}")


if __name__ == "__main__":
    main()
