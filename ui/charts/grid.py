"""Chart builders and table styling of the Grid search page: DataFrame in, Altair chart / Styler out. No Streamlit.

The frames are core.sweep.sweep's rows (one per config) and ui.grid_runs.summarize's aggregates
(one per combination of the chosen fields). Every builder takes `lang`.
"""

from __future__ import annotations

from typing import Any

import altair as alt
import pandas as pd

from core.config import FIELD_BY_NAME, format_value
from ui.charts.base import PALETTE, PHONE_WIDTH, legend, readable, text_px
from ui.i18n import choice_label, features_text, t

__all__ = [
    "BEST_COLOR",
    "field_title",
    "heatmap_chart",
    "runs_table",
    "spread_chart",
    "summary_table",
    "value_label",
]

BEST_COLOR = "#e4007f"           # the book's magenta: the best config's cell and rows
BEST_TINT = "background-color: #fce4f1"


def field_title(field: str, lang: str) -> str:
    """A grid field's name for axes and headers, e.g. 'Learning rate' / '学习率'."""
    return FIELD_BY_NAME[field].label(lang)


def value_label(field: str, value: Any, lang: str) -> str:
    """A grid value as shown: layer lists as '5,3' ('—' for none), choices in `lang`, numbers as in URLs."""
    spec = FIELD_BY_NAME[field]
    if spec.kind == "choice":
        return choice_label(field, value, lang)
    if spec.kind == "features":
        return features_text(value, lang)
    if spec.kind == "layers" and not value:
        return t("grid_no_hidden", lang)
    return format_value(spec, value)


def _label_angle(labels) -> int:
    """Horizontal x labels when all of them fit side by side on a phone-wide chart, else slanted."""
    return 0 if sum(text_px(label) + 10 for label in set(labels)) <= PHONE_WIDTH - 80 else -40


def _labelled(frame: pd.DataFrame, fields: list[str], lang: str) -> pd.DataFrame:
    out = frame.copy()
    for f in fields:
        out[f"{f}_label"] = [value_label(f, v, lang) for v in frame[f]]
    return out


def heatmap_chart(summary: pd.DataFrame, x: str | None, y: str | None, lang: str,
                  best: dict[str, Any] | None = None) -> alt.LayerChart:
    """Mean test accuracy per (y, x) cell of `summary` (ui.grid_runs.summarize by [y, x]); the tooltip adds
    std/min/max over the runs aggregated in each cell, the number of runs and of diverged runs. A cell
    whose values match `best` ({field: value}) gets a magenta frame. x or y may be None (a single row or
    column)."""
    axes = [f for f in (y, x) if f is not None]
    data = _labelled(summary, axes, lang)
    data["is_best"] = [bool(best) and all(row[f] == best.get(f) for f in axes) for _, row in summary.iterrows()]
    data["best_text"] = [t("grid_best_marker", lang) if b else "" for b in data["is_best"]]
    acc = t("grid_mean_test_acc", lang)
    encodings: dict[str, Any] = {}
    if x is not None:
        encodings["x"] = alt.X(f"{x}_label:O", title=field_title(x, lang), sort=list(dict.fromkeys(data[f"{x}_label"])),
                               axis=alt.Axis(labelAngle=_label_angle(data[f"{x}_label"]), labelLimit=220))
    if y is not None:
        encodings["y"] = alt.Y(f"{y}_label:O", title=field_title(y, lang), sort=list(dict.fromkeys(data[f"{y}_label"])))
    low = float(min(0.5, data["test_acc_mean"].min())) if data["test_acc_mean"].notna().any() else 0.5
    tooltip = [alt.Tooltip(f"{f}_label:N", title=field_title(f, lang)) for f in axes] + [
        alt.Tooltip("test_acc_mean:Q", title=acc, format=".4f"),
        alt.Tooltip("test_acc_std:Q", title=t("grid_std", lang), format=".4f"),
        alt.Tooltip("test_acc_min:Q", title=t("grid_min", lang), format=".4f"),
        alt.Tooltip("test_acc_max:Q", title=t("grid_max", lang), format=".4f"),
        alt.Tooltip("dev_acc_mean:Q", title=t("grid_mean_dev_acc", lang), format=".4f"),
        alt.Tooltip("runs:Q", title=t("grid_runs", lang)),
        alt.Tooltip("diverged:Q", title=t("grid_diverged", lang)),
        alt.Tooltip("best_text:N", title=" "),
    ]
    base = alt.Chart(data).encode(**encodings)
    cells = base.mark_rect().encode(
        color=alt.Color("test_acc_mean:Q", title=acc, scale=alt.Scale(scheme="viridis", domain=[low, 1.0]),
                        legend=alt.Legend(orient="bottom", direction="horizontal", gradientLength=220)),
        stroke=alt.condition("datum.is_best", alt.value(BEST_COLOR), alt.value(None)),
        strokeWidth=alt.condition("datum.is_best", alt.value(4), alt.value(0)),
        tooltip=tooltip)
    mid = (low + 1.0) / 2
    # the mean in each cell, as long as it fits the cell (a narrow phone shows the colours and the tooltip)
    text = base.mark_text(fontSize=13, limit=alt.ExprRef("bandwidth('x') - 2") if x is not None else 0).encode(
        text=alt.Text("test_acc_mean:Q", format=".3f"),
        color=alt.condition(f"datum.test_acc_mean < {mid}", alt.value("white"), alt.value("black")),
        tooltip=tooltip)
    # the columns share the container's width; rows are a fixed step high
    chart = alt.layer(cells, text).properties(title=t("grid_heatmap_title", lang),
                                              height=alt.Step(44) if y is not None else 60)
    return readable(chart)


