"""Hyperparameter sweeps: check a grid, train every config of it and tabulate the outcome, one row per config.

    sweep(RunConfig(), {"hidden": [(5,), (5, 3)], "lr": [0.01, 1, 5], "seed": [0, 1, 2]})

Full-batch configs of one optimizer (SGD with any momentum, Nesterov and weight decay, or Adam with
any betas and weight decay; no L1, clipping or batch norm) that share the data, the network shape (input
features and hidden layers), the activation and the epoch count are trained *together* by the batched
engine (``core.batched``), whose rows equal what ``core.training.train(config)`` reports (bit for bit
or up to float32 rounding, depending on the CPU: see there). Every other config (other optimizers, mini-batches,
batch norm, L1, clipping) falls back to ``train(config)`` and gives its numbers exactly.

Semantics per config are train()'s: epoch t's train metrics come from theta_t, one step gives
theta_{t+1}, dev is evaluated with theta_{t+1}; the best model is the first epoch with the
maximum dev accuracy among the (history's) epochs with a finite dev loss; test loss/accuracy are
the best model's; a config diverges at the first epoch whose train or dev loss is not finite
(its history stops there, so later epochs are no candidates).

No Streamlit here, no global RNG.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import pandas as pd

from . import budget
from .batched import StopCheck, part_size, run_group, split_group
from .config import FIELD_BY_NAME, ConfigError, RunConfig
from .data import Splits, make_splits
from .training import train

MAX_CONFIGS = 200
# A sweep's estimated wall time (estimate_sweep_seconds) may be at most sweep_time_cap() =
# core.budget.SWEEP_FACTOR x core.budget.MAX_SECONDS (3 x 60 s); each config alone must fit MAX_SECONDS.
# Fields that may differ inside one batched group; group_key compares everything else that matters
# for full-batch plain SGD (data, input features, hidden, activation, leaky_slope for leaky_relu, epochs).
BATCH_FREE = ("lr", "seed", "weight_init", "weight_mean", "weight_std", "weight_low", "weight_high",
              "weight_value", "bias_init", "momentum", "nesterov", "weight_decay", "beta1", "beta2")
BATCH_OPTIMIZERS = ("sgd", "adam")
RESULT_COLUMNS = ["test_acc", "test_loss", "best_dev_acc", "best_epoch", "diverged", "diverged_at", "seconds",
                  "batched"]

# on_progress(fraction_done in [0, 1], completed_rows, total_rows); fraction counts estimated seconds
Progress = Callable[[float, int, int], Any]


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
    and weight decay) or Adam (with any betas and weight decay), no L1, no clipping, no batch norm, the dev set
    evaluated every epoch; any task (two classes, K classes, regression). Every other config is trained alone
    by core.training.train."""
    return (config.optimizer in BATCH_OPTIMIZERS and config.l1 == 0 and config.clip_norm == 0
            and not config.batch_norm and config.steps_per_epoch == 1 and not config.eval_steps)


def group_key(config: RunConfig) -> tuple:
    """Configs with equal keys are trained together; unbatchable configs get a key of their own."""
    if not batchable(config):
        return ("single", config)
    slope = config.leaky_slope if config.activation == "leaky_relu" else None
    data = _data_key(config)
    return ("batch", data, config.features, config.hidden, config.activation, slope, config.epochs, config.optimizer)


def _data_key(config: RunConfig) -> tuple:
    return (config.dataset, config.n_classes, config.n_samples, config.noise, config.train_frac, config.dev_frac,
            config.data_seed)


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
        size = part_size(first, n_train + n_dev)
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


def _row_from_result(result) -> dict[str, Any]:
    return {
        "test_acc": result.test_acc, "test_loss": result.test_loss, "best_dev_acc": result.best_dev_acc,
        "best_epoch": result.best_epoch, "diverged": result.diverged_at is not None,
        "diverged_at": result.diverged_at, "seconds": result.seconds, "batched": False,
    }


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
        """One batched group, in parts whose activations fit core.batched.MAX_BUFFER."""
        for part in split_group([self.configs[i] for i in members], data):
            idx, members = members[: len(part)], members[len(part):]
            part_weight = sum(self.weights[i] for i in idx)
            rows = run_group(part, data, lambda frac, w=part_weight: self.report(frac * w), self.stop_now)
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


__all__ = ["MAX_CONFIGS", "RESULT_COLUMNS", "batchable", "check_sweep_time", "config_seconds", "estimate_sweep_seconds",
           "group_key", "sweep", "sweep_time_cap", "validate_grid"]
