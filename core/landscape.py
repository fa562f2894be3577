"""The loss landscape of a trained run (book 4.4, optimization problems): what the surface looks like
around the weights training found, and which path training took over it.

Four views, each a tidy DataFrame or a `Landscape` (a surface on a plane of parameter space plus paths):

- `interpolation`: loss and accuracy on train and dev along theta(alpha) = (1 - alpha) theta_0 + alpha theta*
  for alpha in [-0.5, 1.5] (Goodfellow, Vinyals & Saxe 2015): theta_0 the initial weights, theta* the
  best-dev weights of the run;
- `random_slice`: the train loss on a grid theta* + a d1 + b d2 along two random, filter-normalized
  directions (Li et al. 2018), seeded by the run's seed;
- `training_path`: the recorded theta_s of the run (RunResult.replay_params) projected on the first two
  principal directions of theta_s - theta* (PCA), with the loss surface on that plane;
- `race`: runs of several optimizers from the same theta_0 (`race_configs`, trained by core.training.train)
  drawn on one plane, the PCA of all their paths together, anchored at their common theta_0.

Every grid point is evaluated in one batched computation (`Evaluator`): the parameters of P points are
stacked as [P, D], and each layer is one batched matrix product over all of them (addmm for the first
layer, whose input is shared, baddbmm after it), in chunks that keep the activations within MAX_BUFFER
floats. Only `scores` knows the loss: the one place to extend for K classes or regression.

Batch norm: every point is evaluated in eval mode with the running statistics (buffers) of theta*,
so the surface is the function the best model computes on new data; the direction vectors leave the
batch-norm scale and shift (and every bias) at 0. Feature crosses: the inputs are the config's features
of the points, computed once (core.choices.expand_columns), exactly as the model computes them.

No Streamlit here, no global RNG (directions draw from a torch.Generator seeded by the config's seed).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
import torch
import torch.nn.functional as F

from . import choices
from .config import ConfigError, RunConfig, check_runs_time
from .data import Splits, make_splits, task_of
from .models import MLP, activation_fn, build_model
from .tasks import BINARY_TASK, Task

LINE_RANGE = (-0.5, 1.5)     # alpha of the 1-D interpolation: 0 is theta_0, 1 is theta*
LINE_POINTS = 101
DEFAULT_GRID, MIN_GRID, MAX_GRID = 41, 5, 101      # points per side of a 2-D grid (odd: the centre is a point)
DEFAULT_SPAN, MIN_SPAN, MAX_SPAN = 1.0, 0.01, 10.0  # a random slice covers [-span, span]^2
PATH_MARGIN = 0.15           # a path's plane extends this share of the path's range beyond it on each side
MAX_BUFFER = 4_000_000       # floats of one chunk's activations (and of its stacked parameters)
MAX_SECONDS = 20.0           # the estimated time of one landscape (its surface and paths)
# The estimate of one evaluation of P points on N rows (on the reference machine, the 2-core development
# container, one torch thread; fitted on the 9 networks from 2-5-1 to 8 x 64 of bench/bench_landscape.py --costs,
# rounded up): per (point x row x unit) of activation, batch-norm and loss work, per (point x row x parameter)
# of the products, and a fixed part. It only refuses what would clearly take too long.
SECONDS_PER_UNIT = 4e-9
SECONDS_PER_FLOP = 1e-10
SECONDS_FIXED = 0.02


# --------------------------------------------------------------------------- the loss, in one place
def scores(logits: torch.Tensor, y: torch.Tensor, task: Task = BINARY_TASK) -> tuple[torch.Tensor, torch.Tensor]:
    """(mean loss [P], accuracy [P]) of stacked logits [P, K, N] against labels y [N].

    Binary (K = 1): binary cross-entropy of sigmoid(logits), as core.probes.data_loss, and accuracy of
    logits >= 0 (probability >= 0.5) against the 0/1 labels. K classes: softmax cross-entropy and accuracy by
    argmax; regression: mean squared error and R² in the accuracy's place (core.tasks.Task.row_stats, the
    training loop's own sums)."""
    if task != BINARY_TASK:
        sums = task.row_stats(logits, y).double()
        return sums[:, 0] / y.numel(), sums[:, 1] / y.numel()
    z = logits[:, 0, :]
    target = y.reshape(1, -1).expand_as(z)
    loss = F.binary_cross_entropy_with_logits(z, target, reduction="none").mean(dim=-1)
    accuracy = (z >= 0).eq(target > 0.5).sum(dim=-1, dtype=torch.float64) / z.shape[-1]    # exact counts
    return loss, accuracy


