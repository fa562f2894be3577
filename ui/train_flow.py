"""The Train button flow shared by the Train page and the Your-data page.

Press Train -> "Queued: position k, about N s" while the run waits for a training slot -> progress bar
and live loss curve while a worker thread trains -> the result view.
Torch, pandas and altair are imported only once there is something to train or draw.
"""

from __future__ import annotations

import streamlit as st

from core.config import RunConfig
from ui.i18n import t
from ui.runs import config_key, queue_text, train_live


def train_and_show(config: RunConfig, lang: str, data: str = "") -> None:
    """Draw the Train button; after a click (or if this session trained this run before) show the run."""
    trained: set = st.session_state.setdefault("trained", set())
    run_id = (config_key(config), data)
    clicked = st.button(t("train_button", lang), type="primary", key="train")
    if not (clicked or run_id in trained):
        st.info(t("press_train", lang, label=config.label()))
        return
    bar = st.progress(0.0) if clicked else None
    live = st.empty()
    from ui import charts

    def on_update(epoch: int, history) -> None:
        bar.progress(min(1.0, epoch / config.epochs),
                     text=t("training_progress", lang, epoch=epoch, epochs=config.epochs))
        if len(history):
            live.vega_lite_chart(spec=charts.live_curves_spec(history, lang), width="content")

    def on_queue(position: int | None, seconds: float) -> None:
        if position is None:        # started
            bar.progress(0.0, text=t("training_progress", lang, epoch=0, epochs=config.epochs))
        else:
            bar.progress(0.0, text=queue_text(position, seconds, lang))

    result = train_live(config, on_update if clicked else None, data, on_queue if clicked else None)
    trained.add(run_id)
    if bar is not None:
        bar.empty()
    live.empty()
    from ui.results import show_run

    show_run(result, config, lang, data)
