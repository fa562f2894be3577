"""Hand-written backpropagation checked against torch.autograd: what the "Autograd vs manual" page runs.

Gradients side by side (compare_gradients), centred finite differences (finite_difference_check),
training curves of both implementations (compare_training), seconds per step (step_time_samples:
warmed up, interleaved, repeated; summarized by summarize_step_times and step_time_ratios) and the
page's budgets: what runs on page load and how big each part may get (manual_config, overlay_epochs,
fd_entries, timing_sizes, timing_steps, ...). The network itself, written for reading, is ``core.manual``.
"""

from __future__ import annotations

import gc
import math
import time
from collections.abc import Callable, Sequence
from functools import partial

import pandas as pd
import torch

from .config import FIELD_BY_NAME, RunConfig
from .config import n_params as layer_params
from .data import task_of
from .manual import ManualMLP, network_inputs, require_no_batch_norm, train_autograd, train_manual, training_set
from .models import MLP, build_model
from .probes import data_loss, split_name
from .tasks import BINARY, BINARY_TASK, Task

Tensor = torch.Tensor


# =========================================================================== gradients
def _shape(t: Tensor) -> str:
    return "×".join(map(str, t.shape))


def autograd_gradients(model: MLP, X: Tensor, y: Tensor, task: Task = BINARY_TASK) -> dict[str, Tensor]:
    """dL/dtheta of the task's mean data loss (BCE, softmax cross-entropy, MSE) by torch.autograd, keyed
    "fc1.weight", ..."""
    names, params = zip(*model.named_parameters())
    grads = torch.autograd.grad(task.loss(model(X), y), params)
    return dict(zip(names, grads))


def _saturated_rows(net: ManualMLP, X: Tensor) -> int:
    """How many rows' output y_hat rounds to exactly 0 or 1 (where the book's BCELoss path gives 0 gradient);
    0 for K classes and regression, whose loss ops take the logits and have no such rows."""
    if net.task.kind != BINARY:
        return 0
    y_hat = net.forward(X)
    return int(((y_hat == 0) | (y_hat == 1)).sum())


def compare_gradients(config: RunConfig, dtype: torch.dtype = torch.float64, fused: bool = False) -> pd.DataFrame:
    """Hand-written vs autograd gradients of the training loss at the config's initial weights.

    The loss is the task's (core.data.task_of(config)): mean BCE for two classes, softmax cross-entropy
    for K classes, mean squared error for regression; every step sees the whole training set.

    One row per parameter (fc1.weight, fc1.bias, ...). Columns: layer, param, shape,
    manual_grad_l2, autograd_grad_l2 (L2 norms), max_abs_diff (largest |entry difference|),
    rel_diff (max_abs_diff / largest |autograd entry|, 0 if that is 0), loss_manual,
    loss_autograd (the mean loss each computed), saturated_rows (training rows whose y_hat is
    exactly 0 or 1; with fused=False their gradient is 0 by hand but not in autograd, so the
    two differ, see BCELoss; always 0 for K classes and regression). Computed in `dtype` (float64 by default).
    """
    require_no_batch_norm(config)
    task = task_of(config)
    X, y = training_set(config, dtype)
    inputs = network_inputs(config, X)          # by hand: the features, computed once; autograd's MLP takes X
    model = build_model(config).to(dtype)
    net = ManualMLP.from_model(model, fused=fused, task=task)
    loss_manual = float(net.loss(inputs, y))
    net.backward()
    manual = net.gradients()
    saturated = _saturated_rows(net, inputs)
    auto = autograd_gradients(model, X, y, task)
    with torch.no_grad():
        loss_auto = float(task.loss(model(X), y))
    rows = []
    for name, g_auto in auto.items():
        g_man = manual[name]
        layer, param = split_name(name)
        diff = float((g_man - g_auto).abs().max())
        scale = float(g_auto.abs().max())
        rows.append({
            "layer": layer, "param": param, "shape": _shape(g_auto),
            "manual_grad_l2": float(g_man.norm()), "autograd_grad_l2": float(g_auto.norm()),
            "max_abs_diff": diff, "rel_diff": diff / scale if scale > 0 else 0.0,
            "loss_manual": loss_manual, "loss_autograd": loss_auto, "saturated_rows": saturated,
        })
    return pd.DataFrame(rows)


