"""Dead ReLU page (book 4.4.3): with strongly negative biases ReLU's gradients are exactly 0; Leaky ReLU's
are tiny but non-zero, and grow with the slope. First-step tables on load, training behind a button."""

from __future__ import annotations

import streamlit as st

from core.config import ACTIVATIONS, ConfigError
from core.gradients import dead_unit_table, layer_summary, norm_table
from ui import state
from ui.charts import gradients as charts
from ui.gradient_runs import (
    DEAD_RELU_ACTS,
    act_name,
    cached_first_step,
    cached_slope_sweep,
    config_slider,
    heatmap_spec,
    setting_caption,
    train_runs,
)
from ui.i18n import t
from ui.runs import config_key
from ui.text import literal

PRESET = "dead_relu"
DEFAULT_ACTS = DEAD_RELU_ACTS
ACTS_KEY = "p_dead_acts"

lang = state.lang()
config = state.config()
n_hidden = len(config.hidden)


def _name(act: str) -> str:
    return act_name(act, config.leaky_slope)


st.title(t("page_dead_relu", lang))
st.markdown(t("dead_relu_intro", lang))
with st.expander(t("dead_relu_why", lang)):
    st.markdown(t("dead_relu_explain", lang, n=n_hidden, gain=f"{10 ** n_hidden:,}"))
state.show_url_warnings()

c1, c2 = st.columns(2)
with c1:
    config_slider("bias_init", t("dead_relu_bias", lang), "dead_relu_bias", -12.0, 4.0, 0.1,
                  help=t("dead_relu_bias_help", lang))
with c2:
    config_slider("leaky_slope", t("dead_relu_slope", lang), "dead_relu_slope", 0.0, 1.0, 0.01,
                  help=t("dead_relu_slope_help", lang))
left, right = st.columns([2, 1], vertical_alignment="bottom")   # the reset label fits at 1280 px
acts = left.multiselect(t("dead_relu_acts", lang), list(ACTIVATIONS), default=DEFAULT_ACTS, key=ACTS_KEY,
                        bind="query-params", format_func=act_name, placeholder=t("choose_activations", lang),
                        help=t("dead_relu_acts_help", lang))
right.button(t("dead_relu_reset", lang), on_click=state.reset_page, args=(PRESET, {ACTS_KEY: DEFAULT_ACTS}),
             key="dead_relu_reset", help=t("dead_relu_reset_help", lang))
state.report_page_params()
st.caption(setting_caption(config, lang))
if not acts:
    st.info(t("vanishing_pick_one", lang))
    st.stop()
key = config_key(config)

# ---- after the first step -------------------------------------------------------------------------------------
st.subheader(t("dead_relu_first_step", lang))
long = cached_first_step(key, tuple(acts))
weights = long[long["param"] == "weight"]
total_units = sum(config.hidden)
if n_hidden:
    for col, act in zip(st.columns(min(len(acts), 4)), acts[:4]):
        dead = weights[weights["activation"] == act]["dead_units"].dropna()
        col.metric(t("dead_relu_metric_dead", lang, act=_name(act)), f"{int(dead.sum())} / {total_units}",
                   help=t("dead_relu_metric_dead_help", lang))
for col, act in zip(st.columns(min(len(acts), 4)), acts[:4]):
    fc1 = weights[(weights["activation"] == act) & (weights["k"] == 1)]["grad_l2"].iloc[0]
    col.metric(t("dead_relu_metric_fc1", lang, act=_name(act)), charts.sci_text(fc1, lang))
shown = weights.assign(series=weights["activation"].map(_name))
st.altair_chart(charts.layer_norm_chart(shown, lang, t("vanishing_series_act", lang)), width="stretch")
st.caption(t("dead_relu_table_caption", lang))
table = norm_table(long, params=("weight", "bias")).rename(columns=_name)
st.dataframe(charts.sci_table(table, lang), hide_index=True, key="dead_relu_table")
if n_hidden:
    st.caption(t("dead_relu_dead_caption", lang))
    dead_table = dead_unit_table(long).rename(columns=_name)
    dead_table = dead_table.apply(lambda c: c.astype(int).astype(str) + [f" / {w}" for w in config.hidden])
    dead_table.index.name = t("layer", lang)
    st.dataframe(dead_table.reset_index(), hide_index=True, key="dead_relu_dead_table")

# ---- why a larger slope helps ---------------------------------------------------------------------------------
st.subheader(t("dead_relu_slope_title", lang))
st.caption(t("dead_relu_slope_caption", lang))
st.altair_chart(charts.slope_chart(cached_slope_sweep(key), lang, config.leaky_slope), width="stretch")

# ---- after training -------------------------------------------------------------------------------------------
st.subheader(t("dead_relu_training", lang))
st.markdown(t("dead_relu_training_caption", lang, epochs=config.epochs))
try:
    runs = {act: config.replace(activation=act) for act in acts}
except ConfigError as err:                         # another activation may not fit the time budget
    st.error(literal(err.message(lang)))
    st.stop()
labels = {act: _name(act) for act in acts}
results = train_runs(runs, labels, lang, button_key="dead_relu_train")
if results is not None:
    for col, act in zip(st.columns(min(len(acts), 4)), acts[:4]):
        col.metric(t("dead_relu_metric_test_acc", lang, act=labels[act]), f"{results[act].test_acc:.3f}")
    st.vega_lite_chart(spec=heatmap_spec(runs, labels, lang), width="stretch")
    st.caption(t("dead_relu_training_read", lang))
    st.markdown(f"**{t('dead_relu_layers', lang)}**")
    frames = {labels[a]: layer_summary(r.grads_first, r.grads_last, r.dead_units) for a, r in results.items()}
    st.dataframe(charts.layer_table(frames, lang), hide_index=True, key="dead_relu_layers")
