"""Autograd vs hand-written backprop (book 4.2 vs 4.3): same data, same initial weights, same numbers.

Gradients, the finite-difference check and (for small nets) the training curves run on page load;
timing across network sizes waits for a button and measures afresh on every press. Everything
else is cached by config (ui.manual_runs).
"""

from __future__ import annotations

import streamlit as st

from core import manual_checks as budgets
from core.config import FIELD_BY_NAME
from core.data import task_of
from core.tasks import BINARY, MULTICLASS
from ui import manual_runs as runs
from ui import state
from ui.i18n import choice_label, list_text, t
from ui.run_button import CLICKED, ProgressView, run_button

PRESET = "book_251"
lang = state.lang()
sidebar_config = state.config()
config, ignored = budgets.manual_config(sidebar_config)
key = runs.config_key(config)
task = task_of(config)                 # two classes, K classes or regression: the output layer and the loss

st.title(t("page_manual", lang))
st.markdown(t("manual_intro", lang))
state.show_url_warnings()
if task.kind == MULTICLASS:
    st.info(t("manual_task_multiclass", lang, k=task.n_classes), icon=":material/category:")
elif task.kind != BINARY:
    st.info(t("manual_task_regression", lang), icon=":material/show_chart:")
with st.expander(t("manual_explain_title", lang)):
    st.markdown(t("manual_explain", lang))
st.button(t("manual_reset", lang), key="manual_reset", on_click=state.reset_page, args=(PRESET,))
if sidebar_config.batch_norm:
    st.info(t("manual_bn", lang), icon=":material/info:")
if ignored:
    fields = list_text((FIELD_BY_NAME[name].label(lang) for name in ignored), lang)
    st.info(t("manual_ignored", lang, lr=f"{config.lr:g}", fields=fields), icon=":material/info:")
fused = False                          # K classes and regression: one loss op on the logits, nothing to fuse
if task.kind == BINARY:
    fused = st.checkbox(t("manual_fused", lang), key="p_fused", help=t("manual_fused_help", lang),
                        bind="query-params")
state.report_page_params()

from ui.charts import manual as charts  # noqa: E402  (pandas/altair once the page's header is drawn)


def clicked_or_done(cheap: bool, button_key: str, label: str, what: str) -> bool:
    """True when a part may run: cheap enough for page load, run before in this session, or clicked now."""
    return run_button(what, label, button_key, auto=cheap, waiting=t("manual_big", lang), remember=True) is not None


# ---------------------------------------------------------------- 1 gradients side by side
st.header(t("manual_sec_grads", lang))
st.caption(t("manual_grads_caption", lang, n=config.split_counts[0]))
grads = runs.cached_gradients(key, fused)
max_diff = float(grads["max_abs_diff"].max())
cols = st.columns(3)
cols[0].metric(t("manual_metric_loss_manual", lang), f"{grads['loss_manual'].iloc[0]:.10f}")
cols[1].metric(t("manual_metric_loss_autograd", lang), f"{grads['loss_autograd'].iloc[0]:.10f}")
cols[2].metric(t("manual_metric_max_diff", lang), f"{max_diff:.2e}")
if max_diff < charts.GRAD_TOL:
    st.success(t("manual_grads_ok", lang, tol=charts.GRAD_TOL), icon=":material/check_circle:")
else:
    st.error(t("manual_grads_bad", lang, diff=max_diff, tol=charts.GRAD_TOL), icon=":material/error:")
saturated = int(grads["saturated_rows"].iloc[0])
if saturated and not fused:
    st.warning(t("manual_saturated", lang, n=saturated), icon=":material/warning:")
st.dataframe(charts.gradient_table(grads, lang), hide_index=True)
st.vega_lite_chart(spec=runs.gradients_spec(key, fused, lang), width="stretch")

