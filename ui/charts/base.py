"""Chart builders of the Train page (shared by other pages): DataFrame in, Altair chart out. No Streamlit.

Every builder takes `lang` and labels axes, legends and titles in that language.
"""

from __future__ import annotations

import base64
import io
import math

import altair as alt
import numpy as np
import pandas as pd
from PIL import Image

from ui.charts.sizing import (
    MAX_CHART_ROWS,
    MAX_POINTS,
    MAX_SHOWN_POINTS,
    epochs_per_bin,
    per_series,
    sample_points,
    thin_epochs,
)
from ui.i18n import t

__all__ = [
    "CLASS_COLORS",
    "MAX_CHART_ROWS",
    "MAX_POINTS",
    "MAX_SHOWN_POINTS",
    "SPLIT_COLORS",
    "boundary_chart",
    "compare_chart",
    "curves_chart",
    "grad_norm_chart",
    "grad_table",
    "live_curves_spec",
    "log_floor",
    "probability_image",
    "sample_points",
    "thin_epochs",
]

SPLIT_COLORS = {"train": "#e4007f", "dev": "#f19ec2", "test": "#7f7f7f"}
CLASS_COLORS = ("#1f77b4", "#ff7f0e")


def _long_history(history: pd.DataFrame, lang: str, best_epoch: int | None) -> pd.DataFrame:
    """train and dev rows (epoch, split, loss, accuracy), thinned per split to about MAX_POINTS epochs with
    each bin's extremes, the first, last and best epoch kept."""
    rows = []
    for split in ("train", "dev"):
        rows.append(pd.DataFrame({
            "epoch": history["epoch"].to_numpy(), "split": t(split, lang),
            "loss": history[f"{split}_loss"].to_numpy(), "accuracy": history[f"{split}_acc"].to_numpy(),
        }))
    data = pd.concat(rows, ignore_index=True)
    keep = (best_epoch,) if best_epoch is not None and best_epoch >= 0 else ()
    return thin_epochs(data, keep=keep, by="split", extremes=("loss", "accuracy")).reset_index(drop=True)


def curves_chart(history: pd.DataFrame, lang: str, best_epoch: int | None = None) -> alt.HConcatChart:
    """Loss and accuracy vs epoch, train (solid) and dev (dashed), best epoch as a vertical rule."""
    data = _long_history(history, lang, best_epoch)
    split_scale = alt.Scale(domain=[t("train", lang), t("dev", lang)],
                            range=[SPLIT_COLORS["train"], SPLIT_COLORS["dev"]])
    x = alt.X("epoch:Q", title=t("epoch", lang))
    color = alt.Color("split:N", title=t("split", lang), scale=split_scale)
    dash = alt.StrokeDash("split:N", title=t("split", lang),
                          scale=alt.Scale(domain=[t("train", lang), t("dev", lang)], range=[[1, 0], [6, 3]]))
    panels = []
    for metric, title_key in (("loss", "chart_loss"), ("accuracy", "chart_acc")):
        base = alt.Chart(data).mark_line(strokeWidth=2).encode(
            x=x, y=alt.Y(f"{metric}:Q", title=t(metric, lang), scale=alt.Scale(zero=False)),
            color=color, strokeDash=dash,
            tooltip=[alt.Tooltip("epoch:Q", title=t("epoch", lang)), alt.Tooltip("split:N", title=t("split", lang)),
                     alt.Tooltip(f"{metric}:Q", title=t(metric, lang), format=".4f")],
        )
        layers = [base]
        if best_epoch is not None and best_epoch >= 0:
            rule = alt.Chart(pd.DataFrame({"epoch": [best_epoch], "what": [t("best_epoch_rule", lang)]}))
            tooltip = [alt.Tooltip("what:N", title=" "), alt.Tooltip("epoch:Q", title=t("epoch", lang))]
            layers.append(rule.mark_rule(color="#444", strokeDash=[2, 2]).encode(x="epoch:Q", tooltip=tooltip))
        panels.append(alt.layer(*layers).properties(title=t(title_key, lang), width=320, height=260))
    return alt.hconcat(*panels).resolve_scale(color="shared", strokeDash="shared")


def live_curves_spec(history: pd.DataFrame, lang: str, max_points: int = 300) -> dict:
    """A light Vega-Lite spec (a dict, no Altair validation) of train/dev loss and accuracy, redrawn
    while training."""
    thin = thin_epochs(history, max_points=max_points)
    values = [{"epoch": int(e), "split": t(split, lang), "loss": float(loss), "accuracy": float(acc)}
              for split in ("train", "dev")
              for e, loss, acc in zip(thin["epoch"], thin[f"{split}_loss"], thin[f"{split}_acc"])]
    color = {"field": "split", "type": "nominal", "title": t("split", lang),
             "scale": {"domain": [t("train", lang), t("dev", lang)],
                       "range": [SPLIT_COLORS["train"], SPLIT_COLORS["dev"]]}}

    def panel(metric: str, title_key: str) -> dict:
        return {"title": t(title_key, lang), "width": 320, "height": 220, "mark": {"type": "line", "strokeWidth": 2},
                "encoding": {"x": {"field": "epoch", "type": "quantitative", "title": t("epoch", lang)},
                             "y": {"field": metric, "type": "quantitative", "title": t(metric, lang),
                                   "scale": {"zero": False}},
                             "color": color}}

    return {"$schema": "https://vega.github.io/schema/vega-lite/v5.json", "data": {"values": values},
            "hconcat": [panel("loss", "chart_loss"), panel("accuracy", "chart_acc")]}


