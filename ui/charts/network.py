"""The "Watch it learn" diagram (as TensorFlow Playground draws it): every neuron as a small picture of what it
computes over the input plane, links coloured by the weight's sign and as thick as |w|, biases, dead and identical
units marked; and the large decision boundary as one image under the data points. Every task (core.tasks): two
classes (P(class 1)), K classes (an output node per class, P(class k) in its colour; decision regions), regression
(the predicted value on a diverging scale, the points coloured by their target).

Pure builders: arrays and frames (core.neurons) in, a hand-written Vega-Lite dict out (no Altair: a page redraws
these many times a second). Per-frame values live in the spec's named `datasets`, the rest of the spec depends only
on the architecture, the language and the size, so successive frames differ in their data only (Streamlit then
updates the data of the chart in place rather than drawing a new chart).
"""

from __future__ import annotations

import base64
import json
import math
import struct
import zlib
from collections.abc import Sequence
from functools import lru_cache

import numpy as np
import pandas as pd

from core import choices
from core.neurons import NeuronPictures
from ui.charts.base import (
    AXIS_LABEL_SIZE,
    CLASS_COLORS,
    SUBTITLE_SIZE,
    TITLE_SIZE,
    VALUE_SCHEME,
    class_colors,
    legend,
    text_px,
    wrap,
)
from ui.charts.preview import _drawn_units
from ui.charts.sizing import MAX_SHOWN_POINTS, sample_points
from ui.i18n import list_text, t

__all__ = ["NEG_COLOR", "POS_COLOR", "W_CAP", "boundary_image_spec", "boundary_rows", "class_url", "input_labels",
           "network_datasets", "network_spec",
           "picture_url", "png_url", "probability_url", "regions_url", "stamped", "value_url"]

NEG_COLOR = (49, 130, 189)       # value < 0 (and weight < 0): blue, as class 0
POS_COLOR = (230, 85, 13)        # value > 0 (and weight > 0): orange, as class 1
P_LOW, P_HIGH = (158, 202, 225), (253, 190, 133)   # P(class 1) near 0 / near 1: base.probability_image's colours
P_LINE = (90, 90, 90)            # the P = 0.5 line
LEVELS = 32                      # colour steps on each side of 0 (a picture is drawn in 2 * LEVELS + 1 colours)
W_CAP = 3.0                      # |w| (and |b|) at which a link (a bias square) reaches its largest size
ZERO_GREY = "#b0b0b0"            # a weight or bias of exactly 0
DEAD_COLOR = "#d62728"
BADGE_COLORS = ("#4e79a7", "#59a14f", "#b07aa1", "#9c755f", "#edc948", "#76b7b2", "#ff9da7", "#bab0ac")
MAX_NODE = 72                    # px: the largest picture
LEFT = 0.55                      # x-domain room left of the inputs for their labels (in columns)
TOP, BOTTOM = 0.75, 1.0          # y-domain room above the top node (badges) and below the lowest (captions)
TASK_TITLE_WIDTH = 300           # px: K classes' and regression's boundary titles fit a phone's plot in one piece
STRENGTHS = 16                   # lightness steps of a decision region (regions_url)
FLAT_LEVEL = 7                   # the one step of a discretized region: about half strength, as P_LOW / P_HIGH

def input_labels(features: Sequence[str], lang: str) -> list[str]:
    """The input nodes' captions: a feature name's label in core.choices.FEATURE_TABLE (x1sq -> x₁²); anything
    else (an already translated label) as it is."""
    table = choices.FEATURE_TABLE
    return [getattr(table[f], "zh" if lang == "zh" else "en") if f in table else str(f) for f in features]


# =========================================================================== pictures as PNG data URLs
def _ramp(low: Sequence[int], mid: Sequence[int], high: Sequence[int], levels: int = LEVELS) -> np.ndarray:
    """2 * levels + 1 RGB colours: low -> mid -> high (index `levels` is mid exactly)."""
    f = np.linspace(0.0, 1.0, levels + 1)[:, None]
    lo, mi, hi = (np.asarray(c, dtype=float) for c in (low, mid, high))
    down = mi + (lo - mi) * f[::-1]
    up = mi + (hi - mi) * f[1:]
    return np.rint(np.vstack([down, up])).astype(np.uint8)


