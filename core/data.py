"""Two-class 2-D toy datasets and the train/dev/test split.

Every generator has the signature ``(n_samples, noise, generator) -> (X, y)`` with
X float32 [N, 2] and y float32 [N] (0/1), half of each class (class 1 gets the odd one),
shuffled, with Gaussian noise of std ``noise`` added last. All randomness comes from the
``torch.Generator`` passed in.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch

Tensor = torch.Tensor


def _halves(n_samples: int) -> tuple[int, int]:
    n0 = n_samples // 2
    return n0, n_samples - n0


def _shuffle_and_noise(X: Tensor, y: Tensor, noise: float, generator: torch.Generator) -> tuple[Tensor, Tensor]:
    perm = torch.randperm(X.shape[0], generator=generator)
    X, y = X[perm], y[perm]
    if noise > 0:
        X = X + noise * torch.randn(X.shape, generator=generator)
    return X.float().contiguous(), y.float().contiguous()


def _labels(n0: int, n1: int) -> Tensor:
    return torch.cat([torch.zeros(n0), torch.ones(n1)])


def make_moons(n_samples: int, noise: float, generator: torch.Generator) -> tuple[Tensor, Tensor]:
    """The book's moons: outer arc (cos t, sin t) is class 0, inner arc (1 - cos t, 0.5 - sin t) class 1."""
    n0, n1 = _halves(n_samples)
    t0 = torch.linspace(0, math.pi, n0, dtype=torch.float64)
    t1 = torch.linspace(0, math.pi, n1, dtype=torch.float64)
    outer = torch.stack([torch.cos(t0), torch.sin(t0)], dim=1)
    inner = torch.stack([1 - torch.cos(t1), 0.5 - torch.sin(t1)], dim=1)
    return _shuffle_and_noise(torch.cat([outer, inner]), _labels(n0, n1), noise, generator)


def make_circles(n_samples: int, noise: float, generator: torch.Generator) -> tuple[Tensor, Tensor]:
    """Outer circle of radius 1 is class 0, inner circle of radius 0.5 is class 1."""
    n0, n1 = _halves(n_samples)
    t0 = torch.linspace(0, 2 * math.pi, n0 + 1, dtype=torch.float64)[:-1]
    t1 = torch.linspace(0, 2 * math.pi, n1 + 1, dtype=torch.float64)[:-1]
    outer = torch.stack([torch.cos(t0), torch.sin(t0)], dim=1)
    inner = 0.5 * torch.stack([torch.cos(t1), torch.sin(t1)], dim=1)
    return _shuffle_and_noise(torch.cat([outer, inner]), _labels(n0, n1), noise, generator)


def make_xor(n_samples: int, noise: float, generator: torch.Generator) -> tuple[Tensor, Tensor]:
    """Uniform points in [-1, 1]^2; class 1 where x1 * x2 < 0 (quadrants II and IV)."""
    n0, n1 = _halves(n_samples)

    def quadrant_points(n: int, signs: Tensor) -> Tensor:
        pick = torch.randint(0, 2, (n,), generator=generator)
        mag = 0.05 + 0.95 * torch.rand((n, 2), generator=generator, dtype=torch.float64)
        return mag * signs[pick]

    same = torch.tensor([[1.0, 1.0], [-1.0, -1.0]], dtype=torch.float64)
    opposite = torch.tensor([[-1.0, 1.0], [1.0, -1.0]], dtype=torch.float64)
    X = torch.cat([quadrant_points(n0, same), quadrant_points(n1, opposite)])
    return _shuffle_and_noise(X, _labels(n0, n1), noise, generator)


def make_gauss(n_samples: int, noise: float, generator: torch.Generator) -> tuple[Tensor, Tensor]:
    """Two Gaussian clusters (std 0.5) centred at (-1, -1) (class 0) and (1, 1) (class 1)."""
    n0, n1 = _halves(n_samples)
    c0 = torch.tensor([-1.0, -1.0], dtype=torch.float64) + 0.5 * torch.randn((n0, 2), generator=generator,
                                                                                dtype=torch.float64)
    c1 = torch.tensor([1.0, 1.0], dtype=torch.float64) + 0.5 * torch.randn((n1, 2), generator=generator,
                                                                              dtype=torch.float64)
    return _shuffle_and_noise(torch.cat([c0, c1]), _labels(n0, n1), noise, generator)


def make_spiral(n_samples: int, noise: float, generator: torch.Generator) -> tuple[Tensor, Tensor]:
    """Two interleaved arms r = t, angle = 3.5 pi t (+ pi for class 1), t in [0.1, 1] scaled to radius 3."""

    def arm(n: int, phase: float) -> Tensor:
        t = torch.linspace(0.1, 1.0, n, dtype=torch.float64)
        angle = 3.5 * math.pi * t + phase
        return 3.0 * t[:, None] * torch.stack([torch.cos(angle), torch.sin(angle)], dim=1)

    n0, n1 = _halves(n_samples)
    return _shuffle_and_noise(torch.cat([arm(n0, 0.0), arm(n1, math.pi)]), _labels(n0, n1), noise, generator)


# one generator per row of core.choices.DATASET_TABLE (tests/test_config.py checks that they match)
DATASETS = {
    "moons": make_moons,
    "circles": make_circles,
    "xor": make_xor,
    "gauss": make_gauss,
    "spiral": make_spiral,
}


@dataclass(frozen=True)
class Splits:
    """Train/dev/test tensors: X float32 [n, 2], y float32 [n, 1]."""

    X_train: Tensor
    y_train: Tensor
    X_dev: Tensor
    y_dev: Tensor
    X_test: Tensor
    y_test: Tensor

    def frame(self):
        """All points as a DataFrame with columns x1, x2, label, split."""
        import pandas as pd

        parts = []
        for name, X, y in (("train", self.X_train, self.y_train), ("dev", self.X_dev, self.y_dev),
                           ("test", self.X_test, self.y_test)):
            parts.append(pd.DataFrame({"x1": X[:, 0].numpy(), "x2": X[:, 1].numpy(),
                                       "label": y[:, 0].numpy().astype(int), "split": name}))
        return pd.concat(parts, ignore_index=True)


def split(X: Tensor, y: Tensor, n_train: int | float, n_dev: int | float) -> Splits:
    """Cut X, y in order into train/dev/test by counts (ints) or fractions of N (floats < 1).

    Labels come back as [n, 1] columns, as the model's output.
    """
    n = X.shape[0]
    if isinstance(n_train, float) and n_train < 1:
        n_train = round(n * n_train)
    if isinstance(n_dev, float) and n_dev < 1:
        n_dev = round(n * n_dev)
    n_train, n_dev = int(n_train), int(n_dev)
    if n_train < 1 or n_dev < 1 or n_train + n_dev >= n:
        raise ValueError(f"split {n_train}/{n_dev} leaves no test rows out of {n}")
    y = y.reshape(-1, 1)
    a, b = n_train, n_train + n_dev
    return Splits(X[:a], y[:a], X[a:b], y[a:b], X[b:], y[b:])


def make_splits(config) -> Splits:
    """The dataset a RunConfig describes, generated from its own generator seeded with data_seed."""
    generator = torch.Generator().manual_seed(config.data_seed)
    X, y = DATASETS[config.dataset](config.n_samples, config.noise, generator)
    n_train, n_dev, _ = config.split_counts
    return split(X, y, n_train, n_dev)