def _near_kink(net: ManualMLP, X: Tensor, tol: float) -> dict[str, int]:
    """{"fc1": how many pre-activations |z| <= tol feed a ReLU-type kink, ...} for one forward pass."""
    counts = {f"fc{k}": 0 for k in range(1, len(net.linears) + 1)}
    if net.activation not in ("relu", "leaky_relu"):
        return counts
    out = X
    for k, (linear, act) in enumerate(zip(net.linears, net.hidden_acts), start=1):
        z = linear.forward(out)
        counts[f"fc{k}"] = int((z.abs() <= tol).sum())
        out = act.forward(z)
    return counts


def finite_difference_check(config: RunConfig, eps: float = 1e-6, dtype: torch.dtype = torch.float64,
                            max_entries: int | None = None, seed: int = 0, fused: bool = False) -> pd.DataFrame:
    """Hand-written gradients vs centred differences (L(theta + eps e_i) - L(theta - eps e_i)) / (2 eps).

    Costs two forward passes over the training set per checked entry, i.e. O(#params) forwards:
    fast for the chapter's small nets (the 2-5-1 net has 21 parameters). `max_entries` checks at
    most that many entries per parameter, drawn without replacement from a torch.Generator seeded
    with `seed` (None: every entry).

    One row per parameter. Columns: layer, param, shape, entries_checked, grad_l2 (hand-written,
    over the checked entries), fd_grad_l2, max_abs_diff, rel_error = ||g - g_fd|| / (||g|| + ||g_fd||)
    (0 when both are 0), fd_noise_l2 ~ sqrt(entries) * |L| * machine_eps / eps, the rounding noise
    of the differences: rel_error only means something when grad_l2 is well above it (with
    vanishing gradients it is not).

    near_kink counts the pre-activations z of the layer's units (rows x units) with |z| <= 10 eps
    when the hidden activation is relu or leaky_relu (0 otherwise, and for the output layer). At
    z = 0 the loss has a kink: backprop uses the one-sided slope torch uses (ReLU: 0), while the
    centred difference averages both sides, so a large rel_error for that layer, or for layers
    before it, is expected there and is not a bug. With zero biases this happens whenever all of
    a row's inputs to a layer are 0 (dead units upstream): z is then exactly 0.

    saturated_rows: training rows whose y_hat is exactly 0 or 1. With fused=False both the
    hand-written gradient and the differences of the (clamped) loss are ~0 there, so they agree
    and the check says nothing about those rows; compare_gradients shows the difference.
    Rows close to saturation are another matter: with fused=False the loss takes log(1 - y_hat)
    of an already rounded y_hat, so the loss itself carries more than fd_noise_l2 of noise and
    rel_error grows although the gradient is right (2-5-1 net: ~3e-7 at weight_std 10, ~5e-2
    at 40); fused=True evaluates the loss without that rounding and agrees again.
    """
    require_no_batch_norm(config)
    X, y = training_set(config, dtype)
    X = network_inputs(config, X)               # the input features, computed once
    net = ManualMLP.from_model(build_model(config), dtype, fused, task_of(config))
    loss = float(net.loss(X, y))
    net.backward()
    grads = {name: g.clone() for name, g in net.gradients().items()}
    near_kink = _near_kink(net, X, 10 * eps)
    saturated = _saturated_rows(net, X)
    generator = torch.Generator().manual_seed(seed)
    machine_eps = torch.finfo(dtype).eps
    rows = []
    for name, param in net.named_parameters():
        flat = param.view(-1)                       # a view: writing flat[i] changes the network
        if max_entries is None or max_entries >= flat.numel():
            index = torch.arange(flat.numel())
        else:
            index = torch.randperm(flat.numel(), generator=generator)[:max_entries].sort().values
        fd = torch.empty(len(index), dtype=dtype)
        for j, i in enumerate(index.tolist()):
            original = float(flat[i])
            flat[i] = original + eps
            loss_up = float(net.loss(X, y))
            flat[i] = original - eps
            loss_down = float(net.loss(X, y))
            flat[i] = original
            fd[j] = (loss_up - loss_down) / (2 * eps)
        g = grads[name].reshape(-1)[index]
        norm_g, norm_fd, norm_diff = float(g.norm()), float(fd.norm()), float((g - fd).norm())
        denom = norm_g + norm_fd
        layer, p = split_name(name)
        rows.append({
            "layer": layer, "param": p, "shape": _shape(param), "entries_checked": len(index),
            "grad_l2": norm_g, "fd_grad_l2": norm_fd, "max_abs_diff": float((g - fd).abs().max()),
            "rel_error": norm_diff / denom if denom > 0 else 0.0,
            "fd_noise_l2": math.sqrt(len(index)) * abs(loss) * machine_eps / eps,
            "near_kink": near_kink[layer], "saturated_rows": saturated,
        })
    return pd.DataFrame(rows)


