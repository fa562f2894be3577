"""Chart builders of the Loss landscape page: core.landscape's frames in, Altair charts out. No Streamlit.

- `line_chart`: loss and accuracy along theta(alpha), train and dev (core.landscape.interpolation);
- `surface_chart`: a loss surface as a heatmap (log colour scale) with contour lines, the marked points
  (start, best, lowest grid point) and, for a path or a race, the paths with epoch tooltips.

A surface of more than `max_side` points per side is drawn on every k-th point (`shown_grid`), and its
contours are computed on the grid as drawn, so a chart ships at most about max_side² + the contour
segments + the paths rows.
"""

from __future__ import annotations

import math

import altair as alt
import numpy as np
import pandas as pd

from core.landscape import contour_levels, contour_segments
from ui.charts.base import PALETTE, SPLIT_COLORS, legend, readable
from ui.i18n import t

__all__ = ["MARK_SHAPES", "line_chart", "shown_grid", "surface_chart", "surface_contours"]

N_LEVELS = 10                 # contour lines
PATH_COLOR = "#e4007f"        # the book's magenta: one run's path
MARK_SHAPES = {"start": "circle", "best": "diamond", "minimum": "cross"}
HEIGHT = 380
OVERLAP = 0.05                # each heatmap cell reaches this share of its width into the next one


def line_chart(line: pd.DataFrame, lang: str) -> alt.VConcatChart:
    """Loss (above) and accuracy (below) vs alpha, train solid and dev dashed, rules at alpha = 0 (theta_0)
    and alpha = 1 (theta*). `line` is core.landscape.interpolation's frame (alpha, split, loss, accuracy)."""
    data = line.assign(split_name=line["split"].map(lambda s: t(s, lang)))
    splits = [t("train", lang), t("dev", lang)]
    color = alt.Color("split_name:N", title=t("split", lang), legend=legend(splits, t("split", lang)),
                      scale=alt.Scale(domain=splits, range=[SPLIT_COLORS["train"], SPLIT_COLORS["dev"]]))
    dash = alt.StrokeDash("split_name:N", title=t("split", lang), legend=legend(splits, t("split", lang)),
                          scale=alt.Scale(domain=splits, range=[[1, 0], [6, 3]]))
    x = alt.X("alpha:Q", title=t("landscape_alpha", lang), scale=alt.Scale(nice=False))
    ends = pd.DataFrame({"alpha": [0.0, 1.0],
                         "name": [t("landscape_mark_start", lang), t("landscape_mark_best", lang)]})

    def panel(metric: str, title_key: str, height: int) -> alt.LayerChart:
        curve = alt.Chart(data).mark_line(strokeWidth=2).encode(
            x=x, y=alt.Y(f"{metric}:Q", title=t(metric, lang), scale=alt.Scale(zero=False)), color=color,
            strokeDash=dash,
            tooltip=[alt.Tooltip("alpha:Q", title="α", format=".2f"),
                     alt.Tooltip("split_name:N", title=t("split", lang)),
                     alt.Tooltip(f"{metric}:Q", title=t(metric, lang), format=".4f")])
        rules = alt.Chart(ends).mark_rule(color="#444", strokeDash=[2, 2]).encode(
            x="alpha:Q", tooltip=[alt.Tooltip("name:N", title=t("landscape_mark", lang))])
        labels = alt.Chart(ends).mark_text(align="left", dx=4, dy=-4, baseline="top", fontSize=13, color="#444").encode(
            x="alpha:Q", y=alt.value(4), text="name:N")
        return alt.layer(curve, rules, labels).properties(title=t(title_key, lang), height=height)

    return readable(alt.vconcat(panel("loss", "landscape_chart_line_loss", 230),
                                panel("accuracy", "landscape_chart_line_acc", 150))
                    .resolve_scale(color="shared", strokeDash="shared"))


