"""One view of a network at one moment of training, shared by Watch it learn (a live Trainer) and the Train
page's replay (a recorded epoch): the epoch and scores, the network diagram with a picture in every neuron,
the decision boundary with the data, and the curves up to that epoch.

The pictures come from one forward pass over a grid of the input plane (core.neurons, moment_of); the charts are
plain Vega-Lite dicts (ui.charts.network), drawn here as Streamlit charts (the replay) and played in the browser by
ui.player (Watch it learn), whose frames change only their datasets. Every task of the
data (core.tasks): two classes, K classes (K output pictures, decision regions), regression (the prediction, MSE
and R²); data of more than two inputs (Iris) is pictured over a plane (core.projection, `view`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import streamlit as st

from ui.i18n import t

if TYPE_CHECKING:
    import pandas as pd

    from core.config import RunConfig
    from core.data import Splits
    from core.models import MLP
    from core.neurons import NeuronPictures
    from core.projection import Plane
    from core.tasks import Task
    from core.training import Trainer

THUMB = 40              # grid points per side of a neuron's picture
BOUNDARY = 120          # ... of the large decision boundary


def view_toggles(lang: str, key: str, discretizable: bool = True) -> tuple[bool, bool]:
    """(show test data, discretize output): the boundary's toggles, drawn outside an animated frame (a frame
    redraws only its charts). A regression's prediction has no classes to discretize (`discretizable` False)."""
    t1, t2, _ = st.columns([1, 1, 2])
    show_test = t1.toggle(t("pg_show_test", lang), value=True, key=f"p_{key}_test", bind="query-params")
    discretize = t2.toggle(t("pg_discretize", lang), value=False, key=f"p_{key}_discrete", bind="query-params",
                           disabled=not discretizable)
    return show_test, discretize and discretizable


def is_regression(task: Task) -> bool:
    return task.kind == "regression"


SCORES_STYLE = ("display:flex;flex-wrap:wrap;gap:0.4rem 2.2rem;margin:0.2rem 0 0.4rem 0")
SCORE_STYLE = "display:flex;flex-direction:column"
LABEL_STYLE = "font-size:0.875rem;opacity:0.75"
VALUE_STYLE = "font-size:1.9rem;line-height:1.25"


def _score(value: float) -> str:
    """A loss or accuracy to 4 decimals; a huge one (a diverging run's loss) in 3 significant digits, so that it
    fits a phone's width."""
    return f"{value:.4f}" if not math.isfinite(value) or abs(value) < 1e4 else f"{value:.3g}"


def current_scores(trainer: Trainer) -> dict[str, float]:
    """Train and dev loss and accuracy (for regression: MSE and R²) of the network as it is now (theta_epoch, the
    one the pictures show), by the data's task. The curves keep the book's bookkeeping (epoch t: train loss of
    theta_t, dev loss of theta_t+1)."""
    from core.training import evaluate

    data = trainer.data
    train_loss, train_acc = evaluate(trainer.model, data.X_train, data.y_train, data.task)
    dev_loss, dev_acc = evaluate(trainer.model, data.X_dev, data.y_dev, data.task)
    return {"train_loss": train_loss, "train_acc": train_acc, "dev_loss": dev_loss, "dev_acc": dev_acc}


SCORE_KEYS = (("train_loss", "metric_train_loss"), ("train_acc", "metric_train_acc"),
              ("dev_loss", "metric_dev_loss"), ("dev_acc", "metric_dev_acc"))
REGRESSION_SCORE_KEYS = (("train_loss", "metric_train_mse"), ("train_acc", "metric_train_r2"),
                         ("dev_loss", "metric_dev_mse"), ("dev_acc", "metric_dev_r2"))


def scores_html(scores: dict[str, float], epoch: int, total: int, lang: str, regression: bool = False) -> str:
    """The epoch counter and the network's train/dev loss and accuracy (MSE and R² for regression), as one element
    (drawn like metrics)."""
    cells = [(t("pg_epoch", lang), t("pg_epoch_value", lang, epoch=epoch, total=total))]
    cells += [(t(key, lang), _score(float(scores[name])))
              for name, key in (REGRESSION_SCORE_KEYS if regression else SCORE_KEYS)]
    body = "".join(f'<div style="{SCORE_STYLE}"><span style="{LABEL_STYLE}">{label}</span>'
                   f'<span class="nn-score" style="{VALUE_STYLE}">{value}</span></div>' for label, value in cells)
    return f'<div class="nn-scores" style="{SCORES_STYLE}">{body}</div>'


@dataclass(frozen=True)
class Picture:
    """How the data is pictured: over the input plane (2-D data), or over a plane through D inputs."""

    plane: Plane | None                    # None: the input plane itself
    extent: tuple[float, float, float, float]
    points: pd.DataFrame                   # x1, x2 = the picture's coordinates; label, split
    inputs: tuple[str, ...]                # neuron_grid's features: config.features, or the D inputs' names
    class_names: list[str] | None          # Iris's species; None: 0 .. K-1
    axis_titles: tuple[str, str]
    note: str                              # how D inputs were cut to the plane ("" for 2-D data)


