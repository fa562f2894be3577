"""Hyperparameter sweeps: train every config of a grid and tabulate the outcome, one row per config.

    sweep(RunConfig(), {"hidden": [(5,), (5, 3)], "lr": [0.01, 1, 5], "seed": [0, 1, 2]})

Full-batch configs of one optimizer (SGD with any momentum, Nesterov and weight decay, or Adam with
any betas and weight decay; no L1, clipping or batch norm) that share the data, the network shape,
the activation and the epoch count are trained *together*: their parameters are stacked along a
leading config axis and one set of batched ops (``torch.bmm`` family, hand-written backward)
trains all of them per epoch. Each config keeps its own learning rate, optimizer hyperparameters
and initial weights (taken from ``build_model(config)``), so every row equals what
``core.training.train(config)`` reports. The batched ops mirror train()'s (forward
``addmm``/``baddbmm`` with the bias as the added term, backward over the train+dev columns with
zero weight on dev rows, autograd's own activation-backward kernels, torch.optim's own update
arithmetic). Whether a batched row is bit-identical to train()'s depends on the CPU: where the BLAS
rounds a batched product like a single one (the AMD EPYC / MKL development machine), it is; where
it sums in another order (seen on an AVX-512 Xeon), the two differ by float32 rounding carried
through training: same divergence epoch, best dev accuracy within one dev point, test loss within
~1e-6 x epochs relative, except for chaotic settings (Adam with beta2 < 0.99), where only the
accuracies agree (tests/numeric.py has the measurements). The same sweep run twice on one machine is
always bit-identical. Every other config (other optimizers, mini-batches, batch norm, L1,
clipping) falls back to ``train(config)`` and gives its numbers exactly.

Semantics per config are train()'s: epoch t's train metrics come from theta_t, one step gives
theta_{t+1}, dev is evaluated with theta_{t+1}; the best model is the first epoch with the
maximum dev accuracy among the (history's) epochs with a finite dev loss; test loss/accuracy are
the best model's; a config diverges at the first epoch whose train or dev loss is not finite
(its history stops there, so later epochs are no candidates). A config that diverges inside a
batch only fills its own slice with NaN/inf; the others are unaffected.

Speed (per-op overhead dominates for these tiny nets): one forward over the train+dev rows
(feature-major, W @ X^T) gives the train metrics of epoch t and the dev metrics of epoch t-1;
logits go into a preallocated per-chunk buffer and all metrics of a chunk of epochs are computed
in a few vectorised ops; parameters of successive epochs are written into a ring buffer by the
update op itself, so the best checkpoint is picked once per chunk without any copy or ``.item()``
per epoch.

No Streamlit here, no global RNG.
"""

from __future__ import annotations

import itertools
import math
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import pandas as pd
import torch

from . import budget
from .config import FIELD_BY_NAME, ConfigError, RunConfig
from .data import Splits, make_splits
from .models import build_model
from .training import evaluate, row_stats, train

MAX_CONFIGS = 200
# A sweep's estimated wall time (estimate_sweep_seconds) may be at most sweep_time_cap() =
# core.budget.SWEEP_FACTOR x core.budget.MAX_SECONDS (3 x 60 s); each config alone must fit MAX_SECONDS.
# Fields that may differ inside one batched group; group_key compares everything else that matters
# for full-batch plain SGD (data, hidden, activation, leaky_slope for leaky_relu, epochs).
BATCH_FREE = ("lr", "seed", "weight_init", "weight_mean", "weight_std", "weight_low", "weight_high",
              "weight_value", "bias_init", "momentum", "nesterov", "weight_decay", "beta1", "beta2")
BATCH_OPTIMIZERS = ("sgd", "adam")
ADAM_EPS = 1e-8          # torch.optim.Adam's default, as make_optimizer uses it
RESULT_COLUMNS = ["test_acc", "test_loss", "best_dev_acc", "best_epoch", "diverged", "diverged_at", "seconds",
                  "batched"]

MAX_BUFFER = 4_000_000   # float32 elements of one activation/logit buffer of a batched group (16 MB)
MAX_CHUNK = 250          # epochs between metric updates / progress calls / stop checks of a batched group
SAFE_LOGIT = 1e30        # |logit| below this on every row: the BCE sum is finite (rows <= 20000)
CHUNK_WORK = 1e8         # ... and fewer when a chunk's work (configs x rows x parameters x epochs) exceeds this

# on_progress(fraction_done in [0, 1], completed_rows, total_rows); fraction counts estimated seconds
Progress = Callable[[float, int, int], Any]
StopCheck = Callable[[], bool]


