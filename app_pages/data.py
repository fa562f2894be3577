"""Your data: upload a CSV of 2-D points (class labels or a numeric target), preview it, say the task its labels
ask for, train on it like on the Train page."""

import pandas as pd
import streamlit as st

from core.config import ConfigError
from core.tasks import BINARY, MAX_CLASSES, REGRESSION
from core.upload import MAX_ROWS, UploadedPoints, UploadError, digest, read_points_csv
from ui import state
from ui.charts.data import points_chart
from ui.i18n import t
from ui.runs import cached_points, config_key, upload_store
from ui.text import literal
from ui.train_flow import train_and_show


def loaded_text(points: UploadedPoints, lang: str) -> str:
    """'400 points loaded: 200 of class 0, 200 of class 1.' or the target's range for regression."""
    n = len(points.y)
    if points.task.kind == REGRESSION:
        y = points.y.double()
        return t("data_loaded_target", lang, n=n, low=float(y.min()), high=float(y.max()), mean=float(y.mean()))
    counts = t("data_sep", lang).join(t("data_class_count", lang, count=count, label=label)
                                      for label, count in zip(points.labels, points.class_counts()))
    return t("data_loaded", lang, n=n, counts=counts)


def task_text(points: UploadedPoints, lang: str) -> str:
    """Which task the labels ask for, and what the network trains with then (core.upload.points_task)."""
    sep = t("data_label_sep", lang)
    if points.task.kind == REGRESSION:
        distinct = points.distinct_integers
        why = (t("data_why_many", lang, n=distinct, k=MAX_CLASSES) if distinct
               else t("data_why_fraction", lang))
        return t("data_task_regression", lang, why=why)
    labels = sep.join(map(str, points.labels))
    key = "data_task_binary" if points.task.kind == BINARY else "data_task_multiclass"
    text = t(key, lang, k=points.task.n_classes, labels=labels)
    if points.renamed:
        text += t("data_task_renamed", lang, labels=labels, indices=sep.join(map(str, range(len(points.labels)))))
    return text


lang = state.lang()
config = state.config()
st.title(t("page_data", lang))
st.markdown(t("data_intro", lang, rows=MAX_ROWS, k=MAX_CLASSES))
state.show_url_warnings()

template = cached_points(config_key(config))[["x1", "x2", "label"]].to_csv(index=False)
st.download_button(t("data_template", lang), template, "example_points.csv", "text/csv", key="data_template")
file = st.file_uploader(t("data_upload", lang), type=["csv", "txt"], key="data_csv")
if file is None:
    st.info(t("data_none", lang))
    st.stop()

content = file.getvalue()
try:
    uploaded = read_points_csv(content)
except UploadError as err:
    st.error(literal(err.message(lang)))
    st.stop()

data = "points-" + digest(content)
upload_store().put(data, (uploaded.X, uploaded.y))
labels = uploaded.label_values().numpy()
points = pd.DataFrame({"x1": uploaded.X[:, 0].numpy(), "x2": uploaded.X[:, 1].numpy(),
                       "label": labels.astype(int) if uploaded.task.classifies else labels})
st.success(loaded_text(uploaded, lang))
st.info(task_text(uploaded, lang))
with st.expander(t("data_preview", lang), expanded=True):
    c1, c2 = st.columns([1, 2])
    label_name = t("label" if uploaded.task.classifies else "target", lang)
    c1.dataframe(points.head(200).rename(columns={"label": label_name}), hide_index=True, height=380)
    c2.altair_chart(points_chart(points, lang), width="stretch")
try:
    train_and_show(config, lang, data)
except (UploadError, ConfigError) as err:   # upload dropped by the server, or over the compute budget
    st.error(literal(err.message(lang)))
