"""Grid search page (the seed's optional task 3): hidden layers x learning rate x seeds in one batched sweep."""

from __future__ import annotations

import streamlit as st

from core import grid as grid_rules
from core.config import FIELD_BY_NAME, ConfigError
from core.data import task_of
from ui import grid_runs as gr
from ui import state
from ui.charts import grid as charts
from ui.i18n import list_text, t
from ui.nav import TRAIN_PAGE
from ui.run_button import ProgressView, run_button
from ui.runs import config_key
from ui.text import literal
from ui.url_choice import url_choice

lang = state.lang()
config = state.config()
LABELS = {"hidden": ("grid_hidden", "grid_hidden_help"), "lr": ("grid_lr", "grid_list_help"),
          "seed": ("grid_seeds", "grid_seeds_help"), "epochs": ("grid_epochs", "grid_list_help")}


CONTROLS = {**{key: gr.DEFAULT_TEXTS[field] for field, key in gr.AXIS_KEYS.items()}, "p_axis": "", "p_values": ""}


def _stop() -> None:
    st.session_state["grid_stopped"] = True


st.title(t("page_grid", lang))
st.markdown(t("grid_intro", lang))
state.show_url_warnings()
if task_of(config).kind == "regression":
    st.info(t("grid_regression_note", lang), icon=":material/info:")

with st.container(border=True):
    st.markdown(f"**{t('grid_axes', lang)}**")
    texts = {}
    for col, (field, key) in zip(st.columns(4), gr.AXIS_KEYS.items()):
        label, help_key = LABELS[field]
        texts[field] = col.text_input(t(label, lang), value=gr.DEFAULT_TEXTS[field], key=key, help=t(help_key, lang),
                                      max_chars=grid_rules.MAX_TEXT, bind="query-params")
    c1, c2, c3 = st.columns([2, 3, 2], vertical_alignment="bottom")
    extra = url_choice(c1.selectbox, t("grid_extra", lang), ["", *gr.EXTRA_FIELDS], key="p_axis", default="",
                       label_of=lambda f: t("grid_extra_field", lang, name=FIELD_BY_NAME[f].label(lang), field=f)
                       if f else t("grid_extra_none", lang), lang=lang)
    extra_text = c2.text_input(t("grid_extra_values", lang), key="p_values", bind="query-params",
                               max_chars=grid_rules.MAX_TEXT, help=t("grid_extra_help", lang), disabled=not extra)
    c3.button(t("grid_reset", lang), key="grid_reset", help=t("grid_reset_help", lang), on_click=state.reset_page,
              args=("book_251", CONTROLS), width="stretch")
    if extra:
        texts[extra] = extra_text
state.report_page_params()

try:
    grid, configs = grid_rules.parse_grid(config, texts)
    seconds = grid_rules.check_time(configs)
except ConfigError as err:
    st.error(t("grid_invalid", lang, msg=literal(err.message(lang))), icon=":material/block:")
    st.stop()

fields = list(grid)
groups, singles = grid_rules.n_batched_groups(configs)
m = st.columns(4)
m[0].metric(t("grid_size", lang), len(configs))
m[1].metric(t("grid_groups", lang), groups)
m[2].metric(t("grid_singles", lang), singles)
m[3].metric(t("grid_estimate", lang), t("grid_estimate_value", lang, s=seconds))
st.caption(t("grid_plan_note", lang, limit=grid_rules.MAX_TIME_S))

base_key, key = gr.base_key_of(configs), grid_rules.grid_key(grid)
frame = gr.cached_result(base_key, key)
if frame is None and st.session_state.pop("grid_stopped", False):
    st.warning(t("grid_stopped", lang), icon=":material/stop_circle:")
if run_button((base_key, key), t("grid_run", lang), "grid_run", auto=frame is not None,
              waiting=t("grid_press_run", lang, n=len(configs))) is None:
    st.stop()