WHITE = (255, 255, 255)
VALUE_PALETTE = _ramp(NEG_COLOR, WHITE, POS_COLOR)                               # indices 0 .. 2 * LEVELS
PROB_PALETTE = np.vstack([_ramp(P_LOW, WHITE, P_HIGH), np.array([P_LINE], dtype=np.uint8)])   # + the line
TWO_PALETTE = np.array([P_LOW, P_HIGH], dtype=np.uint8)


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png_url(index: np.ndarray, palette: np.ndarray) -> str:
    """A PNG data URL of an image of palette indices [h, w] (uint8) and its palette [colours, 3] (8-bit indexed
    colour, written with zlib: ~0.1 ms for 40 x 40, a few hundred bytes to ~2 kB)."""
    h, w = index.shape
    raw = np.zeros((h, w + 1), dtype=np.uint8)       # each scanline: filter type 0, then its pixels
    raw[:, 1:] = index
    png = (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 3, 0, 0, 0))
           + _chunk(b"PLTE", palette.astype(np.uint8).tobytes()) + _chunk(b"IDAT", zlib.compress(raw.tobytes(), 6))
           + _chunk(b"IEND", b""))
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def picture_url(values: np.ndarray) -> str:
    """A feature's or hidden unit's picture [n, n] (row 0 = top): blue < 0, white 0, orange > 0, scaled by its own
    largest |value| (all zeros: white). NaN/inf (a diverged run) are drawn as 0."""
    v = np.nan_to_num(np.asarray(values, dtype=np.float32), nan=0.0, posinf=0.0, neginf=0.0)
    top = float(np.abs(v).max()) if v.size else 0.0
    scaled = v / top if top > 0 else v
    index = np.rint(scaled * LEVELS).astype(np.int16) + LEVELS
    return png_url(np.clip(index, 0, 2 * LEVELS).astype(np.uint8), VALUE_PALETTE)


def probability_url(probs: np.ndarray, discretize: bool = False) -> str:
    """P(class 1) [n, n] (row 0 = top) as a PNG data URL in the boundary chart's colours: blue (class 0) -> white
    (0.5) -> orange (class 1), a dark line where P crosses 0.5; `discretize`: the two class colours
    only (P >= 0.5 orange), as Playground's "discretize output"."""
    p = np.clip(np.nan_to_num(np.asarray(probs, dtype=np.float32), nan=0.5), 0.0, 1.0)
    if discretize:
        return png_url((p >= 0.5).astype(np.uint8), TWO_PALETTE)
    index = np.rint(p * (2 * LEVELS)).astype(np.uint8)          # 0 .. 2 * LEVELS, 0.5 -> LEVELS (white)
    index[_crossing(p >= 0.5)] = 2 * LEVELS + 1
    return png_url(index, PROB_PALETTE)


def _crossing(side: np.ndarray) -> np.ndarray:
    """The pixels where P crosses 0.5: those whose side differs from their right or lower neighbour's (a line one
    pixel wide, however steep P is; none when P is 0.5 everywhere)."""
    line = np.zeros(side.shape, dtype=bool)
    line[:, :-1] |= side[:, :-1] != side[:, 1:]
    line[:-1, :] |= side[:-1, :] != side[1:, :]
    return line


def _rgb(colour: str) -> tuple[int, int, int]:
    return tuple(int(colour[i:i + 2], 16) for i in (1, 3, 5))


def class_url(probs: np.ndarray, colour: str) -> str:
    """P(class k) [n, n] of one of K output units: white (0) -> the class's colour (1)."""
    p = np.clip(np.nan_to_num(np.asarray(probs, dtype=np.float32), nan=0.0), 0.0, 1.0)
    palette = _ramp(WHITE, WHITE, _rgb(colour))[LEVELS:]             # LEVELS + 1 colours, white first
    return png_url(np.rint(p * LEVELS).astype(np.uint8), palette)


def regions_url(probs: np.ndarray, discretize: bool = False) -> str:
    """K classes' probabilities [K, n, n] as decision regions, in ui.charts.base.region_image's colours: each
    pixel in the colour of its most likely class, paler where that class is less sure, a dark line where the
    winner changes; `discretize`: every region at one strength (about half, as the two classes' discretized
    colours, so that the points stay visible on it). Indexed colour (K x STRENGTHS + 1 colours),
    so that a frame encodes it in well under a millisecond."""
    p = np.nan_to_num(np.asarray(probs, dtype=np.float32), nan=1.0 / len(probs))
    k = p.shape[0]
    winner, sure = p.argmax(axis=0), p.max(axis=0)
    level = np.full(winner.shape, FLAT_LEVEL) if discretize else np.rint(
        np.clip((sure - 1.0 / k) / (1.0 - 1.0 / k), 0.0, 1.0) * (STRENGTHS - 1)).astype(np.int64)
    strength = 0.25 + 0.55 * np.linspace(0.0, 1.0, STRENGTHS)[:, None]
    white = np.asarray(WHITE, dtype=float)
    palette = [white + (np.asarray(_rgb(c), dtype=float) - white) * strength for c in class_colors(k)]
    palette = np.rint(np.vstack([*palette, np.asarray([P_LINE], dtype=float)])).astype(np.uint8)
    index = winner * STRENGTHS + level
    index[_crossing(winner)] = k * STRENGTHS
    return png_url(index.astype(np.uint8), palette)


VALUE_LOW, VALUE_HIGH = (66, 125, 184), (234, 121, 39)   # region_image's regression ends (85 % of its blue/orange)
PREDICTION_PALETTE = _ramp(VALUE_LOW, WHITE, VALUE_HIGH)