# =========================================================================== training curves
def compare_training(config: RunConfig, epochs: int | None = None, dtype: torch.dtype = torch.float64,
                     fused: bool = False) -> pd.DataFrame:
    """Both runs as one tidy frame for an overlay chart: epoch, implementation ("manual" | "autograd"), train_loss."""
    manual = train_manual(config, epochs, dtype, fused).assign(implementation="manual")
    auto = train_autograd(config, epochs, dtype).assign(implementation="autograd")
    return pd.concat([manual, auto], ignore_index=True)[["epoch", "implementation", "train_loss"]]


# =========================================================================== timing
def _hidden_label(hidden: Sequence[int]) -> str:
    return ",".join(map(str, hidden)) or "none"


def _manual_step(net: ManualMLP, X: Tensor, y: Tensor, lr: float) -> None:
    net.loss(X, y)
    net.backward()
    net.step(lr)


def _autograd_step(model: MLP, optimizer: torch.optim.Optimizer, X: Tensor, y: Tensor) -> None:
    loss = data_loss(model(X), y)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()


CLOCKS: dict[str, Callable[[], float]] = {"thread": time.thread_time, "wall": time.perf_counter}


def timing_clock() -> str:
    """The clock step_time_samples uses by default: "thread" (CPU seconds of the timing thread, which time
    the OS gives to other programs or threads does not advance, so a busy server barely changes it) when
    torch computes in that one thread (torch.get_num_threads() == 1, as in the app) and the clock counts
    in microseconds or finer, else "wall" (time.perf_counter)."""
    fine = time.get_clock_info("thread_time").resolution <= 1e-6
    return "thread" if torch.get_num_threads() == 1 and fine else "wall"


def _seconds_per_step(step: Callable[[], None], steps: int, clock: Callable[[], float]) -> float:
    """Seconds per call of `step` on `clock`, over `steps` consecutive calls (garbage collection paused)."""
    gc_was_on = gc.isenabled()
    gc.disable()
    try:
        start = clock()
        for _ in range(steps):
            step()
        return (clock() - start) / steps
    finally:
        if gc_was_on:
            gc.enable()


