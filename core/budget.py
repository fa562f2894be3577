"""The compute budget: how long a training run takes, estimated before it starts.

A run of these tiny networks is dominated by per-op overhead, not by arithmetic: one optimizer step
of a 2-5-1 net costs the same ~0.3 ms whether its batch has 1 row or 640, and Adam's Python loop over
the parameter tensors costs more than the step's matrix products. So the estimate counts what
core.training.train() actually does:

    seconds = sum(COSTS[k] * f for k, f in features(config, n_train, n_dev).items())

with features such as optimizer steps, steps x linear layers, steps x parameter tensors per optimizer
kind, batch-norm layers, clipping, L1, the per-epoch dev evaluation and the arithmetic (rows x
parameters). The constants are wall-clock seconds on the reference machine (the 2-core development
container, torch 2.13 CPU, one torch thread per run), fitted by ``python -m bench.bench_budget --fit``,
which also prints predicted vs measured seconds for every calibration config (``python -m
bench.bench_budget`` checks them without refitting).

MAX_SECONDS caps one run (RunConfig validation refuses configs estimated above it); a sweep's batched
groups have their own rates (GROUP_COSTS, used by core.sweep.estimate_sweep_seconds).

Pure Python (no torch), like core.config, which imports it.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .config import RunConfig

MAX_SECONDS = 60.0       # one run, estimated on the reference machine
SWEEP_FACTOR = 3         # a sweep (all its configs) may take at most SWEEP_FACTOR * MAX_SECONDS

# optimizer kinds with their own per-tensor cost: torch.optim's CPU implementations loop over the
# parameter tensors in Python, a few ops per tensor ("sgd" here is SGD with momentum or weight decay;
# plain SGD is one fused update of the flat parameter vector and costs nothing extra)
OPT_KINDS = ("sgd", "adagrad", "adadelta", "rmsprop", "adam", "adamax", "nadam")

# Seconds per unit of each feature (see features()), on the reference machine. Fitted by
# `python -m bench.bench_budget --fit` (non-negative least squares on the relative error over 49 timed
# configs, then x1.2 so that under noise estimates err on the long side) and pasted here. A constant of 0
# means the fit found that feature's cost already covered by the others.
COSTS: dict[str, float] = {
    "run": 0.0098,            # per run: data, model, result frames
    "run_layer": 0.0,         # per run and linear layer (covered by run and run_flop)
    "run_flop": 1.1e-09,      # per run, per (train row x parameter): gradient tables, dead units, evaluation
    "epoch": 0.00016,         # per epoch: history, gradient norms, checkpoint bookkeeping, the fused full-batch step
    "epoch_tensor": 2.3e-06,  # per epoch and parameter tensor
    "fused_step": 0.0,        # per full-batch epoch without batch norm (covered by epoch)
    "batch_step": 0.00038,    # per mini-batch (or batch-norm) optimizer step: gather, forward, loss, step
    "batch_epoch": 0.00022,   # per mini-batch epoch: shuffle, dev evaluation, checkpoint
    "layer": 9.9e-05,         # per optimizer step and linear layer (forward + backward ops)
    "eval_layer": 0.0,        # per mini-batch epoch and linear layer (covered by batch_epoch and layer)
    "bn": 0.00018,            # per step (and dev evaluation) and batch-norm layer
    "opt_step": 0.00014,      # per step of a torch.optim optimizer (anything but plain SGD)
    "opt_sgd": 5.6e-05,       # per step and parameter tensor, by optimizer kind
    "opt_adagrad": 5.7e-05,
    "opt_adadelta": 8.8e-05,
    "opt_rmsprop": 6.2e-05,
    "opt_adam": 8.1e-05,
    "opt_adamax": 8.3e-05,
    "opt_nadam": 9.5e-05,
    "opt_elem": 0.0,          # per step and parameter value (covered by the per-tensor costs)
    "clip": 8e-05,            # per step with gradient clipping
    "l1": 7.1e-05,            # per step and linear layer with an L1 penalty
    "rows": 3e-08,            # per row and epoch: loss, metrics, gathering mini-batches
    "flop": 6.2e-11,          # per (row x parameter) of forward+backward work
    "elem": 1.4e-09,          # per (row x hidden unit) of activation work
    "bn_elem": 0.0,           # per (row x hidden unit) of batch-norm work (covered by elem and bn)
}

# A sweep's batched group (core.batched._Group): C configs of one shape over N = train+dev rows. Fitted by
# the same bench on its batched sweeps.
GROUP_COSTS: dict[str, float] = {
    "run": 0.26,              # per group part: buffers, initial weights, result rows, the sweep's data and frame
    "config": 9.7e-05,        # per config in a group
    "epoch": 0.0,             # per epoch (covered by layer)
    "layer": 3.2e-05,         # per epoch and linear layer
    "opt": 2.2e-06,           # per epoch of a momentum / weight-decay / Adam group
    "adam": 1.1e-05,          # per epoch, per (config + layer) of an Adam group (per-config scalars)
    "flop": 2.2e-11,          # per (config x row x parameter) per epoch
    "elem": 1.6e-09,          # per (config x row x hidden unit) per epoch
}


def optimizer_kind(config: RunConfig) -> str:
    """'plain' for SGD without momentum or weight decay (train()'s fused update), else the optimizer's name."""
    if config.optimizer == "sgd" and config.momentum == 0 and config.weight_decay == 0:
        return "plain"
    return config.optimizer


def steps_per_epoch(batch_size: int, n_train: int) -> int:
    """Optimizer steps per epoch on n_train rows (train()'s rule: 0 or >= n_train is one full batch)."""
    if batch_size <= 0 or batch_size >= n_train:
        return 1
    return math.ceil(n_train / batch_size)


def default_n_dev(config: RunConfig, n_train: int) -> int:
    """Dev rows that go with n_train training rows under the config's split fractions."""
    own_train, own_dev, _ = config.split_counts
    if n_train == own_train:
        return own_dev
    return max(1, round(n_train * config.dev_frac / config.train_frac))


def features(config: RunConfig, n_train: int | None = None, n_dev: int | None = None) -> dict[str, float]:
    """What one train(config) run on n_train training and n_dev dev rows does, counted (see COSTS)."""
    c = config
    n_train = c.split_counts[0] if n_train is None else int(n_train)
    n_dev = default_n_dev(c, n_train) if n_dev is None else int(n_dev)
    E = float(c.epochs)
    S = steps_per_epoch(c.batch_size, n_train)
    steps = E * S
    L = len(c.hidden) + 1                     # linear layers
    H = len(c.hidden) if c.batch_norm else 0  # batch-norm layers
    T = 2 * L + 2 * H                         # parameter tensors
    P = c.n_params + 2 * sum(c.hidden) * bool(c.batch_norm)
    U = sum(c.hidden)
    fused = S == 1 and not c.batch_norm
    kind = optimizer_kind(c)
    # rows through forward+backward (weighted 3: one forward, two backward products) and forward only
    rows = 3.0 * (n_train + n_dev) if fused else 3.0 * n_train + n_dev
    f = {key: 0.0 for key in COSTS}
    f.update({
        "run": 1.0, "run_layer": float(L), "run_flop": float(n_train) * P, "epoch": E, "epoch_tensor": E * T,
        "rows": E * (n_train + n_dev),
        "layer": steps * L, "flop": E * rows * P, "elem": E * rows * U,
    })
    if fused:
        f["fused_step"] = E
    else:
        f["batch_step"] = steps
        f["batch_epoch"] = E
        f["eval_layer"] = E * L
    if H:
        f["bn"] = (steps + E) * H
        f["bn_elem"] = E * rows * U
    if kind != "plain":
        f["opt_step"] = steps
        f[f"opt_{kind}"] = steps * T
        f["opt_elem"] = steps * P
    if c.clip_norm > 0:
        f["clip"] = steps
    if c.l1 > 0:
        f["l1"] = steps * L
    return f


def estimate_seconds(config: RunConfig, n_train: int | None = None, n_dev: int | None = None) -> float:
    """Estimated wall time of train(config) on the reference machine, in seconds.

    n_train / n_dev default to the config's own split; pass them for other data (an upload).
    """
    return sum(COSTS[k] * v for k, v in features(config, n_train, n_dev).items())


def parts(config: RunConfig, n_train: int | None = None, n_dev: int | None = None) -> dict[str, float]:
    """The estimate split into what a user can change: seconds due to the number of optimizer steps
    (epochs, batch size), the optimizer, batch norm, clipping / L1, and the arithmetic (rows x width)."""
    f = features(config, n_train, n_dev)
    cost = {k: COSTS[k] * v for k, v in f.items()}
    groups = {
        "optimizer": [k for k in cost if k.startswith("opt_")],
        "batch_norm": ["bn", "bn_elem"],
        "penalties": ["clip", "l1"],
        "arithmetic": ["flop", "elem", "rows", "run_flop"],
    }
    out = {name: sum(cost[k] for k in keys) for name, keys in groups.items()}
    out["steps"] = sum(cost.values()) - sum(out.values())
    return out


def group_features(configs: list[RunConfig], n_train: int, n_dev: int) -> dict[str, float]:
    """What one batched group part of a sweep (core.batched._Group over `configs`) does, counted."""
    c0 = configs[0]
    C, E, N = len(configs), float(c0.epochs), n_train + n_dev
    L = len(c0.hidden) + 1
    kinds = {optimizer_kind(c) for c in configs}
    adam = "adam" in kinds
    return {
        "run": 1.0, "config": float(C), "epoch": E, "layer": E * L,
        "opt": E if kinds != {"plain"} else 0.0,
        "adam": E * (C + L) if adam else 0.0,
        "flop": E * C * 3.0 * N * c0.n_params, "elem": E * C * 3.0 * N * sum(c0.hidden),
    }


def estimate_group_seconds(configs: list[RunConfig], n_train: int, n_dev: int) -> float:
    """Estimated wall time of one batched group part of a sweep, in seconds."""
    return sum(GROUP_COSTS[k] * v for k, v in group_features(configs, n_train, n_dev).items())

