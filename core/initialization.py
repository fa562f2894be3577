"""Parameter initialization (book 4.4.1): symmetric hidden units, samples of each scheme, scheme comparisons.

Everything here is data: DataFrames for tables and charts, RunConfigs for the runs to compare.
Random draws come only from a ``torch.Generator`` seeded from the config (no global RNG).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
import torch

from .config import INITS, ConfigError, RunConfig, check_runs_time
from .models import init_weight, theoretical_std
from .probes import SYMMETRY_RTOL, identical_tolerance, symmetric_units
from .training import N_SNAPSHOTS, RunResult

ONE_UNIT_PER_LAYER = "one unit per hidden layer"   # hidden = (1, 1, ...) as deep as the base network
RTOL = SYMMETRY_RTOL         # rows equal up to float32 rounding count as identical (see probes.identical_tolerance)
N_SAMPLES = 10_000           # samples per scheme for the histograms (as in the book)
HISTOGRAM_SCHEMES = tuple(s for s in INITS if s not in ("zeros", "constant"))
DEFAULT_HISTOGRAMS = ("normal", "uniform", "xavier_normal", "kaiming_normal", "orthogonal")

# Named initializations for the comparison: config overrides over the base config.
COMPARE_SCHEMES: dict[str, dict[str, Any]] = {
    "zeros": {"weight_init": "zeros"},
    "one_unit": {"weight_init": "zeros", "hidden": ONE_UNIT_PER_LAYER},   # what zeros can express at most
    "normal_0.01": {"weight_init": "normal", "weight_mean": 0.0, "weight_std": 0.01},
    "normal_1": {"weight_init": "normal", "weight_mean": 0.0, "weight_std": 1.0},
    "normal_10": {"weight_init": "normal", "weight_mean": 0.0, "weight_std": 10.0},
    "xavier_normal": {"weight_init": "xavier_normal"},
    "kaiming_normal": {"weight_init": "kaiming_normal"},
    "uniform_1": {"weight_init": "uniform", "weight_low": -1.0, "weight_high": 1.0},
    "xavier_uniform": {"weight_init": "xavier_uniform"},
    "kaiming_uniform": {"weight_init": "kaiming_uniform"},
    "orthogonal": {"weight_init": "orthogonal"},
    "default": {"weight_init": "default"},
}
DEFAULT_COMPARE = ("zeros", "one_unit", "normal_0.01", "normal_1", "xavier_normal", "kaiming_normal")
# The comparison's training setting (the page says so). The book trains 2-5-1 with plain SGD at lr 0.2 for
# 3000 epochs; there zeros, Xavier and N(0, 0.01²) all end at 85.5 % test accuracy on moons (still on the
# sigmoid plateau), so the runs cannot show what five different units buy. SGD with momentum 0.9 at lr 0.5
# gets every sound random init to ~99 % in 1000 epochs while zeros stays at the one-unit level.
COMPARE_SETTING: dict[str, Any] = {"optimizer": "sgd", "momentum": 0.9, "nesterov": False, "lr": 0.5}
COMPARE_EPOCHS = 1000


# --------------------------------------------------------------------------- symmetric hidden units
def snapshot_state(snapshots: pd.DataFrame, step: int) -> dict[str, torch.Tensor]:
    """Parameters theta_step from RunResult.weight_snapshots, as {'fc1.weight': [out, in], 'fc1.bias': [out]}."""
    rows = snapshots[snapshots["step"] == step]
    if rows.empty:
        raise ValueError(f"no snapshot for step {step}")
    state = {}
    for (layer, param), part in rows.groupby(["layer", "param"], sort=False, observed=True):
        shape = (int(part["row"].max()) + 1, int(part["col"].max()) + 1)
        values = torch.zeros(shape, dtype=torch.float64)
        entries = torch.from_numpy(part["value"].to_numpy(dtype=np.float64))
        values[part["row"].to_numpy(), part["col"].to_numpy()] = entries
        state[f"{layer}.{param}"] = values if param == "weight" else values[:, 0]
    return state


def n_hidden_layers(state: Mapping[str, torch.Tensor]) -> int:
    """Number of hidden layers of a state dict (fc layers minus the output layer)."""
    return sum(1 for name in state if name.startswith("fc") and name.endswith(".weight")) - 1


def unit_parameters(state: Mapping[str, torch.Tensor], layer: int) -> torch.Tensor:
    """Everything that defines each unit of hidden layer `layer` (1-based): [units, fan_in + 1 + fan_out].

    Row i = [fc{k}.weight[i, :], fc{k}.bias[i], fc{k+1}.weight[:, i]]: its incoming weights, its bias
    and its outgoing weights. Two units with equal rows compute the same thing and get the same updates.
    """
    w_in, bias = state[f"fc{layer}.weight"], state[f"fc{layer}.bias"]
    w_out = state[f"fc{layer + 1}.weight"]
    return torch.cat([w_in, bias.view(-1, 1), w_out.t()], dim=1).detach().double()


def identical_groups(units: torch.Tensor, rtol: float = RTOL) -> list[int]:
    """Group id per row of `units` [n, d]: rows within probes.identical_tolerance of each other share
    the id of the first such row. A row in no group with another has its own index as id."""
    tol = identical_tolerance(units, rtol)
    groups = [-1] * units.shape[0]
    for i in range(units.shape[0]):
        if groups[i] >= 0:
            continue
        same = (units - units[i]).abs().amax(dim=1) <= tol
        for j in same.nonzero().view(-1).tolist():
            if groups[j] < 0:
                groups[j] = i
    return groups


def symmetry_table(state: Mapping[str, torch.Tensor], rtol: float = RTOL) -> pd.DataFrame:
    """One row per hidden layer: layer, units, identical (largest group of identical units; 1 = none).

    Units are compared on incoming weights, bias and outgoing weights together (unit_parameters).
    """
    rows = []
    for k in range(1, n_hidden_layers(state) + 1):
        units = unit_parameters(state, k)
        rows.append({"layer": f"fc{k}", "units": units.shape[0], "identical": symmetric_units(units, rtol)})
    return pd.DataFrame(rows, columns=["layer", "units", "identical"])


def first_steps_table(snapshots: pd.DataFrame, layer: int = 1, rtol: float = RTOL) -> pd.DataFrame:
    """The book's print_weights as one table: a row per (step, hidden unit) of hidden layer `layer`.

    Columns: step (theta_step = parameters after `step` epochs), unit (1-based), the unit's incoming
    weights 'fc{k}.weight[i,j]', its bias 'fc{k}.bias[i]', its outgoing weights 'fc{k+1}.weight[j,i]',
    group (0-based id of its group of identical units within the step) and identical (True when at
    least one other unit of the step equals it).
    """
    parts = []
    for step in sorted(snapshots["step"].unique()):
        state = snapshot_state(snapshots, int(step))
        units = unit_parameters(state, layer)
        n_in = state[f"fc{layer}.weight"].shape[1]
        n_out = state[f"fc{layer + 1}.weight"].shape[0]
        columns = ([f"fc{layer}.weight[i,{j}]" for j in range(n_in)] + [f"fc{layer}.bias[i]"]
                   + [f"fc{layer + 1}.weight[{j},i]" for j in range(n_out)])
        frame = pd.DataFrame(units.numpy(), columns=columns)
        groups = identical_groups(units, rtol)
        sizes = pd.Series(groups).map(pd.Series(groups).value_counts())
        frame.insert(0, "unit", np.arange(1, len(frame) + 1))
        frame.insert(0, "step", int(step))
        frame["group"] = groups
        frame["identical"] = (sizes > 1).to_numpy()
        parts.append(frame)
    return pd.concat(parts, ignore_index=True)


def symmetry_by_step(snapshots: pd.DataFrame, rtol: float = RTOL) -> pd.DataFrame:
    """symmetry_table of every snapshot theta_0..theta_5: columns step, layer, units, identical."""
    frames = [symmetry_table(snapshot_state(snapshots, int(s)), rtol).assign(step=int(s))
              for s in sorted(snapshots["step"].unique())]
    return pd.concat(frames, ignore_index=True)[["step", "layer", "units", "identical"]]


def first_steps_config(config: RunConfig) -> RunConfig:
    """The config trained for just the snapshot epochs (theta_0..theta_5 are the same as in the long run)."""
    return config.replace(epochs=N_SNAPSHOTS) if config.epochs > N_SNAPSHOTS else config


# --------------------------------------------------------------------------- samples of each scheme
def sample_weights(config: RunConfig, scheme: str, fan_in: int, fan_out: int,
                   n_samples: int = N_SAMPLES) -> torch.Tensor:
    """n_samples weight values [n_samples] drawn by `scheme` for a layer [fan_out, fan_in].

    Whole [fan_out, fan_in] matrices are drawn (orthogonal needs them) until n_samples values are
    there, from a generator seeded with config.seed; normal/uniform use the config's mean/std and
    low/high, He uses its activation. The same scheme gives the same samples whatever else is drawn.
    """
    if fan_in < 1 or fan_out < 1:
        raise ConfigError("fan", (fan_in, fan_out), "fan_in >= 1 and fan_out >= 1")
    generator = torch.Generator().manual_seed(config.seed)
    size = fan_in * fan_out
    draws = torch.empty(math.ceil(n_samples / size), fan_out, fan_in)
    for w in draws:
        init_weight(w, scheme, generator, mean=config.weight_mean, std=config.weight_std, low=config.weight_low,
                    high=config.weight_high, value=config.weight_value, activation=config.activation,
                    leaky_slope=config.leaky_slope)
    return draws.reshape(-1)[:n_samples]


def scheme_std(config: RunConfig, scheme: str, fan_in: int, fan_out: int) -> float:
    """core.models.theoretical_std of `scheme` with the config's parameters."""
    return theoretical_std(scheme, fan_in, fan_out, std=config.weight_std, low=config.weight_low,
                           high=config.weight_high, activation=config.activation, leaky_slope=config.leaky_slope)