# --------------------------------------------------------------------------- parameters as one vector
@dataclass(frozen=True)
class Layout:
    """Where each parameter of an MLP sits in its flat vector (the order of model.parameters(), as
    core.training.flatten_state and RunResult.replay_params lay them out)."""

    names: tuple[str, ...]
    shapes: tuple[tuple[int, ...], ...]
    offsets: tuple[int, ...]
    size: int                    # D: parameter values in all

    def span(self, name: str) -> tuple[int, int]:
        """(start, end) of parameter `name` in the flat vector."""
        i = self.names.index(name)
        return self.offsets[i], self.offsets[i] + math.prod(self.shapes[i])


def layout_of(model: MLP) -> Layout:
    names, shapes, offsets, offset = [], [], [], 0
    for name, p in model.named_parameters():
        names.append(name)
        shapes.append(tuple(p.shape))
        offsets.append(offset)
        offset += p.numel()
    return Layout(tuple(names), tuple(shapes), tuple(offsets), offset)


def flat_params(state_dict: Mapping[str, torch.Tensor], layout: Layout) -> torch.Tensor:
    """The parameters of a state_dict as one float32 vector [D] in `layout`'s order."""
    return torch.cat([state_dict[name].detach().float().reshape(-1) for name in layout.names])


def is_filter(name: str, shape: tuple[int, ...]) -> bool:
    """Whether a parameter is a linear layer's weight matrix: the only entries a direction moves."""
    return name.startswith("fc") and name.endswith(".weight") and len(shape) == 2


def filter_normalized(theta: torch.Tensor, layout: Layout, generator: torch.Generator) -> torch.Tensor:
    """A random direction [D] scaled filter by filter to theta (Li et al. 2018): each output row of each
    weight matrix is a Gaussian row rescaled to the norm of theta's row; biases and batch-norm
    parameters are 0."""
    direction = torch.zeros_like(theta)
    for name, shape, start in zip(layout.names, layout.shapes, layout.offsets):
        if not is_filter(name, shape):
            continue
        end = start + math.prod(shape)
        rows = torch.randn(shape, generator=generator)
        target = theta[start:end].view(shape).norm(dim=1, keepdim=True)
        direction[start:end] = (rows * (target / (rows.norm(dim=1, keepdim=True) + 1e-10))).reshape(-1)
    return direction


def pca_directions(points: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, tuple[float, float]]:
    """(u, v, (r1, r2)): the first two principal directions [D] of the rows of `points` [k, D] (PCA:
    rows centred on their mean, as Li et al. 2018 do with sklearn), orthonormal, and the share of the
    variance each explains. Signs are chosen so that the first row has coordinates >= 0."""
    if points.shape[0] < 2:
        raise ValueError("a path needs at least two recorded epochs with finite parameters")
    x = points.double()
    _, s, vh = torch.linalg.svd(x - x.mean(dim=0), full_matrices=False)
    variance = s.square()
    total = float(variance.sum())
    ratios = tuple(float(r) / total if total > 0 else 0.0 for r in variance[:2])
    u, v = vh[0], vh[1] if vh.shape[0] > 1 else _orthogonal(vh[0])
    u = u if float(x[0] @ u) >= 0 else -u
    v = v if float(x[0] @ v) >= 0 else -v
    return u, v, (ratios[0], ratios[1] if len(ratios) > 1 else 0.0)


def _orthogonal(u: torch.Tensor) -> torch.Tensor:
    """A unit vector orthogonal to unit u (the second direction of a path that spans one)."""
    e = torch.zeros_like(u)
    e[int(torch.argmin(u.abs()))] = 1.0
    w = e - (e @ u) * u
    return w / w.norm()


