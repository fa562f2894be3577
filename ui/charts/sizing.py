"""Keeping charts small: every chart ships a bounded number of data rows, whatever the size of the run.

Altair refuses to serialize a dataset of more than 5,000 rows (MaxRowsError in `chart.to_dict()`),
and a browser draws a chart of 100k marks slowly, so no builder hands Vega-Lite the raw frames of a
large run. The helpers here reduce a frame for display; no Streamlit.

- `thin_epochs`: lines over epochs. Per series, the first row of every bin of k epochs and, with
  `extremes`, the rows where each value column reaches its minimum and maximum inside the bin (so a
  spike or the band of a noisy curve looks as it does unthinned); the first and last epoch of every
  series and the epochs in `keep` always stay.
- `sample_points`: scatter points, a reproducible random sample stratified by split and class.
- `bin_epochs`: heatmap cells merged over epochs (geometric mean; exact zeros counted, never averaged away).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

__all__ = ["MAX_CHART_ROWS", "MAX_POINTS", "MAX_SHOWN_POINTS", "bin_epochs", "epochs_per_bin", "per_series",
           "sample_points", "thin_epochs"]

MAX_CHART_ROWS = 4000     # data rows of one chart, all its layers together (Altair's own limit: 5,000 per dataset)
MAX_POINTS = 600          # points per line at most (a panel is ~320-640 px wide)
MAX_SHOWN_POINTS = 3000   # scatter points drawn at most


def per_series(n_series: int, budget: int = MAX_CHART_ROWS, cap: int = MAX_POINTS) -> int:
    """Points per line when `n_series` lines share one chart's row budget (at most `cap`, at least 4)."""
    return max(4, min(cap, budget // max(1, n_series) - 2))


def _columns(by: str | Sequence[str] | None) -> list[str]:
    if by is None:
        return []
    return [by] if isinstance(by, str) else list(by)


def thin_epochs(frame: pd.DataFrame, keep: Iterable[int | None] = (), max_points: int = MAX_POINTS,
                by: str | Sequence[str] | None = None, extremes: Sequence[str] = ()) -> pd.DataFrame:
    """The rows of at most about `max_points` epochs per series (+ the last epoch and `keep`).

    A series is the rows of one combination of the `by` columns (the whole frame without `by`).
    Its epochs are cut into bins of k consecutive epochs: k = 1 when the series has at most
    max_points epochs, else chosen so that the bins times 1 + 2 * len(extremes) fit max_points.
    Each bin keeps its first epoch and, for every column in `extremes`, the epochs of its smallest
    and largest finite value. The first and the last epoch of every series and the epochs in `keep`
    (e.g. the best epoch) are always kept. A kept epoch keeps all rows of its series at that epoch;
    rows stay in their original order.
    """
    if frame.empty:
        return frame
    keys = _columns(by)
    work = frame.reset_index(drop=True)
    epochs = work["epoch"].to_numpy(dtype=np.int64)
    if keys:
        groups = work.groupby(keys, sort=False, dropna=False, observed=True)
        gid = groups.ngroup().to_numpy(dtype=np.int64)
        lo = groups["epoch"].transform("min").to_numpy(dtype=np.int64)
        hi = groups["epoch"].transform("max").to_numpy(dtype=np.int64)
    else:
        gid = np.zeros(len(work), dtype=np.int64)
        lo = np.full(len(work), epochs.min())
        hi = np.full(len(work), epochs.max())
    bins = max(1, int(max_points) // (1 + 2 * len(extremes)))
    span = hi - lo + 1
    step = np.where(span <= max_points, 1, np.maximum(1, np.ceil(span / bins))).astype(np.int64)
    cell = pd.DataFrame({"g": gid, "b": (epochs - lo) // step, "e": epochs})
    rows = [cell.groupby(["g", "b"], sort=False)["e"].idxmin().to_numpy()]
    for column in extremes:
        values = pd.to_numeric(work[column], errors="coerce").to_numpy(dtype=float)
        finite = np.isfinite(values)
        if finite.any():
            by_bin = cell[finite].assign(v=values[finite]).groupby(["g", "b"], sort=False)["v"]
            rows += [by_bin.idxmin().to_numpy(), by_bin.idxmax().to_numpy()]
    chosen = np.zeros(len(work), dtype=bool)
    chosen[np.concatenate(rows)] = True
    chosen |= (epochs == lo) | (epochs == hi)
    wanted = [int(e) for e in keep if e is not None]
    if wanted:
        chosen |= np.isin(epochs, wanted)
    # every row of a kept (series, epoch): long frames keep all their rows of that epoch
    code = gid * (int(epochs.max()) + 1) + epochs
    mask = np.isin(code, code[chosen])
    return frame.iloc[np.flatnonzero(mask)]


def sample_points(points: pd.DataFrame, max_points: int = MAX_SHOWN_POINTS,
                  by: Sequence[str] = ("split", "label"), seed: int = 0) -> pd.DataFrame:
    """At most about `max_points` rows of `points`, stratified by the `by` columns that exist.

    Each stratum (e.g. train points of class 1) keeps its share of the sample (largest remainder,
    at least one point), drawn by a generator with a fixed seed, so the same data always gives the
    same picture. Rows keep their original order. A frame of at most max_points rows is returned as is.
    """
    n = len(points)
    if n <= max_points:
        return points
    keys = [c for c in by if c in points.columns]
    strata = list(points.groupby(keys, sort=False).indices.values()) if keys else [np.arange(n)]
    sizes = np.array([len(ix) for ix in strata])
    exact = sizes * (max_points / n)
    quota = np.floor(exact).astype(int)
    rest = max_points - int(quota.sum())
    quota[np.argsort(-(exact - quota), kind="stable")[:rest]] += 1
    quota = np.minimum(np.maximum(quota, 1), sizes)
    rng = np.random.default_rng(seed)
    chosen = np.concatenate([rng.choice(ix, size=q, replace=False) for ix, q in zip(strata, quota)])
    return points.iloc[np.sort(chosen)]


def bin_epochs(frame: pd.DataFrame, max_bins: int, by: Sequence[str] = ("run", "layer"),
               value: str = "grad_l2") -> pd.DataFrame:
    """Heatmap cells (columns epoch, epoch_end exclusive, `value`, the `by` columns) merged into at most
    `max_bins` cells per series along the epochs.

    Bins are cut per first `by` column (e.g. per run, shared by its layers). Each merged cell spans
    its cells' epochs and holds the geometric mean of their positive values, or exactly 0 when all of
    them are exactly 0 (NaN when none is finite). Added columns: cells (how many were merged), zeros
    (how many were exactly 0), value_min and value_max. Other columns take the first cell's value.
    Without merging (few enough epochs) the frame comes back with those columns added.
    """
    keys = list(by)
    out = frame.copy()
    values = pd.to_numeric(out[value], errors="coerce").astype(float)
    out["cells"] = 1
    out["zeros"] = (values == 0).astype(int)
    out["value_min"] = values
    out["value_max"] = values
    if out.empty:
        return out
    outer = keys[:1]
    lo = out.groupby(outer, sort=False)["epoch"].transform("min") if outer else out["epoch"].min()
    hi = out.groupby(outer, sort=False)["epoch_end"].transform("max") if outer else out["epoch_end"].max()
    n_starts = out.groupby(outer, sort=False)["epoch"].transform("nunique") if outer else out["epoch"].nunique()
    if int(np.max(n_starts)) <= max_bins:
        return out
    step = np.maximum(1, np.ceil((hi - lo) / max(1, max_bins))).astype(np.int64)
    out["_bin"] = (out["epoch"] - lo) // step
    positive = values.where(values > 0)
    out["_log"] = np.log10(positive)
    out["_pos"] = positive.notna().astype(int)
    groups = out.groupby([*keys, "_bin"], sort=False, dropna=False)
    merged = groups.first()
    merged["epoch"] = groups["epoch"].min()
    merged["epoch_end"] = groups["epoch_end"].max()
    merged["cells"] = groups.size()
    merged["zeros"] = groups["zeros"].sum()
    merged["value_min"] = groups["value_min"].min()
    merged["value_max"] = groups["value_max"].max()
    mean_log = groups["_log"].mean()
    merged[value] = np.where(groups["_pos"].sum() > 0, 10.0 ** mean_log,
                             np.where(merged["zeros"] == merged["cells"], 0.0, np.nan))
    merged = merged.reset_index().drop(columns=["_bin", "_log", "_pos"])
    return merged[[c for c in frame.columns] + ["cells", "zeros", "value_min", "value_max"]]


def epochs_per_bin(n_epochs: int, bins: int) -> int:
    """How many epochs one of `bins` equal bins spans (for captions)."""
    return max(1, math.ceil(n_epochs / max(1, bins)))
