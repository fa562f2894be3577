"""Chart builders of the Vanishing gradients and Dead ReLU pages. DataFrame in, Altair chart out; no Streamlit.

A log axis has no 0, but exact zeros are the point of the dead-ReLU experiment: every builder draws
them explicitly (a ▼ marker on a dashed floor line labelled "0", black cells in heatmaps) and
tables print them as "0 (exactly)". Nothing is dropped: a heatmap cell merged over epochs for
display (large runs) is black when all its epochs are exactly 0 and counts its zeros in the tooltip.
"""

from __future__ import annotations

import math

import altair as alt
import numpy as np
import pandas as pd

from ui.charts.base import PALETTE, legend, log_floor, readable
from ui.charts.sizing import MAX_CHART_ROWS, bin_epochs, epochs_per_bin
from ui.i18n import param_label, t

__all__ = [
    "ZERO_COLOR",
    "grad_heatmap",
    "layer_norm_chart",
    "layer_table",
    "log_floor",
    "sci_table",
    "sci_text",
    "slope_chart",
    "summary_table",
]

ZERO_COLOR = "#111111"
HEAT_SCHEME = "viridis"


def sci_text(value: float, lang: str) -> str:
    """A gradient norm as text: '1.904e-11'; exact zeros as '0 (exactly)'; NaN as '—'."""
    if value is None or pd.isna(value):
        return t("none", lang)
    if value == 0:
        return t("vanishing_zero_exact", lang)
    return f"{value:.3e}"


def sci_table(wide: pd.DataFrame, lang: str, index_title_key: str = "layer") -> pd.DataFrame:
    """A wide table of gradient norms (index = layer) as strings in scientific notation, zeros spelled out."""
    out = wide.apply(lambda col: col.map(lambda v: sci_text(v, lang)))
    out.index = [param_label(row, lang) for row in out.index]          # rows fc1.weight, fc1.bias, ...
    out.index.name = t(index_title_key, lang)
    out.columns = [str(c) for c in out.columns]
    return out.reset_index()


def _layer_axis(ks: list[int], lang: str) -> alt.Axis:
    return alt.Axis(values=ks, labelExpr="'fc' + datum.value", title=t("layer", lang), grid=False, tickMinStep=1)


def layer_norm_chart(frame: pd.DataFrame, lang: str, series_title: str, title_key: str = "vanishing_chart_first",
                     height: int = 300) -> alt.LayerChart:
    """Book Figure 4.4: weight-gradient L2 per layer fc1..fcK (x) on a log y axis, one line per series.

    `frame` has columns series, k (layer number), grad_l2. Exact zeros sit on a dashed floor line
    two decades below the smallest non-zero value, as ▼ markers labelled "0" (tooltip "0 (exactly)").
    """
    data = frame[["series", "k", "grad_l2"]].copy()
    data["layer"] = "fc" + data["k"].astype(str)
    data["shown"] = data["grad_l2"].map(lambda v: sci_text(v, lang))
    floor = log_floor(data["grad_l2"])
    order = list(dict.fromkeys(data["series"]))
    series = sorted(order)
    data["x"] = data["k"] + data["series"].map({s: (i - (len(series) - 1) / 2) * 0.06 for i, s in enumerate(series)})
    ks = sorted(data["k"].unique().tolist())
    x_scale = alt.Scale(domain=[min(ks) - 0.4, max(ks) + 0.4], nice=False)
    y = alt.Y("grad_l2:Q", scale=alt.Scale(type="log"), title=t("grad_l2", lang), axis=alt.Axis(format=".0e"))
    color = alt.Color("series:N", title=series_title, sort=order, scale=alt.Scale(domain=order, scheme=PALETTE),
                      legend=legend(order, series_title))
    tooltip = [alt.Tooltip("series:N", title=series_title), alt.Tooltip("layer:N", title=t("layer", lang)),
               alt.Tooltip("shown:N", title=t("grad_l2", lang))]
    nonzero = alt.Chart(data[data["grad_l2"] > 0]).encode(
        x=alt.X("k:Q", scale=x_scale, axis=_layer_axis(ks, lang)), y=y, color=color, tooltip=tooltip)
    layers = [nonzero.mark_line(strokeWidth=2), nonzero.mark_point(filled=True, size=70)]
    zeros = data[data["grad_l2"] == 0].assign(grad_l2=floor)
    if len(zeros):
        floor_rule = pd.DataFrame({"grad_l2": [floor], "what": [t("vanishing_chart_zero_floor", lang)]})
        layers.append(alt.Chart(floor_rule).mark_rule(color="#888", strokeDash=[4, 3]).encode(
            y="grad_l2:Q", tooltip=[alt.Tooltip("what:N", title=" ")]))
        zero_base = alt.Chart(zeros).encode(x=alt.X("x:Q", scale=x_scale), y=y, tooltip=tooltip)
        layers.append(zero_base.mark_point(shape="triangle-down", filled=True, size=150, opacity=1).encode(color=color))
        layers.append(zero_base.mark_text(dx=9, align="left", fontWeight="bold").encode(
            text=alt.value("0"), color=color))
    title = alt.TitleParams(t(title_key, lang), subtitle=t("vanishing_chart_zero_note", lang) if len(zeros) else "")
    return readable(alt.layer(*layers).properties(title=title, height=height))


