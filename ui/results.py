"""The Train page's result view: summary metrics and the five result tabs for one RunResult (only the
open tab is computed and drawn)."""

from __future__ import annotations

import io

import pandas as pd
import streamlit as st
import torch

from core.config import RunConfig
from core.training import RunResult, compare_runs
from ui import charts
from ui.i18n import t
from ui.runs import (
    cached_boundary,
    cached_points,
    cached_train,
    config_key,
    config_of,
    spec_of,
    splits_of,
    upload_store,
)
from ui.text import literal


@st.cache_data(max_entries=256, show_spinner=False)
def chart_spec(kind: str, key: str, lang: str, extent_mode: str = "book",
               splits: tuple[str, ...] = ("train", "dev", "test"), data: str = "", model: str = "",
               plane: str = "") -> dict:
    """The Vega-Lite spec of one result chart ('loss', 'accuracy', 'steps_loss', 'steps_accuracy', 'grad_norms',
    'confusion', 'regression' or 'boundary'), cached: a rerun redraws without rebuilding charts.
    `plane`: how data of more than two inputs is drawn (core.projection.plane_for).

    The builders bound every chart's data rows (ui.charts.sizing), so the spec is small for any run."""
    result = cached_train(key, data)
    task = result.task
    if kind in ("loss", "accuracy"):
        chart = charts.curves_chart(result.history, lang, result.best_epoch, metric=kind, task_kind=task.kind)
    elif kind in ("steps_loss", "steps_accuracy"):
        chart = charts.step_curves_chart(result.step_history, lang, result.best_step, kind.split("_")[1])
    elif kind == "grad_norms":
        chart = charts.grad_norm_chart(result.grad_norms, lang)
    elif kind == "confusion":
        from core.training import confusion

        chart = charts.confusion_chart(confusion(result), lang, class_names(key, task.n_classes, data, lang))
    elif kind == "regression":
        chart = charts.prediction_chart(result.test_predictions, lang)
    else:
        probs, extent = cached_boundary(key, extent_mode, data, model, plane)
        points, note, axes = cached_plane_points(key, data, plane, lang)
        chart = charts.boundary_chart(probs, extent, points, lang, splits, kind=task.kind, axis_titles=axes,
                                      note=note, class_names=class_names(key, task.n_classes, data, lang))
    return spec_of(chart)


def class_names(key: str, k: int, data: str = "", lang: str = "en") -> list[str]:
    """What each class is called: Iris's species (in `lang`), else 0 .. K-1 (an upload's classes too)."""
    from ui.i18n import class_names as named

    return named(config_of(key).dataset, k, lang) if not data else [str(i) for i in range(k)]


@st.cache_data(max_entries=256, show_spinner=False)
def cached_plane_points(key: str, data: str, plane: str, lang: str):
    """(points with x1, x2 = the picture's coordinates, the chart's note, axis titles) of a run's dataset: the
    picture ui.watch.picture_of makes of it (2-D data as it is; more inputs projected on `plane`)."""
    from ui.watch import picture_of

    picture = picture_of(config_of(key), splits_of(key, data), cached_points(key, data), lang, plane)
    return picture.points, picture.note, picture.axis_titles


# the result tabs: a language-neutral id -> the key of its label
VIEWS = {"curves": "tab_curves", "boundary": "tab_boundary", "test": "tab_test", "replay": "tab_replay",
         "gradients": "tab_gradients", "compare": "tab_compare", "downloads": "tab_downloads"}
OPEN_VIEW = "result_view"       # session state: the id of the open tab, carried across a language switch
FIRST_VIEW = "result_view_first"    # session state: the id of the tab the current tabs opened on
MAX_PINS = 4


REGRESSION_VIEWS = {"curves": "tab_curves_r2", "boundary": "tab_prediction"}   # no accuracy, no boundary


def view_labels(lang: str, kind: str = "binary") -> dict[str, str]:
    """The result tabs' labels for a task (core.tasks kind): a regression's name its R² and its prediction."""
    own = REGRESSION_VIEWS if kind == "regression" else {}
    return {view: t(own.get(view, label_key), lang) for view, label_key in VIEWS.items()}


def tabs_key(lang: str, kind: str = "binary") -> str:
    """The session-state key of the result tabs in `lang` (its value is the open tab's label, so one key per
    language)."""
    return f"result_tab_{lang}" + ("_regression" if kind == "regression" else "")


