"""Vanishing gradients page (book 4.4.2): per-layer gradient norms after one step (Figure 4.4) for several
activations, then the same norms over training for the baseline and each remedy."""

from __future__ import annotations

import streamlit as st

from core.config import ACTIVATIONS
from core.gradients import BASELINE, REMEDIES, norm_table, refused_remedies, remedy_configs, run_summary
from ui import state
from ui.charts import gradients as charts
from ui.gradient_runs import VANISHING_ACTS, act_name, cached_first_step, heatmap_spec, setting_caption, train_runs
from ui.i18n import t
from ui.runs import config_key
from ui.text import literal

PRESET = "vanishing"
DEFAULT_ACTS = VANISHING_ACTS
ACTS_KEY = "p_acts"
FIX_KEYS = {name: f"p_fix_{name}" for name in REMEDIES}

lang = state.lang()
config = state.config()


CONTROLS = {ACTS_KEY: DEFAULT_ACTS, **{key: True for key in FIX_KEYS.values()}}    # page controls, defaults
st.title(t("page_vanishing", lang))
st.markdown(t("vanishing_intro", lang))
with st.expander(t("vanishing_why", lang)):
    st.markdown(t("vanishing_explain", lang))
state.show_url_warnings()

left, right = st.columns([2, 1], vertical_alignment="bottom")   # the reset label fits at 1280 px
acts = left.multiselect(t("vanishing_acts", lang), list(ACTIVATIONS), default=DEFAULT_ACTS, key=ACTS_KEY,
                        bind="query-params", format_func=act_name, placeholder=t("choose_activations", lang),
                        help=t("vanishing_acts_help", lang))
right.button(t("vanishing_reset", lang), on_click=state.reset_page, args=(PRESET, CONTROLS), key="vanishing_reset",
             help=t("vanishing_reset_help", lang))
state.report_page_params()
st.caption(setting_caption(config, lang))
key = config_key(config)

# ---- after the first step: Figure 4.4 ---------------------------------------------------------------------
st.subheader(t("vanishing_first_step", lang))
if not acts:
    st.info(t("vanishing_pick_one", lang))
else:
    long = cached_first_step(key, tuple(acts))
    weights = long[long["param"] == "weight"]
    last_k = int(weights["k"].max())
    for col, act in zip(st.columns(min(len(acts), 4)), acts[:4]):
        rows = weights[weights["activation"] == act].set_index("k")["grad_l2"]
        col.metric(t("vanishing_metric_fc1", lang, act=act_name(act, config.leaky_slope)),
                   charts.sci_text(rows[1], lang),
                   help=t("vanishing_metric_help", lang, k=last_k, last=charts.sci_text(rows[last_k], lang)))
    shown = weights.assign(series=weights["activation"].map(lambda a: act_name(a, config.leaky_slope)))
    st.altair_chart(charts.layer_norm_chart(shown, lang, t("vanishing_series_act", lang)), width="stretch")
    st.caption(t("vanishing_table_caption", lang))
    table = norm_table(long).rename(columns=lambda a: act_name(a, config.leaky_slope))
    st.dataframe(charts.sci_table(table, lang), hide_index=True, key="vanishing_table")

# ---- over training: baseline and remedies ------------------------------------------------------------------
st.subheader(t("vanishing_training", lang))
base_name = act_name(config.activation, config.leaky_slope)
st.markdown(t("vanishing_training_caption", lang, act=base_name))
chosen = [name for col, name in zip(st.columns(len(REMEDIES)), REMEDIES)
          if col.toggle(t(f"vanishing_fix_{name}", lang), value=True, key=FIX_KEYS[name], bind="query-params",
                        help=t(f"vanishing_fix_{name}_help", lang))]
state.report_page_params()
refused = refused_remedies(config, chosen)         # e.g. batch norm can push a large net over the time budget
for name, err in refused.items():
    reason = err.reason_zh if lang == "zh" and err.reason_zh else err.reason
    st.warning(t("vanishing_remedy_refused", lang, remedy=t(f"vanishing_fix_{name}", lang), reason=literal(reason)))
runs = remedy_configs(config, [name for name in chosen if name not in refused])
labels = {name: t("vanishing_run_baseline", lang, act=base_name) if name == BASELINE
          else t(f"vanishing_run_{name}", lang) for name in runs}
results = train_runs(runs, labels, lang, button_key="vanishing_train")
if results is not None:
    st.vega_lite_chart(spec=heatmap_spec(runs, labels, lang), width="stretch")
    st.caption(t("vanishing_training_read", lang))
    st.markdown(f"**{t('vanishing_summary', lang)}**")
    summary = run_summary({labels[name]: r for name, r in results.items()})
    st.dataframe(charts.summary_table(summary, lang), hide_index=True, key="vanishing_summary")
