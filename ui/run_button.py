"""One run flow for every page: a button, one session record of what ran, one progress view.

    go = run_button(job, label, key, waiting=...)      # CLICKED now, READY (ran before / cheap) or None
    if go:
        results = train_all({"baseline": c1, "relu": c2}, lang, labels, show_progress=go == CLICKED)

`run_button` decides *whether* a part of a page may compute now: it is cheap enough for a page load
(`auto`), this session ran it before (the session record RAN, shared by every page, so coming back to a
page shows its results at once), or its button is clicked now. `train_all` trains one or many configs
through ui.runs.train_live (cached, in a worker thread that a Stop or a page change cancels, queued for a
training slot) with one progress bar over all of them, a queue line while waiting, and optionally the
live loss curve of a single run. The grid search runs a sweep instead of train_all, behind the same
button, in the same ProgressView (with a Stop button), cancelled the same way (ui.runs.Cancellable).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import TYPE_CHECKING

import streamlit as st

from core.config import RunConfig
from ui.i18n import t
from ui.runs import config_key, queue_text, splits_of, train_live

if TYPE_CHECKING:
    from core.training import RunResult

RAN = "runs_ran"            # session set of job ids this session has run (or been shown)
CLICKED, READY = "clicked", "ready"


def run_id(configs: dict[str, RunConfig] | RunConfig, data: str = "") -> tuple:
    """The job id of training these configs (on uploaded data `data`): their config keys."""
    many = configs.values() if isinstance(configs, dict) else [configs]
    return (*(config_key(c) for c in many), data)


def trained_before(configs: dict[str, RunConfig], data: str = "") -> bool:
    """Whether this session trained every one of these configs before (on any page)."""
    ran = st.session_state.get(RAN, set())
    return all(run_id(c, data) in ran for c in configs.values())


def run_button(job: Hashable, label: str, key: str, *, auto: bool = False, waiting: str | None = None,
               always_show: bool = False, remember: bool = False) -> str | None:
    """CLICKED if `job`'s button was clicked now, READY if it may compute without a click (`auto`, e.g.
    cheap enough for a page load or trained before: see trained_before; or a remembered job), else None.

    The button (primary, `label`) is drawn unless the job is READY; `always_show` draws it anyway (the
    Train page keeps its Train button). While the job waits, `waiting` is shown as an info line. With
    `remember`, a click is recorded for the session (a page part that is not a training run: coming
    back shows it without a click); training runs are recorded by train_all once they are trained, so
    a run cancelled by leaving the page waits for its button again.
    """
    ran: set = st.session_state.setdefault(RAN, set())
    ready = auto or (remember and job in ran)
    clicked = st.button(label, type="primary", key=key) if (always_show or not ready) else False
    if not (ready or clicked):
        if waiting:
            st.info(waiting)
        return None
    if remember:
        ran.add(job)
    return CLICKED if clicked else READY


class ProgressView:
    """The one progress view of every page: a bar with a line of text, optionally a Stop button (whose
    on_click callback cancels the work; the rerun it causes stops the waiting script); close() removes both."""

    def __init__(self, text: str = "", stop_label: str | None = None, stop_key: str | None = None,
                 on_stop: Callable[[], None] | None = None):
        self.bar = st.progress(0.0, text=text)
        self.stop = st.empty()
        if stop_label is not None:
            self.stop.button(stop_label, key=stop_key, on_click=on_stop)

    def show(self, fraction: float, text: str) -> None:
        self.bar.progress(min(1.0, max(0.0, fraction)), text=text)

    def close(self) -> None:
        self.bar.empty()
        self.stop.empty()


def train_all(configs: dict[str, RunConfig], lang: str, labels: dict[str, str] | None = None, *,
              show_progress: bool = True, data: str = "", live: bool = False,
              progress_text: Callable[[int, str, int, int], str] | None = None) -> dict[str, RunResult]:
    """The RunResult of every config (cached runs return at once), trained one after another.

    With show_progress, one bar covers all runs: progress_text(i, label, epoch, epochs) (default: the
    training_progress line, prefixed by "run i of n" for several runs), the queue position while a run
    waits for a training slot, and with `live` the growing loss curve of a single run.
    """
    labels = labels or {name: name for name in configs}
    n = len(configs)
    bar = ProgressView() if show_progress else None
    curve = st.empty() if (show_progress and live) else None

    def text(i: int, name: str, epoch: int, epochs: int) -> str:
        if progress_text is not None:
            return progress_text(i, labels[name], epoch, epochs)
        line = t("training_progress", lang, epoch=epoch, epochs=epochs)
        return line if n == 1 else t("run_i_of_n", lang, i=i + 1, n=n, run=labels[name], line=line)

    from core.data import task_of

    results = {}
    for i, (name, config) in enumerate(configs.items()):
        kind = (splits_of(config_key(config), data).task if data else task_of(config)).kind   # how curves are named

        def on_update(epoch: int, history, i: int = i, name: str = name, epochs: int = config.epochs,
                      kind: str = kind) -> None:
            bar.show((i + epoch / epochs) / n, text(i, name, epoch, epochs))
            if curve is not None and len(history):
                from ui import charts

                curve.vega_lite_chart(spec=charts.live_curves_spec(history, lang, task_kind=kind), width="stretch")

        def on_queue(position: int | None, seconds: float, i: int = i, name: str = name,
                     epochs: int = config.epochs) -> None:
            waiting = text(i, name, 0, epochs) if position is None else queue_text(position, seconds, lang)
            bar.show(i / n, waiting)

        results[name] = train_live(config, on_update if bar is not None else None, data,
                                   on_queue if bar is not None else None)
        st.session_state.setdefault(RAN, set()).add(run_id(config, data))     # other pages show it at once
    if bar is not None:
        bar.close()
    if curve is not None:
        curve.empty()
    return results
