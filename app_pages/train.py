"""Train page (book 4.3.1): train the configured MLP, then curves, boundary, gradients, comparison."""

from __future__ import annotations

import streamlit as st

from ui import state
from ui.i18n import t
from ui.runs import config_key, train_live

lang = state.lang()
config = state.config()
key = config_key(config)
trained: set = st.session_state.setdefault("trained", set())

st.title(t("page_train", lang))
st.markdown(t("train_intro", lang))
state.show_url_warnings()

clicked = st.button(t("train_button", lang), type="primary", key="train")
if clicked or key in trained:
    bar = st.progress(0.0) if clicked else None
    live = st.empty()

    from ui import charts  # pandas/altair: imported once there is something to draw

    def on_update(epoch: int, history) -> None:
        bar.progress(min(1.0, epoch / config.epochs), text=t("training_progress", lang, epoch=epoch,
                                                                  epochs=config.epochs))
        if len(history):
            live.vega_lite_chart(spec=charts.live_curves_spec(history, lang), width="content")

    result = train_live(config, on_update if clicked else None)
    trained.add(key)
    if bar is not None:
        bar.empty()
    live.empty()
else:
    st.info(t("press_train", lang, label=config.label()))
    st.stop()

from ui.results import show_run  # noqa: E402  (pandas/altair only once there is a result)

show_run(result, config, lang)
