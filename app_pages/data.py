"""Your data: upload a CSV of 2-D points with 0/1 labels, preview it, train on it like on the Train page."""

import pandas as pd
import streamlit as st

from core.config import ConfigError
from core.upload import MAX_ROWS, UploadError, digest, parse_points_csv
from ui import state
from ui.charts.data import points_chart
from ui.i18n import t
from ui.runs import cached_points, config_key, upload_store
from ui.text import literal
from ui.train_flow import train_and_show

lang = state.lang()
config = state.config()
st.title(t("page_data", lang))
st.markdown(t("data_intro", lang, rows=MAX_ROWS))
state.show_url_warnings()

template = cached_points(config_key(config))[["x1", "x2", "label"]].to_csv(index=False)
st.download_button(t("data_template", lang), template, "example_points.csv", "text/csv", key="data_template")
file = st.file_uploader(t("data_upload", lang), type=["csv", "txt"], key="data_csv")
if file is None:
    st.info(t("data_none", lang))
    st.stop()

content = file.getvalue()
try:
    X, y = parse_points_csv(content)
except UploadError as err:
    st.error(literal(err.message(lang)))
    st.stop()

data = "points-" + digest(content)
upload_store().put(data, (X, y))
points = pd.DataFrame({"x1": X[:, 0].numpy(), "x2": X[:, 1].numpy(), "label": y.numpy().astype(int)})
n1 = int(points["label"].sum())
st.success(t("data_loaded", lang, n=len(points), n0=len(points) - n1, n1=n1))
with st.expander(t("data_preview", lang), expanded=True):
    c1, c2 = st.columns([1, 2])
    c1.dataframe(points.head(200).rename(columns={"label": t("label", lang)}), hide_index=True, height=380)
    c2.altair_chart(points_chart(points, lang), width="stretch")
try:
    train_and_show(config, lang, data)
except (UploadError, ConfigError) as err:   # upload dropped by the server, or over the compute budget
    st.error(literal(err.message(lang)))