def spread_chart(frame: pd.DataFrame, x: str, color: str | None, lang: str) -> alt.LayerChart:
    """Test accuracy of every run (dots) with mean ± std error bars, per value of `x`, coloured by `color`."""
    axes = [f for f in (x, color) if f is not None]
    data = _labelled(frame, axes, lang)
    data["seed_label"] = frame["seed"].astype(str) if "seed" in frame else ""
    acc = t("grid_test_acc", lang)
    x_enc = alt.X(f"{x}_label:N", title=field_title(x, lang), sort=list(dict.fromkeys(data[f"{x}_label"])),
                  axis=alt.Axis(labelAngle=_label_angle(data[f"{x}_label"]), labelLimit=220))
    encodings: dict[str, Any] = {"x": x_enc}
    if color is not None:
        order = list(dict.fromkeys(data[f"{color}_label"]))
        encodings["color"] = alt.Color(f"{color}_label:N", title=field_title(color, lang), sort=order,
                                       scale=alt.Scale(scheme=PALETTE), legend=legend(order, field_title(color, lang)))
        encodings["xOffset"] = alt.XOffset(f"{color}_label:N", sort=order)
    base = alt.Chart(data).encode(**encodings)
    bars = base.mark_errorbar(extent="stdev", ticks=True).encode(
        # accuracy ends at 1: a mean + std bar beyond it is drawn up to 1 (clamped), not into nowhere
        y=alt.Y("test_acc:Q", title=acc, scale=alt.Scale(zero=False, domainMax=1, clamp=True)))
    means = base.mark_point(filled=True, size=90, shape="diamond").encode(
        y=alt.Y("mean(test_acc):Q", title=acc))
    tooltip = [alt.Tooltip(f"{f}_label:N", title=field_title(f, lang)) for f in axes]
    tooltip += [alt.Tooltip("seed_label:N", title=field_title("seed", lang)),
                alt.Tooltip("test_acc:Q", title=acc, format=".4f")]
    dots = base.mark_circle(size=36, opacity=0.45).encode(y="test_acc:Q", tooltip=tooltip)
    return readable(alt.layer(bars, means, dots).properties(title=t("grid_spread_title", lang), height=280))


def _headers(lang: str) -> dict[str, str]:
    keys = {"runs": "grid_runs", "test_acc_mean": "grid_mean_test_acc", "test_acc_std": "grid_std",
            "test_acc_min": "grid_min", "test_acc_max": "grid_max", "dev_acc_mean": "grid_mean_dev_acc",
            "test_loss_mean": "grid_mean_test_loss", "diverged": "grid_diverged", "test_acc": "grid_test_acc",
            "test_loss": "grid_test_loss", "best_dev_acc": "grid_best_dev_acc", "best_epoch": "grid_best_epoch",
            "diverged_at": "grid_diverged_at", "seconds": "grid_seconds", "batched": "grid_batched"}
    return {col: t(key, lang) for col, key in keys.items()}


def _display(frame: pd.DataFrame, fields: list[str], lang: str, columns: list[str]) -> pd.DataFrame:
    out = pd.DataFrame({field_title(f, lang): [value_label(f, v, lang) for v in frame[f]] for f in fields},
                       index=frame.index)
    headers = _headers(lang)
    for col in columns:
        out[headers[col]] = frame[col]
    return out


def summary_table(summary: pd.DataFrame, by: list[str], lang: str, best: dict[str, Any] | None = None):
    """The per-combination summary as a Styler: translated headers, 4 decimals, the best combination tinted."""
    columns = [c for c in summary.columns if c not in by]
    shown = _display(summary, by, lang, columns)
    is_best = [bool(best) and all(row[f] == best.get(f) for f in by) for _, row in summary.iterrows()]
    tints = pd.Series(is_best, index=shown.index)
    headers = _headers(lang)
    fmt = {headers[c]: "{:.4f}" for c in columns if c.endswith(("_mean", "_std", "_min", "_max"))}
    return shown.style.apply(lambda row: [BEST_TINT if tints[row.name] else ""] * len(row), axis=1).format(
        fmt, na_rep="—")


RUN_COLUMNS = ["test_acc", "test_loss", "best_dev_acc", "best_epoch", "diverged_at", "seconds", "batched"]


def runs_table(frame: pd.DataFrame, fields: list[str], lang: str, best_index: Any = None):
    """Every run of a sweep as a Styler: translated headers, the run that 'load best' uses tinted."""
    shown = _display(frame, fields, lang, RUN_COLUMNS)
    headers = _headers(lang)
    shown[headers["diverged_at"]] = [("" if pd.isna(v) else str(int(v))) for v in frame["diverged_at"]]
    fmt = {headers[c]: "{:.4f}" for c in ("test_acc", "test_loss", "best_dev_acc")}
    fmt[headers["seconds"]] = "{:.3f}"
    return shown.style.apply(lambda row: [BEST_TINT if row.name == best_index else ""] * len(row), axis=1).format(
        fmt, na_rep="—")