def step_time_samples(hidden_sizes_list: Sequence[Sequence[int]], n_rows: int = 640, repeats: int | None = None,
                      steps: int | None = None, warmup: int | None = None, activation: str = "sigmoid",
                      dtype: torch.dtype = torch.float32, seed: int = 0, clock: str | None = None,
                      on_progress: Callable[[int, int], None] | None = None) -> pd.DataFrame:
    """Every timed sample of a full-batch training step (forward + backward + update), hand-written vs autograd.

    For each hidden-layer tuple (e.g. (5,), (32, 32); any widths), both implementations start
    from the same weights (core.models.MLP, N(0, 1) weights from a generator seeded with `seed`,
    zero biases) and train on the same n_rows random 2-D points and labels with lr 0.01.
    "autograd" is nn.Module + BCE-with-logits + loss.backward() + torch.optim.SGD; "manual" is
    ManualMLP. Defaults: TIMING_WARMUP, TIMING_REPEATS, TIMING_STEPS.

    1. Warm-up: `warmup` single steps of every network with both implementations, before anything
       is timed for real (the first calls pay for lazy initialisation, allocation and cold caches).
    2. `repeats` rounds; each round times `steps` consecutive steps of every network with both
       implementations in turn (networks in reverse order and the other implementation first on
       every other round), so a change of machine load during the measurement hits every network and
       both implementations alike. One sample = seconds per step over those `steps` steps.
    `clock`: "thread" (CPU time of this thread; undercounts when torch computes in several threads) or
    "wall"; None: timing_clock(). on_progress(done, repeats) after each round.

    Returns a tidy frame, one row per sample: phase ("warmup" | "timed"), round (0, 1, ...; the
    warm-up step's index in phase "warmup"), implementation ("manual" | "autograd"), hidden ("5,3"),
    params (int), seconds_per_step (float, with the current torch thread count), clock.
    Summaries use the timed rows only: summarize_step_times, step_time_ratios.
    """
    repeats = TIMING_REPEATS if repeats is None else repeats
    steps = TIMING_STEPS if steps is None else steps
    warmup = TIMING_WARMUP if warmup is None else warmup
    clock = timing_clock() if clock is None else clock
    if repeats < 1 or steps < 1 or warmup < 0 or clock not in CLOCKS:
        raise ValueError(f"need repeats >= 1, steps >= 1, warmup >= 0, clock in {list(CLOCKS)}; "
                         f"got {repeats}, {steps}, {warmup}, {clock!r}")
    generator = torch.Generator().manual_seed(seed)
    X = torch.randn((n_rows, 2), generator=generator, dtype=dtype)
    y = torch.randint(0, 2, (n_rows, 1), generator=generator).to(dtype)
    lr = 0.01
    nets = []                                   # (hidden label, params, {implementation: step})
    for hidden in hidden_sizes_list:
        model = MLP(tuple(hidden), activation)
        model.reset_parameters("normal", torch.Generator().manual_seed(seed))
        model = model.to(dtype)
        net = ManualMLP.from_model(model)
        optimizer = torch.optim.SGD(model.parameters(), lr=lr)
        nets.append((_hidden_label(hidden), sum(p.numel() for p in model.parameters()), {
            "manual": partial(_manual_step, net, X, y, lr),
            "autograd": partial(_autograd_step, model, optimizer, X, y),
        }))
    rows = []

    def sample(phase: str, index: int, label: str, params: int, name: str, step, n: int) -> None:
        rows.append({"phase": phase, "round": index, "implementation": name, "hidden": label, "params": params,
                     "seconds_per_step": _seconds_per_step(step, n, CLOCKS[clock]), "clock": clock})

    for i in range(warmup):
        for label, params, engines in nets:
            for name, step in engines.items():
                sample("warmup", i, label, params, name, step, 1)
    for r in range(repeats):
        order = nets if r % 2 == 0 else nets[::-1]
        for label, params, engines in order:
            pairs = list(engines.items())
            for name, step in (pairs if r % 2 == 0 else pairs[::-1]):
                sample("timed", r, label, params, name, step, steps)
        if on_progress is not None:
            on_progress(r + 1, repeats)
    return pd.DataFrame(rows, columns=["phase", "round", "implementation", "hidden", "params", "seconds_per_step",
                                       "clock"])