def value_url(values: np.ndarray, value_range: float) -> str:
    """A regression output [n, n] on a fixed diverging scale: blue -value_range, white 0, orange +value_range (the
    colours of ui.charts.base.region_image's regression picture), clipped beyond."""
    v = np.nan_to_num(np.asarray(values, dtype=np.float32), nan=0.0, posinf=0.0, neginf=0.0)
    index = np.rint(np.clip(v / max(float(value_range), 1e-12), -1.0, 1.0) * LEVELS).astype(np.int16) + LEVELS
    return png_url(index.astype(np.uint8), PREDICTION_PALETTE)


def stamped(datasets: dict[str, list[dict]]) -> dict[str, list[dict]]:
    """The datasets, each non-empty one with one more column named after a digest of its rows ("_v" + 8 hex).

    Streamlit's browser side replaces a named dataset of a drawn chart only when the dataset's "hash" changes, and
    that hash is its shape, its column names and its size in bytes, not its values: links whose weights changed but
    whose Arrow table kept its size (most frames) would stay drawn as they were at the first frame. The digest in a
    column name makes every change of value a change of that hash. No layer reads the column."""
    out = {}
    for name, rows in datasets.items():
        if rows:
            digest = zlib.crc32(json.dumps(rows, sort_keys=True, default=str).encode()) & 0xFFFFFFFF
            rows = [{**row, f"_v{digest:08x}": 0} for row in rows]
        out[name] = rows
    return out


# =========================================================================== the network diagram
def _num(value: float) -> str:
    v = float(value)
    if v == 0 or not math.isfinite(v):
        return "0" if v == 0 else str(v)
    return f"{v:.3f}" if 1e-3 <= abs(v) < 1e4 else f"{v:.2e}"


def _hex(rgb: Sequence[int]) -> str:
    return "#{:02x}{:02x}{:02x}".format(*rgb)


def _sign_color(value: float) -> str:
    return ZERO_GREY if value == 0 or not math.isfinite(value) else _hex(POS_COLOR if value > 0 else NEG_COLOR)


def _link_width(value: float) -> float:
    """A link's stroke width in px: 0.4 (w = 0) growing linearly to 6 at |w| >= W_CAP."""
    a = abs(value) if math.isfinite(value) else W_CAP
    return round(0.4 + 5.6 * min(a / W_CAP, 1.0), 3)


class _Layout:
    """Where each drawn unit sits: column c (0 = inputs, 1.. = hidden layers, last = output), y centred on 0."""

    def __init__(self, sizes: Sequence[int]):
        self.sizes = tuple(sizes)
        self.drawn = [_drawn_units(width) for width in self.sizes]
        self.rows = max(len(d) for d in self.drawn)
        self.pos: dict[tuple[int, int], float] = {}
        for c, drawn in enumerate(self.drawn):
            for r, (unit, _) in enumerate(drawn):
                if unit >= 0:
                    self.pos[(c, unit)] = (len(drawn) - 1) / 2 - r

    def x_domain(self) -> list[float]:
        return [-0.5 - LEFT, len(self.sizes) - 0.5]

    def y_domain(self) -> list[float]:
        half = (self.rows - 1) / 2
        return [-half - BOTTOM, half + TOP]

    def node_expr(self) -> str:
        """The picture's side in px: fits a column and a row of the plot, at most MAX_NODE."""
        xs, ys = (d[1] - d[0] for d in (self.x_domain(), self.y_domain()))
        return f"max(8, min(0.56 * width / {xs:.3f}, 0.74 * height / {ys:.3f}, {MAX_NODE}))"

    def gaps(self, lang: str) -> list[dict]:
        rows = []
        for c, drawn in enumerate(self.drawn):
            for r, (unit, _) in enumerate(drawn):
                if unit < 0:
                    hidden_units = self.sizes[c] - (len(drawn) - 1)
                    rows.append({"x": c, "y": (len(drawn) - 1) / 2 - r, "text": f"⋮ +{hidden_units}",
                                 "tip": t("net_gap_tip", lang, k=hidden_units)})
        return rows


def _unit_name(c: int, unit: int, n_cols: int, inputs: Sequence[str], lang: str,
               outputs: Sequence[str] = ()) -> str:
    if c == 0:
        return inputs[unit]
    if c == n_cols - 1:
        return outputs[unit] if len(outputs) > 1 else t("net_output", lang)
    return t("net_unit", lang, i=unit + 1)          # units are counted from 1 on screen


def output_names(pictures: NeuronPictures, lang: str, class_names: Sequence[str] | None = None) -> list[str]:
    """What each output node is: the class names of K classes ("class k", or e.g. Iris's species), else "output"."""
    k = len(pictures.outputs)
    if k == 1:
        return [t("net_output", lang)]
    return [str(n) for n in class_names] if class_names is not None else [t("net_class", lang, k=i) for i in range(k)]


def _output_pictures(pictures: NeuronPictures, lang: str, names: Sequence[str], output_url: str | None,
                     value_range: float | None) -> list[tuple[str, str]]:
    """(picture, tooltip) of each output node, by task: P(class 1); P(class k) in class k's colour; the prediction."""
    kind = pictures.task.kind
    if kind == "multiclass":
        colours = class_colors(len(names))
        return [(class_url(p, colours[k]), t("net_class_tip", lang, name=names[k]))
                for k, p in enumerate(pictures.outputs)]
    if kind == "regression":
        url = output_url or (value_url(pictures.output, value_range) if value_range else picture_url(pictures.output))
        return [(url, t("net_value_tip", lang))]
    return [(output_url or probability_url(pictures.output), t("net_output_tip", lang))]


