"""What the Train page shows before training: the data points and a diagram of the configured network.

Pure builders (frame or layer sizes in, Altair chart out), no Streamlit; both are small and cheap, so the
page redraws them on every sidebar change.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from core.choices import RAW_FEATURES
from ui.charts.base import point_marks, readable
from ui.charts.sizing import MAX_SHOWN_POINTS, sample_points
from ui.i18n import choice_label, t

__all__ = ["MAX_DRAWN_UNITS", "diagram_frames", "network_chart", "points_chart"]

MAX_DRAWN_UNITS = 8        # a wider layer is drawn as its first 7 units, a "⋮" and its last unit


def points_chart(points: pd.DataFrame, lang: str, size: int = 360, max_points: int = MAX_SHOWN_POINTS,
                 kind: str = "binary", n_classes: int = 2, axis_titles: tuple[str, str] = ("x1", "x2"),
                 note: str = "") -> alt.Chart:
    """The dataset before training: x1 vs x2, colour = class (or the target, for regression), shape = split
    (train/dev/test), as on the boundary chart. `points` has columns x1, x2 (the picture's coordinates: data with
    more inputs comes projected, `note` says how), label, split; large sets are sampled for display (the
    subtitle says so)."""
    counts = points["split"].value_counts()
    subtitle = [t("preview_data_counts", lang, train=int(counts.get("train", 0)), dev=int(counts.get("dev", 0)),
                  test=int(counts.get("test", 0))), *([note] if note else [])]
    title = alt.TitleParams(t("preview_data_title", lang), subtitle=subtitle if note else subtitle[0])
    value_range = float(points["label"].abs().max()) if kind == "regression" and len(points) else 1.0
    strata = ("split", "label") if kind != "regression" else ("split",)
    chart = point_marks(sample_points(points, max_points, by=strata), lang,
                        alt.X("x1:Q", title=axis_titles[0], scale=alt.Scale(zero=False, nice=True)),
                        alt.Y("x2:Q", title=axis_titles[1], scale=alt.Scale(zero=False, nice=True)),
                        kind, n_classes, value_range or 1.0)
    return readable(chart.properties(title=title, height=size))


def _drawn_units(width: int) -> list[tuple[int, str]]:
    """(unit index, label) of the units drawn for a layer of `width` units; a gap is index -1 with "⋮"."""
    if width <= MAX_DRAWN_UNITS:
        return [(i, "") for i in range(width)]
    return [(i, "") for i in range(MAX_DRAWN_UNITS - 1)] + [(-1, "⋮"), (width - 1, "")]


def diagram_frames(layer_sizes: tuple[int, ...], activation: str, lang: str,
                   features: tuple[str, ...] = RAW_FEATURES, task_kind: str = "binary",
                   input_names: tuple[str, ...] | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(nodes, links) of the network diagram. nodes: layer, x, y, kind (input/hidden/output/gap), label, caption;
    links: x, y, x2, y2 between every drawn unit of consecutive layers. Layers are centred on y = 0.
    Input units are labelled with the config's input features (x₁, x₂, x₁² ...) or, for a table with more
    columns (Iris), `input_names`; the output caption says what the task's output layer is (core.tasks)."""
    nodes = []
    n_layers = len(layer_sizes)
    act = choice_label("activation", activation, lang)
    for k, width in enumerate(layer_sizes):
        drawn = _drawn_units(width)
        kind = "input" if k == 0 else ("output" if k == n_layers - 1 else "hidden")
        if kind == "input":
            caption = t("preview_inputs", lang, n=width)
        elif kind == "output":
            caption = t("preview_output" if task_kind == "binary" else f"preview_output_{task_kind}", lang, k=width)
        else:
            caption = t("preview_hidden", lang, k=k, n=width, act=act)
        for row, (unit, gap) in enumerate(drawn):
            if kind != "input" or gap:
                label = gap
            elif input_names is not None:
                label = input_names[unit]
            else:
                label = choice_label("features", features[unit], lang)
            nodes.append({"layer": k, "x": float(k), "y": (len(drawn) - 1) / 2 - row,
                          "kind": "gap" if gap else kind, "label": label, "unit": unit, "caption": caption})
    frame = pd.DataFrame(nodes)
    links = []
    for k in range(n_layers - 1):
        left = frame[(frame["layer"] == k) & (frame["kind"] != "gap")]
        right = frame[(frame["layer"] == k + 1) & (frame["kind"] != "gap")]
        links += [{"x": a.x, "y": a.y, "x2": b.x, "y2": b.y} for a in left.itertuples() for b in right.itertuples()]
    return frame, pd.DataFrame(links, columns=["x", "y", "x2", "y2"])


def network_chart(layer_sizes: tuple[int, ...], activation: str, lang: str, height: int = 260,
                  features: tuple[str, ...] = RAW_FEATURES, task_kind: str = "binary",
                  input_names: tuple[str, ...] | None = None) -> alt.LayerChart:
    """A diagram of the configured MLP: one column of units per layer (the input features x₁, x₂ …, hidden layers
    with their width and activation, the output layer), every link drawn; at most MAX_DRAWN_UNITS units a layer."""
    nodes, links = diagram_frames(layer_sizes, activation, lang, features, task_kind, input_names)
    n_layers = len(layer_sizes)
    x = alt.X("x:Q", axis=None, scale=alt.Scale(domain=[-0.5, n_layers - 0.5]))
    span = max(1.0, nodes["y"].abs().max())
    y = alt.Y("y:Q", axis=None, scale=alt.Scale(domain=[-span - 1.3, span + 0.6]))
    edges = alt.Chart(links).mark_rule(color="#9aa0a6", opacity=0.55, strokeWidth=1).encode(
        x=x, y=y, x2="x2:Q", y2="y2:Q")
    units = nodes[nodes["kind"] != "gap"]
    dots = alt.Chart(units).mark_circle(size=260, opacity=1, stroke="#333", strokeWidth=1).encode(
        x=x, y=y, color=alt.Color("kind:N", legend=None, scale=alt.Scale(
            domain=["input", "hidden", "output"], range=["#dbe9f6", "#fde2ef", "#e4007f"])),
        tooltip=[alt.Tooltip("caption:N", title=t("preview_layer", lang))])
    inputs = nodes[(nodes["kind"] == "input") & (nodes["label"] != "")]
    names = alt.Chart(inputs).mark_text(fontSize=13, align="right", dx=-12).encode(x=x, y=y, text="label:N")
    gaps = alt.Chart(nodes[nodes["kind"] == "gap"]).mark_text(fontSize=16, fontWeight="bold").encode(
        x=x, y=y, text="label:N")
    captions = nodes.groupby("layer", as_index=False).agg(x=("x", "first"), caption=("caption", "first"))
    captions["y"] = -span - 0.9
    under = alt.Chart(captions).mark_text(fontSize=13, baseline="middle", lineBreak="\n").encode(
        x=x, y=y, text="caption:N")
    arch = "-".join(map(str, layer_sizes))
    chart = alt.layer(edges, dots, names, gaps, under).properties(
        title=t("preview_network_title", lang, arch=arch), height=height)
    return readable(chart).configure_view(stroke=None)