def _timed(samples: pd.DataFrame) -> pd.DataFrame:
    return samples[samples["phase"] == "timed"] if "phase" in samples.columns else samples


def _spread(values: pd.Series, prefix: str = "") -> dict[str, float]:
    return {f"{prefix}q1": float(values.quantile(0.25)), f"{prefix}q3": float(values.quantile(0.75)),
            f"{prefix}min": float(values.min()), f"{prefix}max": float(values.max())}


def summarize_step_times(samples: pd.DataFrame) -> pd.DataFrame:
    """Per network and implementation, the timed samples of step_time_samples (warm-up left out).

    Columns: implementation, hidden, params, seconds_per_step (the median), q1, q3 (the quartiles:
    the middle half of the samples lies between them), min, max, samples (how many). Networks in
    the order they were given, "manual" before "autograd".
    """
    timed = _timed(samples)
    rows = []
    for (hidden, name), group in timed.groupby(["hidden", "implementation"], sort=False):
        times = group["seconds_per_step"]
        rows.append({"implementation": name, "hidden": hidden, "params": int(group["params"].iloc[0]),
                     "seconds_per_step": float(times.median()), **_spread(times), "samples": len(times)})
    frame = pd.DataFrame(rows, columns=["implementation", "hidden", "params", "seconds_per_step", "q1", "q3",
                                        "min", "max", "samples"])
    order = {h: i for i, h in enumerate(timed["hidden"].unique())}
    key = frame["hidden"].map(order) * 2 + (frame["implementation"] == "autograd")
    return frame.iloc[key.argsort(kind="stable")].reset_index(drop=True)


def step_time_ratios(samples: pd.DataFrame) -> pd.DataFrame:
    """Per network, manual / autograd seconds of the same round (measured back to back, so load drift
    cancels): hidden, params, ratio (the median over rounds), ratio_q1, ratio_q3, ratio_min, ratio_max,
    samples. Below 1: the hand-written version is faster."""
    wide = _timed(samples).pivot_table(index=["hidden", "params", "round"], columns="implementation",
                                       values="seconds_per_step", sort=False)
    rows = []
    for (hidden, params), group in (wide["manual"] / wide["autograd"]).groupby(level=[0, 1], sort=False):
        rows.append({"hidden": hidden, "params": int(params), "ratio": float(group.median()),
                     **_spread(group, "ratio_"), "samples": len(group)})
    return pd.DataFrame(rows, columns=["hidden", "params", "ratio", "ratio_q1", "ratio_q3", "ratio_min", "ratio_max",
                                       "samples"])


def time_per_step(hidden_sizes_list: Sequence[Sequence[int]], n_rows: int = 640, repeats: int | None = None,
                  steps: int | None = None, warmup: int | None = None, activation: str = "sigmoid",
                  dtype: torch.dtype = torch.float32, seed: int = 0, clock: str | None = None) -> pd.DataFrame:
    """summarize_step_times(step_time_samples(...)): median seconds per step and its spread, per network and
    implementation (see both)."""
    return summarize_step_times(step_time_samples(hidden_sizes_list, n_rows, repeats, steps, warmup, activation,
                                                  dtype, seed, clock))


# --------------------------------------------------------------------------- the page's budgets
# settings of the sidebar that the hand-written side does not implement (it is plain full-batch GD)
IGNORED_FIELDS = ("batch_norm", "optimizer", "momentum", "nesterov", "beta1", "beta2", "batch_size",
                  "weight_decay", "l1", "clip_norm", "eval_steps")
OVERLAY_EPOCHS = 500        # at most this many epochs in the training-curve overlay
# work = multiply-adds of forward passes over the training set (passes x train rows x parameters);
# measured here: the overlay takes ~0.2 s + work / 2e9 s, the finite differences ~work / 4e9 s
CLICK_WORK = 3e9            # the most one part does even after a click (a few seconds)
OVERLAY_LOAD_WORK = 4e8     # overlay runs on page load up to this (about half a second)
FD_LOAD_WORK = 1e9          # finite-difference check runs on page load up to this (a quarter of a second)
FD_ENTRIES = 25             # finite-difference entries checked per parameter (all of them for the 2-5-1 net)
TIMING_SIZES: tuple[tuple[int, ...], ...] = ((5,), (5, 3), (3, 3, 3, 3), (16, 16), (64, 64), (64, 64, 64, 64),
                                             (256, 256))