def _node_rows(pictures: NeuronPictures, layout: _Layout, inputs: Sequence[str], lang: str,
               outputs: list[tuple[str, str]], dead: set) -> list[dict]:
    n_cols = len(layout.sizes)
    rows = []
    for (c, unit), y in layout.pos.items():
        if c == 0:
            url, tip = picture_url(pictures.inputs[unit]), t("net_input_tip", lang, name=inputs[unit])
        elif c == n_cols - 1:
            url, tip = outputs[unit]
        else:
            url = picture_url(pictures.hidden[c - 1][unit])
            tip = t("net_hidden_tip", lang, layer=f"fc{c}", unit=t("net_unit", lang, i=unit + 1))
        is_dead = (c, unit) in dead
        rows.append({"x": c, "y": y, "url": url, "tip": tip + (f" · {t('net_dead', lang)}" if is_dead else ""),
                     "stroke": DEAD_COLOR if is_dead else "#555555"})
    return rows


def _link_rows(links: pd.DataFrame, layout: _Layout, inputs: Sequence[str], lang: str,
               outputs: Sequence[str] = ()) -> list[dict]:
    n_cols = len(layout.sizes)
    pos = layout.pos
    rows = []
    for layer, src, dst, w in zip(links["layer"].to_numpy(), links["src"].to_numpy(), links["dst"].to_numpy(),
                                  links["weight"].to_numpy(dtype=float)):
        c = int(layer[2:])                           # fc{c} joins column c - 1 to column c
        a, b = pos.get((c - 1, int(src))), pos.get((c, int(dst)))
        if a is None or b is None:
            continue                                 # a unit in a "⋮" gap
        w = float(w)
        tip = t("net_link_tip", lang, layer=layer, src=_unit_name(c - 1, int(src), n_cols, inputs, lang),
                  dst=_unit_name(c, int(dst), n_cols, inputs, lang, outputs), w=_num(w))
        rows.append({"x": c - 1, "y": a, "x2": c, "y2": b, "color": _sign_color(w), "width": _link_width(w),
                     "opacity": round(0.35 + 0.6 * min(abs(w) / W_CAP, 1.0), 3) if math.isfinite(w) else 1.0,
                     "tip": tip})
    return rows


def _bias_rows(biases: pd.DataFrame, layout: _Layout, inputs: Sequence[str], lang: str,
               outputs: Sequence[str] = ()) -> list[dict]:
    n_cols = len(layout.sizes)
    rows = []
    for layer, unit, b in zip(biases["layer"].to_numpy(), biases["unit"].to_numpy(),
                              biases["bias"].to_numpy(dtype=float)):
        c = int(layer[2:])
        y = layout.pos.get((c, int(unit)))
        if y is None:
            continue
        b = float(b)
        side = 4 + 6 * min(abs(b) / W_CAP, 1.0) if math.isfinite(b) else 10
        rows.append({"x": c, "y": y, "color": _sign_color(b), "size": round(side * side, 2),
                     "tip": t("net_bias_tip", lang, layer=layer,
                              dst=_unit_name(c, int(unit), n_cols, inputs, lang, outputs), b=_num(b))})
    return rows


def _mark_rows(marks: pd.DataFrame, layout: _Layout, lang: str) -> tuple[list[dict], list[dict]]:
    """(dead, badges): a row per drawn dead unit; a lettered badge per drawn unit of an identical group."""
    dead, badges = [], []
    if marks is None or marks.empty:
        return dead, badges
    for layer, part in marks.groupby("layer", sort=False):
        c = int(str(layer)[2:])
        units = part["unit"].to_numpy()
        groups = part["group"].to_numpy()
        shared = [g for g in dict.fromkeys(groups.tolist()) if (groups == g).sum() >= 2]
        letters = {g: chr(ord("A") + i % 26) for i, g in enumerate(shared)}
        for unit, is_dead, group in zip(units.tolist(), part["dead"].to_numpy().tolist(), groups.tolist()):
            y = layout.pos.get((c, unit))
            if y is None:
                continue
            name = t("net_unit", lang, i=unit + 1)
            if is_dead:
                dead.append({"x": c, "y": y, "unit": unit, "tip": t("net_dead_tip", lang, layer=layer, unit=name)})
            if group in letters:
                members = (units[groups == group] + 1).tolist()
                members = list_text(members if len(members) <= 12 else [*members[:11], "…"], lang)
                badges.append({"x": c, "y": y, "unit": unit, "letter": letters[group],
                               "color": BADGE_COLORS[shared.index(group) % len(BADGE_COLORS)],
                               "tip": t("net_identical_tip", lang, layer=layer,
                                          units=t("net_units", lang, i=members))})
    return dead, badges


