"""What two float32 runs of one config agree on when their kernels round differently.

Bit-identical numbers are what one machine guarantees for one code path: the same config trained
twice, in one thread or many. Two *code paths* (the batched sweep's ``bmm`` vs ``train()``'s
``addmm``) or two CPUs (another vector width, another summation order in MKL/OpenBLAS) round
differently, by about one float32 ulp (1.2e-7 relative) per operation, and training carries
those differences along. Measured here by nudging the initial weights by one ulp
(the effect of one differently rounded step) on the configs of tests/test_sweep.py:

- full-batch SGD (with or without momentum, Nesterov, weight decay), Adam with beta2 >= 0.99: the test
  loss moved by at most 4.2e-5 relative over 3000 epochs (lr 5), i.e. < 1.4e-8 per epoch, and the
  best epoch never moved; a wide-initialized ReLU net (weight std 10, losses ~24) differed by 2.2e-6
  over 60 epochs between batched and solo runs on an AVX-512 Xeon (3.7e-8 per epoch);
- Adam with beta2 = 0.9 is chaotic on this data: the best epoch moved (56 vs 338), the test loss by
  up to 2 %, while best dev accuracy and test accuracy stayed within one dev point and one test point.

So the tests compare what holds on any CPU: the same divergence (epoch within one), best dev accuracy
within one dev point, test accuracy within two test points, and the test loss within
LOSS_RTOL_PER_EPOCH x epochs (25x the worst case measured per epoch) where the run is not chaotic.
"""

from __future__ import annotations

import math

from core.config import RunConfig

LOSS_RTOL_PER_EPOCH = 1e-6


def chaotic(config: RunConfig) -> bool:
    """Configs whose outcome is not a smooth function of rounding (measured, see the module docstring)."""
    return config.optimizer in ("adam", "adamax", "nadam") and config.beta2 < 0.99


def loss_rtol(config: RunConfig) -> float:
    """Relative test-loss tolerance between two roundings of one run (inf for chaotic configs)."""
    return math.inf if chaotic(config) else LOSS_RTOL_PER_EPOCH * max(1, config.epochs)


def assert_same_outcome(config: RunConfig, *, test_loss: float, test_acc: float, best_dev_acc: float,
                        diverged_at: int | None, other) -> None:
    """Assert that one outcome (given as values) agrees with `other` (a RunResult) up to rounding."""
    _, n_dev, n_test = config.split_counts
    assert (diverged_at is None) == (other.diverged_at is None), (diverged_at, other.diverged_at)
    if diverged_at is not None:           # blown-up losses are compared by when they blew up, not by value
        assert abs(diverged_at - other.diverged_at) <= 1, (diverged_at, other.diverged_at)
        return
    assert abs(best_dev_acc - other.best_dev_acc) <= 1 / n_dev + 1e-9, (best_dev_acc, other.best_dev_acc)
    assert abs(test_acc - other.test_acc) <= 2 / n_test + 1e-6, (test_acc, other.test_acc)
    if math.isfinite(test_loss) or math.isfinite(other.test_loss):
        rel = abs(test_loss - other.test_loss) / max(abs(other.test_loss), 1e-12)
        assert rel <= loss_rtol(config), (test_loss, other.test_loss, rel, loss_rtol(config))
