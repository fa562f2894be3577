"""Gradient experiments of book 4.4.2 (vanishing gradients) and 4.4.3 (dead ReLU) as DataFrames.

Built on `core.probes.first_step_gradients` (one forward/backward at initialization) and on the
per-epoch `grad_norms` that `core.training.train` records. No Streamlit, no global RNG.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from .config import ACTIVATIONS, ConfigError, RunConfig
from .data import make_splits
from .probes import first_step_gradients

# The remedies for vanishing gradients the chapter lists, as changes to a RunConfig.
REMEDIES: dict[str, dict[str, Any]] = {
    "relu": {"activation": "relu"},                     # a non-saturating activation
    "he_init": {"weight_init": "kaiming_normal"},       # He (Kaiming) initialization
    "batch_norm": {"batch_norm": True},                 # batch normalization after each hidden linear layer
    "adam": {"optimizer": "adam"},                      # an adaptive optimizer (per-parameter step sizes)
    "clip": {"clip_norm": 1.0},                         # clip the total gradient L2 norm to 1
}
BASELINE = "baseline"
DEFAULT_SLOPES = (0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0)
MAX_HEATMAP_EPOCHS = 300


def layer_index(layer: str) -> int:
    """'fc3' -> 3 (layers sort by this, so fc10 comes after fc9)."""
    return int(layer.removeprefix("fc"))


def first_step_by_activation(config: RunConfig, activations: Iterable[str]) -> pd.DataFrame:
    """The first-step gradient table of `config` once per activation (everything else unchanged).

    Long frame, one row per (activation, parameter): activation, layer, k (1..K), param, shape,
    grad_l2, grad_max_abs, dead_units (hidden layers; NA for the output layer), is_zero (grad_l2
    is exactly 0.0, as for dead ReLUs). Every run uses the same data and the same initial weights.
    """
    data = make_splits(config)
    frames = []
    for activation in dict.fromkeys(activations):
        if activation not in ACTIVATIONS:
            raise ValueError(f"unknown activation {activation!r}")
        table = first_step_gradients(config.replace(activation=activation), data)
        frames.append(table.assign(activation=activation))
    if not frames:
        return pd.DataFrame(columns=["activation", "layer", "k", "param", "shape", "grad_l2", "grad_max_abs",
                                     "dead_units", "is_zero"])
    out = pd.concat(frames, ignore_index=True)
    out["k"] = out["layer"].map(layer_index)
    out["is_zero"] = out["grad_l2"] == 0.0
    return out[["activation", "layer", "k", "param", "shape", "grad_l2", "grad_max_abs", "dead_units", "is_zero"]]


def norm_table(long: pd.DataFrame, series: str = "activation", params: tuple[str, ...] = ("weight",)) -> pd.DataFrame:
    """Wide table of grad_l2: one row per layer (fc1..fcK in order; 'fc1.weight', 'fc1.bias', ... when more
    than one param is asked for), one column per `series` value (in order of appearance)."""
    rows = long[long["param"].isin(params)].copy()
    rows["row"] = rows["layer"] if len(params) == 1 else rows["layer"] + "." + rows["param"]
    wide = rows.pivot(index="row", columns=series, values="grad_l2")
    order = sorted(wide.index, key=lambda r: (layer_index(r.split(".")[0]), params.index(r.split(".")[-1])
                                              if "." in r else 0))
    wide = wide.loc[order, list(dict.fromkeys(rows[series]))]
    wide.index.name, wide.columns.name = "layer", None
    return wide


def dead_unit_table(long: pd.DataFrame) -> pd.DataFrame:
    """Dead hidden units per layer (rows fc1..fc{K-1}) and activation (columns), from a first-step table."""
    rows = long[(long["param"] == "weight") & long["dead_units"].notna()]
    wide = rows.pivot(index="layer", columns="activation", values="dead_units").astype("Int64")
    order = sorted(wide.index, key=layer_index)
    wide = wide.loc[order, list(dict.fromkeys(rows["activation"]))]
    wide.columns.name = None
    return wide


def remedy_configs(base: RunConfig, remedies: Iterable[str]) -> dict[str, RunConfig]:
    """{'baseline': base, remedy: base with that remedy applied, ...} (see REMEDIES).

    A remedy that leaves the config unchanged (e.g. 'relu' when the base already uses ReLU) is
    left out. Raises ValueError for an unknown remedy name, ConfigError for a remedy whose run the
    spec refuses (e.g. batch norm pushing a large net over the time budget; see refused_remedies).
    """
    runs = {BASELINE: base}
    for name in dict.fromkeys(remedies):
        if name not in REMEDIES:
            raise ValueError(f"unknown remedy {name!r}; known: {', '.join(REMEDIES)}")
        config = base.replace(**REMEDIES[name])
        if config != base:
            runs[name] = config
    return runs


def refused_remedies(base: RunConfig, remedies: Iterable[str]) -> dict[str, ConfigError]:
    """{remedy: why its run is refused} for the remedies whose config the spec does not accept."""
    refused = {}
    for name in dict.fromkeys(remedies):
        try:
            base.replace(**REMEDIES.get(name, {}))
        except ConfigError as err:
            refused[name] = err
    return refused


def epoch_grid(grad_norms: pd.DataFrame, max_epochs: int = MAX_HEATMAP_EPOCHS) -> pd.DataFrame:
    """Weight-gradient L2 of fc1..fcK over training, thinned to at most about `max_epochs` epochs.

    Every k-th epoch is kept (plus the last one); each kept epoch stands for the epochs up to the
    next kept one. Columns: epoch, epoch_end (exclusive), layer, k, grad_l2 (exact zeros kept).
    Batch-norm parameters and biases are left out.
    """
    w = grad_norms[(grad_norms["param"] == "weight") & grad_norms["layer"].str.startswith("fc")]
    if w.empty:
        return pd.DataFrame(columns=["epoch", "epoch_end", "layer", "k", "grad_l2"])
    n = int(w["epoch"].max()) + 1
    step = max(1, int(np.ceil(n / max(1, max_epochs))))
    kept = np.unique(np.append(np.arange(0, n, step), n - 1))
    ends = dict(zip(kept, np.append(kept[1:], n)))
    out = w[w["epoch"].isin(kept)].astype({"layer": str})
    out["epoch_end"] = out["epoch"].map(ends)
    out["k"] = out["layer"].map(layer_index)
    return out[["epoch", "epoch_end", "layer", "k", "grad_l2"]].reset_index(drop=True)


def slope_sweep(config: RunConfig, slopes: Iterable[float] = DEFAULT_SLOPES) -> pd.DataFrame:
    """First-step weight-gradient L2 per layer of the Leaky ReLU net for each negative slope.

    Columns: slope, layer, k, grad_l2, dead_units. With a strongly negative bias every hidden unit
    sits on the negative side, so each layer passes back only `slope` x (its weights) of the
    gradient: fc1 scales roughly like slope ** (number of hidden layers).
    """
    data = make_splits(config)
    frames = []
    for slope in sorted(set(float(s) for s in slopes)):
        table = first_step_gradients(config.replace(activation="leaky_relu", leaky_slope=slope), data)
        frames.append(table[table["param"] == "weight"].assign(slope=slope))
    out = pd.concat(frames, ignore_index=True)
    out["k"] = out["layer"].map(layer_index)
    return out[["slope", "layer", "k", "grad_l2", "dead_units"]]


def layer_summary(grads_first: pd.DataFrame, grads_last: pd.DataFrame, dead: pd.DataFrame) -> pd.DataFrame:
    """Per layer fc1..fcK of one training run: units, dead_init, dead_final (hidden layers only, else NA),
    grad_l2_first and grad_l2_last (weight-gradient L2 at initialization and at the final weights).

    Takes a RunResult's grads_first, grads_last and dead_units frames.
    """
    first = grads_first[grads_first["param"] == "weight"].set_index("layer")["grad_l2"]
    last = grads_last[grads_last["param"] == "weight"].set_index("layer")["grad_l2"]
    out = pd.DataFrame({"layer": sorted(first.index, key=layer_index)})
    hidden = dead.set_index("layer")
    for col in ("units", "dead_init", "dead_final"):
        out[col] = out["layer"].map(hidden[col]).astype("Int64")
    out["grad_l2_first"] = out["layer"].map(first).astype(float)
    out["grad_l2_last"] = out["layer"].map(last).astype(float)
    return out


def run_summary(results: Mapping[str, Any]) -> pd.DataFrame:
    """One row per named RunResult: run, test_acc, final train_loss, fc1's weight-gradient L2 at the
    first and last epoch, dead hidden units at the end, diverged_at (NA if the run stayed finite)."""
    rows = []
    for name, r in results.items():
        g = r.grad_norms
        fc1 = g[(g["layer"] == "fc1") & (g["param"] == "weight")]["grad_l2"]
        rows.append({
            "run": name, "test_acc": float(r.test_acc),
            "train_loss": float(r.history["train_loss"].iloc[-1]) if len(r.history) else float("nan"),
            "fc1_grad_first": float(fc1.iloc[0]) if len(fc1) else float("nan"),
            "fc1_grad_last": float(fc1.iloc[-1]) if len(fc1) else float("nan"),
            "dead_final": int(r.dead_units["dead_final"].sum()),
            "diverged_at": r.diverged_at,
        })
    out = pd.DataFrame(rows)
    if len(out):
        out["diverged_at"] = out["diverged_at"].astype("Int64")
    return out
