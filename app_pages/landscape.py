"""Loss landscape page (book 4.4, optimization problems): the loss along theta_0 -> theta*, a filter-normalized
slice around theta*, the path training took on its PCA plane, and optimizers racing from one theta_0.
Computed by core.landscape (cached in ui.landscape_runs) from the sidebar's run, trained behind a button."""

from __future__ import annotations

import streamlit as st

from core.config import ConfigError
from core.data import task_of
from core.landscape import (
    DEFAULT_GRID,
    DEFAULT_RACE,
    DEFAULT_SPAN,
    MAX_SPAN,
    MIN_SPAN,
    RACERS,
    race_configs,
)
from ui import landscape_runs as runs
from ui import state
from ui.gradient_runs import train_runs
from ui.i18n import t
from ui.text import literal
from ui.url_choice import url_choice

QP = "query-params"
GRIDS = [11, 21, 31, 41, 51, 61, 81, 101]
lang = state.lang()
config = state.config()
key = runs.config_key(config)


def refused(err: ValueError) -> None:
    """A view that is not drawn: over its time budget (ConfigError), or a run with too little to show."""
    reason = err.message(lang) if isinstance(err, ConfigError) else str(err)
    st.error(t("landscape_refused", lang, reason=literal(reason)), icon=":material/block:")


st.title(t("page_landscape", lang))
st.markdown(t("landscape_intro", lang))
with st.expander(t("landscape_why", lang)):
    st.markdown(t("landscape_explain", lang))
state.show_url_warnings()
st.caption(t("landscape_setting", lang, label=config.label(lang)))
if task_of(config).kind == "regression":
    st.info(t("grid_regression_note", lang), icon=":material/info:")
result = runs.train_run(config, lang)
if result is None:
    st.stop()
if result.best_epoch < 0:
    st.warning(t("landscape_no_model", lang), icon=":material/warning:")
elif result.diverged_at is not None:
    st.warning(t("landscape_diverged", lang, epoch=result.diverged_at), icon=":material/warning:")

# ---------------------------------------------------------------- 1. the line from theta_0 to theta*
st.subheader(t("landscape_line_title", lang))
st.caption(t("landscape_line_caption", lang, epoch=result.best_epoch + 1))
line = runs.cached_line(key)
train_line = line[line["split"] == "train"]
between = train_line[(train_line["alpha"] >= 0) & (train_line["alpha"] <= 1)]["loss"]
c1, c2, c3 = st.columns(3)
c1.metric(t("landscape_metric_start", lang), f"{float(train_line.loc[train_line['alpha'] == 0, 'loss'].iloc[0]):.4f}")
c2.metric(t("landscape_metric_best", lang), f"{float(train_line.loc[train_line['alpha'] == 1, 'loss'].iloc[0]):.4f}")
c3.metric(t("landscape_metric_bump", lang), f"{float(between.max()):.4f}", help=t("landscape_metric_bump_help", lang))
st.vega_lite_chart(spec=runs.line_spec(key, lang), width="stretch")
st.caption(t("landscape_line_read", lang))

# ---------------------------------------------------------------- 2. a random slice around theta*
st.subheader(t("landscape_slice_title", lang))
c1, c2 = st.columns(2)
span = c1.number_input(t("landscape_span", lang), min_value=MIN_SPAN, max_value=MAX_SPAN, value=DEFAULT_SPAN, step=0.25,
                       key="p_span", bind=QP, help=t("landscape_span_help", lang))
grid = c2.select_slider(t("landscape_grid", lang), GRIDS, value=DEFAULT_GRID, key="p_grid", bind=QP,
                        help=t("landscape_grid_help", lang, cells=runs.MAX_SHOWN_SIDE))
state.report_page_params()
try:
    view = runs.cached_slice(key, int(grid), float(span))
    spec = runs.slice_spec(key, int(grid), float(span), lang)
except ValueError as err:
    refused(err)
else:
    losses = view.surface["loss"]
    centre = view.marks.loc[view.marks["what"] == "best", "loss"].iloc[0]
    c1, c2, c3 = st.columns(3)
    c1.metric(t("landscape_metric_centre", lang), f"{centre:.4f}")
    c2.metric(t("landscape_metric_min", lang), f"{losses.min():.4f}")
    c3.metric(t("landscape_metric_max", lang), f"{losses.max():.4f}")
    st.vega_lite_chart(spec=spec, width="stretch")
    st.caption(t("landscape_slice_caption", lang, grid=int(grid), seed=config.seed))

# ---------------------------------------------------------------- 3. the path training took
st.subheader(t("landscape_path_title", lang))
try:
    path = runs.cached_path(key, int(grid))
    spec = runs.path_spec(key, int(grid), lang)
except ValueError as err:             # ConfigError too
    refused(err)
else:
    c1, c2 = st.columns(2)
    for col, k in zip((c1, c2), (1, 2)):
        col.metric(t(f"landscape_metric_pc{k}", lang), f"{100 * path.explained[k - 1]:.1f} %",
                   help=t("landscape_metric_pc_help", lang))
    st.vega_lite_chart(spec=spec, width="stretch")
    st.caption(t("landscape_path_caption", lang, n=len(path.paths), last=int(path.paths["epoch"].iloc[-1])))

# ---------------------------------------------------------------- 4. optimizers racing
st.subheader(t("landscape_race_title", lang))
st.markdown(t("landscape_race_intro", lang, seed=config.seed, epochs=config.epochs))
names = url_choice(st.multiselect, t("landscape_racers", lang), list(RACERS), key="p_race", default=list(DEFAULT_RACE),
                   label_of=lambda name: runs.racer_label(name, lang), lang=lang, help=t("landscape_racers_help", lang))
lrs = {}
for col, name in zip(st.columns(max(1, len(names))), names):
    lrs[name] = col.number_input(t("landscape_racer_lr", lang, name=runs.racer_label(name, lang)), min_value=1e-6,
                                 max_value=100.0, value=RACERS[name].lr, step=0.01, format="%g", key=f"p_lr_{name}",
                                 bind=QP)
state.report_page_params()
if not names:
    st.info(t("landscape_pick_racer", lang))
    st.stop()
try:
    configs = race_configs(config, lrs)
except ConfigError as err:
    refused(err)
    st.stop()
labels = {name: runs.racer_label(name, lang, lrs[name]) for name in configs}
results = train_runs(configs, labels, lang, button_key="landscape_race")
if results is not None:
    keys, order = tuple(runs.config_key(c) for c in configs.values()), tuple(configs)
    try:
        spec = runs.race_spec(keys, order, tuple(lrs[n] for n in order), int(grid), lang)
    except ValueError as err:
        refused(err)
    else:
        st.vega_lite_chart(spec=spec, width="stretch")
        st.caption(t("landscape_race_caption", lang))
        st.vega_lite_chart(spec=runs.race_curves_spec(keys, tuple(labels[n] for n in order), lang), width="stretch")