def picture_of(config: RunConfig, data: Splits, points: pd.DataFrame, lang: str, view: str = "") -> Picture:
    """The picture of a run's data: 2-D data over the book's [-pi, pi]^2; more inputs over `view`'s plane
    (core.projection.plane_for: "pca" or "f:i,j") around the projected points, with a note saying how."""
    import torch

    from core.probes import BOOK_EXTENT, plane_extent
    from core.projection import PCA, plane_for
    from ui.i18n import class_names, input_names

    named = class_names(config.dataset, data.task.n_classes, lang)
    names = named if data.task.kind == "multiclass" and not named[0].isdigit() else None
    plane = plane_for(data, view)
    if plane is None:
        return Picture(None, BOOK_EXTENT, points, tuple(config.features), names, ("x1", "x2"), "")
    d = data.X_train.shape[1]
    inputs = input_names(config.dataset, d, lang)
    uv = plane.project(torch.as_tensor(points[[f"x{j + 1}" for j in range(d)]].to_numpy())).numpy()
    shown = points[["label", "split"]].assign(x1=uv[:, 0], x2=uv[:, 1])
    if plane.kind == PCA:
        axes = (t("pc_axis", lang, k=1), t("pc_axis", lang, k=2))
        note = t("plane_note_pca", lang, d=d, a=plane.explained[0], b=plane.explained[1])
    else:
        axes = tuple(inputs[i] for i in plane.picked)
        note = t("plane_note_features", lang, d=d, u=axes[0], v=axes[1])
    return Picture(plane, plane_extent(data, plane), shown, tuple(inputs), names, axes, note)


@dataclass(frozen=True)
class Moment:
    """What a network at one moment draws: its pictures (core.neurons.neuron_grid: thumbnails, the large boundary
    grid), its weights and biases, its dead and identical units."""

    thumbs: NeuronPictures
    grid: NeuronPictures
    weights: pd.DataFrame
    biases: pd.DataFrame
    marks: pd.DataFrame


def moment_of(model: MLP, data: Splits, picture: Picture) -> Moment:
    """One forward pass over each grid of the picture's plane, the links and the unit marks."""
    from core.neurons import link_frame, neuron_grid, unit_marks

    task, plane, extent = data.task, picture.plane, picture.extent
    thumbs = neuron_grid(model, picture.inputs, extent, THUMB, task, plane)
    grid = neuron_grid(model, picture.inputs, extent, BOUNDARY, task, plane)
    weights, biases = link_frame(model)
    return Moment(thumbs, grid, weights, biases, unit_marks(model, data.X_train))


def network_chart(moment: Moment, picture: Picture, lang: str, value_range: float | None,
                  stamp: bool = True) -> dict:
    """The network diagram's spec (ui.charts.network.network_spec) of a moment."""
    from ui.charts import network as charts

    return charts.network_spec(moment.thumbs, moment.marks, moment.weights, moment.biases, lang,
                               title=t("pg_network", lang), class_names=picture.class_names,
                               value_range=value_range, stamp=stamp)


def boundary_chart(moment: Moment, picture: Picture, lang: str, show_test: bool, discretize: bool,
                   value_range: float | None, stamp: bool = True) -> dict:
    """The large decision boundary's spec (ui.charts.network.boundary_image_spec) of a moment, with the data."""
    from ui.charts import network as charts

    return charts.boundary_image_spec(moment.grid, None, picture.points, lang, show_test=show_test,
                                      discretize=discretize, class_names=picture.class_names,
                                      value_range=value_range, axis_titles=picture.axis_titles, stamp=stamp)


def show_network(model: MLP, config: RunConfig, data: Splits, points: pd.DataFrame, lang: str, key: str,
                 show_test: bool, discretize: bool, view: str = "") -> None:
    """The network diagram (pictures, links, marks) beside the large decision boundary (its titles in the specs),
    for the data's task (data.task), as Streamlit charts (the Train page's replay; Watch it learn plays them in
    ui.player). `points`: data.frame() (x1, x2, label, split), made once by the caller; `view`: the plane of data
    with more than two inputs (picture_of), said in a caption."""
    from ui.charts import network as charts

    picture = picture_of(config, data, points, lang, view)
    moment = moment_of(model, data, picture)
    value_range = charts.value_range_of(points) if is_regression(data.task) else None
    if picture.note:
        st.caption(picture.note)
    left, right = st.columns([3, 2])
    left.vega_lite_chart(spec=network_chart(moment, picture, lang, value_range), width="stretch",
                         key=f"{key}_network")
    right.vega_lite_chart(spec=boundary_chart(moment, picture, lang, show_test, discretize, value_range),
                          width="stretch", key=f"{key}_boundary")


def curves_spec(history: pd.DataFrame, lang: str, mark_epoch: int | None = None, kind: str = "binary") -> dict:
    """Loss and accuracy curves (ui.charts.base.live_curves_spec), with a dotted rule at `mark_epoch`; the panels
    say what the task's (core.tasks kind) loss and score are: K classes' cross-entropy, regression's mean squared
    error and R².

    The rows go into a named dataset: successive frames then differ in their data only, and the browser
    updates the drawn chart instead of compiling a new one (most of a frame's cost in the browser)."""
    from ui.charts.base import live_curves_spec

    spec = live_curves_spec(history, lang, task_kind=kind)
    for panel in spec["vconcat"]:        # whole epochs on x (not 0.05 ... after one step); short loss labels on y
        x, y = panel["encoding"]["x"], panel["encoding"]["y"]
        x["axis"] = {**x.get("axis", {}), "tickMinStep": 1, "format": "d"}
        if y["field"] == "loss":
            y["axis"] = {**y.get("axis", {}),
                         "labelExpr": "abs(datum.value) >= 1e4 ? format(datum.value, '.2~e') : datum.label"}
    spec["datasets"] = {"curves": spec.pop("data")["values"]}
    spec["data"] = {"name": "curves"}
    if mark_epoch is not None:
        for panel in spec["vconcat"]:
            line = {k: panel.pop(k) for k in ("mark", "encoding")}
            panel["layer"] = [line, {"mark": {"type": "rule", "strokeDash": [4, 3], "color": "#555"},
                                     "data": {"values": [{"epoch": int(mark_epoch)}]},
                                     "encoding": {"x": {"field": "epoch", "type": "quantitative"}}}]
    return spec