def grad_heatmap(frame: pd.DataFrame, lang: str, run_order: list[str] | None = None,
                 max_rows: int = MAX_CHART_ROWS) -> alt.VConcatChart:
    """Weight-gradient L2 (colour, log10) per layer (rows fc1..fcK) and epoch (x), one panel per run,
    stacked, each as wide as the container, with the colour scale below them.

    `frame` has columns run, epoch, epoch_end, layer, k, grad_l2 (see core.gradients.epoch_grid);
    cells that are exactly 0 are black. All panels share one colour scale, so runs compare directly.
    All panels together ship at most about max_rows cells: with more runs x layers x epochs, neighbouring
    epochs are merged (sizing.bin_epochs: geometric mean of the non-zero norms, black only where all are
    exactly 0, the zero count in the tooltip) and the subtitle says how many epochs a cell spans.
    """
    data = frame[["run", "epoch", "epoch_end", "layer", "k", "grad_l2"]]
    n_series = max(1, data["run"].nunique() * data["layer"].nunique())
    data = bin_epochs(data, max(1, max_rows // n_series), by=("run", "layer"))
    merged = bool((data["cells"] > 1).any())
    data["shown"] = data["grad_l2"].map(lambda v: sci_text(v, lang))
    positive = data.loc[data["grad_l2"] > 0, "grad_l2"]
    data["log10"] = np.where(data["grad_l2"] > 0, np.log10(data["grad_l2"].where(data["grad_l2"] > 0, 1.0)), np.nan)
    layer_order = sorted(data["layer"].unique(), key=lambda s: int(s.removeprefix("fc")))
    order = run_order or list(dict.fromkeys(data["run"]))
    lo = float(np.log10(positive.min())) if len(positive) else -12.0
    hi = float(np.log10(positive.max())) if len(positive) else 0.0
    tooltip = [alt.Tooltip("run:N", title=t("vanishing_col_run", lang)), alt.Tooltip("layer:N", title=t("layer", lang))]
    subtitle = t("vanishing_chart_heat_sub", lang)
    if merged:
        data["epochs"] = [f"{a}–{b - 1}" for a, b in zip(data["epoch"], data["epoch_end"])]
        data["zero_count"] = [t("chart_zero_count", lang, k=int(z), n=int(c)) for z, c in zip(data["zeros"],
                                                                                               data["cells"])]
        tooltip += [alt.Tooltip("epochs:N", title=t("chart_epochs", lang)),
                    alt.Tooltip("shown:N", title=t("chart_geo_mean", lang)),
                    alt.Tooltip("zero_count:N", title=t("chart_zero_title", lang))]
        span = int(data["epoch_end"].max() - data["epoch"].min())
        per_run = int(data.groupby("run")["epoch"].nunique().max())
        subtitle = [subtitle, t("chart_heat_binned", lang, n=epochs_per_bin(span, per_run))]
    else:
        tooltip += [alt.Tooltip("epoch:Q", title=t("epoch", lang)), alt.Tooltip("shown:N", title=t("grad_l2", lang))]
    data = data.drop(columns=["cells", "zeros", "value_min", "value_max"])
    # exact zeros are painted by the condition below, but their colour field must still be a number: Vega-Lite
    # drops marks whose quantitative colour is null (its default "invalid": "filter"), which left an all-zero
    # panel (dead ReLU) blank instead of black
    data["log10"] = data["log10"].where(data["grad_l2"] != 0, math.floor(lo))
    data["log10_edge"] = data["log10"]
    scale = alt.Scale(scheme=HEAT_SCHEME, domain=[math.floor(lo), max(math.ceil(hi), math.floor(lo) + 1)])
    color = alt.condition("datum.grad_l2 === 0", alt.value(ZERO_COLOR), alt.Color(
        "log10:Q", title=t("vanishing_chart_log10", lang), scale=scale,
        legend=alt.Legend(orient="bottom", direction="horizontal", gradientLength=220)))
    # a hairline stroke in the fill colour hides the anti-aliasing seams between neighbouring cells (its own
    # field: a stroke channel on `log10` with legend=None would be merged with the colour legend and drop it)
    stroke = alt.condition("datum.grad_l2 === 0", alt.value(ZERO_COLOR),
                           alt.Stroke("log10_edge:Q", scale=scale, legend=None))
    height = max(60, 20 * len(layer_order))
    panels = []
    for i, run in enumerate(order):
        last = i == len(order) - 1
        x_axis = alt.Axis(title=t("epoch", lang)) if last else alt.Axis(title=None, labels=False, ticks=False)
        panels.append(alt.Chart().transform_filter(alt.FieldEqualPredicate(field="run", equal=run))
                      .transform_filter("datum.grad_l2 > 0 || datum.grad_l2 === 0")     # NaN cells stay blank
                      .mark_rect(strokeWidth=0.6).encode(
            x=alt.X("epoch:Q", scale=alt.Scale(nice=False), axis=x_axis), x2="epoch_end:Q",
            y=alt.Y("layer:N", sort=layer_order, title=t("layer", lang), axis=alt.Axis(labelOverlap=False)),
            color=color, stroke=stroke, tooltip=tooltip,
        ).properties(width="container", height=height,
                     title=alt.TitleParams(run, fontSize=13, fontWeight="bold", anchor="start", offset=3)))
    # spacing 30: a panel's title sits nearer its own panel than the one above
    chart = alt.vconcat(*panels, data=data, spacing=30).resolve_scale(color="shared", stroke="shared", x="shared")
    return readable(chart.properties(title=alt.TitleParams(t("vanishing_chart_heat", lang), subtitle=subtitle)))


def slope_chart(frame: pd.DataFrame, lang: str, current_slope: float | None = None,
                height: int = 300) -> alt.LayerChart:
    """First-step weight-gradient L2 (log y) against the Leaky ReLU slope (log x), one line per layer.

    `frame` has columns slope, layer, k, grad_l2 (core.gradients.slope_sweep); zeros (float underflow)
    sit on a dashed floor line; the current slope is a vertical rule.
    """
    data = frame[["slope", "layer", "k", "grad_l2"]].copy()
    data["shown"] = data["grad_l2"].map(lambda v: sci_text(v, lang))
    floor = log_floor(data["grad_l2"])
    layer_order = sorted(data["layer"].unique(), key=lambda s: int(s.removeprefix("fc")))
    x = alt.X("slope:Q", scale=alt.Scale(type="log"), title=t("dead_relu_slope_axis", lang))
    y = alt.Y("grad_l2:Q", scale=alt.Scale(type="log"), title=t("grad_l2", lang), axis=alt.Axis(format=".0e"))
    color = alt.Color("layer:N", sort=layer_order, title=t("layer", lang),
                      scale=alt.Scale(domain=layer_order, scheme=PALETTE), legend=legend(layer_order, t("layer", lang)))
    tooltip = [alt.Tooltip("layer:N", title=t("layer", lang)), alt.Tooltip("slope:Q", title=t("dead_relu_slope_axis",
                                                                                             lang)),
               alt.Tooltip("shown:N", title=t("grad_l2", lang))]
    nonzero = alt.Chart(data[data["grad_l2"] > 0]).encode(x=x, y=y, color=color, tooltip=tooltip)
    layers = [nonzero.mark_line(strokeWidth=2), nonzero.mark_point(filled=True, size=50)]
    zeros = data[data["grad_l2"] == 0].assign(grad_l2=floor)
    if len(zeros):
        layers.append(alt.Chart(pd.DataFrame({"grad_l2": [floor]})).mark_rule(color="#888", strokeDash=[4, 3])
                      .encode(y="grad_l2:Q"))
        layers.append(alt.Chart(zeros).mark_point(shape="triangle-down", filled=True, size=120).encode(
            x=x, y=y, color=color, tooltip=tooltip))
    if current_slope is not None and current_slope > 0:
        now = pd.DataFrame({"slope": [current_slope], "what": [t("dead_relu_slope_now", lang)]})
        layers.append(alt.Chart(now).mark_rule(color="#444", strokeDash=[2, 2]).encode(
            x="slope:Q", tooltip=[alt.Tooltip("what:N", title=" "), alt.Tooltip("slope:Q", title=" ")]))
    title = alt.TitleParams(t("dead_relu_chart_slope", lang), subtitle=t("vanishing_chart_zero_note", lang)
                            if len(zeros) else "")
    return readable(alt.layer(*layers).properties(title=title, height=height))


def summary_table(summary: pd.DataFrame, lang: str) -> pd.DataFrame:
    """core.gradients.run_summary as display strings with translated headers (gradients in scientific notation)."""
    out = pd.DataFrame({
        t("vanishing_col_run", lang): summary["run"],
        t("vanishing_col_test_acc", lang): summary["test_acc"].map("{:.3f}".format),
        t("vanishing_col_train_loss", lang): summary["train_loss"].map("{:.4f}".format),
        t("vanishing_col_fc1_first", lang): summary["fc1_grad_first"].map(lambda v: sci_text(v, lang)),
        t("vanishing_col_fc1_last", lang): summary["fc1_grad_last"].map(lambda v: sci_text(v, lang)),
        t("vanishing_col_dead", lang): summary["dead_final"].astype(str),
        t("vanishing_col_diverged", lang): [t("none", lang) if pd.isna(v) else str(int(v))
                                            for v in summary["diverged_at"]],
    })
    return out


def layer_table(frames: dict[str, pd.DataFrame], lang: str) -> pd.DataFrame:
    """Per-run core.gradients.layer_summary frames stacked into one display table: run, layer, dead units at
    initialization and at the end ('3 / 3'), weight-gradient L2 at the first and the last step."""
    rows = []
    for run, f in frames.items():
        dead = ["" if pd.isna(u) else f"{int(a)} / {int(u)}" for a, u in zip(f["dead_init"], f["units"])]
        dead_end = ["" if pd.isna(u) else f"{int(a)} / {int(u)}" for a, u in zip(f["dead_final"], f["units"])]
        rows.append(pd.DataFrame({
            t("vanishing_col_run", lang): run, t("layer", lang): f["layer"],
            t("dead_relu_col_dead_init", lang): dead, t("dead_relu_col_dead_final", lang): dead_end,
            t("dead_relu_col_grad_first", lang): f["grad_l2_first"].map(lambda v: sci_text(v, lang)),
            t("dead_relu_col_grad_last", lang): f["grad_l2_last"].map(lambda v: sci_text(v, lang)),
        }))
    return pd.concat(rows, ignore_index=True)
