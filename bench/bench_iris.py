"""The book's 4.5 Iris setting (core.config.preset("book_iris")) over ten seeds: test accuracy of the best dev
model, its mean and spread. The book's own run prints 0.7333 (PaddlePaddle, its own seed).

    python -m bench.bench_iris [--seeds 10]

Two series: the initial weights' seed alone (the data split fixed, data_seed 0), and both seeds together
(each run its own shuffle and split of the 150 flowers too).
"""

from __future__ import annotations

import argparse
import statistics
import time

from core import train
from core.config import preset


def series(seeds: int, vary_data: bool) -> list[float]:
    base = preset("book_iris")
    return [train(base.replace(seed=s, data_seed=s if vary_data else base.data_seed)).test_acc for s in range(seeds)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=int, default=10)
    args = parser.parse_args()
    for name, vary in (("seed 0..n-1, data_seed 0", False), ("seed = data_seed = 0..n-1", True)):
        start = time.perf_counter()
        accs = series(args.seeds, vary)
        print(f"{name}: mean test accuracy {statistics.mean(accs):.4f} ± {statistics.pstdev(accs):.4f} "
              f"(min {min(accs):.4f}, max {max(accs):.4f}) over {len(accs)} runs, "
              f"{time.perf_counter() - start:.1f} s; each: {', '.join(f'{a:.4f}' for a in accs)}")


if __name__ == "__main__":
    main()
