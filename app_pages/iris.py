"""Iris page (book 4.5): a 4-6-3 network classifies Fisher's iris flowers with softmax and cross-entropy,
trained in mini-batches by the book's RunnerV3 (the dev set every 50 steps, the best dev model tested)."""

from __future__ import annotations

import streamlit as st

from core.data import IRIS_FEATURES
from ui import state
from ui.charts import score_text
from ui.i18n import input_names, list_text, t
from ui.results import chart_spec, class_names, plane_picker, task_text
from ui.run_button import CLICKED, run_button, run_id, train_all, trained_before
from ui.runs import config_key, splits_of

PRESET = "book_iris"
BOOK_TEST_ACC, BOOK_TEST_LOSS = 0.7333, 0.5928     # the book's printed run (4.5.5), PaddlePaddle, its own seed

lang = state.lang()
config = state.config()

st.title(t("page_iris", lang))
st.markdown(t("iris_intro", lang, features=list_text(input_names("iris", len(IRIS_FEATURES), lang), lang)))
with st.expander(t("iris_book", lang)):
    st.markdown(t("iris_book_text", lang))
state.show_url_warnings()

left, right = st.columns([3, 1], vertical_alignment="bottom")
left.caption(t("task_line", lang, task=task_text(splits_of(config_key(config)).task, lang)) + " "
             + t("iris_setting", lang, label=config.label(lang)))
right.button(t("iris_reset", lang), on_click=state.reset_page, args=(PRESET,), key="iris_reset", width="stretch",
             help=t("iris_reset_help", lang))
if config.dataset != "iris":
    st.info(t("iris_other_data", lang, dataset=config.dataset))

go = run_button(run_id(config), t("iris_train", lang), "iris_train", auto=trained_before({"run": config}),
                waiting=t("iris_press", lang))
if go:
    result = train_all({"run": config}, lang, show_progress=go == CLICKED, live=True)["run"]
    key = config_key(config)
    usable = result.best_epoch >= 0
    cols = st.columns(4)
    cols[0].metric(t("metric_test_acc", lang), score_text(result.test_acc) if usable else "—",
                   help=t("iris_test_help", lang))
    cols[1].metric(t("metric_test_loss", lang), score_text(result.test_loss) if usable else "—")
    best = result.best_step if result.best_step is not None else result.best_epoch
    cols[2].metric(t("metric_best_step" if result.best_step is not None else "metric_best_epoch", lang),
                   f"{best:,}" if usable else "—")
    cols[3].metric(t("iris_book_metric", lang), f"{BOOK_TEST_ACC:.4f}", help=t("iris_book_help", lang,
                                                                            loss=BOOK_TEST_LOSS))
    if not usable:
        st.error(t("no_usable_model", lang, epoch=result.diverged_at))
    else:
        if result.step_history is not None and len(result.step_history):
            st.caption(t("steps_caption", lang, n=config.eval_steps, best=result.best_step))
            curves = ("steps_loss", "steps_accuracy")
        else:
            curves = ("loss", "accuracy")
        for col, kind in zip(st.columns(2), curves):
            col.vega_lite_chart(spec=chart_spec(kind, key, lang), width="stretch")
        if result.task.classifies:
            st.subheader(t("iris_test_set", lang))
            c1, c2 = st.columns([1, 1])
            c1.vega_lite_chart(spec=chart_spec("confusion", key, lang))
            from ui.results import class_report_table

            c2.caption(t("class_report", lang))
            names = class_names(key, result.task.n_classes, "", lang)
            c2.dataframe(class_report_table(result, names, lang), hide_index=True, key="iris_report")
        st.subheader(t("iris_regions", lang))
        plane = plane_picker(splits_of(key), lang, "iris", config.dataset)
        spec = chart_spec("boundary", key, lang, "data", plane=plane)
        st.vega_lite_chart(spec=spec, width=spec["width"])
        st.caption(t("iris_regions_read", lang))
