"""Looking inside a network: per-layer gradient tables, dead units, symmetric units.

These are the book's `print_grads` / `print_weights` as data (pandas DataFrames).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import torch
import torch.nn.functional as F

from .config import RunConfig
from .data import Splits, make_splits
from .models import MLP, build_model
from .projection import Plane
from .tasks import BINARY_TASK, Task

VANISHING = 1e-6   # a weight-gradient L2 norm below this is flagged as vanishing
EXPLODING = 1e2    # ... above this as exploding


def data_loss(logits: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Mean binary cross-entropy of sigmoid(logits) against 0/1 labels (the book's BCELoss)."""
    return F.binary_cross_entropy_with_logits(logits, y)


def l1_penalty(model: MLP, l1: float) -> torch.Tensor | float:
    """l1 * sum |W| over the fc weights (biases are not penalized); 0.0 when l1 == 0."""
    if l1 == 0:
        return 0.0
    return l1 * sum(layer.weight.abs().sum() for layer in model.linears())


def split_name(name: str) -> tuple[str, str]:
    """'fc1.weight' -> ('fc1', 'weight')."""
    layer, _, param = name.rpartition(".")
    return layer, param


def dead_units(model: MLP, X: torch.Tensor) -> list[int]:
    """For each hidden layer, how many units output exactly 0 on every row of X."""
    with torch.no_grad():
        hidden = model.forward_hidden(X)[:-1]
    return [int((h == 0).all(dim=0).sum()) for h in hidden]


def gradient_table(model: MLP, X: torch.Tensor, y: torch.Tensor, l1: float = 0.0,
                   task: Task = BINARY_TASK) -> pd.DataFrame:
    """Gradients of the training loss at the model's current parameters, one row per parameter.

    Columns: layer, param, shape, grad_l2, grad_mean_abs, grad_max_abs, dead_units (hidden layers
    only, else NA), vanishing (weight L2 < 1e-6), exploding (weight L2 > 1e2).
    """
    was_training = model.training
    model.train()
    hidden_and_logits = model.forward_hidden(X)
    loss = task.loss(hidden_and_logits[-1], y) + l1_penalty(model, l1)
    named = [(n, p) for n, p in model.named_parameters() if n.startswith("fc")]
    grads = torch.autograd.grad(loss, [p for _, p in named], allow_unused=True)
    dead = {f"fc{k + 1}": int((h.detach() == 0).all(dim=0).sum())
            for k, h in enumerate(hidden_and_logits[:-1])}
    model.train(was_training)
    rows = []
    for (name, p), g in zip(named, grads):
        g = torch.zeros_like(p) if g is None else g.detach()
        layer, param = split_name(name)
        l2 = float(g.norm())
        rows.append({
            "layer": layer, "param": param, "shape": "×".join(map(str, p.shape)),
            "grad_l2": l2, "grad_mean_abs": float(g.abs().mean()), "grad_max_abs": float(g.abs().max()),
            "dead_units": dead.get(layer, pd.NA),
            "vanishing": param == "weight" and l2 < VANISHING,
            "exploding": l2 > EXPLODING,
        })
    frame = pd.DataFrame(rows)
    frame["dead_units"] = frame["dead_units"].astype("Int64")
    return frame


def first_step_gradients(config: RunConfig, data: Splits | None = None) -> pd.DataFrame:
    """The per-layer gradient table after one forward/backward on the training set at initialization."""
    data = data if data is not None else make_splits(config)
    model = build_model(config, n_outputs=data.task.n_outputs)
    return gradient_table(model, data.X_train, data.y_train, config.l1, data.task)


SYMMETRY_RTOL = 1e-5   # rows within this fraction of the layer's largest |value| count as identical ...
SYMMETRY_ATOL = 1e-6   # ... and so do rows that differ by less than this, whatever the layer's scale


def identical_tolerance(values: torch.Tensor, rtol: float = SYMMETRY_RTOL, atol: float = SYMMETRY_ATOL) -> float:
    """The largest difference at which two rows of `values` still count as the same unit.

    Rows that are equal in exact arithmetic come out of float32 kernels equal only up to rounding,
    and how a CPU rounds depends on its kernels (vector width, summation order). Rounding noise is
    relative to the magnitudes that went *into* a sum, not to its result: under zero init on
    balanced classes fc2's gradient is a sum of +-0.25-sized terms that cancel to ~1e-10, so the
    layer's own scale is noise and a purely relative test splits units by chance. The inputs,
    activations and probabilities here are of order 1, so differences below `atol` (far above
    float32 rounding of such sums, far below any difference a person could see in a plot or a
    table of 4 digits) are rounding, and above that the test is relative to the layer's scale.
    """
    scale = float(values.detach().abs().max()) if values.numel() else 0.0
    return max(rtol * scale, atol)


