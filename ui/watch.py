"""One view of a network at one moment of training, shared by Watch it learn (a live Trainer) and the Train
page's replay (a recorded epoch): the epoch and scores, the network diagram with a picture in every neuron,
the decision boundary with the data, and the curves up to that epoch.

The pictures come from one forward pass over a grid of the input plane (core.neurons); the charts are built
as plain Vega-Lite dicts (ui.charts.network), cheap enough to redraw several times a second.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import streamlit as st

from ui.i18n import t

if TYPE_CHECKING:
    import pandas as pd

    from core.config import RunConfig
    from core.data import Splits
    from core.models import MLP
    from core.training import Trainer
    from ui.playground import FrameClock

THUMB = 40              # grid points per side of a neuron's picture
BOUNDARY = 120          # ... of the large decision boundary
BOUNDARY_PX = 460       # its size on a wide screen (a square)


def show_trainer(trainer: Trainer, points: pd.DataFrame, lang: str, clock: FrameClock | None = None) -> None:
    """The frame of a live trainer: status line, scores, the network and its boundary, the curves so far.
    `points`: trainer.data.frame()."""
    config, epoch = trainer.config, trainer.epoch
    history = trainer.history
    if trainer.diverged_at is not None:
        st.warning(t("pg_diverged", lang, epoch=trainer.diverged_at), icon=":material/warning:")
    elif epoch >= config.epochs:
        st.success(t("pg_done", lang, epochs=config.epochs), icon=":material/check_circle:")
    show_scores(history, epoch, config.epochs, lang)
    show_network(trainer.model, config, trainer.data, points, lang, key="pg", clock=clock)
    if len(history):
        st.markdown(f"**{t('pg_curves', lang)}**")
        st.vega_lite_chart(spec=curves_spec(history, lang), width="stretch", key="pg_curves")
    else:
        st.caption(t("pg_paused_at_zero", lang))
    if clock is not None:
        clock.lap("draw")


def show_scores(history: pd.DataFrame, epoch: int, total: int, lang: str) -> None:
    """Epoch counter and the last epoch's train/dev loss and accuracy."""
    cols = st.columns([1.6, 1, 1, 1, 1])
    cols[0].metric(t("pg_epoch", lang), t("pg_epoch_value", lang, epoch=epoch, total=total))
    last = history.iloc[-1] if len(history) else None
    for col, name, key in zip(cols[1:], ("train_loss", "train_acc", "dev_loss", "dev_acc"),
                              ("metric_train_loss", "metric_train_acc", "metric_dev_loss", "metric_dev_acc")):
        col.metric(t(key, lang), "—" if last is None else f"{float(last[name]):.4f}")


def show_network(model: MLP, config: RunConfig, data: Splits, points: pd.DataFrame, lang: str, key: str,
                 clock: FrameClock | None = None) -> None:
    """The network diagram (pictures, links, marks) beside the large decision boundary with its toggles.
    `points`: data.frame() (x1, x2, label, split), made once by the caller."""
    from core.neurons import link_frame, neuron_grid, unit_marks
    from core.probes import BOOK_EXTENT
    from ui.charts import network as charts

    features = tuple(getattr(config, "features", ("x1", "x2")))
    thumbs = neuron_grid(model, features, BOOK_EXTENT, THUMB)
    grid = neuron_grid(model, features, BOOK_EXTENT, BOUNDARY)
    weights, biases = link_frame(model)
    marks = unit_marks(model, data.X_train)
    if clock is not None:
        clock.lap("pictures")
    left, right = st.columns([3, 2])
    with left:
        st.markdown(f"**{t('pg_network', lang)}**")
        st.vega_lite_chart(spec=charts.network_spec(thumbs, marks, weights, biases, lang),
                           width="stretch", key=f"{key}_network")
    with right:
        st.markdown(f"**{t('chart_boundary', lang)}**")
        t1, t2 = st.columns(2)
        show_test = t1.toggle(t("pg_show_test", lang), value=True, key=f"p_{key}_test", bind="query-params")
        discretize = t2.toggle(t("pg_discretize", lang), value=False, key=f"p_{key}_discrete", bind="query-params")
        st.vega_lite_chart(spec=charts.boundary_image_spec(grid, None, points, lang, show_test=show_test,
                                                           discretize=discretize, title=""),
                           width="stretch", key=f"{key}_boundary")


def curves_spec(history: pd.DataFrame, lang: str, mark_epoch: int | None = None) -> dict:
    """Loss and accuracy curves (ui.charts.base.live_curves_spec), with a dotted rule at `mark_epoch`."""
    from ui.charts.base import live_curves_spec

    spec = live_curves_spec(history, lang)
    if mark_epoch is not None:
        for panel in spec["vconcat"]:
            line = {k: panel.pop(k) for k in ("mark", "encoding")}
            panel["layer"] = [line, {"mark": {"type": "rule", "strokeDash": [4, 3], "color": "#555"},
                                     "data": {"values": [{"epoch": int(mark_epoch)}]},
                                     "encoding": {"x": {"field": "epoch", "type": "quantitative"}}}]
    return spec
