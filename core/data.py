"""The datasets (2-D toy data, the Iris table) and the train/dev/test split.

Every generator has the signature ``(n_samples, noise, generator, n_classes) -> (X, y)`` with
X float32 [N, 2] and y float32 [N]: 0/1 for the two-class sets (half of each class, class 1 gets the odd
one), the class index 0..K-1 for the K-class sets (`n_classes`; spiral and blobs), the target value for
the regression sets; shuffled, with Gaussian noise of std ``noise`` added last. All randomness comes from
the ``torch.Generator`` passed in.

Iris (the book's 4.5) is R. A. Fisher's 1936 table of 150 flowers (50 per species; 4 measurements in cm),
bundled as core/iris.csv (the copy scikit-learn ships, which matches R's `iris`): min-max scaled per feature
and shuffled by the data seed, as the book's load_data does.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import torch

from . import choices
from .tasks import BINARY_TASK, MULTICLASS, REGRESSION, Task

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


def _shares(n_samples: int, k: int) -> list[int]:
    """n_samples split into k near-equal class sizes (the last classes get the extra points)."""
    base, extra = divmod(n_samples, k)
    return [base + (1 if i >= k - extra else 0) for i in range(k)]


def _class_labels(sizes: list[int]) -> Tensor:
    return torch.cat([torch.full((n,), float(k)) for k, n in enumerate(sizes)])


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


def make_spiral(n_samples: int, noise: float, generator: torch.Generator, n_classes: int = 2) -> tuple[Tensor, Tensor]:
    """K interleaved arms r = t, angle = 3.5 pi t + 2 pi k / K (arm k is class k), t in [0.1, 1] scaled to radius 3.

    With K = 2 the arms are half a turn apart: the classic two-spiral problem."""

    def arm(n: int, phase: float) -> Tensor:
        t = torch.linspace(0.1, 1.0, n, dtype=torch.float64)
        angle = 3.5 * math.pi * t + phase
        return 3.0 * t[:, None] * torch.stack([torch.cos(angle), torch.sin(angle)], dim=1)

    if n_classes == 2:
        n0, n1 = _halves(n_samples)
        return _shuffle_and_noise(torch.cat([arm(n0, 0.0), arm(n1, math.pi)]), _labels(n0, n1), noise, generator)
    sizes = _shares(n_samples, n_classes)
    X = torch.cat([arm(n, 2 * math.pi * k / n_classes) for k, n in enumerate(sizes)])
    return _shuffle_and_noise(X, _class_labels(sizes), noise, generator)


def make_blobs(n_samples: int, noise: float, generator: torch.Generator, n_classes: int = 2) -> tuple[Tensor, Tensor]:
    """K Gaussian clusters (std 0.5) centred on a circle of radius 2 (cluster k is class k)."""
    sizes = _shares(n_samples, n_classes)
    parts = []
    for k, n in enumerate(sizes):
        angle = 2 * math.pi * k / n_classes + math.pi / 4
        centre = 2.0 * torch.tensor([math.cos(angle), math.sin(angle)], dtype=torch.float64)
        parts.append(centre + 0.5 * torch.randn((n, 2), generator=generator, dtype=torch.float64))
    return _shuffle_and_noise(torch.cat(parts), _class_labels(sizes), noise, generator)


def make_reg_plane(n_samples: int, noise: float, generator: torch.Generator) -> tuple[Tensor, Tensor]:
    """Regression: uniform points in [-3, 3]^2, target (x1 + x2) / 6 in [-1, 1] (TensorFlow Playground's plane).
    The noise moves the points after the target is computed, as with the other sets."""
    X = 6.0 * torch.rand((n_samples, 2), generator=generator, dtype=torch.float64) - 3.0
    return _shuffle_and_noise(X, (X[:, 0] + X[:, 1]) / 6.0, noise, generator)


GAUSS_BUMPS = ((-2.0, 2.0, 1.0), (0.0, 2.0, -1.0), (2.0, 2.0, 1.0),        # (x1, x2, sign) of each bump
               (-2.0, -2.0, -1.0), (0.0, -2.0, 1.0), (2.0, -2.0, -1.0))


def make_reg_gauss(n_samples: int, noise: float, generator: torch.Generator) -> tuple[Tensor, Tensor]:
    """Regression: uniform points in [-3, 3]^2; the target is the strongest of six signed Gaussian bumps
    (std 1) at the point, between -1 and 1 (TensorFlow Playground's regression Gaussians)."""
    X = 6.0 * torch.rand((n_samples, 2), generator=generator, dtype=torch.float64) - 3.0
    bumps = torch.tensor(GAUSS_BUMPS, dtype=torch.float64)
    dist2 = (X[:, None, :] - bumps[None, :, :2]).square().sum(dim=2)
    values = bumps[None, :, 2] * torch.exp(-dist2 / 2.0)
    strongest = values.abs().argmax(dim=1, keepdim=True)
    return _shuffle_and_noise(X, values.gather(1, strongest)[:, 0], noise, generator)


IRIS_CSV = Path(__file__).with_name("iris.csv")
IRIS_FEATURES = choices.dataset("iris").input_names      # the CSV's columns, in order
IRIS_CLASSES = choices.dataset("iris").class_names       # species 0, 1, 2


def load_iris() -> tuple[Tensor, Tensor]:
    """The 150 Iris rows as stored: X float64 [150, 4] in cm, y [150] species index 0..2."""
    lines = IRIS_CSV.read_text().split()[1:]
    table = torch.tensor([[float(v) for v in line.split(",")] for line in lines], dtype=torch.float64)
    return table[:, :4], table[:, 4]


def make_iris(n_samples: int, noise: float, generator: torch.Generator) -> tuple[Tensor, Tensor]:
    """Iris, as the book's 4.5 prepares it: each feature min-max scaled to [0, 1], rows shuffled (data seed).
    The table is the data: `n_samples` and `noise` are ignored (150 measured flowers, no noise added)."""
    X, y = load_iris()
    low, high = X.min(dim=0).values, X.max(dim=0).values
    return _shuffle_and_noise((X - low) / (high - low), y, 0.0, generator)


# one generator per row of core.choices.DATASET_TABLE (tests/test_config.py checks that they match)
DATASETS = {
    "moons": make_moons,
    "circles": make_circles,
    "xor": make_xor,
    "gauss": make_gauss,
    "spiral": make_spiral,
    "blobs": make_blobs,
    "iris": make_iris,
    "reg_plane": make_reg_plane,
    "reg_gauss": make_reg_gauss,
}


@dataclass(frozen=True)
class Splits:
    """Train/dev/test tensors: X float32 [n, D] (D = 2, or 4 for Iris), y float32 [n, 1], and the task the
    labels ask for (core.tasks)."""

    X_train: Tensor
    y_train: Tensor
    X_dev: Tensor
    y_dev: Tensor
    X_test: Tensor
    y_test: Tensor
    task: Task = BINARY_TASK

    def frame(self):
        """All points as a DataFrame with columns x1 .. xD, label (an int class, or the regression target), split."""
        import pandas as pd

        parts = []
        for name, X, y in (("train", self.X_train, self.y_train), ("dev", self.X_dev, self.y_dev),
                           ("test", self.X_test, self.y_test)):
            label = y[:, 0].numpy()
            columns = {f"x{j + 1}": X[:, j].numpy() for j in range(X.shape[1])}
            parts.append(pd.DataFrame({**columns, "label": label.astype(int) if self.task.classifies else label,
                                       "split": name}))
        return pd.concat(parts, ignore_index=True)


def split(X: Tensor, y: Tensor, n_train: int | float, n_dev: int | float, task: Task = BINARY_TASK) -> Splits:
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
    return Splits(X[:a], y[:a], X[a:b], y[a:b], X[b:], y[b:], task)


def task_of(config) -> Task:
    """The task of a config's own dataset (its row in core.choices.DATASET_TABLE and RunConfig.n_classes)."""
    k = choices.dataset(config.dataset).n_classes(config.n_classes)
    if k == 0:
        return Task(REGRESSION, 0)
    return BINARY_TASK if k == 2 else Task(MULTICLASS, k)


def make_splits(config) -> Splits:
    """The dataset a RunConfig describes, generated from its own generator seeded with data_seed."""
    generator = torch.Generator().manual_seed(config.data_seed)
    row = choices.dataset(config.dataset)
    classes = {"n_classes": config.n_classes} if row.kind == "classes" else {}
    X, y = DATASETS[config.dataset](config.n_samples, config.noise, generator, **classes)
    n_train, n_dev, _ = config.split_counts
    return split(X, y, n_train, n_dev, task_of(config))
