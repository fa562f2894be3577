"""A flat picture of data with more than two inputs (Iris has four): the plane a decision-region chart draws.

A Plane maps picture coordinates (u, v) to model inputs: x = origin + u * axes[0] + v * axes[1]. Two kinds:

- two chosen features, the other inputs fixed at their mean over all rows (`feature_plane`);
- the first two principal components of all rows, through their mean (`pca_plane`).

For 2-D data the picture is the input plane itself and no Plane is needed (`plane_for` returns None).
No Streamlit; deterministic (an SVD of the data, no random draw).
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from .data import Splits

FEATURES, PCA = "features", "pca"


@dataclass(frozen=True)
class Plane:
    origin: torch.Tensor            # [D] the input at (u, v) = (0, 0)
    axes: torch.Tensor              # [2, D] orthonormal directions of u and v
    kind: str                       # FEATURES or PCA
    picked: tuple[int, int] = (0, 1)            # FEATURES: the two inputs shown
    explained: tuple[float, float] = (0.0, 0.0)  # PCA: share of the variance along each axis

    def lift(self, uv: torch.Tensor) -> torch.Tensor:
        """[N, 2] picture coordinates -> [N, D] model inputs."""
        return self.origin + uv.to(self.axes.dtype) @ self.axes

    def project(self, X: torch.Tensor) -> torch.Tensor:
        """[N, D] inputs -> [N, 2] picture coordinates (the orthogonal projection onto the plane)."""
        return (X.to(self.axes.dtype) - self.origin) @ self.axes.t()


def _all_rows(data: Splits) -> torch.Tensor:
    return torch.cat([data.X_train, data.X_dev, data.X_test]).double()


def feature_plane(data: Splits, i: int, j: int) -> Plane:
    """Inputs i and j as the picture's axes (u = input i, v = input j); every other input at its mean."""
    X = _all_rows(data)
    d = X.shape[1]
    if not (0 <= i < d and 0 <= j < d) or i == j:
        raise ValueError(f"pick two different inputs of 0..{d - 1}, not {i} and {j}")
    origin = X.mean(dim=0)
    origin[i] = origin[j] = 0.0
    axes = torch.zeros(2, d, dtype=X.dtype)
    axes[0, i] = axes[1, j] = 1.0
    return Plane(origin, axes, FEATURES, (i, j))


def pca_plane(data: Splits) -> Plane:
    """The first two principal components of all rows (train, dev and test) through their mean; the sign of
    each axis is fixed so that its largest entry is positive (the same picture on every machine)."""
    X = _all_rows(data)
    mean = X.mean(dim=0)
    _, s, vt = torch.linalg.svd(X - mean, full_matrices=False)
    axes = vt[:2].clone()
    for k in range(2):
        if axes[k, int(axes[k].abs().argmax())] < 0:
            axes[k] = -axes[k]
    share = (s.square() / s.square().sum()).tolist()
    return Plane(mean, axes, PCA, explained=(share[0], share[1]))


def plane_for(data: Splits, view: str = "") -> Plane | None:
    """The plane a view names for data of more than two inputs: "f:i,j" (inputs i and j), else the principal
    components ("pca", the default). 2-D data needs none: None."""
    if data.X_train.shape[1] == 2:
        return None
    if view.startswith("f:"):
        i, j = (int(v) for v in view[2:].split(","))
        return feature_plane(data, i, j)
    return pca_plane(data)