def _captions(layout: _Layout, lang: str) -> list[dict]:
    n_cols = len(layout.sizes)
    y = layout.y_domain()[0] + 0.15
    rows = [{"x": 0, "y": y, "text": t("net_inputs", lang)}]
    rows += [{"x": c, "y": y, "text": f"fc{c}"} for c in range(1, n_cols - 1)]     # a phone has ~50 px a column
    rows.append({"x": n_cols - 1, "y": y, "text": t("net_output", lang)})
    return rows


def _field(name: str, kind: str = "nominal", **extra) -> dict:
    return {"field": name, "type": kind, **extra}


def _layers(layout: _Layout, named_outputs: bool = False) -> list[dict]:
    """The diagram's layers, bottom to top; each reads one named dataset."""
    x = _field("x", "quantitative", scale={"domain": layout.x_domain(), "nice": False, "zero": False}, axis=None)
    y = _field("y", "quantitative", scale={"domain": layout.y_domain(), "nice": False, "zero": False}, axis=None)
    xy = {"x": x, "y": y}
    tip = {"tooltip": _field("tip")}
    node = {"expr": "node"}
    corner = {"xOffset": {"expr": "node / 2"}, "yOffset": {"expr": "-node / 2"}}
    text = {"type": "text", "fontSize": AXIS_LABEL_SIZE}
    return [
        {"data": {"name": "links"}, "mark": {"type": "rule", "strokeCap": "round"},
         "encoding": {**xy, "x2": {"field": "x2"}, "y2": {"field": "y2"},
                      "color": _field("color", scale=None), "strokeWidth": _field("width", "quantitative", scale=None),
                      "opacity": _field("opacity", "quantitative", scale=None), **tip}},
        {"data": {"name": "nodes"}, "mark": {"type": "point", "shape": "square", "filled": True, "fill": "white",
                                             "opacity": 1, "strokeWidth": 1.5, "size": {"expr": "pow(node + 3, 2)"}},
         "encoding": {**xy, "stroke": _field("stroke", scale=None)}},
        {"data": {"name": "nodes"}, "mark": {"type": "image", "width": node, "height": node, "align": "center",
                                             "baseline": "middle"},
         "encoding": {**xy, "url": _field("url"), **tip}},
        {"data": {"name": "dead"}, "mark": {"type": "point", "shape": "square", "filled": True, "color": "#555555",
                                            "opacity": 0.35, "size": {"expr": "node * node"}},
         "encoding": {**xy, **tip}},
        {"data": {"name": "dead"}, "mark": {"type": "text", "text": "✕", "color": DEAD_COLOR, "fontWeight": "bold",
                                            "fontSize": {"expr": "0.8 * node"}, "baseline": "middle"},
         "encoding": {**xy, **tip}},
        {"data": {"name": "biases"}, "mark": {"type": "point", "shape": "square", "filled": True, "opacity": 1,
                                              "stroke": "white", "strokeWidth": 0.8,
                                              "xOffset": {"expr": "-node / 2"}, "yOffset": {"expr": "node / 2"}},
         "encoding": {**xy, "color": _field("color", scale=None), "size": _field("size", "quantitative", scale=None),
                      **tip}},
        {"data": {"name": "badges"}, "mark": {"type": "point", "shape": "circle", "filled": True, "opacity": 1,
                                              "size": 200, "stroke": "white", "strokeWidth": 1, **corner},
         "encoding": {**xy, "color": _field("color", scale=None), **tip}},
        {"data": {"name": "badges"}, "mark": {**text, "color": "white", "fontWeight": "bold", "fontSize": 11,
                                              "baseline": "middle", **corner},
         "encoding": {**xy, "text": _field("letter"), **tip}},
        {"data": {"name": "gaps"}, "mark": {**text, "fontWeight": "bold", "baseline": "middle"},
         "encoding": {**xy, "text": _field("text"), **tip}},
        {"data": {"name": "labels"}, "mark": {**text, "align": "right", "baseline": "middle",
                                              "dx": {"expr": "-node / 2 - 7"}},
         "encoding": {**xy, "text": _field("text")}},
        {"data": {"name": "captions"}, "mark": {**text, "fontSize": AXIS_LABEL_SIZE - 1, "baseline": "bottom",
                                                "color": "#333333"},
         "encoding": {**xy, "text": _field("text")}},
    ] + ([{"data": {"name": "out_labels"}, "mark": {**text, "align": "left", "baseline": "middle",
                                                    "dx": {"expr": "node / 2 + 6"}},
           "encoding": {**xy, "text": _field("text"), "color": _field("color", scale=None)}}]
         if named_outputs else [])