def compare_chart(histories: dict[str, pd.DataFrame], lang: str, metric: str = "loss",
                  max_rows: int = MAX_CHART_ROWS) -> alt.Chart:
    """Curves of several runs overlaid: colour = run, dash = train/dev. `metric` is 'loss' or 'acc'.

    Each line is thinned on its own (bins with their extremes, first and last epoch kept) so that all
    lines together stay within max_rows rows, however many epochs the runs had."""
    rows = []
    for run, history in histories.items():
        for split in ("train", "dev"):
            rows.append(pd.DataFrame({"epoch": history["epoch"].to_numpy(), "run": run, "split": t(split, lang),
                                      "value": history[f"{split}_{metric}"].to_numpy()}))
    data = pd.concat(rows, ignore_index=True)
    data = thin_epochs(data, max_points=per_series(2 * len(histories), max_rows), by=["run", "split"],
                       extremes=("value",))
    name = t("loss" if metric == "loss" else "accuracy", lang)
    return alt.Chart(data).mark_line(strokeWidth=2).encode(
        x=alt.X("epoch:Q", title=t("epoch", lang)),
        y=alt.Y("value:Q", title=name, scale=alt.Scale(zero=False)),
        color=alt.Color("run:N", title=t("run", lang)),
        strokeDash=alt.StrokeDash("split:N", title=t("split", lang)),
        tooltip=["run:N", "split:N", "epoch:Q", alt.Tooltip("value:Q", title=name, format=".4f")],
    ).properties(title=t("chart_loss" if metric == "loss" else "chart_acc", lang), width=320, height=260)


def probability_image(probs: np.ndarray) -> str:
    """A PNG data URI of a probability grid (row 0 = top): blue (class 0) -> white (0.5) -> orange (class 1)."""
    p = np.clip(np.nan_to_num(probs, nan=0.5), 0.0, 1.0)[..., None]
    blue, white, orange = (np.array(c, dtype=float) for c in ((158, 202, 225), (255, 255, 255), (253, 190, 133)))
    low = blue + (white - blue) * (p / 0.5)
    high = white + (orange - white) * ((p - 0.5) / 0.5)
    rgb = np.where(p < 0.5, low, high)
    near_boundary = np.abs(p - 0.5) < 0.02            # a thin dark line where P = 0.5
    rgb = np.where(near_boundary, np.array([90.0, 90.0, 90.0]), rgb)
    buf = io.BytesIO()
    Image.fromarray(rgb.astype(np.uint8), "RGB").save(buf, format="PNG", optimize=True)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def boundary_chart(probs: np.ndarray, extent: tuple[float, float, float, float], points: pd.DataFrame, lang: str,
                   splits: tuple[str, ...] = ("train", "dev", "test"), size: int = 420,
                   max_points: int = MAX_SHOWN_POINTS) -> alt.LayerChart:
    """Decision boundary: the probability grid as one image layer, data points (colour = class,
    shape = split) on top. `points` has columns x1, x2, label, split.

    At most about max_points points are drawn: more are sampled for display (stratified by split and
    class, sample_points) and the subtitle says how many of how many are shown."""
    x_scale = alt.Scale(domain=[extent[0], extent[1]], nice=False, zero=False)
    y_scale = alt.Scale(domain=[extent[2], extent[3]], nice=False, zero=False)
    image = alt.Chart(pd.DataFrame({"url": [probability_image(probs)], "x": [extent[0]], "x2": [extent[1]],
                                    "y": [extent[3]], "y2": [extent[2]]})).mark_image(
        aspect=False, align="left", baseline="top").encode(
        x=alt.X("x:Q", scale=x_scale, title="x1"), x2="x2:Q",
        y=alt.Y("y:Q", scale=y_scale, title="x2"), y2="y2:Q", url="url:N")
    selected = points[points["split"].isin(splits)]
    shown = sample_points(selected, max_points, by=("split", "label")).assign(
        split_name=lambda d: d["split"].map(lambda s: t(s, lang)),
        cls=lambda d: d["label"].astype(str))
    subtitle = (t("chart_sampled_strata", lang, shown=len(shown), total=len(selected)).split("\n")
                if len(shown) < len(selected) else "")
    dots = alt.Chart(shown).mark_point(filled=True, size=28, opacity=0.85, stroke="white", strokeWidth=0.5).encode(
        x=alt.X("x1:Q", scale=x_scale), y=alt.Y("x2:Q", scale=y_scale),
        color=alt.Color("cls:N", title=t("label", lang), scale=alt.Scale(domain=["0", "1"], range=list(CLASS_COLORS))),
        shape=alt.Shape("split_name:N", title=t("split", lang),
                        scale=alt.Scale(domain=[t(s, lang) for s in ("train", "dev", "test")],
                                        range=["circle", "triangle-up", "square"])),
        tooltip=[alt.Tooltip("x1:Q", format=".3f"), alt.Tooltip("x2:Q", format=".3f"),
                 alt.Tooltip("cls:N", title=t("label", lang)), alt.Tooltip("split_name:N", title=t("split", lang))],
    )
    title = alt.TitleParams(t("chart_boundary", lang), subtitle=subtitle) if subtitle else t("chart_boundary", lang)
    return alt.layer(image, dots).properties(title=title, width=size, height=size)