# --------------------------------------------------------------------------- batched evaluation
class Evaluator:
    """Loss and accuracy of many parameter vectors of one network on one set of rows, all at once.

        ev = Evaluator(config, best_state, X, y)
        loss, acc = ev.on_plane(origin, basis, coeffs)   # points origin + coeffs @ basis, [P] each

    `buffers` is a state_dict whose batch-norm running statistics every point uses (eval mode).
    """

    def __init__(self, config: RunConfig, buffers: Mapping[str, torch.Tensor], X: torch.Tensor, y: torch.Tensor):
        model = build_model(config)
        self.config, self.layout = config, layout_of(model)
        self.n_linear = model.n_linear
        self.widths = [m.out_features for m in model.linears()]
        self.act = activation_fn(config.activation, config.leaky_slope)
        self.norms = [_norm_stats(model, buffers, k) for k in range(1, self.n_linear)] if config.batch_norm else []
        self.X = choices.expand_columns(torch, X.t().contiguous(), config.features)      # [F, N], as MLP
        self.y = y.reshape(-1)
        self.task = task_of(config)
        self.n_rows = self.X.shape[1]
        self.chunk = chunk_size(self.layout.size, self.n_rows, max(self.widths))

    def logits(self, thetas: torch.Tensor) -> torch.Tensor:
        """Logits [P, K, N] of the points thetas [P, D]: one batched product per layer."""
        P, N = thetas.shape[0], self.n_rows
        x = self.X
        for k in range(1, self.n_linear + 1):
            w0, w1 = self.layout.span(f"fc{k}.weight")
            b0, b1 = self.layout.span(f"fc{k}.bias")
            n_out = self.widths[k - 1]
            weight = thetas[:, w0:w1].reshape(P, n_out, -1)
            bias = thetas[:, b0:b1].reshape(P, n_out, 1)
            if k == 1:      # the input is shared: one [P*out, F] @ [F, N] product
                h = torch.addmm(bias.reshape(P * n_out, 1), weight.reshape(P * n_out, -1), x).view(P, n_out, N)
            else:
                h = torch.baddbmm(bias, weight, x)
            if k == self.n_linear:
                return h
            if self.norms:
                h = self._batch_norm(h, thetas, k)
            x = self.act(h)
        raise AssertionError("unreachable")

    def _batch_norm(self, h: torch.Tensor, thetas: torch.Tensor, k: int) -> torch.Tensor:
        """BatchNorm1d in eval mode: theta*'s running statistics, each point's own scale and shift."""
        mean, inv_std = self.norms[k - 1]
        g0, g1 = self.layout.span(f"bn{k}.weight")
        s0, s1 = self.layout.span(f"bn{k}.bias")
        scale = thetas[:, g0:g1].unsqueeze(2) * inv_std
        return torch.addcmul(thetas[:, s0:s1].unsqueeze(2), h - mean, scale)

    @torch.no_grad()
    def evaluate(self, thetas: torch.Tensor) -> tuple[np.ndarray, np.ndarray]:
        """(loss [P], accuracy [P]) at the points thetas [P, D] (float64 arrays)."""
        return self._scores(len(thetas), lambda start, end: thetas[start:end].float())

    @torch.no_grad()
    def on_plane(self, origin: torch.Tensor, basis: torch.Tensor,
                 coeffs: torch.Tensor) -> tuple[np.ndarray, np.ndarray]:
        """(loss [P], accuracy [P]) at the points origin + coeffs @ basis (origin [D], basis [k, D], coeffs [P, k]):
        each chunk's parameters are built by one product (a point with coefficients 0 is the origin exactly)."""
        origin, basis, coeffs = origin.float(), basis.float(), coeffs.float()
        return self._scores(len(coeffs), lambda start, end: torch.addmm(origin, coeffs[start:end], basis))

    def _scores(self, n: int, points) -> tuple[np.ndarray, np.ndarray]:
        loss, accuracy = np.empty(n), np.empty(n)
        for start in range(0, n, self.chunk):
            end = min(n, start + self.chunk)
            chunk_loss, chunk_acc = scores(self.logits(points(start, end)), self.y, self.task)
            loss[start:end], accuracy[start:end] = chunk_loss.double().numpy(), chunk_acc.double().numpy()
        return loss, accuracy


def _norm_stats(model: MLP, buffers: Mapping[str, torch.Tensor], k: int) -> tuple[torch.Tensor, torch.Tensor]:
    """(running mean [out, 1], 1 / sqrt(running var + eps) [out, 1]) of batch-norm layer k in `buffers`."""
    eps = getattr(model, f"bn{k}").eps
    mean = buffers[f"bn{k}.running_mean"].float().view(-1, 1)
    var = buffers[f"bn{k}.running_var"].float().view(-1, 1)
    return mean, torch.rsqrt(var + eps)