def show_run(result: RunResult, config: RunConfig, lang: str, data: str = "") -> None:
    """Metrics row, divergence message, then tabs: curves, boundary, gradients, compare, downloads.

    The tabs are stateful: the open one stays open whatever is clicked inside it (or when Train is
    pressed again, or the language changes), and only its content is computed and drawn.
    `data` is the digest of an uploaded dataset ('' = the config's own dataset).
    """
    usable = result.best_epoch >= 0          # some epoch produced a model with a finite dev loss
    task = result.task
    regression = task.kind == "regression"
    if task.kind != "binary" or data:        # the book's two classes need no word; other tasks say what they are
        st.caption(t("task_line", lang, task=task_text(task, lang)))
    cols = st.columns(5)
    cols[0].metric(t("metric_test_r2" if regression else "metric_test_acc", lang),
                   charts.score_text(result.test_acc) if usable else "—")
    cols[1].metric(t("metric_test_mse" if regression else "metric_test_loss", lang),
                   charts.score_text(result.test_loss) if usable else "—")
    cols[2].metric(t("metric_best_dev_r2" if regression else "metric_best_dev", lang),
                   charts.score_text(result.best_dev_acc) if usable else "—")
    if result.best_step is not None:
        cols[3].metric(t("metric_best_step", lang), f"{result.best_step:,}" if usable else "—")
    else:
        cols[3].metric(t("metric_best_epoch", lang), str(result.best_epoch) if usable else "—")
    cols[4].metric(t("metric_seconds", lang), t("seconds_fmt", lang, s=result.seconds))
    if not usable:
        st.error(t("no_usable_model", lang, epoch=result.diverged_at))
    elif result.diverged_at is not None:
        st.error(t("diverged", lang, epoch=result.diverged_at))

    labels = view_labels(lang, task.kind)
    key = tabs_key(lang, task.kind)      # its own key per set of labels (a widget's options are part of it)
    if key not in st.session_state:      # new tabs (after a language switch, a new run): open the view
        st.session_state[FIRST_VIEW] = st.session_state.get(OPEN_VIEW, "curves")        # that was open last
    # `default` is part of the widget's identity: it must stay the same while these tabs live, or they reset
    tabs = st.tabs(list(labels.values()), key=key, on_change="rerun",
                   default=labels.get(st.session_state[FIRST_VIEW]))
    tab = dict(zip(labels, tabs))
    st.session_state[OPEN_VIEW] = next((view for view in labels if tab[view].open), "curves")
    view = {"curves": _curves, "boundary": _boundary, "test": _test, "replay": _replay, "gradients": _gradients,
            "compare": _compare, "downloads": _downloads}[st.session_state[OPEN_VIEW]]
    with tab[st.session_state[OPEN_VIEW]]:
        view(result, config, lang, data, usable)


def _curves(result: RunResult, config: RunConfig, lang: str, data: str, usable: bool) -> None:
    if not usable:                      # one epoch whose loss is not finite: nothing to draw
        st.info(t("no_usable_curves", lang, epoch=result.diverged_at))
        return
    key = config_key(config)
    if result.step_history is not None and len(result.step_history):
        st.caption(t("steps_caption", lang, n=config.eval_steps, best=result.best_step))
        for col, metric in zip(st.columns(2), ("steps_loss", "steps_accuracy")):
            col.vega_lite_chart(spec=chart_spec(metric, key, lang, data=data), width="stretch")
    for col, metric in zip(st.columns(2), ("loss", "accuracy")):     # side by side; stacked on a phone
        col.vega_lite_chart(spec=chart_spec(metric, key, lang, data=data), width="stretch")


def spiral_tip(config: RunConfig, lang: str) -> None:
    """A K-arm spiral on a network too small for it (the book's 2-5-1 cannot): name the preset that learns it."""
    from core.config import preset

    if config.dataset == "spiral" and config.n_classes >= 3 and sum(config.hidden) < 16:
        st.caption(":material/lightbulb: " + t("spiral_tip", lang, k=config.n_classes,
                                                   label=preset("spiral_3").label(lang)))


def task_text(task, lang: str) -> str:
    """What a task trains, in words (ui/strings/tasks.py)."""
    return t(f"task_{task.kind}", lang, k=task.n_classes)


