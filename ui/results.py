"""The Train page's result view: summary metrics and the five result tabs for one RunResult."""

from __future__ import annotations

import io

import streamlit as st
import torch

from core.config import RunConfig
from core.training import RunResult, compare_runs
from ui import charts
from ui.i18n import t
from ui.runs import cached_boundary, cached_points, cached_train, config_key, config_of, spec_of, upload_store
from ui.text import literal


@st.cache_data(max_entries=256, show_spinner=False)
def chart_spec(kind: str, key: str, lang: str, extent_mode: str = "book",
               splits: tuple[str, ...] = ("train", "dev", "test"), data: str = "", model: str = "") -> dict:
    """The Vega-Lite spec of one result chart, cached: a rerun redraws without rebuilding charts.

    The builders bound every chart's data rows (ui.charts.sizing), so the spec is small for any run."""
    result = cached_train(key, data)
    if kind == "curves":
        chart = charts.curves_chart(result.history, lang, result.best_epoch)
    elif kind == "grad_norms":
        chart = charts.grad_norm_chart(result.grad_norms, lang)
    else:
        probs, extent = cached_boundary(key, extent_mode, data, model)
        chart = charts.boundary_chart(probs, extent, cached_points(key, data), lang, splits)
    return spec_of(chart)


def show_run(result: RunResult, config: RunConfig, lang: str, data: str = "") -> None:
    """Metrics row, divergence message, then tabs: curves, boundary, gradients, compare, downloads.

    `data` is the digest of an uploaded dataset ('' = the config's own dataset).
    """
    key = config_key(config)
    pins: list = st.session_state.setdefault("pins", [])
    usable = result.best_epoch >= 0          # some epoch produced a model with a finite dev loss
    cols = st.columns(5)
    cols[0].metric(t("metric_test_acc", lang), f"{result.test_acc:.4f}" if usable else "—")
    cols[1].metric(t("metric_test_loss", lang), f"{result.test_loss:.4f}" if usable else "—")
    cols[2].metric(t("metric_best_dev", lang), f"{result.best_dev_acc:.4f}" if usable else "—")
    cols[3].metric(t("metric_best_epoch", lang), str(result.best_epoch) if usable else "—")
    cols[4].metric(t("metric_seconds", lang), t("seconds_fmt", lang, s=result.seconds))
    if not usable:
        st.error(t("no_usable_model", lang, epoch=result.diverged_at))
    elif result.diverged_at is not None:
        st.error(t("diverged", lang, epoch=result.diverged_at))

    tabs = st.tabs([t(k, lang) for k in ("tab_curves", "tab_boundary", "tab_gradients", "tab_compare",
                                          "tab_downloads")])
    with tabs[0]:
        if usable:
            st.vega_lite_chart(spec=chart_spec("curves", key, lang, data=data), width="content")
        else:                   # one epoch whose loss is not finite: nothing to draw
            st.info(t("no_usable_curves", lang, epoch=result.diverged_at))

    with tabs[1]:
        c1, c2 = st.columns(2)
        extent_mode = c1.radio(t("extent", lang), ["book", "data"], horizontal=True, key=f"extent_mode_{lang}",
                               format_func=lambda m: t(f"extent_{m}", lang))
        splits = c2.multiselect(t("show_splits", lang), ["train", "dev", "test"], default=["train", "dev", "test"],
                                format_func=lambda s: t(s, lang), key=f"boundary_splits_{lang}")
        if usable:
            st.vega_lite_chart(spec=chart_spec("boundary", key, lang, extent_mode, tuple(splits), data),
                               width="content")
        else:
            st.info(t("no_usable_boundary", lang))

    with tabs[2]:
        st.caption(t("grads_legend", lang))
        st.subheader(t("grads_first", lang))
        st.dataframe(charts.grad_table(result.grads_first, lang), hide_index=True)
        if usable:
            st.subheader(t("grads_last", lang))
            st.dataframe(charts.grad_table(result.grads_last, lang), hide_index=True)
            st.vega_lite_chart(spec=chart_spec("grad_norms", key, lang, data=data), width="content")
        else:                   # the final weights are not finite: their gradients say nothing
            st.info(t("no_usable_curves", lang, epoch=result.diverged_at))

    with tabs[3]:
        st.caption(t("compare_help", lang))
        b1, b2 = st.columns(2)
        if b1.button(t("pin_run", lang), key="pin") and (key, data) not in pins:
            pins.append((key, data))
            del pins[:-4]
        if b2.button(t("clear_pins", lang), key="clear_pins"):
            pins.clear()
        runs = {f"{t('current', lang)}: {config.label()}": result}
        for i, (pinned, pinned_data) in enumerate(pins):
            if (pinned, pinned_data) != (key, data):
                runs[f"{t('pinned', lang)} {i + 1}: {config_of(pinned).label()}"] = cached_train(pinned, pinned_data)
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
        d2.download_button(t("download_data", lang), cached_points(key, data).to_csv(index=False), "dataset.csv",
                           "text/csv", key="dl_data")
        buffer = io.BytesIO()
        torch.save(result.state_dict, buffer)
        d3.download_button(t("download_model", lang), buffer.getvalue(), "best_model.pt",
                           "application/octet-stream", key="dl_model", disabled=not usable)
        _uploaded_model(result, config, lang, data)


def _uploaded_model(result: RunResult, config: RunConfig, lang: str, data: str) -> None:
    """Upload a saved state_dict: checked against the current network, then its boundary and test score.

    The shared upload store keeps only compact copies of the network's own tensors, never the file's storages.
    """
    from core.upload import UploadError, check_state_dict, digest, load_state_dict

    st.subheader(t("upload_model", lang))
    file = st.file_uploader(t("upload_model_help", lang), type=["pt", "pth"], key="upload_model")
    if file is None:
        return
    content = file.getvalue()
    try:
        state = check_state_dict(load_state_dict(content), config)    # compact copies of the expected tensors
    except UploadError as err:
        st.error(literal(err.message(lang)))
        return
    model_digest = "model-" + digest(content)
    upload_store().put(model_digest, state)
    key = config_key(config)
    try:
        probs, _ = cached_boundary(key, "book", data, model_digest)
    except UploadError as err:          # dropped from the shared store (bounded by bytes) meanwhile
        st.error(literal(err.message(lang)))
        return
    best, _ = cached_boundary(key, "book", data)
    same = bool((probs == best).all())
    st.success(t("upload_model_same" if same else "upload_model_differs", lang))
    spec = chart_spec("boundary", key, lang, "book", ("train", "dev", "test"), data, model_digest)
    st.vega_lite_chart(spec=spec, width="content")