def init_histograms(config: RunConfig, schemes: Sequence[str], fan_in: int, fan_out: int,
                    n_samples: int = N_SAMPLES, bins: int = 60) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Histograms of samples of each scheme (`bins` equal bins over that scheme's own sample range)
    and their statistics.

    Returns (hist, stats): hist has scheme, bin_start, bin_end, density (integrates to 1 per scheme);
    stats has scheme, theory_std (theoretical_std), sample_std, sample_mean, sample_min, sample_max.
    """
    hist, stats = [], []
    for scheme in schemes:
        values = sample_weights(config, scheme, fan_in, fan_out, n_samples).double().numpy()
        lo, hi = float(values.min()), float(values.max())
        if hi - lo < 1e-12 * max(1.0, abs(lo)):       # a constant sample: one bin of width 1 around it
            lo, hi = lo - 0.5, hi + 0.5
        density, edges = np.histogram(values, bins=bins, range=(lo, hi), density=True)
        hist.append(pd.DataFrame({"scheme": scheme, "bin_start": edges[:-1], "bin_end": edges[1:],
                                  "density": density}))
        stats.append({"scheme": scheme, "theory_std": scheme_std(config, scheme, fan_in, fan_out),
                      "sample_std": float(values.std()), "sample_mean": float(values.mean()),
                      "sample_min": float(values.min()), "sample_max": float(values.max())})
    if not hist:
        return (pd.DataFrame(columns=["scheme", "bin_start", "bin_end", "density"]),
                pd.DataFrame(columns=["scheme", "theory_std", "sample_std", "sample_mean", "sample_min",
                                      "sample_max"]))
    return pd.concat(hist, ignore_index=True), pd.DataFrame(stats)


# --------------------------------------------------------------------------- comparing schemes
def scheme_configs(base: RunConfig, names: Sequence[str], epochs: int | None = None,
                   setting: Mapping[str, Any] | None = None) -> dict[str, RunConfig]:
    """{name: base with `setting` (e.g. COMPARE_SETTING), the COMPARE_SCHEMES overrides of name and `epochs`
    (if given)}; raises ConfigError for an unknown name or an invalid combination."""
    configs = {}
    for name in names:
        if name not in COMPARE_SCHEMES:
            raise ConfigError("scheme", name, ", ".join(COMPARE_SCHEMES), "unknown scheme", "未知的初始化方案")
        changes = {**(setting or {}), **COMPARE_SCHEMES[name]}
        if changes.get("hidden") == ONE_UNIT_PER_LAYER:
            changes["hidden"] = (1,) * max(1, len(base.hidden))
        if epochs is not None:
            changes["epochs"] = epochs
        configs[name] = base.replace(**changes)
    if configs:
        check_runs_time(list(configs.values()))
    return configs


def compare_table(results: Mapping[str, RunResult], rtol: float = RTOL) -> pd.DataFrame:
    """One row per named run: scheme, test_acc, test_loss, best_dev_acc, best_epoch, final_train_loss,
    final_train_acc, diverged_at, then identical_fc1..: the largest group of identical hidden units of
    each hidden layer in the final parameters (1 = all units differ)."""
    rows = []
    for name, result in results.items():
        last = result.history.iloc[-1] if len(result.history) else None
        row = {"scheme": name, "test_acc": result.test_acc, "test_loss": result.test_loss,
               "best_dev_acc": result.best_dev_acc, "best_epoch": result.best_epoch,
               "final_train_loss": float(last["train_loss"]) if last is not None else float("nan"),
               "final_train_acc": float(last["train_acc"]) if last is not None else float("nan"),
               "diverged_at": result.diverged_at}
        symmetry = symmetry_table(result.final_state_dict, rtol)
        row.update({f"identical_{layer}": int(k) for layer, k in zip(symmetry["layer"], symmetry["identical"])})
        rows.append(row)
    frame = pd.DataFrame(rows)
    if "diverged_at" in frame:
        frame["diverged_at"] = frame["diverged_at"].astype("Int64")
    return frame


__all__ = ["COMPARE_EPOCHS", "COMPARE_SCHEMES", "COMPARE_SETTING", "DEFAULT_COMPARE", "DEFAULT_HISTOGRAMS",
           "HISTOGRAM_SCHEMES", "N_SAMPLES", "ONE_UNIT_PER_LAYER", "RTOL", "compare_table",
           "first_steps_config", "first_steps_table", "identical_groups", "init_histograms", "n_hidden_layers",
           "sample_weights", "scheme_configs", "scheme_std", "snapshot_state", "symmetry_by_step", "symmetry_table",
           "unit_parameters"]