def sweep_time_cap() -> float:
    """The largest allowed estimated wall time of one sweep, in seconds (read at call time)."""
    return budget.SWEEP_FACTOR * budget.MAX_SECONDS


# --------------------------------------------------------------------------- grid validation
def validate_grid(base: RunConfig, grid: Mapping[str, Sequence[Any]]) -> list[RunConfig]:
    """Check a grid against the spec and the sweep caps; return its configs (cartesian product, last field fastest).

    Raises ConfigError naming the field for: unknown field names, empty or non-list value
    lists, values the spec rejects (alone or in combination with the base/other values), more
    than MAX_CONFIGS configs, or an estimated time (estimate_sweep_seconds) above sweep_time_cap().
    """
    lists = _value_lists(grid)
    _check_size(lists)
    fields = list(lists)
    columns = [_coerced_values(base, name, values) for name, values in lists.items()]
    configs = [_combination(base, fields, combo) for combo in itertools.product(*columns)]
    total = estimate_sweep_seconds(configs)
    cap = sweep_time_cap()
    if total > cap:
        widest = max(fields, key=lambda nm: len(lists[nm])) if fields else "epochs"
        raise ConfigError("epochs", lists.get("epochs", base.epochs), f"an estimated sweep time <= {cap:.0f} s",
                          f"sweep time budget exceeded (estimated {total:,.0f} s): lower epochs, n_samples or "
                          f"layer widths, or the number of values of {widest}, or use full-batch SGD or Adam "
                          f"without L1, clipping or batch norm (trained together in batches)",
                          f"超出网格搜索的时间预算（预计 {total:,.0f} 秒）：请减少训练轮数、样本数、每层神经元个数或 "
                          f"{widest} 的取值个数，或使用不带 L1、梯度截断和批量规范化的全批量 SGD 或 Adam"
                          f"（可批量并行训练）",
                          allowed_zh=f"预计网格搜索时间 <= {cap:.0f} 秒")
    return configs


def _value_lists(grid: Mapping[str, Sequence[Any]]) -> dict[str, list[Any]]:
    """{field: its list of values}: known fields, each with a non-empty list (numpy arrays accepted)."""
    if not isinstance(grid, Mapping):
        raise ConfigError("grid", grid, "a mapping of RunConfig field names to lists of values")
    lists: dict[str, list[Any]] = {}
    for name, values in grid.items():
        if name not in FIELD_BY_NAME:
            raise ConfigError(str(name)[:200], values, ", ".join(FIELD_BY_NAME), "unknown parameter", "未知参数")
        if hasattr(values, "tolist") and not isinstance(values, (str, bytes)):   # numpy array / pandas Series
            values = values.tolist()
        if isinstance(values, (str, bytes)) or not isinstance(values, Sequence) or len(values) == 0:
            raise ConfigError(name, values, f"a non-empty list of values, each: {FIELD_BY_NAME[name].allowed()}",
                              "not a list of values", "不是取值列表")
        lists[name] = list(values)
    return lists


def _check_size(lists: dict[str, list[Any]]) -> None:
    """At most MAX_CONFIGS combinations; the message names the field with the most values."""
    n_configs = math.prod(len(values) for values in lists.values())
    if n_configs > MAX_CONFIGS:
        widest = max(lists, key=lambda nm: len(lists[nm]))
        shape = " x ".join(f"{len(values)} {nm}" for nm, values in lists.items())
        raise ConfigError(widest, f"{len(lists[widest])} values", f"at most {MAX_CONFIGS} configs in all",
                          f"the grid has {n_configs} configs ({shape}): lower the number of values of "
                          f"{widest} or of another field",
                          f"网格共有 {n_configs} 组配置（{shape}）：请减少 {widest} 或其他参数的取值个数")


def _coerced_values(base: RunConfig, name: str, values: list[Any]) -> list[Any]:
    """Each value of one field as the spec reads it over `base` (e.g. hidden "5,3" -> (5, 3))."""
    coerced = []
    for value in values:
        try:
            coerced.append(getattr(base.replace(**{name: value}), name))
        except ConfigError as err:
            if err.field == name:
                raise
            raise ConfigError(name, value, err.allowed, f"with the base config: {err.message('en')}",
                              f"与基础配置冲突：{err.message('zh')}") from None
        except (TypeError, ValueError) as err:   # pragma: no cover - the spec raises ConfigError
            raise ConfigError(name, value, FIELD_BY_NAME[name].allowed()) from err
    return coerced