def network_spec(pictures: NeuronPictures, marks: pd.DataFrame | None, links: pd.DataFrame, biases: pd.DataFrame,
                 lang: str, feature_labels: Sequence[str] | None = None, width: int | str = "container",
                 height: int | None = None, title: str | None = None, output_url: str | None = None,
                 class_names: Sequence[str] | None = None, value_range: float | None = None,
                 stamp: bool = True) -> dict:
    """The network diagram as a Vega-Lite dict: a column per layer (inputs, hidden layers, output), each node
    its picture (core.neurons.neuron_grid) in a frame; links coloured by the weight's sign, as thick as |w|
    (capped at W_CAP); a bias square at each node's lower left corner; dead units (unit_marks) greyed with a red ✕,
    identical units lettered (one letter per group); a layer wider than 8 units drawn as 7, "⋮ +k", its last.

    marks, links and biases are core.neurons.unit_marks and link_frame (marks may be None). feature_labels: the
    input nodes' captions, or feature names (x1, x1sq ...: their FEATURE_TABLE labels in `lang`; the default
    is pictures.features). width: "container" (fills it; show with
    st.vega_lite_chart(width="stretch")) or pixels; height: pixels (default from the tallest layer). Pictures
    scale with the plot; output_url: an already encoded output picture (probability_url) to reuse.

    K classes (pictures.task): K output nodes, each P(class k) from white to the class's colour, named right of it
    by `class_names` (default "class 0" ...); regression: one output node, the prediction from blue
    (-value_range) through white to orange (+value_range; None: scaled to its own largest value).

    The values drawn are network_datasets(...) (`stamp`: with their digests, for st.vega_lite_chart); the rest of
    the spec depends only on the architecture, the language and the names."""
    names = output_names(pictures, lang, class_names)
    named = len(names) > 1
    layout = _Layout(pictures.layer_sizes)
    height = int(height) if height is not None else max(240, 46 * layout.rows + 110)
    key = wrap(t("net_key", lang).split("\n"), SUBTITLE_SIZE)
    room = {"padding": {"left": 5, "top": 5, "bottom": 5,      # K classes' names right of the plot, in pixels
                        "right": 8 + max(text_px(name) for name in names)}} if named else {}
    datasets = network_datasets(pictures, marks, links, biases, lang, feature_labels, output_url, class_names,
                                value_range)
    return {
        "title": ({"text": wrap(title), "subtitle": key} if title else
                  {"text": key, "fontSize": SUBTITLE_SIZE, "fontWeight": "normal"}),
        "width": width, "height": height,
        "autosize": {"type": "fit-x", "contains": "padding"}, **room,
        "params": [{"name": "node", "expr": layout.node_expr()}],
        "datasets": stamped(datasets) if stamp else datasets,
        "layer": _layers(layout, named),
        "config": {"view": {"stroke": None},
                   "title": {"fontSize": TITLE_SIZE, "subtitleFontSize": SUBTITLE_SIZE, "anchor": "start"}},
    }


def network_datasets(pictures: NeuronPictures, marks: pd.DataFrame | None, links: pd.DataFrame,
                     biases: pd.DataFrame, lang: str, feature_labels: Sequence[str] | None = None,
                     output_url: str | None = None, class_names: Sequence[str] | None = None,
                     value_range: float | None = None) -> dict[str, list[dict]]:
    """The network diagram's named datasets (network_spec's arguments): links, nodes (their pictures), biases,
    dead and identical marks, and the fixed labels; a frame of Watch it learn changes these only."""
    names = output_names(pictures, lang, class_names)
    named = len(names) > 1
    layout = _Layout(pictures.layer_sizes)
    inputs = input_labels(feature_labels if feature_labels is not None else pictures.features, lang)
    dead, badges = _mark_rows(marks, layout, lang)
    dead_at = {(d["x"], d["unit"]) for d in dead}
    labels = [{"x": 0, "y": layout.pos[(0, i)], "text": inputs[i]} for i in range(len(inputs)) if (0, i) in layout.pos]
    out_col = len(layout.sizes) - 1
    colours = class_colors(len(names))
    out_labels = [{"x": out_col, "y": layout.pos[(out_col, k)], "text": name, "color": colours[k]}
                  for k, name in enumerate(names) if named and (out_col, k) in layout.pos]
    return {
        "links": _link_rows(links, layout, inputs, lang, names),
        "nodes": _node_rows(pictures, layout, inputs, lang,
                            _output_pictures(pictures, lang, names, output_url, value_range), dead_at),
        "biases": _bias_rows(biases, layout, inputs, lang, names),
        "dead": dead, "badges": badges, "gaps": layout.gaps(lang), "labels": labels,
        "captions": _captions(layout, lang),
        **({"out_labels": out_labels} if named else {}),
    }


# =========================================================================== the decision boundary
LEGEND = {"orient": "bottom", "direction": "vertical", "labelLimit": 0, "rowPadding": 2}


def _colour_field(kind: str, lang: str, class_names: Sequence[str], value_range: float) -> tuple[dict, dict]:
    """(colour encoding, its tooltip) of the points: class (two: the book's blue/orange; K: class_colors(K)), or
    the target on the diverging scale of regression."""
    label_title = t("target" if kind == "regression" else "label", lang)
    if kind == "regression":
        return (_field("value", "quantitative", title=label_title,
                       scale={"scheme": VALUE_SCHEME, "domain": [-value_range, value_range]},
                       legend={"orient": "bottom", "direction": "horizontal", "gradientLength": 160}),
                _field("value", "quantitative", title=label_title, format=".3f"))
    if kind == "multiclass":
        names = list(class_names)
        return (_field("cls", title=label_title, scale={"domain": names, "range": class_colors(len(names))},
                       legend=_class_legend(tuple(names), label_title)), _field("cls", title=label_title))
    return (_field("cls", title=label_title, scale={"domain": ["0", "1"], "range": list(CLASS_COLORS)}, legend=LEGEND),
            _field("cls", title=label_title))