if frame is None:                  # clicked: the sweep, with its own progress and Stop button
    view = ProgressView(t("grid_progress", lang, done=0, total=len(configs)), t("grid_stop", lang), "grid_stop",
                        _stop)

    def on_update(progress: gr.SweepProgress) -> None:
        view.show(progress.fraction, t("grid_progress", lang, done=progress.done, total=len(configs)))

    try:
        frame = gr.sweep_live(base_key, key, on_update)
    except ConfigError as err:
        st.error(t("grid_failed", lang, msg=literal(err.message(lang))), icon=":material/block:")
        st.stop()
    finally:
        view.close()
st.session_state.pop("grid_stopped", None)

# --------------------------------------------------------------------------- results
best_index = grid_rules.best_row(frame, fields)
best = configs[best_index]
best_values = {f: getattr(best, f) for f in fields}
combo_fields = [f for f in fields if f != "seed"]
summary = grid_rules.summarize(frame, combo_fields)
axes = [f for f in fields if len(grid[f]) > 1]

if axes:
    h1, h2 = st.columns(2)
    y_default = "hidden" if "hidden" in axes else axes[0]
    x_options = ["", *axes]
    x_default = next((f for f in ("lr", *axes) if f in axes and f != y_default), "")
    y = url_choice(h1.selectbox, t("grid_heatmap_y", lang), axes, key="p_heat_y", default=y_default,
                   label_of=lambda f: charts.field_title(f, lang), lang=lang)
    x = url_choice(h2.selectbox, t("grid_heatmap_x", lang), x_options, key="p_heat_x", default=x_default,
                   label_of=lambda f: charts.field_title(f, lang) if f else t("grid_axis_none", lang), lang=lang)
    x = x if x and x != y else None
    cell = grid_rules.summarize(frame, [f for f in (y, x) if f])
    st.altair_chart(charts.heatmap_chart(cell, x, y, lang, best=best_values), width="stretch")
    if frame.groupby([f for f in (y, x) if f], sort=False).size().max() > 1:
        st.altair_chart(charts.spread_chart(frame, x or y, y if x else None, lang), width="stretch")

st.subheader(t("grid_best", lang))
row = grid_rules.combo_row(summary, best_values)
varied = [f for f in combo_fields if len(grid[f]) > 1] or combo_fields
combo = list_text([f"{charts.field_title(f, lang)} {charts.value_label(f, best_values[f], lang)}" for f in varied],
                  lang)
st.markdown(t("grid_best_text", lang, combo=combo or "—", mean=row.test_acc_mean, low=row.test_acc_min,
              high=row.test_acc_max, runs=int(row.runs), seed=best.seed, acc=frame.loc[best_index, "test_acc"]))
st.caption(t("grid_selection_note", lang))
if st.button(t("grid_load_best", lang), key="grid_load_best", type="primary"):
    st.session_state["grid_loaded"] = config_key(best)
    state.send_to_page(TRAIN_PAGE, config.replace(**best_values))    # the Train page opens on it
    state.request_values(best_values)
if st.session_state.get("grid_loaded") == config_key(config):
    st.success(t("grid_loaded", lang, label=config.label(lang)), icon=":material/check_circle:")
    st.page_link("app_pages/train.py", label=t("grid_open_train", lang), icon=":material/show_chart:")

n_diverged = int(frame["diverged"].sum())
if n_diverged:
    st.warning(t("grid_diverged_note", lang, n=n_diverged), icon=":material/warning:")
st.markdown(f"**{t('grid_summary', lang)}**")
st.dataframe(charts.summary_table(summary, combo_fields, lang, best=best_values), hide_index=True)
with st.expander(t("grid_all_runs", lang)):
    st.dataframe(charts.runs_table(frame, fields, lang, best_index), hide_index=True)
d1, d2 = st.columns(2)
d1.download_button(t("grid_download_runs", lang), grid_rules.csv_text(frame, fields), "grid_runs.csv", "text/csv",
                   key="grid_dl_runs")
d2.download_button(t("grid_download_summary", lang), grid_rules.csv_text(summary, combo_fields), "grid_summary.csv",
                   "text/csv", key="grid_dl_summary")