def log_floor(values: pd.Series | np.ndarray) -> float:
    """Where exact zeros are drawn on a log axis: two decades below the smallest positive value (1e-12 if none)."""
    arr = np.asarray(values, dtype=float)
    positive = arr[np.isfinite(arr) & (arr > 0)]
    if positive.size == 0:
        return 1e-12
    return 10.0 ** (math.floor(math.log10(float(positive.min()))) - 2)


def grad_norm_chart(grad_norms: pd.DataFrame, lang: str, max_rows: int = MAX_CHART_ROWS) -> alt.LayerChart:
    """Weight-gradient L2 norm per layer (fc1..fcK) over epochs, log-scale y.

    A log axis has no 0: epochs whose gradient is exactly 0 (dead ReLUs) are drawn as ▼ markers on a
    dashed floor line two decades below the smallest non-zero value, with "0 (exactly)" in the tooltip.
    All layers together ship at most about max_rows rows: each layer's line is thinned (bins with their
    extremes, first and last epoch kept) and keeps at most one ▼ per bin (at the bin's first exact 0;
    the subtitle says so when markers were thinned), so every stretch of exact zeros stays marked.
    """
    weights = grad_norms[grad_norms["param"] == "weight"]
    floor = log_floor(weights["grad_l2"])
    n_layers = max(1, weights["layer"].nunique())
    budget = per_series(n_layers, max_rows)
    zero_points = max(1, budget // 4)
    nonzero = thin_epochs(weights[weights["grad_l2"] > 0], max_points=budget - zero_points, by="layer",
                          extremes=("grad_l2",))
    all_zeros = weights[weights["grad_l2"] == 0]
    zeros = thin_epochs(all_zeros, max_points=zero_points, by="layer")
    x = alt.X("epoch:Q", title=t("epoch", lang))
    y = alt.Y("grad_l2:Q", title=t("grad_l2", lang), scale=alt.Scale(type="log"), axis=alt.Axis(format=".0e"))
    color = alt.Color("layer:N", title=t("layer", lang), sort=None)
    layers = [alt.Chart(nonzero).mark_line(strokeWidth=1.6).encode(
        x=x, y=y, color=color, tooltip=["layer:N", "epoch:Q", alt.Tooltip("grad_l2:Q", format=".3e")])]
    zeros = zeros.assign(grad_l2=floor, shown=t("vanishing_zero_exact", lang))
    if len(zeros):
        layers.append(alt.Chart(pd.DataFrame({"grad_l2": [floor]})).mark_rule(strokeDash=[4, 4], color="#888")
                      .encode(y=y))
        layers.append(alt.Chart(zeros).mark_point(shape="triangle-down", filled=True, size=40).encode(
            x=x, y=y, color=color,
            tooltip=["layer:N", "epoch:Q", alt.Tooltip("shown:N", title=t("grad_l2", lang))]))
    title: str | alt.TitleParams = t("chart_grad_norms", lang)
    if len(zeros) < len(all_zeros):
        span = int(weights["epoch"].max()) + 1
        title = alt.TitleParams(title, subtitle=t("chart_zero_marks_thinned", lang,
                                                  n=epochs_per_bin(span, zero_points)))
    return alt.layer(*layers).properties(title=title, width=640, height=280)


GRAD_COLUMNS = ["layer", "param", "shape", "grad_l2", "grad_mean_abs", "grad_max_abs", "dead_units"]


def grad_table(table: pd.DataFrame, lang: str):
    """The per-layer gradient table as a pandas Styler: translated headers, scientific notation,
    a flag column, vanishing rows tinted blue and exploding ones red."""
    headers = {c: t(f"col_{c}", lang) for c in GRAD_COLUMNS}
    frame = table[GRAD_COLUMNS].copy()
    frame["dead_units"] = [str(int(v)) if pd.notna(v) else "" for v in frame["dead_units"]]
    flag_col = t("col_flag", lang)
    frame[flag_col] = [t("col_exploding", lang) if e else t("col_vanishing", lang) if v else ""
                       for v, e in zip(table["vanishing"], table["exploding"])]
    frame = frame.rename(columns=headers)
    tints = {t("col_exploding", lang): "background-color: #fde0dd",
             t("col_vanishing", lang): "background-color: #deebf7"}

    def tint(row: pd.Series) -> list[str]:
        return [tints.get(row[flag_col], "")] * len(row)

    sci = "{:.3e}".format
    return frame.style.apply(tint, axis=1).format({headers[c]: sci for c in ("grad_l2", "grad_mean_abs",
                                                                               "grad_max_abs")})
