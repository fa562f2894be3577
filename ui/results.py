"""The Train page's result view: summary metrics and the five result tabs for one RunResult."""

from __future__ import annotations

import io

import streamlit as st
import torch

from core.config import RunConfig
from core.training import RunResult, compare_runs
from ui import charts
from ui.i18n import t
from ui.runs import cached_boundary, cached_points, cached_train, config_key, config_of


@st.cache_data(max_entries=256, show_spinner=False)
def chart_spec(kind: str, key: str, lang: str, extent_mode: str = "book",
               splits: tuple[str, ...] = ("train", "dev", "test")) -> dict:
    """The Vega-Lite spec of one result chart, cached: a rerun redraws without rebuilding charts."""
    result = cached_train(key)
    if kind == "curves":
        chart = charts.curves_chart(result.history, lang, result.best_epoch)
    elif kind == "grad_norms":
        chart = charts.grad_norm_chart(result.grad_norms, lang)
    else:
        probs, extent = cached_boundary(key, extent_mode)
        chart = charts.boundary_chart(probs, extent, cached_points(key), lang, splits)
    return chart.to_dict()


def show_run(result: RunResult, config: RunConfig, lang: str) -> None:
    """Metrics row, divergence message, then tabs: curves, boundary, gradients, compare, downloads."""
    key = config_key(config)
    pins: list = st.session_state.setdefault("pins", [])
    cols = st.columns(5)
    cols[0].metric(t("metric_test_acc", lang), f"{result.test_acc:.4f}")
    cols[1].metric(t("metric_test_loss", lang), f"{result.test_loss:.4f}")
    cols[2].metric(t("metric_best_dev", lang), f"{result.best_dev_acc:.4f}")
    cols[3].metric(t("metric_best_epoch", lang), str(result.best_epoch))
    cols[4].metric(t("metric_seconds", lang), t("seconds_fmt", lang, s=result.seconds))
    if result.diverged_at is not None:
        st.error(t("diverged", lang, epoch=result.diverged_at))

    tabs = st.tabs([t(k, lang) for k in ("tab_curves", "tab_boundary", "tab_gradients", "tab_compare",
                                          "tab_downloads")])
    with tabs[0]:
        st.vega_lite_chart(spec=chart_spec("curves", key, lang), width="content")

    with tabs[1]:
        c1, c2 = st.columns(2)
        extent_mode = c1.radio(t("extent", lang), ["book", "data"], horizontal=True, key="extent_mode",
                               format_func=lambda m: t(f"extent_{m}", lang))
        splits = c2.multiselect(t("show_splits", lang), ["train", "dev", "test"], default=["train", "dev", "test"],
                                format_func=lambda s: t(s, lang), key="boundary_splits")
        st.vega_lite_chart(spec=chart_spec("boundary", key, lang, extent_mode, tuple(splits)), width="content")

    with tabs[2]:
        st.caption(t("grads_legend", lang))
        st.subheader(t("grads_first", lang))
        st.dataframe(charts.grad_table(result.grads_first, lang), hide_index=True)
        st.subheader(t("grads_last", lang))
        st.dataframe(charts.grad_table(result.grads_last, lang), hide_index=True)
        st.vega_lite_chart(spec=chart_spec("grad_norms", key, lang), width="content")

    with tabs[3]:
        st.caption(t("compare_help", lang))
        b1, b2 = st.columns(2)
        if b1.button(t("pin_run", lang), key="pin") and key not in pins:
            pins.append(key)
            del pins[:-4]
        if b2.button(t("clear_pins", lang), key="clear_pins"):
            pins.clear()
        runs = {f"{t('current', lang)}: {config.label()}": result}
        for i, pinned in enumerate(pins):
            if pinned != key:
                runs[f"{t('pinned', lang)} {i + 1}: {config_of(pinned).label()}"] = cached_train(pinned)
        if len(runs) > 1:
            histories = {name: r.history for name, r in runs.items()}
            c1, c2 = st.columns(2)
            c1.altair_chart(charts.compare_chart(histories, lang, "loss"), width="content")
            c2.altair_chart(charts.compare_chart(histories, lang, "acc"), width="content")
            st.dataframe(compare_runs(runs), hide_index=True)
        else:
            st.info(t("no_pins", lang))

    with tabs[4]:
        st.caption(t("downloads_help", lang))
        d1, d2, d3 = st.columns(3)
        d1.download_button(t("download_history", lang), result.history.to_csv(index=False), "history.csv",
                           "text/csv", key="dl_history")
        d2.download_button(t("download_data", lang), cached_points(key).to_csv(index=False), "dataset.csv",
                           "text/csv", key="dl_data")
        buffer = io.BytesIO()
        torch.save(result.state_dict, buffer)
        d3.download_button(t("download_model", lang), buffer.getvalue(), "best_model.pt",
                           "application/octet-stream", key="dl_model")