# ---------------------------------------------------------------- 2 finite differences
st.header(t("manual_sec_fd", lang))
entries = budgets.fd_entries(config)
st.caption(t("manual_fd_caption", lang, k=entries))
if clicked_or_done(budgets.fd_is_cheap(config), "manual_fd_run", t("manual_fd_button", lang), f"fd|{key}"):
    with st.spinner(t("manual_running", lang)):
        fd = runs.cached_fd_check(key, fused, entries)
    st.dataframe(charts.fd_table(fd, lang, kinks=config.activation in ("relu", "leaky_relu")), hide_index=True)
    status = charts.fd_status(fd)
    st.caption(t("manual_fd_legend", lang, tol=charts.FD_TOL))
    if "mismatch" in status and task.kind == BINARY and not fused:
        st.warning(t("manual_fd_mismatch", lang), icon=":material/warning:")

# ---------------------------------------------------------------- 3 training curves overlaid
st.header(t("manual_sec_train", lang))
epochs = budgets.overlay_epochs(config)
st.caption(t("manual_train_caption" if epochs < config.epochs else "manual_train_caption_all", lang, epochs=epochs,
             lr=f"{config.lr:g}", total=config.epochs))
if clicked_or_done(budgets.overlay_is_cheap(config), "manual_train_run", t("manual_train_button", lang),
                   f"train|{key}|{epochs}"):
    with st.spinner(t("manual_running", lang)):
        curves = runs.cached_training(key, epochs, fused)
    final = curves.groupby("implementation")["train_loss"].last()
    wide = curves.pivot(index="epoch", columns="implementation", values="train_loss")
    cols = st.columns(3)
    cols[0].metric(t("manual_metric_final_manual", lang), f"{final['manual']:.10f}")
    cols[1].metric(t("manual_metric_final_autograd", lang), f"{final['autograd']:.10f}")
    cols[2].metric(t("manual_metric_curve_diff", lang), f"{(wide['manual'] - wide['autograd']).abs().max():.2e}")
    st.vega_lite_chart(spec=runs.training_spec(key, epochs, fused, lang), width="stretch")

# ---------------------------------------------------------------- 4 time per step across sizes
st.header(t("manual_sec_time", lang))
rows = budgets.timing_rows(config)
clock = t("manual_time_clock_thread" if budgets.timing_clock() == "thread" else "manual_time_clock_wall", lang)
st.caption(t("manual_time_caption", lang, rows=rows, activation=choice_label("activation", config.activation, lang),
             warmup=budgets.TIMING_WARMUP, repeats=budgets.TIMING_REPEATS, steps=budgets.TIMING_STEPS, clock=clock))
if task.kind != BINARY:
    st.caption(t("manual_time_binary", lang))
timing_key = f"time|{runs.timing_key(config)}"
timing = run_button(timing_key, t("manual_time_button", lang), "manual_time_run", always_show=True, remember=True)
samples = runs.last_step_times(config) if timing else None
if timing == CLICKED or (timing and samples is None):          # every press measures afresh (never cached)
    view = ProgressView(t("manual_time_warmup", lang))
    samples = runs.measure_step_times(
        config, lambda i, n: view.show(i / n, t("manual_time_progress", lang, done=i, total=n)))
    view.close()
if samples is not None:
    times, ratios = budgets.summarize_step_times(samples), budgets.step_time_ratios(samples)
    yours = ",".join(map(str, config.hidden)) or "none"
    st.markdown(t("manual_time_summary", lang, hidden=yours, **charts.step_time_figures(times, ratios, yours)))
    st.dataframe(charts.step_time_table(times, ratios, lang), hide_index=True)
    st.altair_chart(charts.step_time_chart(times, lang, yours), width="stretch")

# ---------------------------------------------------------------- 5 the code, side by side
st.header(t("manual_sec_code", lang))
st.caption(t("manual_code_caption", lang))
by_hand, by_autograd = runs.code_pair(config.activation, fused, task.kind)
left, right = st.columns(2)
left.subheader(t("manual_code_manual", lang, n=runs.code_lines(by_hand)))
left.code(by_hand, language="python", line_numbers=True)
right.subheader(t("manual_code_autograd", lang, n=runs.code_lines(by_autograd)))
right.code(by_autograd, language="python", line_numbers=True)
st.caption(t("manual_code_note", lang))