def shown_grid(surface: pd.DataFrame, max_side: int) -> pd.DataFrame:
    """The surface's rows on every k-th a and b value (the first and the last kept), at most max_side per
    side, with the cell edges a_lo, a_hi, b_lo, b_hi (halfway to the neighbours) of each kept point."""
    frames = {}
    for column in ("a", "b"):
        values = np.sort(surface[column].unique())
        k = max(1, math.ceil((len(values) - 1) / (max_side - 1))) if len(values) > max_side else 1
        kept = values[::k] if (len(values) - 1) % k == 0 else np.append(values[::k], values[-1])
        mid = (kept[1:] + kept[:-1]) / 2 if len(kept) > 1 else np.zeros(0)
        half = (kept[1] - kept[0]) / 2 if len(kept) > 1 else 0.5
        lo, hi = np.r_[kept[0] - half, mid], np.r_[mid, kept[-1] + half]
        hi[:-1] += OVERLAP * (hi[:-1] - lo[:-1])          # no hairline gaps between antialiased cells
        frames[column] = pd.DataFrame({column: kept, f"{column}_lo": lo, f"{column}_hi": hi})
    return surface.merge(frames["a"], on="a").merge(frames["b"], on="b")


def surface_contours(shown: pd.DataFrame, levels: int = N_LEVELS) -> pd.DataFrame:
    """Contour segments (level, a, b, a2, b2) of a shown grid (shown_grid), at log-spaced levels."""
    a_axis, b_axis = np.sort(shown["a"].unique()), np.sort(shown["b"].unique())
    values = shown.pivot(index="b", columns="a", values="loss").loc[b_axis, a_axis].to_numpy()
    return contour_segments(values, a_axis, b_axis, contour_levels(values, levels))


def surface_chart(shown: pd.DataFrame, contours: pd.DataFrame, marks: pd.DataFrame, paths: pd.DataFrame,
                  lang: str, title: str, axis_titles: tuple[str, str], runs: dict[str, str] | None = None,
                  height: int = HEIGHT) -> alt.LayerChart:
    """The loss surface as a heatmap (train loss, log colour scale, its legend on the right) with contour lines,
    the paths and the marked points (shapes: MARK_SHAPES, named by the page's caption and the tooltips) on top.

    shown: shown_grid's frame; contours: surface_contours'; marks: core.landscape.Landscape.marks (run, what,
    a, b, loss); paths: Landscape.paths (run, epoch, a, b, loss, accuracy), drawn in one colour, or with
    `runs` ({run id: label}, in legend order) one colour per run. Every point has a tooltip."""
    loss_title = t("landscape_train_loss", lang)
    x = alt.X("a:Q", title=axis_titles[0], scale=alt.Scale(nice=False, zero=False))
    y = alt.Y("b:Q", title=axis_titles[1], scale=alt.Scale(nice=False, zero=False))
    positive = shown["loss"][np.isfinite(shown["loss"]) & (shown["loss"] > 0)]
    low = float(positive.min()) if len(positive) else 1e-3
    cells = shown.assign(shade=shown["loss"].clip(lower=low))
    heat = alt.Chart(cells).mark_rect().encode(
        x=alt.X("a_lo:Q", title=axis_titles[0], scale=alt.Scale(nice=False, zero=False)), x2="a_hi:Q",
        y=alt.Y("b_lo:Q", title=axis_titles[1], scale=alt.Scale(nice=False, zero=False)), y2="b_hi:Q",
        color=alt.Color("shade:Q", title=loss_title, scale=alt.Scale(type="log", scheme="viridis"),
                        legend=alt.Legend(orient="right", direction="vertical", gradientLength=height - 120,
                                          format=".2~g", titleLimit=height - 40, titleOrient="left")),
        tooltip=[*_position_tooltip(axis_titles), alt.Tooltip("loss:Q", title=loss_title, format=".4f"),
                 alt.Tooltip("accuracy:Q", title=t("landscape_train_acc", lang), format=".4f")])
    lines = alt.Chart(contours).mark_rule(color="white", strokeWidth=1, opacity=0.7).encode(
        x=x, y=y, x2="a2:Q", y2="b2:Q",
        tooltip=[alt.Tooltip("level:Q", title=t("landscape_level", lang), format=".4f")])
    layers = [heat, lines]
    if len(paths):
        layers += _path_layers(paths, lang, x, y, axis_titles, runs)
    layers.append(_mark_layer(marks, lang, x, y, axis_titles, runs))
    resolve = {"color": "independent", "shape": "independent"}
    return readable(alt.layer(*layers).resolve_scale(**resolve).properties(title=title, height=height))


