"""Chart builders of the Train page (shared by other pages): DataFrame in, Altair chart out. No Streamlit.

Every builder takes `lang` and labels axes, legends and titles in that language.
"""

from __future__ import annotations

import base64
import io
import math
import re

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
from ui.i18n import list_text, param_label, t

__all__ = [
    "AXIS_LABEL_SIZE",
    "CLASS_COLORS",
    "MAX_CHART_ROWS",
    "MAX_POINTS",
    "MAX_SHOWN_POINTS",
    "PALETTE",
    "SPLIT_COLORS",
    "boundary_chart",
    "class_colors",
    "compare_chart",
    "compare_table",
    "confusion_chart",
    "curve_names",
    "curve_values",
    "curves_chart",
    "grad_norm_chart",
    "grad_table",
    "legend",
    "live_curves_spec",
    "log_floor",
    "point_marks",
    "prediction_chart",
    "probability_image",
    "readable",
    "region_image",
    "run_letter",
    "sample_points",
    "score_text",
    "step_curves_chart",
    "text_px",
    "thin_epochs",
    "wrap",
]

SPLIT_COLORS = {"train": "#e4007f", "dev": "#f19ec2", "test": "#7f7f7f"}
CLASS_COLORS = ("#1f77b4", "#ff7f0e")
MANY_CLASS_COLORS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b")   # K <= 6 classes
VALUE_SCHEME = "blueorange"     # regression: targets and predictions on one diverging scale around 0
PALETTE = "tableau10"          # categorical colours: runs, layers, schemes (distinct hues, no two near-identical blues)
AXIS_LABEL_SIZE = 13           # tick labels readable from the back of a classroom (projector, 1280x720)
PHONE_WIDTH = 330              # the narrowest chart we lay legends out for (a 400 px wide phone, page margins off)
# a chart fills its container's width (st.*_chart(width="stretch")) with axes and legends inside it; its height
# is the plot's own (Streamlit's default "fit" would squeeze the plot to make room for a legend below it)
FIT_WIDTH = alt.AutoSizeParams(type="fit-x", contains="padding")


def text_px(text: str, size: int = AXIS_LABEL_SIZE) -> int:
    """About how many pixels `text` takes at font `size` (CJK characters count about one em, others ~0.55 em)."""
    return int(sum(size if ord(ch) > 0x2E80 else 0.55 * size for ch in str(text))) + 1