def plane_picker(splits, lang: str, key: str, dataset: str = "") -> str:
    """For data of more than two inputs: how to draw it, core.projection.plane_for's view ('pca', or 'f:i,j' for
    inputs i and j with the others at their mean). One choice, kept in the URL (p_<key>_plane) and for the
    session, so a shared link opens on the same picture; '' for 2-D data."""
    from ui.i18n import input_names
    from ui.url_choice import url_choice

    d = splits.X_train.shape[1]
    if d == 2:
        return ""
    names = input_names(dataset, d, lang)
    pairs = {f"f:{i},{j}": (names[i], names[j]) for i in range(d) for j in range(i + 1, d)}

    def label_of(view: str) -> str:
        return t("plane_pca", lang) if view == "pca" else t("plane_pair", lang, u=pairs[view][0], v=pairs[view][1])

    return url_choice(st.selectbox, t("plane_pick", lang, d=d), ["pca", *pairs], key=f"p_{key}_plane",
                      default="pca", label_of=label_of, lang=lang, help=t("plane_help", lang))


def _test(result: RunResult, config: RunConfig, lang: str, data: str, usable: bool) -> None:
    """The best dev model on the test set: the confusion matrix and per-class precision/recall (classification),
    or predicted against true values (regression)."""
    if not usable:
        st.info(t("no_usable_boundary", lang))
        return
    key = config_key(config)
    if result.task.kind == "regression":
        st.vega_lite_chart(spec=chart_spec("regression", key, lang, data=data), width="stretch")
        return
    spec = chart_spec("confusion", key, lang, data=data)
    st.vega_lite_chart(spec=spec)
    st.caption(t("class_report", lang))
    names = class_names(key, result.task.n_classes, data, lang)
    st.dataframe(class_report_table(result, names, lang), hide_index=True, key="class_report")


def class_report_table(result: RunResult, names: list[str], lang: str) -> pd.DataFrame:
    """core.training.class_report for display: class names, headers in `lang`, scores as everywhere."""
    from core.training import class_report

    report = class_report(result)
    return pd.DataFrame({
        t("col_class", lang): [names[int(c)] for c in report["class"]],
        t("col_support", lang): report["support"],
        t("col_precision", lang): [charts.score_text(v) for v in report["precision"]],
        t("col_recall", lang): [charts.score_text(v) for v in report["recall"]],
    })


def _kept(name: str, lang: str, default) -> dict:
    """key/on_change of a result-view widget whose value outlives the widget: only the open tab is drawn, and
    Streamlit forgets a widget's value when a run does not draw it (another tab, another page, the other
    language). The value is kept under kept_<name> and given back when the widget is drawn again."""
    key, kept = f"view_{name}_{lang}", f"kept_{name}"
    if key not in st.session_state:
        st.session_state[key] = st.session_state.get(kept, default)

    def remember() -> None:
        st.session_state[kept] = st.session_state[key]

    return {"key": key, "on_change": remember}


def _boundary(result: RunResult, config: RunConfig, lang: str, data: str, usable: bool) -> None:
    c1, c2 = st.columns(2)
    flat = splits_of(config_key(config), data).X_train.shape[1] == 2     # else the points' own extent on a plane
    extent_mode = c1.radio(t("extent", lang), ["book", "data"], horizontal=True,
                           format_func=lambda m: t(f"extent_{m}", lang),
                           **_kept("extent", lang, "book")) if flat else "data"
    splits = c2.multiselect(t("show_splits", lang), ["train", "dev", "test"], format_func=lambda s: t(s, lang),
                            placeholder=t("choose_splits", lang), **_kept("splits", lang, ["train", "dev", "test"]))
    plane = plane_picker(splits_of(config_key(config), data), lang, "boundary", "" if data else config.dataset)
    if not usable:
        st.info(t("no_usable_boundary", lang))
        return
    spec = chart_spec("boundary", config_key(config), lang, extent_mode, tuple(splits), data, plane=plane)
    st.vega_lite_chart(spec=spec, width=spec["width"])      # a square plot, narrowed to a narrower container