@lru_cache(maxsize=64)
def _class_legend(names: tuple[str, ...], title: str) -> dict:
    """base.legend (as many columns as fit a phone) as a dict, made once per set of names (altair is slow)."""
    return legend(names, title).to_dict()


def _point_layer(points: pd.DataFrame, lang: str, splits: Sequence[str], kind: str = "binary",
                 class_names: Sequence[str] = ("0", "1"), value_range: float = 1.0,
                 axis_titles: Sequence[str] = ("x1", "x2")) -> dict:
    """base.point_marks as a hand-written layer: colour = class (or target), shape = split, the same sizes and
    tooltip."""
    split_names = [t(s, lang) for s in splits]
    shapes = dict(zip(("train", "dev", "test"), ("circle", "triangle-up", "square")))
    split_title = t("split", lang)
    color, color_tip = _colour_field(kind, lang, class_names, value_range)
    named = [{"title": name} if name != field else {} for name, field in zip(axis_titles, ("x1", "x2"))]
    return {
        "data": {"name": "points"},
        "mark": {"type": "point", "filled": True, "size": 28, "opacity": 0.85, "stroke": "white", "strokeWidth": 0.5},
        "encoding": {
            "x": _field("x1", "quantitative", title=axis_titles[0]),
            "y": _field("x2", "quantitative", title=axis_titles[1]),
            "color": color,
            "shape": _field("split_name", title=split_title, scale={"domain": split_names,
                                                                    "range": [shapes[s] for s in splits]},
                            legend=LEGEND),
            "tooltip": [_field("x1", "quantitative", format=".3f", **named[0]),
                        _field("x2", "quantitative", format=".3f", **named[1]),
                        color_tip, _field("split_name", title=split_title)],
        },
    }


def boundary_rows(output, extent, discretize: bool = False, kind: str = "binary",
                  value_range: float = 1.0) -> list[dict]:
    """The boundary picture's dataset (boundary_image_spec's "boundary"): one row, its data URL and where it lies;
    a frame of Watch it learn changes this only."""
    url, box = _image_box(output, extent, discretize, kind, value_range)
    return [{"url": url, **box}]


def _image_box(output, extent, discretize: bool, kind: str = "binary", value_range: float = 1.0) -> tuple[str, dict]:
    """(data URL, x/x2/y/y2 of the image in data units) of the boundary picture: P(class 1) [n, n], the classes'
    probabilities [K, n, n] (decision regions) or the prediction [n, n] (regression)."""
    x0, x1, y0, y1 = (float(v) for v in extent)
    if isinstance(output, str):
        return output, {"x": x0, "x2": x1, "y": y1, "y2": y0}
    p = np.asarray(output)
    h, w = p.shape[-2:]
    hx = (x1 - x0) / (w - 1) / 2 if w > 1 else 0.0   # grid points are pixel centres:
    hy = (y1 - y0) / (h - 1) / 2 if h > 1 else 0.0   # half a pixel beyond the extent
    if kind == "multiclass":
        url = regions_url(p, discretize)
    elif kind == "regression":
        url = value_url(p, value_range)
    else:
        url = probability_url(p, discretize)
    return url, {"x": x0 - hx, "x2": x1 + hx, "y": y1 + hy, "y2": y0 - hy}


def _point_rows(shown: pd.DataFrame, lang: str, kind: str, class_names: Sequence[str]) -> list[dict]:
    """The points' rows: picture coordinates, class name (or target value), split name."""
    xs, ys = shown["x1"].to_numpy().tolist(), shown["x2"].to_numpy().tolist()
    split_names = {s: t(s, lang) for s in ("train", "dev", "test")}
    splits = [split_names[s] for s in shown["split"].to_numpy().tolist()]
    labels = shown["label"].to_numpy().tolist()
    if kind == "regression":
        return [{"x1": round(a, 4), "x2": round(b, 4), "value": round(float(v), 4), "split_name": s}
                for a, b, v, s in zip(xs, ys, labels, splits)]
    names = list(class_names) if kind == "multiclass" else [str(c) for c in range(2)]
    return [{"x1": round(a, 4), "x2": round(b, 4), "cls": names[int(c)], "split_name": s}
            for a, b, c, s in zip(xs, ys, labels, splits)]


def value_range_of(points: pd.DataFrame) -> float:
    """The diverging scale's half width for regression: the largest |target| (1 when there is none)."""
    labels = np.abs(points["label"].to_numpy(dtype=float)) if len(points) else np.zeros(0)
    top = float(np.nanmax(labels)) if labels.size else 0.0
    return top if math.isfinite(top) and top > 0 else 1.0