def _combination(base: RunConfig, fields: list[str], combo: tuple) -> RunConfig:
    """base with one combination of values; a combination the spec refuses is named in full."""
    try:
        return base.replace(**dict(zip(fields, combo)))
    except ConfigError as err:
        shown = ", ".join(f"{k}={v!r}" for k, v in zip(fields, combo))
        raise ConfigError(err.field, err.value, err.allowed, f"in the combination {shown}: {err.reason}",
                          f"组合 {shown} 中：{err.reason_zh or err.reason}") from None


# --------------------------------------------------------------------------- grouping
def batchable(config: RunConfig) -> bool:
    """Whether a config can be trained in a batched group: full batch, SGD (with any momentum, Nesterov
    and weight decay) or Adam (with any betas and weight decay), no L1, no clipping, no batch norm."""
    return (config.optimizer in BATCH_OPTIMIZERS and config.l1 == 0 and config.clip_norm == 0
            and not config.batch_norm and config.steps_per_epoch == 1)


def group_key(config: RunConfig) -> tuple:
    """Configs with equal keys are trained together; unbatchable configs get a key of their own."""
    if not batchable(config):
        return ("single", config)
    slope = config.leaky_slope if config.activation == "leaky_relu" else None
    data = (config.dataset, config.n_samples, config.noise, config.train_frac, config.dev_frac, config.data_seed)
    return ("batch", data, config.hidden, config.activation, slope, config.epochs, config.optimizer)


def _data_key(config: RunConfig) -> tuple:
    return (config.dataset, config.n_samples, config.noise, config.train_frac, config.dev_frac, config.data_seed)