def chunk_size(n_params: int, n_rows: int, width: int) -> int:
    """Points per chunk: activations [P, width, N] and parameters [P, D] within MAX_BUFFER floats each."""
    return max(1, min(MAX_BUFFER // max(1, n_rows * width), MAX_BUFFER // max(1, n_params)))


# --------------------------------------------------------------------------- checks and the budget
def check_grid(grid: int) -> int:
    """The grid size as an int; ConfigError unless an odd integer in [MIN_GRID, MAX_GRID]."""
    allowed = f"an odd integer in [{MIN_GRID}, {MAX_GRID}]"
    allowed_zh = f"[{MIN_GRID}, {MAX_GRID}] 之间的奇数"
    try:
        value = int(grid)
        ok = value == float(grid)
    except (TypeError, ValueError, OverflowError):
        ok = False
    if not ok:
        raise ConfigError("grid", grid, allowed, "not an integer", "不是整数", allowed_zh=allowed_zh)
    if not MIN_GRID <= value <= MAX_GRID:
        raise ConfigError("grid", grid, allowed, f"{value} x {value} points is outside the allowed sizes",
                          f"{value} x {value} 个点超出允许的大小", allowed_zh=allowed_zh)
    if value % 2 == 0:
        raise ConfigError("grid", grid, allowed, "even: the centre theta* would not be a grid point",
                          "偶数：中心 θ* 不会落在网格点上", allowed_zh=allowed_zh)
    return value


def check_span(span: float) -> float:
    """The span as a float; ConfigError unless a finite number in [MIN_SPAN, MAX_SPAN]."""
    allowed = f"a number in [{MIN_SPAN:g}, {MAX_SPAN:g}] (1 = one filter norm)"
    allowed_zh = f"[{MIN_SPAN:g}, {MAX_SPAN:g}] 之间的数（1 表示一个滤波器范数）"
    try:
        value = float(span)
    except (TypeError, ValueError):
        raise ConfigError("span", span, allowed, "not a number", "不是数字", allowed_zh=allowed_zh) from None
    if not math.isfinite(value) or not MIN_SPAN <= value <= MAX_SPAN:
        raise ConfigError("span", span, allowed, "outside the allowed range", "超出允许范围", allowed_zh=allowed_zh)
    return value


def estimate_seconds(config: RunConfig, points: int, rows: int) -> float:
    """Estimated seconds to evaluate `points` parameter vectors of the config's network on `rows` rows."""
    units = sum(config.hidden) * (3 if config.batch_norm else 1) + config.layer_sizes[-1]
    per_row = SECONDS_PER_UNIT * units + SECONDS_PER_FLOP * config.n_params
    return SECONDS_FIXED + float(points) * rows * per_row


def check_budget(config: RunConfig, points: int, rows: int) -> float:
    """The estimate of estimate_seconds; ConfigError (naming the grid) if it is above MAX_SECONDS."""
    seconds = estimate_seconds(config, points, rows)
    if seconds > MAX_SECONDS:
        side = round(math.sqrt(points))
        raise ConfigError(
            "grid", side, f"an estimated time <= {MAX_SECONDS:.0f} s",
            f"{points:,} points on {rows:,} rows of a network with {config.n_params:,} parameters would take "
            f"about {seconds:,.0f} s: choose a smaller grid, fewer samples or a smaller network",
            f"在 {rows:,} 个样本上计算 {points:,} 个点（网络有 {config.n_params:,} 个参数）预计约需 {seconds:,.0f} 秒："
            f"请选择更小的网格、更少的样本或更小的网络",
            allowed_zh=f"预计时间 <= {MAX_SECONDS:.0f} 秒")
    return seconds


# --------------------------------------------------------------------------- what a run gives
@dataclass
class Landscape:
    """A loss surface on a plane of parameter space, origin + a u + b v, and paths drawn on it.

    surface: a, b, loss, accuracy (train split), one row per grid point, a varying fastest.
    paths: run, epoch, a, b, loss, accuracy: each recorded theta_s projected on the plane, with its own
    (unprojected) train loss and accuracy; empty for a random slice.
    marks: run, what ('minimum', 'start', 'best'), a, b, loss: the points a chart marks (in drawing order).
    explained: the variance share of u and v (PCA planes; NaN for a random slice).
    """

    surface: pd.DataFrame
    paths: pd.DataFrame
    marks: pd.DataFrame
    explained: tuple[float, float]
    origin: torch.Tensor
    u: torch.Tensor
    v: torch.Tensor
    seconds: float = 0.0

    def values(self) -> np.ndarray:
        """The surface's train loss as a [len(b), len(a)] array (row i: the i-th b)."""
        a = self.surface["a"].unique()
        return self.surface["loss"].to_numpy().reshape(-1, len(a))


def axis_values(lo: float, hi: float, n: int) -> np.ndarray:
    """n evenly spaced values from lo to hi; for lo = -hi and odd n the middle one is exactly 0."""
    k = np.arange(n, dtype=np.float64)
    return (k * hi + (n - 1 - k) * lo) / (n - 1)


def run_data(result, data: Splits | None = None) -> Splits:
    return data if data is not None else make_splits(result.config)


def _thetas(result) -> tuple[Layout, torch.Tensor, torch.Tensor]:
    """(layout, theta_0, theta*) of a RunResult: the recorded first parameters and the best-dev ones."""
    layout = layout_of(build_model(result.config))
    theta0 = result.replay_params[0, : layout.size].float()
    return layout, theta0, flat_params(result.state_dict, layout)


def interpolation(result, data: Splits | None = None, points: int = LINE_POINTS,
                  alphas: tuple[float, float] = LINE_RANGE) -> pd.DataFrame:
    """alpha, split ('train', 'dev'), loss, accuracy along theta(alpha) = (1 - alpha) theta_0 + alpha theta*,
    alpha from -0.5 to 1.5 (exactly theta_0 at alpha = 0 and theta* at alpha = 1)."""
    data = run_data(result, data)
    layout, theta0, theta_star = _thetas(result)
    alpha = (np.arange(points) * (alphas[1] - alphas[0]) + alphas[0] * (points - 1)) / (points - 1)
    coeffs = torch.from_numpy(np.stack([1.0 - alpha, alpha], axis=1))
    basis = torch.stack([theta0, theta_star])
    frames = []
    for split, X, y in (("train", data.X_train, data.y_train), ("dev", data.X_dev, data.y_dev)):
        check_budget(result.config, points, len(y))
        loss, accuracy = Evaluator(result.config, result.state_dict, X, y).on_plane(
            torch.zeros(layout.size), basis, coeffs)
        frames.append(pd.DataFrame({"alpha": alpha, "split": split, "loss": loss, "accuracy": accuracy}))
    return pd.concat(frames, ignore_index=True)


def random_slice(result, grid: int = DEFAULT_GRID, span: float = DEFAULT_SPAN,
                 data: Splits | None = None) -> Landscape:
    """Train loss on the grid theta* + a d1 + b d2, a and b in [-span, span] (grid x grid points, theta* in
    the centre), d1 and d2 filter-normalized random directions drawn in that order from a generator seeded
    with the run's seed."""
    grid, span = check_grid(grid), check_span(span)
    data = run_data(result, data)
    check_budget(result.config, grid * grid, len(data.y_train))
    layout, _, theta_star = _thetas(result)
    generator = torch.Generator().manual_seed(int(result.config.seed))
    d1 = filter_normalized(theta_star, layout, generator)
    d2 = filter_normalized(theta_star, layout, generator)
    axis = axis_values(-span, span, grid)
    evaluator = Evaluator(result.config, result.state_dict, data.X_train, data.y_train)
    surface = _surface(evaluator, theta_star, d1, d2, axis, axis)
    centre = surface.iloc[[len(surface) // 2]]
    marks = pd.concat([_minimum(surface), _mark(centre, "", "best")], ignore_index=True)
    return Landscape(surface, _no_paths(), marks, (math.nan, math.nan), theta_star, d1, d2)


def training_path(result, grid: int = DEFAULT_GRID, data: Splits | None = None) -> Landscape:
    """The run's recorded theta_s on the plane of the first two principal directions of theta_s - theta*,
    theta* at the origin, and the train loss on a grid x grid cover of the path (PATH_MARGIN beyond it)."""
    grid = check_grid(grid)
    data = run_data(result, data)
    layout, _, theta_star = _thetas(result)
    epochs, recorded = _recorded(result, layout)
    check_budget(result.config, grid * grid + len(recorded), len(data.y_train))
    u, v, explained = pca_directions(recorded - theta_star)
    evaluator = Evaluator(result.config, result.state_dict, data.X_train, data.y_train)
    path = _path(evaluator, "", epochs, recorded, theta_star, u, v)
    best = pd.DataFrame({"run": [""], "epoch": [result.best_epoch + 1], "a": [0.0], "b": [0.0]})
    a_axis, b_axis = _cover(pd.concat([path, best]), grid)
    surface = _surface(evaluator, theta_star, u.float(), v.float(), a_axis, b_axis)
    best["loss"] = evaluator.evaluate(theta_star[None])[0]
    marks = pd.concat([_minimum(surface), _mark(path.iloc[[0]], "", "start"), _mark(best, "", "best")],
                      ignore_index=True)
    return Landscape(surface, path, marks, explained, theta_star, u.float(), v.float())


# --------------------------------------------------------------------------- optimizers racing
@dataclass(frozen=True)
class Racer:
    """One optimizer of the race: the config fields it sets and its default learning rate."""

    name: str
    changes: tuple[tuple[str, object], ...]
    lr: float


RACERS: dict[str, Racer] = {r.name: r for r in (
    Racer("sgd", (("optimizer", "sgd"), ("momentum", 0.0), ("nesterov", False)), 0.2),
    Racer("momentum", (("optimizer", "sgd"), ("momentum", 0.9), ("nesterov", False)), 0.2),
    Racer("nesterov", (("optimizer", "sgd"), ("momentum", 0.9), ("nesterov", True)), 0.2),
    Racer("adam", (("optimizer", "adam"),), 0.01),
    Racer("rmsprop", (("optimizer", "rmsprop"), ("momentum", 0.0)), 0.01),
)}
DEFAULT_RACE = ("sgd", "momentum", "adam")


def race_configs(config: RunConfig, lrs: Mapping[str, float]) -> dict[str, RunConfig]:
    """{racer: config} for the racers named in `lrs` (racer -> learning rate): the config with that
    optimizer and lr, everything else (data, network, seed, so theta_0) unchanged. ConfigError for an
    unknown racer, a bad lr or racers that together exceed the time budget of a lesson's runs."""
    if not lrs:
        raise ConfigError("racers", "", ", ".join(RACERS), "choose at least one optimizer", "请至少选择一个优化器")
    configs = {}
    for name, lr in lrs.items():
        if name not in RACERS:
            raise ConfigError("racers", name, ", ".join(RACERS), "unknown optimizer", "未知的优化器")
        configs[name] = config.replace(**dict(RACERS[name].changes), lr=lr)
    check_runs_time(list(configs.values()), "lr")
    return configs


def race(results: Mapping[str, object], grid: int = DEFAULT_GRID, data: Splits | None = None) -> Landscape:
    """The paths of runs that started from one theta_0 (race_configs) on one plane: the first two principal
    directions of all their recorded theta_s together, anchored at theta_0, with the train loss on a
    grid x grid cover of every path (the surface's own network and data are the first run's)."""
    grid = check_grid(grid)
    first = next(iter(results.values()))
    data = run_data(first, data)
    layout, theta0, _ = _thetas(first)
    recorded = {name: _recorded(r, layout) for name, r in results.items()}
    for name, r in results.items():
        if not torch.equal(r.replay_params[0, : layout.size].float(), theta0):
            raise ValueError(f"run {name!r} did not start from the same theta_0")
    n_path = sum(len(points) for _, points in recorded.values())
    check_budget(first.config, grid * grid + n_path + len(results), len(data.y_train))
    u, v, explained = pca_directions(torch.cat([points for _, points in recorded.values()]) - theta0)
    evaluator = Evaluator(first.config, first.state_dict, data.X_train, data.y_train)
    paths = pd.concat([_path(evaluator, name, *recorded[name], theta0, u, v) for name in results],
                      ignore_index=True)
    bests = []
    for name, r in results.items():
        theta = flat_params(r.state_dict, layout)
        a, b = _project(theta[None] - theta0, u, v)
        bests.append(pd.DataFrame({"run": [name], "epoch": [r.best_epoch + 1], "a": a, "b": b,
                                   "loss": evaluator.evaluate(theta[None])[0]}))
    best = pd.concat(bests, ignore_index=True)
    a_axis, b_axis = _cover(pd.concat([paths, best]), grid)
    surface = _surface(evaluator, theta0, u.float(), v.float(), a_axis, b_axis)
    marks = pd.concat([_minimum(surface), _mark(paths.iloc[[0]], "", "start"), _mark(best, None, "best")],
                      ignore_index=True)
    return Landscape(surface, paths, marks, explained, theta0, u.float(), v.float())


# --------------------------------------------------------------------------- pieces of the views
def _recorded(result, layout: Layout) -> tuple[np.ndarray, torch.Tensor]:
    """(epochs s, theta_s [k, D]) recorded by the run, rows with non-finite parameters left out."""
    if result.replay_params is None:
        raise ValueError("this run recorded no parameters")
    params = result.replay_params[:, : layout.size].float()
    finite = torch.isfinite(params).all(dim=1)
    return np.asarray(result.replay_epochs)[finite.numpy()], params[finite]


def _project(offsets: torch.Tensor, u: torch.Tensor, v: torch.Tensor) -> tuple[np.ndarray, np.ndarray]:
    x = offsets.double()
    return (x @ u).numpy(), (x @ v).numpy()


def _path(evaluator: Evaluator, run: str, epochs: np.ndarray, recorded: torch.Tensor, origin: torch.Tensor,
          u: torch.Tensor, v: torch.Tensor) -> pd.DataFrame:
    a, b = _project(recorded - origin, u, v)
    loss, accuracy = evaluator.evaluate(recorded)
    return pd.DataFrame({"run": run, "epoch": epochs.astype(int), "a": a, "b": b, "loss": loss, "accuracy": accuracy})


def _cover(points: pd.DataFrame, grid: int) -> tuple[np.ndarray, np.ndarray]:
    """Axis values that cover the points' a and b (and 0), PATH_MARGIN of their range beyond them."""
    axes = []
    for column in ("a", "b"):
        values = np.append(points[column].to_numpy(dtype=float), 0.0)
        lo, hi = float(values.min()), float(values.max())
        pad = PATH_MARGIN * (hi - lo) or 1e-3 * max(1.0, abs(lo))
        axes.append(axis_values(lo - pad, hi + pad, grid))
    return axes[0], axes[1]


def _surface(evaluator: Evaluator, origin: torch.Tensor, u: torch.Tensor, v: torch.Tensor,
             a_axis: np.ndarray, b_axis: np.ndarray) -> pd.DataFrame:
    """a, b, loss, accuracy at origin + a u + b v for every (b, a) of the axes, in one batched evaluation."""
    a, b = np.meshgrid(a_axis, b_axis)
    coeffs = torch.from_numpy(np.stack([a.reshape(-1), b.reshape(-1)], axis=1))
    loss, accuracy = evaluator.on_plane(origin, torch.stack([u, v]), coeffs)
    return pd.DataFrame({"a": a.reshape(-1), "b": b.reshape(-1), "loss": loss, "accuracy": accuracy})


def _mark(rows: pd.DataFrame, run: str | None, what: str) -> pd.DataFrame:
    out = rows[["a", "b", "loss"]].copy()
    out.insert(0, "what", what)
    out.insert(0, "run", rows["run"].to_numpy() if run is None else run)
    return out.reset_index(drop=True)


def _minimum(surface: pd.DataFrame) -> pd.DataFrame:
    """The grid point of the lowest finite loss, as a mark."""
    finite = surface[np.isfinite(surface["loss"])]
    lowest = finite.loc[[finite["loss"].idxmin()]] if len(finite) else finite
    return _mark(lowest, "", "minimum")


def _no_paths() -> pd.DataFrame:
    return pd.DataFrame({"run": pd.Series(dtype=str), "epoch": pd.Series(dtype=int), "a": pd.Series(dtype=float),
                         "b": pd.Series(dtype=float), "loss": pd.Series(dtype=float),
                         "accuracy": pd.Series(dtype=float)})


# --------------------------------------------------------------------------- contour lines
# Marching squares: a cell's corners above/below a level give one of 16 cases; each case crosses the cell
# by 0, 1 or 2 segments between edge midpoints (interpolated linearly). Corners: 0 (a, b), 1 (a+1, b),
# 2 (a+1, b+1), 3 (a, b+1); edge e joins corner e and corner e+1 (mod 4). Saddles (5, 10) use the centre.
_CASES: dict[int, tuple[tuple[int, int], ...]] = {
    1: ((3, 0),), 2: ((0, 1),), 3: ((3, 1),), 4: ((1, 2),), 6: ((0, 2),), 7: ((3, 2),), 8: ((2, 3),),
    9: ((0, 2),), 11: ((1, 2),), 12: ((1, 3),), 13: ((0, 1),), 14: ((3, 0),),
}
_SADDLES = {5: (((3, 0), (1, 2)), ((0, 1), (2, 3))), 10: (((0, 1), (2, 3)), ((3, 0), (1, 2)))}  # centre low, high


def contour_levels(values: np.ndarray, n: int = 10) -> np.ndarray:
    """n levels between the smallest and largest finite positive value, evenly spaced in log scale."""
    finite = values[np.isfinite(values) & (values > 0)]
    if finite.size == 0 or finite.min() == finite.max():
        return np.zeros(0)
    return np.geomspace(finite.min(), finite.max(), n + 2)[1:-1]


def contour_segments(values: np.ndarray, a_axis: np.ndarray, b_axis: np.ndarray,
                     levels: np.ndarray) -> pd.DataFrame:
    """level, a, b, a2, b2: the line segments of each level's contour through a grid of values
    [len(b_axis), len(a_axis)] (marching squares; non-finite values count as above every level)."""
    z = np.where(np.isfinite(values), values, np.inf)
    shape = (len(b_axis) - 1, len(a_axis) - 1)
    corners = [z[:-1, :-1], z[:-1, 1:], z[1:, 1:], z[1:, :-1]]
    a_lo, a_hi = np.broadcast_to(a_axis[None, :-1], shape), np.broadcast_to(a_axis[None, 1:], shape)
    b_lo, b_hi = np.broadcast_to(b_axis[:-1, None], shape), np.broadcast_to(b_axis[1:, None], shape)
    where = [(a_lo, b_lo), (a_hi, b_lo), (a_hi, b_hi), (a_lo, b_hi)]
    parts = []
    for level in levels:
        above = [c >= level for c in corners]
        case = above[0] * 1 + above[1] * 2 + above[2] * 4 + above[3] * 8
        centre_high = np.mean([np.minimum(c, np.finfo(float).max) for c in corners], axis=0) >= level
        pairs = [(case == c, edges) for c, edges in _CASES.items()]
        for c, (low, high) in _SADDLES.items():
            pairs += [((case == c) & ~centre_high, low), ((case == c) & centre_high, high)]
        for mask, edges in pairs:
            if not mask.any():
                continue
            for e1, e2 in edges:
                a1, b1 = _crossing(corners, where, level, e1, mask)
                a2, b2 = _crossing(corners, where, level, e2, mask)
                parts.append(pd.DataFrame({"level": level, "a": a1, "b": b1, "a2": a2, "b2": b2}))
    if not parts:
        return pd.DataFrame({"level": [], "a": [], "b": [], "a2": [], "b2": []})
    return pd.concat(parts, ignore_index=True)


def _crossing(corners: list[np.ndarray], where: list[tuple[np.ndarray, np.ndarray]], level: float, edge: int,
              mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where `level` crosses edge `edge` (corner edge to corner edge + 1) of the masked cells, interpolated
    linearly between the two corners' values."""
    i, j = edge, (edge + 1) % 4
    zi, zj = corners[i][mask], corners[j][mask]
    with np.errstate(invalid="ignore", divide="ignore"):
        t = np.nan_to_num(np.clip((level - zi) / (zj - zi), 0.0, 1.0), nan=0.5)
    (ai, bi), (aj, bj) = (w[mask] for w in where[i]), (w[mask] for w in where[j])
    return ai + t * (aj - ai), bi + t * (bj - bi)


def contours(landscape: Landscape, n: int = 10) -> pd.DataFrame:
    """The contour segments (contour_segments) of a landscape's surface at n log-spaced levels."""
    values = landscape.values()
    a_axis, b_axis = landscape.surface["a"].unique(), landscape.surface["b"].unique()
    return contour_segments(values, a_axis, b_axis, contour_levels(values, n))