def _replay(result: RunResult, config: RunConfig, lang: str, data: str, usable: bool) -> None:
    """An epoch slider over the parameters recorded during training: the network's pictures and the boundary
    as they were then, the curves marking that epoch (nothing is retrained)."""
    from ui import watch
    from ui.runs import splits_of

    epochs = list(result.replay_epochs)
    if not usable or len(epochs) < 2:
        st.info(t("no_usable_boundary", lang))
        return
    kept = _kept("replay", lang, epochs[-1])
    if st.session_state.get(kept["key"]) not in epochs:      # a value kept from another run
        st.session_state[kept["key"]] = epochs[-1]
    epoch = st.select_slider(t("replay_epoch", lang), epochs, help=t("replay_help", lang, n=len(epochs)), **kept)
    from core.training import evaluate

    model, splits = result.model_at(epoch), splits_of(config_key(config), data)
    regression = watch.is_regression(splits.task)
    loss, acc = evaluate(model, splits.X_train, splits.y_train, splits.task)        # of theta_epoch itself
    st.caption(t("replay_caption_r2" if regression else "replay_caption", lang, epoch=epoch, loss=loss, acc=acc))
    show_test, discretize = watch.view_toggles(lang, "replay", discretizable=not regression)
    view = plane_picker(splits, lang, "replay", "" if data else config.dataset)
    watch.show_network(model, config, splits, cached_points(config_key(config), data), lang, "replay", show_test,
                       discretize, view=view)
    st.vega_lite_chart(spec=watch.curves_spec(result.history, lang, mark_epoch=epoch, kind=splits.task.kind),
                       width="stretch")


def _gradients(result: RunResult, config: RunConfig, lang: str, data: str, usable: bool) -> None:
    st.caption(t("grads_legend", lang))
    st.subheader(t("grads_first", lang))
    st.dataframe(charts.grad_table(result.grads_first, lang), hide_index=True)
    if not usable:                      # the final weights are not finite: their gradients say nothing
        st.info(t("no_usable_curves", lang, epoch=result.diverged_at))
        return
    st.subheader(t("grads_last", lang))
    st.dataframe(charts.grad_table(result.grads_last, lang), hide_index=True)
    st.vega_lite_chart(spec=chart_spec("grad_norms", config_key(config), lang, data=data), width="stretch")


def _pin(run: tuple[str, str]) -> None:
    pins: list = st.session_state.setdefault("pins", [])
    if run not in pins:
        pins.append(run)
        del pins[:-MAX_PINS]


def _compare(result: RunResult, config: RunConfig, lang: str, data: str, usable: bool) -> None:
    """The current run (A) and the pinned ones (B, C, ...): curves overlaid, then a table saying what each is."""
    current = (config_key(config), data)
    pins: list = st.session_state.setdefault("pins", [])
    pinned = current in pins
    st.caption(t("compare_help", lang))
    b1, b2 = st.columns(2)
    # callbacks run before the page is drawn: the button and the table below already show the new pins
    b1.button(t("pin_done" if pinned else "pin_run", lang), key="pin", disabled=pinned, on_click=_pin,
              args=(current,), icon=":material/push_pin:")
    b2.button(t("clear_pins", lang), key="clear_pins", on_click=pins.clear, disabled=not pins)
    runs, roles = {charts.run_letter(0): result}, {charts.run_letter(0): ("current", "pinned") if pinned
                                                     else ("current",)}
    for pinned_key, pinned_data in pins:
        if (pinned_key, pinned_data) != current:
            name = charts.run_letter(len(runs))
            runs[name], roles[name] = cached_train(pinned_key, pinned_data), ("pinned",)
    if len(runs) == 1:
        st.info(t("pinned_only_current" if pinned else "no_pins", lang))
        return
    histories = {name: r.history for name, r in runs.items()}
    kind = result.task.kind
    st.altair_chart(charts.compare_chart(histories, lang, "loss", task_kind=kind), width="stretch")
    st.altair_chart(charts.compare_chart(histories, lang, "acc", task_kind=kind), width="stretch")
    st.dataframe(charts.compare_table(compare_runs(runs), roles, lang), hide_index=True)


def _downloads(result: RunResult, config: RunConfig, lang: str, data: str, usable: bool) -> None:
    """Built only while this tab is open: the CSVs and the torch.save of the model cost time on every rerun."""
    key = config_key(config)
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
    st.vega_lite_chart(spec=spec, width=spec["width"])
