"""A grid search as the Grid page states it: text boxes -> a validated grid, its time, summaries, the best run.

Pure policy (no Streamlit), usable from tests and the CLI: the page (app_pages/grid.py) draws the boxes,
ui/grid_runs.py caches and runs the sweep (core.sweep.sweep) behind the page's button.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from typing import Any

import pandas as pd

from .config import FIELD_BY_NAME, ConfigError, RunConfig, format_value
from .sweep import MAX_CONFIGS, check_sweep_time, group_key, validate_grid

MAX_TEXT = 4000           # characters of one axis text box: more than MAX_CONFIGS items of any field fit, so a
                          # long list from a link is counted as given (Streamlit cuts a longer value to the box)
# The page refuses grids estimated (sweep.estimate_sweep_seconds: core.budget's cost model, calibrated by
# bench/bench_budget.py) to take longer than this (Community Cloud reruns); core.sweep's own cap is higher.
MAX_TIME_S = 120.0


# --------------------------------------------------------------------------- text -> grid
def split_values(field: str, text: str) -> list[str]:
    """The items of one axis text box: layer lists and feature sets are separated by ';' (e.g. '5;5,3' or
    'x1,x2;x1sq,x2sq'), other values by ',' or ';'. Blank items are dropped (use 'none' for no hidden layer)."""
    sep = ";" if FIELD_BY_NAME[field].kind in ("layers", "features") else "[,;]"
    return [item.strip() for item in re.split(sep, text or "") if item.strip()]


def parse_grid(base: RunConfig, texts: Mapping[str, str]) -> tuple[dict[str, list[Any]], list[RunConfig]]:
    """{field: text} -> (grid {field: distinct values, coerced by the spec}, its configs over `base`).

    Fields whose text has no items are left out (the base config's value is used). Every value is
    parsed and checked by the spec through core.sweep.validate_grid, which also enforces the sweep's
    caps (MAX_CONFIGS configs, the compute budget); raises ConfigError naming the field and value.
    """
    raw: dict[str, list[str]] = {}
    for field, text in texts.items():
        if field not in FIELD_BY_NAME:
            raise ConfigError(str(field)[:40], text, ", ".join(FIELD_BY_NAME), "unknown parameter", "未知参数")
        if len(text or "") > MAX_TEXT:
            raise ConfigError(field, text, f"len ≤ {MAX_TEXT}", "too long", "过长")
        items = split_values(field, text)
        if len(items) > MAX_CONFIGS:
            raise ConfigError(field, f"{len(items)} values", f"at most {MAX_CONFIGS} configs in all",
                              "too many values", "取值过多")
        if items:
            raw[field] = items
    configs = validate_grid(base, raw)
    grid = {field: list(dict.fromkeys(getattr(c, field) for c in configs)) for field in raw}
    if math.prod(len(v) for v in grid.values()) != len(configs):    # duplicates such as "1, 1.0"
        configs = validate_grid(base, grid)
    return grid, configs


def grid_key(grid: Mapping[str, list[Any]]) -> str:
    """Canonical text of a grid (the cache key): JSON of {field: [values as URL text]}."""
    return json.dumps({f: [format_value(FIELD_BY_NAME[f], v) for v in values] for f, values in grid.items()})


def grid_of(key: str) -> dict[str, list[str]]:
    """The grid a grid_key describes (values as text; core.sweep coerces them through the spec)."""
    return json.loads(key)


def value_text(field: str, value: Any) -> str:
    """A grid value as the text the controls and the URL use ('5,3', '0.01', 'relu')."""
    return format_value(FIELD_BY_NAME[field], value)


# --------------------------------------------------------------------------- time estimate
def n_batched_groups(configs: list[RunConfig]) -> tuple[int, int]:
    """(number of batched groups, number of configs trained one by one) of a sweep over `configs`."""
    keys = [group_key(c) for c in configs]
    singles = sum(k[0] == "single" for k in keys)
    return len({k for k in keys if k[0] == "batch"}), singles


def check_time(configs: list[RunConfig], limit_s: float = MAX_TIME_S) -> float:
    """The estimate of `configs`; raises ConfigError (field epochs) if it is above limit_s seconds."""
    return check_sweep_time(configs, limit_s)


# --------------------------------------------------------------------------- summaries
SUMMARY_COLUMNS = ["runs", "test_acc_mean", "test_acc_std", "test_acc_min", "test_acc_max", "dev_acc_mean",
                   "test_loss_mean", "diverged"]


def summarize(frame: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Aggregate sweep rows over every field not in `by`: one row per combination of `by` (grid order).

    Columns: *by, runs, test_acc_mean/std/min/max, dev_acc_mean (of best_dev_acc), test_loss_mean,
    diverged (how many runs diverged). std is NaN for a single run.
    """
    keyed = frame.assign(_all=0)
    groups = keyed.groupby(list(by) or ["_all"], sort=False, dropna=False)
    out = pd.DataFrame({
        "runs": groups.size(),
        "test_acc_mean": groups["test_acc"].mean(), "test_acc_std": groups["test_acc"].std(),
        "test_acc_min": groups["test_acc"].min(), "test_acc_max": groups["test_acc"].max(),
        "dev_acc_mean": groups["best_dev_acc"].mean(), "test_loss_mean": groups["test_loss"].mean(),
        "diverged": groups["diverged"].sum().astype(int),
    })
    out = out.reset_index()
    return out[[*by, *SUMMARY_COLUMNS]] if by else out[SUMMARY_COLUMNS]


def best_row(frame: pd.DataFrame, fields: list[str]) -> Any:
    """Index label of the run to load: the combination of the non-seed fields with the highest mean dev
    accuracy (ties: higher mean test accuracy, then grid order), and in it the seed with the highest dev
    accuracy (ties: test accuracy, then grid order). None for an empty frame.

    The dev set chooses, as in the book's runner; the test accuracy is what the page reports.
    """
    if frame.empty:
        return None
    by = [f for f in fields if f != "seed"]
    ranked = frame.copy()
    if by:
        summary = summarize(frame, by)
        summary["_rank"] = range(len(summary))
        summary = summary.sort_values(["dev_acc_mean", "test_acc_mean", "_rank"], ascending=[False, False, True],
                                      na_position="last", kind="stable")
        best = summary.iloc[0]
        for f in by:
            ranked = ranked[ranked[f].map(lambda v, want=best[f]: v == want)]
    ranked = ranked.assign(_order=range(len(ranked)))
    ranked = ranked.sort_values(["best_dev_acc", "test_acc", "_order"], ascending=[False, False, True],
                                na_position="last", kind="stable")
    return ranked.index[0]


def combo_row(summary: pd.DataFrame, values: Mapping[str, Any]) -> pd.Series:
    """The row of `summary` whose grouping fields equal `values` (the first row if it has no such fields)."""
    by = [c for c in summary.columns if c not in SUMMARY_COLUMNS]
    match = [all(row[f] == values[f] for f in by) for _, row in summary.iterrows()]
    return summary[match].iloc[0] if any(match) else summary.iloc[0]


def csv_text(frame: pd.DataFrame, fields: list[str]) -> str:
    """A sweep or summary frame as CSV, grid values written as in the controls and URLs ('5,3', '0.01')."""
    out = frame.copy()
    for f in fields:
        out[f] = [value_text(f, v) for v in frame[f]]
    return out.to_csv(index=False)