def symmetric_units(weight: torch.Tensor, rtol: float = SYMMETRY_RTOL, atol: float = SYMMETRY_ATOL) -> int:
    """Size of the largest group of identical rows of a weight [units, inputs] (1 = no symmetry).

    Rows count as identical when they differ by at most identical_tolerance(weight). Under zero
    (or any constant) initialization every hidden unit gets the same update, so all rows stay
    identical and this returns the layer width, on any CPU.
    """
    w = weight.detach()
    tol = identical_tolerance(w, rtol, atol)
    best = 1 if w.shape[0] else 0
    for i in range(w.shape[0]):
        same = (w - w[i]).abs().amax(dim=1) <= tol
        best = max(best, int(same.sum()))
    return best


BOOK_EXTENT = (-math.pi, math.pi, -math.pi, math.pi)


def model_from_state(config: RunConfig, state_dict: dict[str, torch.Tensor]) -> MLP:
    """An MLP of the config's architecture carrying the given parameters (eval mode); its output width is the
    state's own (an upload whose labels ask for another task than the config's dataset)."""
    model = build_model(config, n_outputs=int(state_dict[f"fc{len(config.hidden) + 1}.bias"].shape[0]))
    model.load_state_dict(state_dict)
    return model.eval()


def data_extent(data: Splits, margin: float = 0.5) -> tuple[float, float, float, float]:
    """(x1_min, x1_max, x2_min, x2_max) of all points, widened by `margin` on each side."""
    X = torch.cat([data.X_train, data.X_dev, data.X_test])
    lo, hi = X.min(dim=0).values, X.max(dim=0).values
    return (float(lo[0]) - margin, float(hi[0]) + margin, float(lo[1]) - margin, float(hi[1]) + margin)


def grid_points(extent: tuple[float, float, float, float] = BOOK_EXTENT, n: int = 40) -> torch.Tensor:
    """[n * n, 2] points (x1, x2) of an n x n grid over extent (linspace including both edges), in image order:
    row-major, top row (largest x2) first. The grid of every picture of a model (the boundary, the neurons)."""
    x1 = torch.linspace(extent[0], extent[1], n)
    x2 = torch.linspace(extent[3], extent[2], n)      # top to bottom, as an image
    g2, g1 = torch.meshgrid(x2, x1, indexing="ij")
    return torch.stack([g1.reshape(-1), g2.reshape(-1)], dim=1)


def output_grid(model: MLP, task: Task = BINARY_TASK, extent: tuple[float, float, float, float] = BOOK_EXTENT,
                resolution: int = 200, plane: Plane | None = None) -> np.ndarray:
    """What the model says on a resolution x resolution grid over extent (row 0 is the top): P(class 1) [R, R]
    for a binary task, class probabilities [R, R, K] for K classes, the predicted value [R, R] for regression.
    With a `plane` (data of more than two inputs) the grid is in the plane's coordinates (core.projection)."""
    if task == BINARY_TASK and plane is None:
        return probability_grid(model, extent, resolution)
    points = grid_points(extent, resolution)
    if plane is not None:
        points = plane.lift(points).float()
    was_training = model.training
    model.eval()
    with torch.no_grad():
        out = task.probabilities(model(points))
    model.train(was_training)
    shape = (resolution, resolution, out.shape[1]) if task.n_outputs > 1 else (resolution, resolution)
    return out.reshape(shape).numpy()


def plane_extent(data: Splits, plane: Plane | None, margin: float = 0.1) -> tuple[float, float, float, float]:
    """data_extent of the points as the picture shows them (projected onto `plane`), margin a share of the span."""
    if plane is None:
        return data_extent(data)
    uv = plane.project(torch.cat([data.X_train, data.X_dev, data.X_test]))
    lo, hi = uv.min(dim=0).values, uv.max(dim=0).values
    pad = (hi - lo) * margin
    return (float(lo[0] - pad[0]), float(hi[0] + pad[0]), float(lo[1] - pad[1]), float(hi[1] + pad[1]))


def probability_grid(model: MLP, extent: tuple[float, float, float, float] = BOOK_EXTENT,
                     resolution: int = 200) -> np.ndarray:
    """P(class 1) on a resolution x resolution grid over extent; row 0 is the top (largest x2).

    The book's figure uses a 200 x 200 grid over [-pi, pi]^2.
    """
    points = grid_points(extent, resolution)
    was_training = model.training
    model.eval()
    with torch.no_grad():
        probs = torch.sigmoid(model(points)).view(resolution, resolution)
    model.train(was_training)
    return probs.numpy()