TIMING_MAX_ROWS = 2000      # timing uses the config's training rows, at most this many
TIMING_WARMUP = 3           # untimed steps of every network and implementation before any is timed
TIMING_REPEATS = 15         # timed samples per network and implementation: the median and spread are over these
TIMING_STEPS = 4            # consecutive steps per sample
TIMING_MAX_STEPS = 64       # steps per network and implementation, warm-up included (a few seconds for all sizes)


def manual_config(config: RunConfig) -> tuple[RunConfig, list[str]]:
    """(the config the comparison runs, names of sidebar fields it ignores because they differ from the default).

    Both sides train with plain full-batch gradient descent at config.lr on the data loss only, so
    optimizer, momentum, mini-batches (book_iris' batch_size 16), L1/L2 penalties and clipping play no
    part, nor does eval_steps (nothing is evaluated on the dev set here); batch norm is switched off (the
    hand-written network has none).
    """
    ignored = [name for name in IGNORED_FIELDS if getattr(config, name) != FIELD_BY_NAME[name].default]
    return (config.replace(batch_norm=False) if config.batch_norm else config), ignored


def _forward_work(config: RunConfig) -> float:
    """Multiply-adds of one forward pass over the training set (train rows x parameters)."""
    return float(config.split_counts[0]) * config.n_params


def overlay_epochs(config: RunConfig) -> int:
    """Epochs of the training-curve overlay: min(config.epochs, 500), fewer for large nets/data (>= 1)."""
    return max(1, min(config.epochs, OVERLAY_EPOCHS, int(CLICK_WORK // _forward_work(config))))


def overlay_is_cheap(config: RunConfig) -> bool:
    """Whether the overlay may run on page load (else it waits for a button)."""
    return overlay_epochs(config) * _forward_work(config) <= OVERLAY_LOAD_WORK


def fd_entries(config: RunConfig) -> int:
    """Finite-difference entries per parameter: up to FD_ENTRIES, fewer when a forward pass is expensive."""
    n_tensors = 2 * (len(config.hidden) + 1)
    affordable = int(CLICK_WORK // (2 * n_tensors * _forward_work(config)))
    return max(1, min(FD_ENTRIES, affordable))


def fd_is_cheap(config: RunConfig) -> bool:
    """Whether the finite-difference check may run on page load (two forward passes per checked entry)."""
    n_tensors = 2 * (len(config.hidden) + 1)
    return 2 * n_tensors * fd_entries(config) * _forward_work(config) <= FD_LOAD_WORK


def timing_sizes(config: RunConfig) -> list[tuple[int, ...]]:
    """Hidden-layer tuples to time, by parameter count: TIMING_SIZES plus the config's own network."""
    sizes = set(TIMING_SIZES) | {tuple(config.hidden)}
    return sorted(sizes, key=lambda h: (n_params(h), h))


def n_params(hidden: Sequence[int]) -> int:
    """Weights and biases of the 2 -> hidden -> 1 network (sizes beyond the sidebar's limits too)."""
    return layer_params((2, *hidden, 1))


def timing_steps(warmup: int = TIMING_WARMUP, repeats: int = TIMING_REPEATS, steps: int = TIMING_STEPS) -> int:
    """Training steps that step_time_samples runs per network and implementation, warm-up included."""
    return warmup + repeats * steps


def timing_rows(config: RunConfig) -> int:
    """Rows per timed step: the config's training rows, at most TIMING_MAX_ROWS."""
    return min(config.split_counts[0], TIMING_MAX_ROWS)