def _run_color(runs: dict[str, str] | None, lang: str, with_legend: bool = True) -> alt.Color | alt.ColorValue:
    """One colour per run (the order and palette of ui.charts.compare_chart), or PATH_COLOR for a single path."""
    if not runs:
        return alt.value(PATH_COLOR)
    labels = list(runs.values())
    title = t("landscape_optimizer", lang)
    return alt.Color("run_label:N", title=title, sort=labels, scale=alt.Scale(domain=labels, scheme=PALETTE),
                     legend=legend(labels, title) if with_legend else None)


def _position_tooltip(axis_titles: tuple[str, str]) -> list[alt.Tooltip]:
    return [alt.Tooltip("a:Q", title=axis_titles[0], format=".3f"),
            alt.Tooltip("b:Q", title=axis_titles[1], format=".3f")]


def _path_layers(paths: pd.DataFrame, lang: str, x: alt.X, y: alt.Y, axis_titles: tuple[str, str],
                 runs: dict[str, str] | None) -> list:
    data = paths.assign(run_label=paths["run"].map(runs or {}).fillna(""))
    color = _run_color(runs, lang)
    tooltip = ([alt.Tooltip("run_label:N", title=t("landscape_optimizer", lang))] if runs else []) + [
        alt.Tooltip("epoch:Q", title=t("epoch", lang)),
        alt.Tooltip("loss:Q", title=t("landscape_point_loss", lang), format=".4f"),
        alt.Tooltip("accuracy:Q", title=t("landscape_train_acc", lang), format=".4f"), *_position_tooltip(axis_titles)]
    line = alt.Chart(data).mark_line(strokeWidth=2.2).encode(x=x, y=y, color=color, detail="run:N", order="epoch:Q")
    dots = alt.Chart(data).mark_circle(size=36, opacity=1, stroke="white", strokeWidth=0.6).encode(
        x=x, y=y, color=_run_color(runs, lang, with_legend=False), tooltip=tooltip)
    return [line, dots]


def _mark_layer(marks: pd.DataFrame, lang: str, x: alt.X, y: alt.Y, axis_titles: tuple[str, str],
                runs: dict[str, str] | None) -> alt.Chart:
    names = {what: t(f"landscape_mark_{what}", lang) for what in MARK_SHAPES}
    data = marks.assign(name=marks["what"].map(names), run_label=marks["run"].map(runs or {}).fillna(""))
    present = [names[w] for w in MARK_SHAPES if w in set(marks["what"])]
    tooltip = [alt.Tooltip("name:N", title=t("landscape_mark", lang))] + (
        [alt.Tooltip("run_label:N", title=t("landscape_optimizer", lang))] if runs else []) + [
        alt.Tooltip("loss:Q", title=t("landscape_train_loss", lang), format=".4f"), *_position_tooltip(axis_titles)]
    shapes = [MARK_SHAPES[w] for w in MARK_SHAPES if names[w] in present]
    # no legend (a phone has no room for a third one): the page's caption names the shapes, the tooltip each point
    return alt.Chart(data).mark_point(size=160, filled=True, color="white", stroke="black", strokeWidth=1.4,
                                      opacity=1).encode(
        x=x, y=y, shape=alt.Shape("name:N", legend=None, scale=alt.Scale(domain=present, range=shapes)),
        tooltip=tooltip)