def legend(labels=(), title: str = "", **kwargs) -> alt.Legend:
    """A legend below the plot, in as many columns as fit a phone-wide chart (labels are never truncated)."""
    labels = [str(label) for label in labels]
    entry = max((text_px(label) for label in labels), default=0) + 30        # symbol, gap, padding
    columns = max(1, min(len(labels) or 1, (PHONE_WIDTH - text_px(title)) // max(1, entry)))
    return alt.Legend(orient="bottom", columns=columns, labelLimit=0, **kwargs)


TITLE_SIZE = AXIS_LABEL_SIZE + 2
SUBTITLE_SIZE = AXIS_LABEL_SIZE - 1
MIN_SPAN = {"loss": 0.02, "accuracy": 0.04}   # the smallest y range a curve panel shows
TITLE_WIDTH = 360              # px: a longer title or subtitle line is broken into lines (Vega cuts it at the width)


def wrap(text, size: int = TITLE_SIZE, width: int = TITLE_WIDTH):
    """`text` (a string or a list of lines) broken at spaces (or between CJK characters) into lines of at most
    about `width` px: a string when it fits on one line, else a list of lines (Vega-Lite's multi-line text)."""
    def greedy(tokens: list[str], limit: float) -> list[str]:
        lines, line = [], ""
        for token in tokens:
            if line.strip() and text_px(line + token.rstrip(), size) > limit:
                lines.append(line.rstrip())
                line = token.lstrip()
            else:
                line += token
        return [*lines, line.rstrip()]

    lines = []
    for part in [text] if isinstance(text, str) else list(text):
        tokens = re.findall(r"[\u2e80-\uffff]|[^\s\u2e80-\uffff]+\s*|\s+", part)
        best = greedy(tokens, width)
        # as many lines as needed, of about equal length (not a long line and a short remainder)
        for slack in (1.05, 1.15, 1.3) if len(best) > 1 else ():
            even = greedy(tokens, min(width, slack * text_px(part, size) / len(best)))
            if len(even) == len(best):
                best = even
                break
        lines += best
    return lines[0] if isinstance(text, str) and len(lines) == 1 else lines


def _wrapped_title(chart):
    title = chart.title
    if isinstance(title, str) and title:
        return chart.properties(title=wrap(title))
    if isinstance(title, alt.TitleParams):
        subtitle = title.subtitle
        return chart.properties(title=alt.TitleParams(
            wrap(title.text), **({"subtitle": wrap(subtitle, SUBTITLE_SIZE)} if isinstance(subtitle, (str, list))
                                 and subtitle else {}),
            **{k: v for k, v in title.to_dict().items() if k not in ("text", "subtitle")}))
    return chart


def readable(chart, width: str | int | None = "container"):
    """A finished chart: the app's sizes for axis, legend and title text, legends below the plot, the
    width of its container (or `width` pixels; None keeps the chart's own sizing) with every label
    inside it. Apply last: a configured chart can no longer be layered or concatenated."""
    if width is not None and not isinstance(chart, (alt.VConcatChart, alt.HConcatChart, alt.ConcatChart)):
        chart = chart.properties(width=width)
    chart = _wrapped_title(chart)
    if isinstance(chart, alt.VConcatChart):                 # panel titles too (e.g. one histogram per scheme)
        chart.vconcat = [_wrapped_title(panel) for panel in chart.vconcat]
    return (chart.properties(autosize=FIT_WIDTH)
            .configure_axis(labelFontSize=AXIS_LABEL_SIZE, titleFontSize=AXIS_LABEL_SIZE + 1)
            .configure_legend(orient="bottom", labelFontSize=AXIS_LABEL_SIZE, titleFontSize=AXIS_LABEL_SIZE,
                              labelLimit=0, symbolLimit=0)
            .configure_header(labelFontSize=AXIS_LABEL_SIZE, titleFontSize=AXIS_LABEL_SIZE + 1)
            .configure_title(fontSize=TITLE_SIZE, subtitleFontSize=SUBTITLE_SIZE, anchor="start"))


def readable_spec(spec: dict) -> dict:
    """readable() for a hand-written Vega-Lite dict (e.g. the live curves)."""
    return {**spec, "autosize": FIT_WIDTH.to_dict(),
            "config": {"axis": {"labelFontSize": AXIS_LABEL_SIZE, "titleFontSize": AXIS_LABEL_SIZE + 1},
                       "legend": {"orient": "bottom", "labelFontSize": AXIS_LABEL_SIZE,
                                  "titleFontSize": AXIS_LABEL_SIZE, "labelLimit": 0},
                       "title": {"fontSize": AXIS_LABEL_SIZE + 2, "anchor": "start"}}}


def score_text(value: float) -> str:
    """A score (accuracy, loss) as shown everywhere, metrics and tables alike: 4 decimals, rounded the way
    Python rounds the float (a table formatted by the browser could round 0.90625 the other way)."""
    return "—" if value is None or not math.isfinite(value) else f"{float(value):.4f}"


def run_letter(i: int) -> str:
    """The short name of the i-th compared run (0 -> 'A'): legends stay short, the table says what each is."""
    return chr(ord("A") + i)


def curve_names(metric: str, lang: str, task_kind: str = "binary") -> tuple[str, str]:
    """(chart title, axis name) of a curve of `metric` ('loss' or 'accuracy') for a task (core.tasks kind): the
    binary cross-entropy and accuracy (the book's), K classes' cross-entropy, regression's MSE and R²."""
    if task_kind == "regression":
        return (t("chart_mse", lang), t("mse", lang)) if metric == "loss" else (t("chart_r2", lang), "R²")
    if metric == "loss":
        return t("pg_chart_loss_ce" if task_kind == "multiclass" else "chart_loss", lang), t("loss", lang)
    return t("chart_acc", lang), t("accuracy", lang)


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


def _curve_panel(history: pd.DataFrame, lang: str, best_epoch: int | None, metric: str,
                 height: int, task_kind: str = "binary") -> alt.LayerChart:
    """One metric ('loss' or 'accuracy') vs epoch, train (solid) and dev (dashed), best epoch as a vertical
    rule; as wide as its container. The loss is named by the task (core.tasks kind): binary cross-entropy,
    cross-entropy (K classes) or the mean squared error, whose 'accuracy' is R² (regression)."""
    data = _long_history(history, lang, best_epoch)
    splits = [t("train", lang), t("dev", lang)]
    x = alt.X("epoch:Q", title=t("epoch", lang), axis=alt.Axis(tickMinStep=1, format="d"))   # epochs are whole
    # a flat curve (zero init sits at ln 2 to the 8th digit) would be zoomed until rounding noise looks like a
    # gap between train and dev: the y axis spans at least MIN_SPAN around the curves
    values = data[metric].to_numpy(dtype=float)
    values = values[np.isfinite(values)]
    y_scale = alt.Scale(zero=False)
    if len(values) and float(values.max() - values.min()) < MIN_SPAN[metric]:
        mid = float(values.max() + values.min()) / 2
        y_scale = alt.Scale(zero=False, domain=[mid - MIN_SPAN[metric] / 2, mid + MIN_SPAN[metric] / 2])
    # the two-entry legend sits inside the plot, in the corner the curve leaves empty (loss falls, accuracy
    # rises): no band below the plot, so the curves of a run fit a projector's first screen
    inside = alt.Legend(orient="top-right" if metric == "loss" else "bottom-right", direction="vertical",
                        fillColor="rgba(255,255,255,0.85)", padding=4, labelLimit=0)
    color = alt.Color("split:N", title=t("split", lang), legend=inside,
                      scale=alt.Scale(domain=splits, range=[SPLIT_COLORS["train"], SPLIT_COLORS["dev"]]))
    dash = alt.StrokeDash("split:N", title=t("split", lang), legend=inside,
                          scale=alt.Scale(domain=splits, range=[[1, 0], [6, 3]]))
    title, name = curve_names(metric, lang, task_kind)
    base = alt.Chart(data).mark_line(strokeWidth=2).encode(
        x=x, y=alt.Y(f"{metric}:Q", title=name, scale=y_scale),
        color=color, strokeDash=dash,
        tooltip=[alt.Tooltip("epoch:Q", title=t("epoch", lang)), alt.Tooltip("split:N", title=t("split", lang)),
                 alt.Tooltip(f"{metric}:Q", title=name, format=".4f")],
    )
    layers = [base]
    if best_epoch is not None and best_epoch >= 0:
        rule = alt.Chart(pd.DataFrame({"epoch": [best_epoch], "what": [t("best_epoch_rule", lang)]}))
        tooltip = [alt.Tooltip("what:N", title=" "), alt.Tooltip("epoch:Q", title=t("epoch", lang))]
        layers.append(rule.mark_rule(color="#444", strokeDash=[2, 2]).encode(x="epoch:Q", tooltip=tooltip))
    return alt.layer(*layers).properties(title=title, width="container", height=height)


def curves_chart(history: pd.DataFrame, lang: str, best_epoch: int | None = None,
                 metric: str | None = None, task_kind: str = "binary") -> alt.VConcatChart | alt.LayerChart:
    """Loss and accuracy vs epoch, train (solid) and dev (dashed), best epoch as a vertical rule.

    metric=None: loss above accuracy, stacked so that both fit any container's width; 'loss' or
    'accuracy': that panel alone (a page may put two side by side in columns, which stack on a phone)."""
    if metric is not None:
        return readable(_curve_panel(history, lang, best_epoch, metric, height=220, task_kind=task_kind))
    panels = [_curve_panel(history, lang, best_epoch, m, height=220, task_kind=task_kind)
              for m in ("loss", "accuracy")]
    return readable(alt.vconcat(*panels).resolve_scale(color="shared", strokeDash="shared"))


def curve_values(history: pd.DataFrame, lang: str, max_points: int | None = 300) -> list[dict]:
    """live_curves_spec's rows (epoch, split, loss, accuracy), the history thinned to max_points epochs (None:
    every row)."""
    thin = history if max_points is None else thin_epochs(history, max_points=max_points)
    return [{"epoch": int(e), "split": t(split, lang), "loss": float(loss), "accuracy": float(acc)}
            for split in ("train", "dev")
            for e, loss, acc in zip(thin["epoch"], thin[f"{split}_loss"], thin[f"{split}_acc"])]


def live_curves_spec(history: pd.DataFrame, lang: str, max_points: int = 300, task_kind: str = "binary") -> dict:
    """A light Vega-Lite spec (a dict, no Altair validation) of train/dev loss and accuracy (named by the task:
    curve_names), redrawn while training."""
    values = curve_values(history, lang, max_points)
    color = {"field": "split", "type": "nominal", "title": t("split", lang),
             "scale": {"domain": [t("train", lang), t("dev", lang)],
                       "range": [SPLIT_COLORS["train"], SPLIT_COLORS["dev"]]}}

    def panel(metric: str) -> dict:
        title, name = curve_names(metric, lang, task_kind)
        return {"title": title, "width": "container", "height": 160,
                "mark": {"type": "line", "strokeWidth": 2},
                "encoding": {"x": {"field": "epoch", "type": "quantitative", "title": t("epoch", lang)},
                             "y": {"field": metric, "type": "quantitative", "title": name,
                                   "scale": {"zero": False}},
                             "color": color}}

    return readable_spec({"$schema": "https://vega.github.io/schema/vega-lite/v5.json", "data": {"values": values},
                          "vconcat": [panel("loss"), panel("accuracy")]})


def compare_chart(histories: dict[str, pd.DataFrame], lang: str, metric: str = "loss",
                  max_rows: int = MAX_CHART_ROWS, task_kind: str = "binary") -> alt.Chart:
    """Curves of several runs overlaid, as wide as the container: colour = run (a categorical palette,
    in the order given), dash = train/dev. `metric` is 'loss' or 'acc'. Name the runs shortly (run_letter):
    compare_table says what each one is.

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
    title, name = curve_names("loss" if metric == "loss" else "accuracy", lang, task_kind)
    runs, splits = list(histories), [t("train", lang), t("dev", lang)]
    return readable(alt.Chart(data).mark_line(strokeWidth=2).encode(
        x=alt.X("epoch:Q", title=t("epoch", lang)),
        y=alt.Y("value:Q", title=name, scale=alt.Scale(zero=False)),
        color=alt.Color("run:N", title=t("run", lang), sort=runs, scale=alt.Scale(domain=runs, scheme=PALETTE),
                        legend=legend(runs, t("run", lang))),
        strokeDash=alt.StrokeDash("split:N", title=t("split", lang), legend=legend(splits, t("split", lang)),
                                  scale=alt.Scale(domain=splits, range=[[1, 0], [6, 3]])),
        tooltip=[alt.Tooltip("run:N", title=t("run", lang)), alt.Tooltip("split:N", title=t("split", lang)),
                 alt.Tooltip("epoch:Q", title=t("epoch", lang)), alt.Tooltip("value:Q", title=name, format=".4f")],
    ).properties(title=title, height=260))


COMPARE_SCORES = ("test_acc", "test_loss", "best_dev_acc")
COMPARE_HEADERS = {"run": "run", "role": "compare_col_role", "layers": "compare_col_layers",
                   "test_acc": "metric_test_acc", "test_loss": "metric_test_loss", "best_dev_acc": "metric_best_dev",
                   "best_epoch": "metric_best_epoch", "seconds": "metric_seconds"}


def compare_table(table: pd.DataFrame, roles: dict[str, tuple[str, ...]], lang: str):
    """core.training.compare_runs' frame for display, as a Styler: headers in `lang` (the metrics' own
    names), the run's role ('current', 'pinned' or both) beside its short name, choices in `lang`, bools
    as ✓/—, scores formatted by score_text (exactly as the metrics above the tabs show them).
    `roles` maps a run's name to its role keys ('current', 'pinned')."""
    from core.config import FIELD_BY_NAME, format_value
    from ui.i18n import choice_label, features_text

    def value(field: str, v) -> str:
        spec = FIELD_BY_NAME[field]
        if spec.kind == "bool":
            return "✓" if v else "—"
        if spec.kind == "features":
            return features_text(v, lang)
        return choice_label(field, v, lang) if spec.kind == "choice" else format_value(spec, v)

    header = {c: t(key, lang) for c, key in COMPARE_HEADERS.items()}
    out = pd.DataFrame({header["run"]: table["run"],
                        header["role"]: [list_text([t(r, lang) for r in roles.get(run, ())], lang)
                                         for run in table["run"]]})
    for column in table.columns[1:]:
        if column in header:
            out[header[column]] = table[column]
        else:
            out[FIELD_BY_NAME[column].label(lang)] = [value(column, v) for v in table[column]]
    scores = {header[c]: score_text for c in COMPARE_SCORES}
    scores[header["seconds"]] = lambda seconds: t("seconds_fmt", lang, s=seconds)
    return out.style.format(scores)


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


def class_colors(k: int) -> list[str]:
    """The colour of each of k classes: the book's blue/orange for two, distinct hues for more."""
    return list(CLASS_COLORS) if k <= 2 else list(MANY_CLASS_COLORS[:k])


def _hex_rgb(colour: str) -> np.ndarray:
    return np.array([int(colour[i:i + 2], 16) for i in (1, 3, 5)], dtype=float)


def _png_uri(rgb: np.ndarray) -> str:
    buf = io.BytesIO()
    Image.fromarray(np.clip(rgb, 0, 255).astype(np.uint8), "RGB").save(buf, format="PNG", optimize=True)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def region_image(grid: np.ndarray, kind: str = "binary", value_range: float = 1.0) -> str:
    """A PNG data URI of what a model says over a grid (row 0 = top), by task (core.tasks kind):
    binary: P(class 1) (probability_image); multiclass: [R, R, K] class probabilities, each pixel in the colour
    of its most likely class, paler where that class is less sure, a dark line where the winner changes;
    regression: predicted values [R, R] on the diverging scale of the points (blue < 0 < orange, +-value_range)."""
    if kind == "binary":
        return probability_image(grid)
    white = np.array([255.0, 255.0, 255.0])
    if kind == "multiclass":
        k = grid.shape[2]
        p = np.nan_to_num(grid, nan=1.0 / k)
        winner, sure = p.argmax(axis=2), p.max(axis=2)
        strength = 0.25 + 0.55 * np.clip((sure - 1.0 / k) / (1.0 - 1.0 / k), 0.0, 1.0)
        colours = np.stack([_hex_rgb(c) for c in class_colors(k)])[winner]
        rgb = white + (colours - white) * strength[..., None]
        edge = np.zeros_like(winner, dtype=bool)
        edge[:, 1:] |= winner[:, 1:] != winner[:, :-1]
        edge[1:, :] |= winner[1:, :] != winner[:-1, :]
        return _png_uri(np.where(edge[..., None], np.array([90.0, 90.0, 90.0]), rgb))
    v = np.clip(np.nan_to_num(grid) / max(value_range, 1e-12), -1.0, 1.0)[..., None]
    blue, orange = np.array([33.0, 102.0, 172.0]), np.array([230.0, 97.0, 1.0])
    rgb = np.where(v < 0, white + (blue - white) * (-v) * 0.85, white + (orange - white) * v * 0.85)
    return _png_uri(rgb)


def point_marks(points: pd.DataFrame, lang: str, x: alt.X, y: alt.Y, kind: str = "binary",
                n_classes: int = 2, value_range: float = 1.0, class_names: list[str] | None = None) -> alt.Chart:
    """The data points as every chart draws them: colour = class (or the target, for regression), shape = split
    (train/dev/test), a tooltip with both. `points` has columns x1, x2, label, split (already sampled for
    display; x1, x2 are the picture's coordinates)."""
    shown = points.assign(split_name=lambda d: d["split"].map(lambda s: t(s, lang)))
    split_names = [t(s, lang) for s in ("train", "dev", "test")]
    if kind == "regression":
        color = alt.Color("label:Q", title=t("target", lang),
                          scale=alt.Scale(scheme=VALUE_SCHEME, domain=[-value_range, value_range]),
                          legend=alt.Legend(orient="bottom", direction="horizontal", gradientLength=160))
        label_tip = alt.Tooltip("label:Q", title=t("target", lang), format=".3f")
    else:
        classes = list(class_names or [str(k) for k in range(max(2, n_classes))])
        shown = shown.assign(cls=lambda d: d["label"].astype(int).map(lambda k: classes[k]))
        color = alt.Color("cls:N", title=t("label", lang), scale=alt.Scale(domain=classes,
                                                                          range=class_colors(len(classes))),
                          legend=legend(classes, t("label", lang)))
        label_tip = alt.Tooltip("cls:N", title=t("label", lang))
    # two legends side by side below the plot: with more than two classes (or a colour bar) the splits take one
    # column, so that both fit a phone's width
    splits_legend = legend(split_names, t("split", lang)) if kind == "binary" else alt.Legend(
        orient="bottom", columns=1, labelLimit=0)
    return alt.Chart(shown).mark_point(filled=True, size=28, opacity=0.85, stroke="white", strokeWidth=0.5).encode(
        x=x, y=y, color=color,
        shape=alt.Shape("split_name:N", title=t("split", lang), legend=splits_legend,
                        scale=alt.Scale(domain=split_names, range=["circle", "triangle-up", "square"])),
        tooltip=[alt.Tooltip("x1:Q", format=".3f"), alt.Tooltip("x2:Q", format=".3f"),
                 label_tip, alt.Tooltip("split_name:N", title=t("split", lang))],
    )


def boundary_chart(probs: np.ndarray, extent: tuple[float, float, float, float], points: pd.DataFrame, lang: str,
                   splits: tuple[str, ...] = ("train", "dev", "test"), size: int = 480,
                   max_points: int = MAX_SHOWN_POINTS, kind: str = "binary",
                   axis_titles: tuple[str, str] = ("x1", "x2"), note: str = "",
                   class_names: list[str] | None = None) -> alt.LayerChart:
    """Decision boundary (decision regions for K classes, the prediction for regression): the model's grid as
    one image layer (region_image), data points (colour = class or target, shape = split) on top. `points` has
    columns x1, x2 (the picture's coordinates), label, split. `note` (e.g. how a 4-input model was cut to a
    plane) goes under the title.

    The plot is `size` px square; the spec's width (plot + y axis) is a pixel width, not "container":
    show it at that width (st.vega_lite_chart(width=spec["width"])), which a narrower container caps.

    At most about max_points points are drawn: more are sampled for display (stratified by split and
    class, sample_points) and the subtitle says how many of how many are shown."""
    n_classes = probs.shape[2] if kind == "multiclass" else 2
    value_range = 1.0
    if kind == "regression":
        value_range = float(np.nanmax(np.abs(points["label"].to_numpy(dtype=float)))) if len(points) else 1.0
    x_scale = alt.Scale(domain=[extent[0], extent[1]], nice=False, zero=False)
    y_scale = alt.Scale(domain=[extent[2], extent[3]], nice=False, zero=False)
    image = alt.Chart(pd.DataFrame({"url": [region_image(probs, kind, value_range)], "x": [extent[0]],
                                    "x2": [extent[1]], "y": [extent[3]], "y2": [extent[2]]})).mark_image(
        aspect=False, align="left", baseline="top").encode(
        x=alt.X("x:Q", scale=x_scale, title=axis_titles[0]), x2="x2:Q",
        y=alt.Y("y:Q", scale=y_scale, title=axis_titles[1]), y2="y2:Q", url="url:N")
    selected = points[points["split"].isin(splits)]
    shown = sample_points(selected, max_points, by=("split", "label") if kind != "regression" else ("split",))
    subtitle = (t("chart_sampled_strata", lang, shown=len(shown), total=len(selected)).split("\n")
                if len(shown) < len(selected) else [])
    if note:
        subtitle = [note, *subtitle]
    dots = point_marks(shown, lang, alt.X("x1:Q", scale=x_scale), alt.Y("x2:Q", scale=y_scale), kind, n_classes,
                       value_range, class_names)
    name = t({"binary": "chart_boundary", "multiclass": "chart_regions", "regression": "chart_prediction"}[kind], lang)
    title = alt.TitleParams(name, subtitle=subtitle) if subtitle else name
    return readable(alt.layer(image, dots).properties(title=title, height=size), width=size + 56)


def confusion_chart(matrix: pd.DataFrame, lang: str, names: list[str] | None = None) -> alt.LayerChart:
    """The test confusion matrix (core.training.confusion: true, pred, count) as a heatmap with the counts
    written in; rows = true class, columns = predicted; `names` label the classes (default 0..K-1)."""
    k = int(np.sqrt(len(matrix))) if len(matrix) else 0
    names = names or [str(i) for i in range(k)]
    data = matrix.assign(true_name=matrix["true"].map(lambda i: names[int(i)]),
                         pred_name=matrix["pred"].map(lambda i: names[int(i)]),
                         hit=matrix["true"] == matrix["pred"])
    size = min(360, 70 * max(k, 2))
    base = alt.Chart(data).encode(
        x=alt.X("pred_name:N", title=t("cm_pred", lang), sort=names, axis=alt.Axis(labelAngle=0)),
        y=alt.Y("true_name:N", title=t("cm_true", lang), sort=names),
        tooltip=[alt.Tooltip("true_name:N", title=t("cm_true", lang)),
                 alt.Tooltip("pred_name:N", title=t("cm_pred", lang)),
                 alt.Tooltip("count:Q", title=t("cm_count", lang))])
    cells = base.mark_rect(stroke="white").encode(
        color=alt.Color("count:Q", title=t("cm_count", lang), scale=alt.Scale(scheme="blues"), legend=None))
    top = max(1, int(data["count"].max())) if len(data) else 1
    text = base.mark_text(fontSize=16, fontWeight="bold").encode(
        text="count:Q", color=alt.condition(alt.datum.count > top / 2, alt.value("white"), alt.value("#222")))
    return readable(alt.layer(cells, text).properties(title=t("chart_confusion", lang), width=size, height=size),
                    width=None)


def prediction_chart(predictions: pd.DataFrame, lang: str) -> alt.LayerChart:
    """Regression on the test set: predicted against true value (core.training's test_predictions), with the
    diagonal a perfect model would sit on."""
    lo = float(min(predictions["true"].min(), predictions["pred"].min())) if len(predictions) else 0.0
    hi = float(max(predictions["true"].max(), predictions["pred"].max())) if len(predictions) else 1.0
    scale = alt.Scale(domain=[lo, hi], nice=True)
    dots = alt.Chart(predictions).mark_point(filled=True, size=30, opacity=0.7, color=SPLIT_COLORS["test"]).encode(
        x=alt.X("true:Q", title=t("true_value", lang), scale=scale),
        y=alt.Y("pred:Q", title=t("predicted", lang), scale=scale),
        tooltip=[alt.Tooltip("true:Q", title=t("true_value", lang), format=".3f"),
                 alt.Tooltip("pred:Q", title=t("predicted", lang), format=".3f")])
    diagonal = alt.Chart(pd.DataFrame({"true": [lo, hi], "pred": [lo, hi]})).mark_line(
        color="#444", strokeDash=[4, 3]).encode(x="true:Q", y="pred:Q")
    return readable(alt.layer(diagonal, dots).properties(title=t("reg_scatter", lang), height=360))


def step_curves_chart(steps: pd.DataFrame, lang: str, best_step: int | None, metric: str) -> alt.LayerChart:
    """Evaluation by steps (eval_steps > 0, the book's RunnerV3): train loss (mean over the steps since the
    last evaluation) and dev loss, or dev score, against the optimizer step; the best model's step as a rule."""
    if metric == "loss":
        data = pd.concat([pd.DataFrame({"step": steps["step"], "split": t(split, lang),
                                        "value": steps[f"{split}_loss"]}) for split in ("train", "dev")],
                         ignore_index=True)
        splits = [t("train", lang), t("dev", lang)]
    else:
        data = pd.DataFrame({"step": steps["step"], "split": t("dev", lang), "value": steps["dev_acc"]})
        splits = [t("dev", lang)]
    name = t(metric, lang)
    colours = [SPLIT_COLORS["train"], SPLIT_COLORS["dev"]][-len(splits):]
    inside = alt.Legend(orient="top-right" if metric == "loss" else "bottom-right", direction="vertical",
                        fillColor="rgba(255,255,255,0.85)", padding=4, labelLimit=0)
    line = alt.Chart(data).mark_line(strokeWidth=2, point=True).encode(
        x=alt.X("step:Q", title=t("step", lang), axis=alt.Axis(format="d")),
        y=alt.Y("value:Q", title=name, scale=alt.Scale(zero=False)),
        color=alt.Color("split:N", title=t("split", lang), legend=inside,
                        scale=alt.Scale(domain=splits, range=colours)),
        tooltip=[alt.Tooltip("step:Q", title=t("step", lang)), alt.Tooltip("split:N", title=t("split", lang)),
                 alt.Tooltip("value:Q", title=name, format=".4f")])
    layers = [line]
    if best_step is not None:
        rule = alt.Chart(pd.DataFrame({"step": [best_step], "what": [t("best_step_rule", lang)]}))
        layers.append(rule.mark_rule(color="#444", strokeDash=[2, 2]).encode(
            x="step:Q", tooltip=[alt.Tooltip("what:N", title=" "), alt.Tooltip("step:Q", title=t("step", lang))]))
    every = int(steps["step"].diff().mode().iloc[0]) if len(steps) > 1 else int(steps["step"].iloc[0])
    title = t("chart_loss_steps", lang, n=every) if metric == "loss" else t("chart_acc_steps", lang)
    return readable(alt.layer(*layers).properties(title=title, width="container", height=220))


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
    names = sorted(weights["layer"].unique(), key=lambda s: (str(s).rstrip("0123456789"),
                                                            int(str(s)[len(str(s).rstrip("0123456789")):] or 0)))
    color = alt.Color("layer:N", title=t("layer", lang), sort=names, scale=alt.Scale(domain=names, scheme=PALETTE),
                      legend=legend(names, t("layer", lang)))
    layers = [alt.Chart(nonzero).mark_line(strokeWidth=1.6).encode(
        x=x, y=y, color=color, tooltip=[alt.Tooltip("layer:N", title=t("layer", lang)),
                                        alt.Tooltip("epoch:Q", title=t("epoch", lang)),
                                        alt.Tooltip("grad_l2:Q", title=t("grad_l2", lang), format=".3e")])]
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
    return readable(alt.layer(*layers).properties(title=title, height=280))


GRAD_COLUMNS = ["layer", "param", "shape", "grad_l2", "grad_mean_abs", "grad_max_abs", "dead_units"]


def grad_table(table: pd.DataFrame, lang: str):
    """The per-layer gradient table as a pandas Styler: translated headers, scientific notation,
    a flag column, vanishing rows tinted blue and exploding ones red."""
    headers = {c: t(f"col_{c}", lang) for c in GRAD_COLUMNS}
    frame = table[GRAD_COLUMNS].copy()
    frame["param"] = [param_label(p, lang) for p in frame["param"]]
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
