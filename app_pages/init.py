"""Initialization page (book 4.4.1): symmetric units under zero init, samples of each scheme, a scheme comparison."""

import streamlit as st

from core.config import ConfigError
from core.initialization import COMPARE_SCHEMES, HISTOGRAM_SCHEMES, N_SAMPLES, first_steps_config
from ui import init_runs as runs
from ui import state
from ui.charts.init import weights_table
from ui.i18n import choice_label, t
from ui.runs import cached_points, config_key
from ui.text import literal
from ui.url_choice import url_choice

QP = "query-params"   # bound widgets write their option text into the URL; translated choices: ui.url_choice
lang = state.lang()
config = state.config()
key = config_key(config)
defaults = runs.CONTROLS

st.title(t("page_init", lang))
st.markdown(t("init_intro", lang))
state.show_url_warnings()
st.button(t("init_reset", lang), key="init_reset", help=t("init_reset_help", lang), on_click=state.reset_page,
          args=("zero_init", runs.CONTROLS))

# ---------------------------------------------------------------- 1. zero init: symmetric units
st.header(t("init_sym_header", lang))
st.markdown(t("init_sym_explain", lang))
n_hidden = len(config.hidden)
if n_hidden == 0:
    st.info(t("init_no_hidden", lang))
else:
    layer = 1
    if n_hidden > 1:
        layer = st.selectbox(t("init_layer", lang), list(range(1, n_hidden + 1)), key="p_init_layer", bind=QP,
                             index=0, format_func=lambda k: f"fc{k}")
    steps_config = first_steps_config(config)      # e.g. tiny mini-batches make even 5 epochs slow
    if runs.run_or_wait(steps_config, lang, "init_steps_train") is not None:
        table, by_step = runs.first_steps(key, layer)
        counts = by_step[by_step["layer"] == f"fc{layer}"]
        width = config.hidden[layer - 1]
        st.metric(t("init_metric_identical", lang, layer=f"fc{layer}", step=int(counts["step"].iloc[-1])),
                  t("init_identical_value", lang, k=int(counts["identical"].iloc[-1]), n=width))
        st.caption(t("init_table_caption", lang, layer=f"fc{layer}"))
        st.dataframe(weights_table(table, lang), hide_index=True)
        st.caption(t("init_step_counts", lang, counts=" · ".join(
            f"θ{s}: {t('init_identical_value', lang, k=int(k), n=width)}"
            for s, k in zip(counts["step"], counts["identical"]))))
        points = cached_points(key)
        train_labels = points.loc[points["split"] == "train", "label"]
        if config.weight_init in ("zeros", "constant") and 2 * int(train_labels.sum()) == len(train_labels):
            st.caption(t("init_balance_note", lang, n1=int(train_labels.sum()), n=len(train_labels)))

st.subheader(t("init_run_header", lang))
st.markdown(t("init_run_explain", lang))
result = runs.run_or_wait(config, lang, "init_train")
if result is not None:
    last = result.history.iloc[-1]
    c1, c2, c3, c4 = st.columns(4)
    c1.metric(t("init_metric_train_loss", lang), f"{last['train_loss']:.4f}")
    c2.metric(t("init_metric_train_acc", lang), f"{last['train_acc']:.2%}")
    c3.metric(t("init_metric_dev_acc", lang), f"{last['dev_acc']:.2%}")
    c4.metric(t("metric_test_acc", lang), f"{result.test_acc:.2%}")
    symmetry = runs.final_symmetry(key)
    if len(symmetry):
        st.caption(t("init_final_identical", lang, detail=" · ".join(
            f"{row.layer} {t('init_identical_value', lang, k=row.identical, n=row.units)}"
            for row in symmetry.itertuples())))
    st.vega_lite_chart(spec=runs.curves_spec(key, lang), width="stretch")

# ---------------------------------------------------------------- 2. samples of each scheme
st.header(t("init_hist_header", lang))
st.markdown(t("init_hist_explain", lang))
c1, c2, c3 = st.columns([3, 1, 1])
schemes = url_choice(c1.multiselect, t("init_hist_schemes", lang), HISTOGRAM_SCHEMES, key="p_init_hist",
                     default=defaults["p_init_hist"], label_of=lambda s: choice_label("weight_init", s, lang),
                     lang=lang, placeholder=t("choose_schemes", lang))
fan_in = c2.number_input(t("init_fan_in", lang), 1, 256, defaults["p_init_fan_in"], key="p_init_fan_in", bind=QP,
                         help=t("init_fan_help", lang))
fan_out = c3.number_input(t("init_fan_out", lang), 1, 256, defaults["p_init_fan_out"], key="p_init_fan_out",
                          bind=QP, help=t("init_fan_help", lang))
if not schemes:
    st.info(t("init_hist_none", lang))
else:
    spec, stats = runs.histograms(config, schemes, fan_in, fan_out, lang)
    st.vega_lite_chart(spec=spec, width="stretch")
    st.caption(t("init_hist_caption", lang, n=N_SAMPLES, fan_in=fan_in, fan_out=fan_out, seed=config.seed))
    if fan_in == 2 and config.weight_std == 1 and {"normal", "kaiming_normal"} <= set(schemes):
        st.caption(t("init_hist_same_he", lang))
    st.dataframe(stats, hide_index=True, column_config={c: st.column_config.NumberColumn(format="%.4f")
                                                        for c in stats.columns[1:]})

# ---------------------------------------------------------------- 3. comparison
st.header(t("init_cmp_header", lang))
st.markdown(t("init_cmp_explain", lang))
c1, c2, c3 = st.columns([3, 1, 1])
names = url_choice(c1.multiselect, t("init_cmp_schemes", lang), list(COMPARE_SCHEMES), key="p_init_cmp",
                   default=defaults["p_init_cmp"], label_of=lambda s: t(f"init_scheme_{s}", lang), lang=lang,
                   placeholder=t("choose_schemes", lang))
epochs = c2.number_input(t("init_cmp_epochs", lang), 1, 20_000, defaults["p_init_epochs"], step=100,
                         key="p_init_epochs", bind=QP)
split = url_choice(c3.radio, t("init_cmp_split", lang), ["train", "dev"], key="p_init_split",
                   default=defaults["p_init_split"], label_of=lambda s: t(s, lang), lang=lang, horizontal=True)
own = st.toggle(t("init_cmp_own", lang), key="p_init_own", bind=QP, help=t("init_cmp_own_help", lang))
st.caption(t("init_cmp_setting_own" if own else "init_cmp_setting", lang))
state.report_page_params()
if st.button(t("init_cmp_deeper", lang), key="init_deeper", help=t("init_cmp_deeper_help", lang)):
    state.request_values({"hidden": (3, 3, 3, 3)})
try:
    keys = runs.compare_keys(config, names, int(epochs), own)
except ConfigError as err:
    st.error(literal(err.message(lang)))
    st.stop()
if not keys:
    st.info(t("init_cmp_none", lang))
    st.stop()
if not runs.train_compare(keys, lang):
    st.stop()
curves, scores, table = runs.compare_view(keys, lang, split)
st.vega_lite_chart(spec=curves, width="stretch")
st.vega_lite_chart(spec=scores, width="stretch")
st.caption(t("init_cmp_table_help", lang))
scores = [t(k, lang) for k in ("metric_test_acc", "metric_test_loss", "metric_best_dev", "init_col_final_train_loss",
                                "init_col_final_train_acc")]
st.dataframe(table, hide_index=True, column_config={c: st.column_config.NumberColumn(format="%.4f") for c in scores})