def _part_size(config: RunConfig, n_rows: int) -> int:
    """Configs per part of a batched group, so that its hidden activations stay within MAX_BUFFER elements."""
    return max(1, MAX_BUFFER // (n_rows * max(config.hidden, default=1)))


# --------------------------------------------------------------------------- time estimate
def config_seconds(configs: list[RunConfig]) -> list[float]:
    """Estimated seconds of each config inside a sweep over `configs` (a batched group's estimate is shared
    equally by its configs; a config trained alone costs core.budget.estimate_seconds)."""
    groups: dict[tuple, list[int]] = {}
    for i, config in enumerate(configs):
        groups.setdefault(group_key(config), []).append(i)
    out = [0.0] * len(configs)
    for key, members in groups.items():
        first = configs[members[0]]
        if key[0] == "single":
            for i in members:
                out[i] = budget.estimate_seconds(configs[i])
            continue
        n_train, n_dev, _ = first.split_counts
        size = _part_size(first, n_train + n_dev)
        for start in range(0, len(members), size):
            part = members[start:start + size]
            seconds = budget.estimate_group_seconds([configs[i] for i in part], n_train, n_dev)
            for i in part:
                out[i] = seconds / len(part)
    return out


def estimate_sweep_seconds(configs: list[RunConfig]) -> float:
    """Estimated wall time of sweep() over `configs` on the reference machine, in seconds (core.budget's
    cost model: train()'s for configs trained alone, the batched rates for groups)."""
    return sum(config_seconds(configs))


def check_sweep_time(configs: list[RunConfig], limit_s: float) -> float:
    """The estimate of a sweep over `configs`; raises ConfigError (field epochs) if it is above limit_s seconds."""
    seconds = estimate_sweep_seconds(configs)
    if seconds > limit_s:
        raise ConfigError("epochs", sorted({c.epochs for c in configs}), f"≤ {limit_s:.0f} s",
                          f"this grid would take about {seconds:,.0f} s: lower epochs or the number of values, or "
                          f"use full-batch SGD or Adam (trained together in batches)",
                          f"该网格约需 {seconds:,.0f} 秒：请减少训练轮数或取值个数，"
                          f"或使用全批量的 SGD 或 Adam（可批量并行训练）", allowed_zh=f"≤ {limit_s:.0f} 秒")
    return seconds


# --------------------------------------------------------------------------- batched training
def _act_forward(name: str, slope: float, h: torch.Tensor, out: torch.Tensor) -> None:
    """out = activation(h), with the same kernels as models.activation_fn."""
    if name == "sigmoid":
        torch.sigmoid(h, out=out)
    elif name == "tanh":
        torch.tanh(h, out=out)
    elif name == "relu":                   # torch.relu is clamp_min(h, 0)
        torch.clamp_min(h, 0, out=out)
    elif name == "leaky_relu":
        torch._C._nn.leaky_relu(h, slope, out=out)
    elif name == "elu":
        torch._C._nn.elu(h, 1.0, 1.0, 1.0, out=out)
    elif name == "gelu":
        torch._C._nn.gelu(h, out=out)
    elif name == "identity":
        out.copy_(h)
    else:  # pragma: no cover - the spec only has the names above
        raise ValueError(f"unknown activation {name!r}")


def _act_backward(name: str, slope: float, grad: torch.Tensor, h: torch.Tensor, a: torch.Tensor) -> torch.Tensor:
    """d loss / d h from d loss / d a, with the kernels autograd uses (h pre-, a post-activation)."""
    aten = torch.ops.aten
    if name == "sigmoid":
        return aten.sigmoid_backward(grad, a)
    if name == "tanh":
        return aten.tanh_backward(grad, a)
    if name == "relu":
        return aten.threshold_backward(grad, a, 0)
    if name == "leaky_relu":
        return aten.leaky_relu_backward(grad, h, slope, False)
    if name == "elu":
        return aten.elu_backward(grad, 1.0, 1.0, 1.0, False, h)
    if name == "gelu":
        return aten.gelu_backward(grad, h)
    if name == "identity":
        return grad
    raise ValueError(f"unknown activation {name!r}")  # pragma: no cover


class _GroupStopped(Exception):
    """should_stop() said stop inside a batched group's chunk; the group's partial state is dropped."""


class _Group:
    """C configs of one network shape trained together by full-batch SGD, parameters stacked on axis 0.

    Parameters of all configs live in one flat vector per epoch; `ring[k]` holds theta_{a+k} for
    the chunk of epochs [a, b) being run (the update writes theta_{t+1} into the next slot). Per
    layer j the flat vector holds W_j as [C, out, in] then b_j as [C, out, 1]. For each theta_s,
    train_ok[s] / dev_ok[s] say whether the train / dev loss is finite and dev_correct[s] counts the
    dev rows classified right (the loss values themselves are not needed for a sweep row).
    """

    def __init__(self, configs: list[RunConfig], data: Splits, should_stop: StopCheck | None = None):
        c0 = configs[0]
        self.configs, self.data = configs, data
        self.should_stop = should_stop        # polled before every epoch and between forward and backward
        self.C = C = len(configs)
        self.E = c0.epochs
        self.act, self.slope = c0.activation, c0.leaky_slope
        self.n_train, self.n_dev = len(data.y_train), len(data.y_dev)
        self.N = N = self.n_train + self.n_dev
        self.sizes = c0.layer_sizes
        self.L = len(self.sizes) - 1
        self.models = [build_model(c) for c in configs]         # train()'s initial weights, exactly
        blocks, offset = [], 0
        for j in range(self.L):
            n_in, n_out = self.sizes[j], self.sizes[j + 1]
            blocks.append((offset, offset + C * n_out * n_in, n_in, n_out))
            offset += C * n_out * (n_in + 1)
        self.blocks, self.P = blocks, offset
        per_epoch = C * N * c0.n_params            # ~ work of one epoch of the group
        self.chunk = max(1, min(self.E, MAX_CHUNK, MAX_BUFFER // (C * N), int(CHUNK_WORK // per_epoch)))
        self.ring = torch.empty(self.chunk + 1, self.P)
        theta0 = self.ring[0]
        for j, (w0, b0, n_in, n_out) in enumerate(blocks):
            w = theta0[w0:b0].view(C, n_out, n_in)
            b = theta0[b0:b0 + C * n_out].view(C, n_out)
            for c, model in enumerate(self.models):
                fc = getattr(model, f"fc{j + 1}")
                w[c].copy_(fc.weight.detach())
                b[c].copy_(fc.bias.detach())
        self.theta0 = theta0.clone()
        self.neg_lr = self._per_param([-float(c.lr) for c in configs])
        self.optimizer = c0.optimizer
        self.plain = all(c.optimizer == "sgd" and c.momentum == 0 and c.weight_decay == 0 for c in configs)
        self.weight_decay = self._per_param([c.weight_decay for c in configs])
        self.any_decay = any(c.weight_decay for c in configs)
        self.momentum = self._per_param([c.momentum for c in configs])
        self.nesterov = self._per_param([float(c.nesterov and c.momentum > 0) for c in configs]) > 0
        self.beta2 = self._per_param([c.beta2 for c in configs])
        self.one_minus_beta1 = self._per_param([1 - c.beta1 for c in configs])     # computed in double
        self.one_minus_beta2 = self._per_param([1 - c.beta2 for c in configs])
        self.step_count = 0
        self.buf = torch.zeros(self.P)          # SGD momentum buffer, or Adam's first moment
        self.sq = torch.zeros(self.P)           # Adam's second moment
        self.grad = torch.empty(self.P)
        self.views = [self._layer_views(self.ring[k]) for k in range(self.chunk + 1)]
        self.gviews = self._layer_views(self.grad)
        # data, feature-major: columns are train rows then dev rows
        self.X_cols = torch.cat([data.X_train, data.X_dev]).t().contiguous()     # [2, N]
        self.X_rows = self.X_cols.t()                                               # [N, 2] view
        self.y_row = torch.cat([data.y_train, data.y_dev]).view(1, 1, -1)
        self.row_weight = torch.cat([torch.full((self.n_train,), 1.0 / self.n_train),
                                     torch.zeros(self.n_dev)]).view(1, 1, -1)
        self.H = [torch.empty(C, self.sizes[j + 1], N) for j in range(self.L - 1)]
        self.A = [torch.empty(C, self.sizes[j + 1], N) for j in range(self.L - 1)]
        self.logit_buf = torch.empty(self.chunk + 1, C, 1, N)
        # per theta_s: is the train / dev loss sum finite, and how many dev rows are right
        self.train_ok = torch.zeros(self.E + 1, C, dtype=torch.bool)
        self.dev_ok = torch.zeros(self.E + 1, C, dtype=torch.bool)
        self.dev_correct = torch.zeros(self.E + 1, C)
        self.y_dev_pos = data.y_dev.view(1, 1, -1) > 0.5
        self.diverged_at = torch.full((C,), self.E, dtype=torch.long)    # E: not (yet) diverged
        self.checked = 0                                                # epochs < checked are checked
        self.best_s = torch.full((C,), -1, dtype=torch.long)
        self.best_correct = torch.full((C,), -1.0)
        self.best_theta = self.theta0.clone()

    def _per_param(self, values: list[float]) -> torch.Tensor:
        """A per-config value spread over the flat parameter layout ([P], each config's entries)."""
        v = torch.tensor(values, dtype=torch.float32)
        return torch.cat([part for _, _, n_in, n_out in self.blocks
                          for part in (v.repeat_interleave(n_out * n_in), v.repeat_interleave(n_out))])

    def update(self, theta: torch.Tensor, out: torch.Tensor) -> None:
        """One optimizer step from theta into out, per config, as torch.optim.SGD / Adam do it."""
        grad = self.grad
        if self.plain:
            torch.addcmul(theta, self.neg_lr, grad, out=out)
            return
        if self.any_decay:                                    # grad.add(param, alpha=weight_decay)
            grad = torch.addcmul(grad, self.weight_decay, theta)
        self.step_count += 1
        if self.optimizer == "sgd":                           # dampening 0
            if self.step_count == 1:
                self.buf.copy_(grad)
            else:
                self.buf.mul_(self.momentum).add_(grad)
            step = torch.where(self.nesterov, torch.addcmul(grad, self.momentum, self.buf), self.buf)
            torch.addcmul(theta, self.neg_lr, step, out=out)
            return
        # Adam, as torch's single-tensor path computes it: scalars in double precision, rounded to
        # float32 per config, and the same op order (lerp, mul+addcmul, sqrt/div+eps, addcdiv)
        t = self.step_count
        self.buf.lerp_(grad, self.one_minus_beta1)
        self.sq.mul_(self.beta2).addcmul_(grad * self.one_minus_beta2, grad)
        step_size = self._per_param([-c.lr / (1 - c.beta1 ** t) for c in self.configs])
        bc2_sqrt = self._per_param([(1 - c.beta2 ** t) ** 0.5 for c in self.configs])
        denom = (self.sq.sqrt() / bc2_sqrt).add_(ADAM_EPS)
        torch.addcdiv(theta, step_size * self.buf, denom, out=out)

    def _layer_views(self, flat: torch.Tensor) -> list[tuple[torch.Tensor, torch.Tensor]]:
        C, views = self.C, []
        for j, (w0, b0, n_in, n_out) in enumerate(self.blocks):
            if j == 0:   # first layer as one matrix over all configs: [C*out, 2] @ [2, N]
                views.append((flat[w0:b0].view(C * n_out, n_in), flat[b0:b0 + C * n_out].view(C * n_out, 1)))
            else:
                views.append((flat[w0:b0].view(C, n_out, n_in), flat[b0:b0 + C * n_out].view(C, n_out, 1)))
        return views

    # -- one epoch -------------------------------------------------------------------------
    def forward(self, k: int) -> None:
        """Logits of theta_{a+k} over train+dev rows into logit_buf[k]; hidden H/A kept for backward."""
        C, N, views, L = self.C, self.N, self.views[k], self.L
        x = self.X_cols
        for j in range(L):
            w, b = views[j]
            if j == L - 1:
                out = self.logit_buf[k]
                if j == 0:
                    torch.addmm(b, w, x, out=out.view(C, N))
                else:
                    torch.baddbmm(b, w, x, out=out)
            else:
                h = self.H[j]
                if j == 0:
                    torch.addmm(b, w, x, out=h.view(-1, N))
                else:
                    torch.baddbmm(b, w, x, out=h)
                _act_forward(self.act, self.slope, h, self.A[j])
                x = self.A[j]

    def epoch(self, k: int) -> None:
        """Forward with theta_{a+k}, backward of the mean train BCE, SGD step into ring[k + 1]."""
        stop = self.should_stop
        if stop is not None and stop():
            raise _GroupStopped
        self.forward(k)
        if stop is not None and stop():        # one epoch of a large group can take a second
            raise _GroupStopped
        L = self.L
        views, gviews = self.views[k], self.gviews
        # d(mean train BCE)/d(logit) = (sigmoid(z) - y) / n_train on train rows, 0 on dev rows (as train())
        delta = torch.sigmoid(self.logit_buf[k])                      # [C, 1, N]
        delta.sub_(self.y_row).mul_(self.row_weight)
        for j in range(L - 1, -1, -1):
            gw, gb = gviews[j]
            if j == 0:
                d2 = delta.view(-1, self.N)
                torch.mm(d2, self.X_rows, out=gw)
                torch.sum(d2, dim=1, keepdim=True, out=gb)
                break
            a_prev = self.A[j - 1]
            torch.bmm(delta, a_prev.transpose(1, 2), out=gw)
            torch.sum(delta, dim=2, keepdim=True, out=gb)
            w = views[j][0]
            grad_a = torch.bmm(w.transpose(1, 2), delta)
            delta = _act_backward(self.act, self.slope, grad_a, self.H[j - 1], a_prev)
        self.update(self.ring[k], self.ring[k + 1])

    # -- chunks ----------------------------------------------------------------------------
    def run_chunk(self, a: int, b: int) -> None:
        """Epochs a..b-1; then metrics, divergence and best checkpoint for the chunk."""
        for k in range(b - a):
            self.epoch(k)
        n = b - a
        if b == self.E:   # theta_E: its dev metrics need one more forward
            self.forward(n)
            n += 1
        logits = self.logit_buf[:n, :, 0, :]                              # [n, C, N]
        train_logits, dev_logits = logits[..., : self.n_train], logits[..., self.n_train:]
        self.train_ok[a:a + n] = _loss_sum_finite(train_logits, self.data.y_train)
        self.dev_ok[a:a + n] = _loss_sum_finite(dev_logits, self.data.y_dev)
        torch.sum((dev_logits >= 0).eq(self.y_dev_pos), dim=-1, out=self.dev_correct[a:a + n])
        self._check_divergence(b)
        self._settle(a, a + n - 1)
        self.ring[0].copy_(self.ring[b - a])

    def _check_divergence(self, b: int) -> None:
        """Epoch t diverges if train loss (theta_t) or dev loss (theta_{t+1}) is not finite."""
        upto = self.E if b == self.E else b - 1      # epochs t < upto have both metrics known
        if upto <= self.checked:
            return
        t = slice(self.checked, upto)
        bad = ~(self.train_ok[t] & self.dev_ok[self.checked + 1:upto + 1])
        any_bad = bad.any(dim=0)
        first = self.checked + bad.to(torch.uint8).argmax(dim=0)
        self.diverged_at = torch.where(any_bad & (self.diverged_at == self.E), first, self.diverged_at)
        self.checked = upto

    def _settle(self, lo: int, hi: int) -> None:
        """Candidates theta_s, s in [max(lo, 1), hi] (ring slot s - a): keep each config's first strict best."""
        a = lo
        lo = max(lo, 1)
        if hi < lo:
            return
        s = torch.arange(lo, hi + 1)
        valid = self.dev_ok[lo:hi + 1] & (s[:, None] <= self.diverged_at[None, :] + 1)
        correct = torch.where(valid, self.dev_correct[lo:hi + 1], torch.tensor(-1.0))
        best, k = correct.max(dim=0)          # first maximum per config
        better = best > self.best_correct
        if not bool(better.any()):
            return
        self.best_correct = torch.where(better, best, self.best_correct)
        self.best_s = torch.where(better, s[k], self.best_s)
        slots = self.ring[(lo - a) + k]                                       # [C, P]: row c = config c's slot
        for w0, b0, n_in, n_out in self.blocks:
            for start, width in ((w0, n_out * n_in), (b0, n_out)):
                seg = slice(start, start + self.C * width)
                cand = slots[:, seg].view(self.C, self.C, width)[torch.arange(self.C), torch.arange(self.C)]
                cur = self.best_theta[seg].view(self.C, width)
                cur.copy_(torch.where(better[:, None], cand, cur))

    @property
    def all_diverged(self) -> bool:
        return bool((self.diverged_at < self.E).all())

    # -- results ---------------------------------------------------------------------------
    def rows(self) -> list[dict[str, Any]]:
        """Result row per config (without seconds): test metrics of its best checkpoint."""
        out = []
        for c, model in enumerate(self.models):
            best_s = int(self.best_s[c])
            theta = self.best_theta if best_s >= 1 else self.theta0
            with torch.no_grad():
                for j, (w0, b0, n_in, n_out) in enumerate(self.blocks):
                    fc = getattr(model, f"fc{j + 1}")
                    fc.weight.copy_(theta[w0:b0].view(self.C, n_out, n_in)[c])
                    fc.bias.copy_(theta[b0:b0 + self.C * n_out].view(self.C, n_out)[c])
            test_loss, test_acc = evaluate(model, self.data.X_test, self.data.y_test)
            if best_s < 1:         # no usable model (as train() reports it)
                test_loss = test_acc = float("nan")
            d = int(self.diverged_at[c])
            out.append({
                "test_acc": test_acc, "test_loss": test_loss,
                "best_dev_acc": float(self.best_correct[c]) / self.n_dev if best_s >= 1 else float("nan"),
                "best_epoch": best_s - 1 if best_s >= 1 else -1,
                "diverged": d < self.E, "diverged_at": d if d < self.E else None,
                "seconds": float("nan"), "batched": True,
            })
        return out


def _loss_sum_finite(logits: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """[..., rows] logits -> [...] bool: is the BCE summed over rows finite (as train() sums it)?

    Per row, BCE-with-logits is at most |z| + log 2 and not finite exactly when z is not, so while
    every |z| < SAFE_LOGIT the sum is finite; only otherwise are the sums computed (rare).
    """
    low, high = torch.aminmax(logits, dim=-1)                 # NaN propagates
    safe = (low > -SAFE_LOGIT) & (high < SAFE_LOGIT)
    if bool(safe.all()):
        return safe
    return torch.isfinite(row_stats(logits, y.view(1, -1))[..., 0])


def _row_from_result(result) -> dict[str, Any]:
    return {
        "test_acc": result.test_acc, "test_loss": result.test_loss, "best_dev_acc": result.best_dev_acc,
        "best_epoch": result.best_epoch, "diverged": result.diverged_at is not None,
        "diverged_at": result.diverged_at, "seconds": result.seconds, "batched": False,
    }


def _split_group(configs: list[RunConfig], data: Splits) -> list[list[RunConfig]]:
    """Cut a batched group so that its hidden activations stay within MAX_BUFFER elements."""
    size = _part_size(configs[0], len(data.y_train) + len(data.y_dev))
    return [configs[i:i + size] for i in range(0, len(configs), size)]


# --------------------------------------------------------------------------- the sweep
def sweep(base_config: RunConfig, grid: Mapping[str, Sequence[Any]], on_progress: Progress | None = None,
          should_stop: StopCheck | None = None) -> pd.DataFrame:
    """Train every config of `grid` over `base_config`; one row per config, in validate_grid order.

    Columns: one per grid field (its coerced value), then
      test_acc, test_loss   of the best model (first epoch with the maximum dev accuracy)
      best_dev_acc          its dev accuracy (NaN if no epoch had a finite dev loss)
      best_epoch            0-based epoch (-1 if none)
      diverged, diverged_at whether / at which epoch the train or dev loss first went non-finite
                            (diverged_at is a nullable Int64 column: <NA> when it did not)
      seconds               batched group: the group's wall time divided by its size; else the run's time
      batched               whether the config was trained in a batched group (else by train(config))

    on_progress(fraction, completed_rows, total_rows) is called after every chunk of epochs of a
    batched group and every ~5 % of a fallback run (fraction of the estimated seconds). should_stop() is
    polled before every epoch of a batched group (and between its forward and backward passes) and before
    every optimizer step of a fallback run; when it returns True the sweep stops and returns only the
    rows completed so far (df.attrs["stopped"]).
    Raises ConfigError (from validate_grid) before training anything.
    """
    configs = validate_grid(base_config, grid)
    run = _SweepRun(configs, on_progress, should_stop)
    groups: dict[tuple, list[int]] = {}
    for i, config in enumerate(configs):
        groups.setdefault(group_key(config), []).append(i)
    splits: dict[tuple, Splits] = {}
    for key, members in groups.items():
        if run.stopped or run.stop_now():
            run.stopped = True
            break
        first = configs[members[0]]
        if _data_key(first) not in splits:
            splits[_data_key(first)] = make_splits(first)
        data = splits[_data_key(first)]
        if key[0] == "single":
            run.train_singles(members, data)
        else:
            run.train_batched(members, data)
    return run.frame(list(grid))


class _SweepRun:
    """A sweep in progress: finished rows by config index, progress in estimated seconds, the stop flag."""

    def __init__(self, configs: list[RunConfig], on_progress: Progress | None, should_stop: StopCheck | None):
        self.configs, self.on_progress, self.should_stop = configs, on_progress, should_stop
        self.weights = config_seconds(configs)            # progress counts estimated seconds
        self.total_work = sum(self.weights) or 1.0
        self.done_work = 0.0
        self.results: dict[int, dict[str, Any]] = {}
        self.stopped = False

    def report(self, extra_work: float) -> None:
        if self.on_progress is not None:
            self.on_progress(min(1.0, (self.done_work + extra_work) / self.total_work), len(self.results),
                             len(self.configs))

    def stop_now(self) -> bool:
        return bool(self.should_stop is not None and self.should_stop())

    def train_singles(self, members: list[int], data: Splits) -> None:
        """Configs the batched engine cannot train: train() each, with progress and stop checks."""
        for i in members:
            config, weight = self.configs[i], self.weights[i]

            def progress(epochs_done: int, _history: pd.DataFrame, config: RunConfig = config,
                         weight: float = weight) -> bool:
                self.report(weight * epochs_done / config.epochs)
                return self.stop_now()

            result = train(config, on_progress=progress, data=data, should_stop=self.stop_now)
            if result.stopped:
                self.stopped = True
                return
            self.results[i] = _row_from_result(result)
            self.done_work += weight
            self.report(0.0)

    def train_batched(self, members: list[int], data: Splits) -> None:
        """One batched group, in parts whose activations fit MAX_BUFFER."""
        for part in _split_group([self.configs[i] for i in members], data):
            idx, members = members[: len(part)], members[len(part):]
            part_weight = sum(self.weights[i] for i in idx)
            rows = _run_group(part, data, lambda frac, w=part_weight: self.report(frac * w), self.stop_now)
            if rows is None:
                self.stopped = True
                return
            self.results.update(zip(idx, rows))
            self.done_work += part_weight
            self.report(0.0)

    def frame(self, fields: list[str]) -> pd.DataFrame:
        """The finished rows in grid order, with the grid's fields first; attrs stopped and total."""
        order = sorted(self.results)
        frame = pd.DataFrame(
            [{**{f: getattr(self.configs[i], f) for f in fields}, **self.results[i]} for i in order],
            columns=[*fields, *RESULT_COLUMNS],
        )
        frame["diverged_at"] = frame["diverged_at"].astype("Int64")
        frame.index = pd.Index(order, name="config")
        frame.attrs["stopped"] = self.stopped
        frame.attrs["total"] = len(self.configs)
        return frame


def _run_group(configs: list[RunConfig], data: Splits, on_chunk: Callable[[float], None],
               should_stop: Callable[[], bool]) -> list[dict[str, Any]] | None:
    """Train one batched group; None if should_stop() asked to stop before it finished."""
    start = time.perf_counter()
    with torch.no_grad():
        group = _Group(configs, data, should_stop)
        done = 0
        while done < group.E:
            end = min(group.E, done + group.chunk)
            try:
                group.run_chunk(done, end)
            except _GroupStopped:
                return None
            done = end
            if group.all_diverged:   # nothing later can be a candidate of any config
                break
            on_chunk(done / group.E)
            if done < group.E and should_stop():
                return None
        rows = group.rows()
    seconds = (time.perf_counter() - start) / len(configs)
    for row in rows:
        row["seconds"] = seconds
    return rows


__all__ = ["MAX_CONFIGS", "RESULT_COLUMNS", "batchable", "check_sweep_time", "config_seconds", "estimate_sweep_seconds",
           "group_key", "sweep", "sweep_time_cap", "validate_grid"]