def boundary_image_spec(output: NeuronPictures | np.ndarray | str, extent: tuple[float, float, float, float] | None,
                        points: pd.DataFrame, lang: str, show_test: bool = True, discretize: bool = False,
                        size: int = 360, max_points: int = MAX_SHOWN_POINTS, title: str | None = None,
                        kind: str | None = None, class_names: Sequence[str] | None = None,
                        value_range: float | None = None, axis_titles: Sequence[str] = ("x1", "x2"),
                        stamp: bool = True) -> dict:
    """The decision boundary as one image (P(class 1), row 0 = top, over `extent`) under the data points, drawn as
    everywhere in the app (colour = class, shape = split).

    `output`: NeuronPictures (its output and extent; `extent` may be None), the P grid [n, n] (encoded here, two
    colours only when `discretize`, each pixel centred on its grid point) or a ready data URL
    (probability_url(p, discretize); drawn edge to edge over extent). `points`: Splits.frame() (x1, x2, label,
    split); test points only when show_test; more than max_points are sampled for display.

    The plot is a square of `size` px, or less where the chart is narrower: its scales span min(width, height)
    from the lower left corner, so width="stretch" keeps it square (wider: blank on the right; narrower: blank
    above). width=spec["width"] (plot and y axis) fits it exactly where the container is wide enough.

    Other tasks (`kind`, default the pictures' task, else "binary"): "multiclass" takes the classes' probabilities
    [K, n, n] and draws decision regions (regions_url; `discretize`: at full strength), the points in K class
    colours named by `class_names` (default 0 .. K-1); "regression" takes the prediction [n, n] and draws it and
    the points' targets on one diverging scale of half width `value_range` (default: the largest |target|).
    `points` x1, x2 are the picture's coordinates (projected for data of more than two inputs), named on the axes
    by `axis_titles`."""
    if isinstance(output, NeuronPictures):
        kind = output.task.kind if kind is None else kind
        output, extent = output.output, (output.extent if extent is None else extent)
    kind = kind or "binary"
    if kind == "multiclass" and class_names is None:
        class_names = [str(k) for k in range(np.asarray(output).shape[0])]
    value_range = value_range if value_range is not None else value_range_of(points)
    x0, x1, y0, y1 = (float(v) for v in extent)
    boundary = boundary_rows(output, extent, discretize, kind, value_range)
    splits = ("train", "dev", "test") if show_test else ("train", "dev")
    selected = points[points["split"].isin(splits)]
    shown = sample_points(selected, max_points, by=("split", "label") if kind != "regression" else ("split",))
    values = _point_rows(shown, lang, kind, class_names or ("0", "1"))
    axis = {"labelFontSize": AXIS_LABEL_SIZE, "titleFontSize": AXIS_LABEL_SIZE + 1, "tickCount": 7, "grid": False}
    side = {"expr": "min(width, height)"}
    x = _field("x", "quantitative", title=axis_titles[0], axis=axis,
               scale={"domain": [x0, x1], "nice": False, "zero": False, "range": [0, side]})
    y = _field("y", "quantitative", title=axis_titles[1], axis=axis,
               scale={"domain": [y0, y1], "nice": False, "zero": False,
                      "range": [{"expr": "height"}, {"expr": "height - min(width, height)"}]})
    subtitle = (t("chart_sampled_strata", lang, shown=len(shown), total=len(selected)).split("\n")
                if len(shown) < len(selected) else None)
    default_title = {"binary": "chart_boundary", "multiclass": "chart_regions", "regression": "chart_prediction"}
    text = title if title is not None else t(default_title[kind], lang)
    head = wrap(text) if kind == "binary" else wrap(text, width=TASK_TITLE_WIDTH)
    return {
        **({"title": {"text": head, **({"subtitle": subtitle} if subtitle else {})}} if head or subtitle else {}),
        "width": size + 56, "height": size,
        "autosize": {"type": "fit-x", "contains": "padding"},
        "datasets": (stamped if stamp else dict)({"boundary": boundary, "points": values}),
        "layer": [
            {"data": {"name": "boundary"},
             "mark": {"type": "image", "aspect": False, "align": "left", "baseline": "top", "clip": True,
                      "tooltip": None},           # the picture has nothing to say on hover (its url, its corners)
             "encoding": {"x": x, "x2": {"field": "x2"}, "y": y, "y2": {"field": "y2"}, "url": _field("url")}},
            _point_layer(shown, lang, splits, kind, class_names or ("0", "1"), value_range, axis_titles),
        ],
        "config": {"view": {"stroke": None},
                   "axis": {"labelFontSize": AXIS_LABEL_SIZE, "titleFontSize": AXIS_LABEL_SIZE + 1},
                   "legend": {"orient": "bottom", "labelFontSize": AXIS_LABEL_SIZE, "titleFontSize": AXIS_LABEL_SIZE,
                              "labelLimit": 0},
                   "title": {"fontSize": TITLE_SIZE, "subtitleFontSize": SUBTITLE_SIZE, "anchor": "start"}},
    }
