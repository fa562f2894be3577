"""Train page (book 4.3.1): train the configured MLP, then curves, boundary, gradients, comparison."""

import streamlit as st

from ui import state
from ui.i18n import t
from ui.train_flow import train_and_show

lang = state.lang()
st.title(t("page_train", lang))
st.markdown(t("train_intro", lang))
state.show_url_warnings()
train_and_show(state.config(), lang)
