"""Cached calls into core, shared by all pages, and training with a live progress display.

Results are cached per config with st.cache_data (bounded, immutable copies for every session).
Training runs in a worker thread so the page can redraw the progress bar and curves while it
trains; if the user stops the script or navigates away, the worker is cancelled and nothing
partial is cached.
"""

from __future__ import annotations

import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar
from urllib.parse import parse_qsl, urlencode

import streamlit as st
from streamlit.runtime.scriptrunner import add_script_run_ctx, get_script_run_ctx

from core.config import RunConfig, parse_params, to_params

if TYPE_CHECKING:     # torch-heavy modules are imported on first use, not on the first page render
    import numpy as np
    import pandas as pd

    from core.data import Splits
    from core.training import RunResult

T = TypeVar("T")
MAX_RUNS = 64
UPDATE_EVERY = 0.4   # seconds between live redraws while training
WAIT_AT_MOST = 1.0   # a waiting script wakes at least this often (to notice Stop / a rerun)
# At most this many trainings run at once in the process; the rest queue (first come, first served
# in practice). One core is left to the server's event loop, which sends every session its results.
# bench/load_test.py, 30 sessions / 20 configs on 2 cores: 1 slot p50 12.7 s, p95 21.0 s; 2 slots
# p50 11.8 s, p95 20.4 s (the big win was switching off the file watcher, see .streamlit/config.toml).
TRAIN_SLOTS = threading.BoundedSemaphore(
    max(1, int(os.environ.get("NNDL_TRAIN_SLOTS", (os.cpu_count() or 2) - 1))))


class TrainingCancelled(Exception):
    """Raised inside a cached training call whose page went away; nothing gets cached."""


def config_key(config: RunConfig) -> str:
    """Canonical text of a config: the cache key (every field written out)."""
    return urlencode(to_params(config))


def config_of(key: str) -> RunConfig:
    return parse_params(dict(parse_qsl(key, keep_blank_values=True)))


class Progress:
    """What the worker thread reports: the latest epoch and partial history; a cancel flag."""

    def __init__(self) -> None:
        self.epoch = 0
        self.history: pd.DataFrame | None = None
        self.cancelled = threading.Event()
        self.changed = threading.Event()     # set on every report and when the worker ends

    def __call__(self, epoch: int, history: pd.DataFrame) -> None:
        if self.cancelled.is_set():
            raise TrainingCancelled
        self.epoch, self.history = epoch, history
        self.changed.set()


class UploadStore:
    """Uploaded files by content digest (points or a state_dict), bounded, shared by all sessions.

    Content-addressed, so two students uploading the same file share one entry, and nothing in it
    is ever mutated (cached results are keyed by the digest).
    """

    def __init__(self, max_items: int = 64):
        self.items: OrderedDict[str, object] = OrderedDict()
        self.max_items = max_items
        self.lock = threading.Lock()

    def put(self, digest: str, value: object) -> None:
        with self.lock:
            self.items[digest] = value
            self.items.move_to_end(digest)
            while len(self.items) > self.max_items:
                self.items.popitem(last=False)

    def get(self, digest: str) -> object | None:
        with self.lock:
            return self.items.get(digest)


@st.cache_resource
def upload_store() -> UploadStore:
    return UploadStore()


def data_for(key: str, data: str) -> Splits | None:
    """The splits of an uploaded dataset (by digest) under the config's split; None = the config's own data."""
    if not data:
        return None
    from core.upload import UploadError, points_splits

    points = upload_store().get(data)
    if points is None:
        raise UploadError("The uploaded data is no longer on the server: please upload the file again.",
                          "服务器上已没有上传的数据：请重新上传文件。")
    return points_splits(*points, config_of(key))


@st.cache_data(max_entries=MAX_RUNS, show_spinner=False)
def cached_train(key: str, data: str = "", _progress: Progress | None = None) -> RunResult:
    """train() of the config `key` on its own dataset, or on the uploaded one with digest `data`."""
    from core.training import train

    with TRAIN_SLOTS:          # only a cache miss trains, so only a miss waits for a slot
        if _progress is not None and _progress.cancelled.is_set():
            raise TrainingCancelled         # the page went away while this run was queued
        return train(config_of(key), on_progress=_progress, data=data_for(key, data))


def run_in_worker(compute: Callable[[], T], cancelled: threading.Event, changed: threading.Event,
                  on_tick: Callable[[], None] | None = None, name: str = "worker") -> T:
    """compute() in a worker thread carrying this script's context, while the script thread calls
    on_tick() whenever `changed` is set (and at least every WAIT_AT_MOST s).

    The script thread sleeps on the event rather than polling: with a class of sessions waiting, every
    wake-up competes for the GIL with the event loop that sends results to browsers. If the script is
    stopped or rerun meanwhile (Streamlit raises inside on_tick), `cancelled` is set so the worker
    stops, and its cached function raises instead of caching a partial result.
    """
    box: dict = {}

    def work() -> None:
        try:
            box["result"] = compute()
        except BaseException as err:  # noqa: BLE001 - handed to the script thread
            box["error"] = err
        finally:
            changed.set()

    worker = threading.Thread(target=work, daemon=True, name=name)
    if get_script_run_ctx() is not None:
        add_script_run_ctx(worker)
    worker.start()
    try:
        while worker.is_alive():
            changed.wait(WAIT_AT_MOST)
            changed.clear()
            if on_tick is not None and worker.is_alive():
                on_tick()
    finally:
        if worker.is_alive():
            cancelled.set()
    if "error" in box:
        raise box["error"]
    return box["result"]


def train_live(config: RunConfig, on_update: Callable[[int, pd.DataFrame], None] | None = None,
               data: str = "") -> RunResult:
    """The cached RunResult of `config`; on a cache miss trains in a worker thread, calling
    on_update(epoch, partial_history) from the script thread as training progresses."""
    key, progress = config_key(config), Progress()
    shown = {"epoch": 0, "at": 0.0}

    def tick() -> None:
        # redraw at most every UPDATE_EVERY s: drawing holds the GIL the training thread needs
        due = time.monotonic() - shown["at"] >= UPDATE_EVERY
        if on_update is not None and due and progress.epoch != shown["epoch"] and progress.history is not None:
            shown["epoch"], shown["at"] = progress.epoch, time.monotonic()
            on_update(progress.epoch, progress.history)

    return run_in_worker(lambda: cached_train(key, data, progress), progress.cancelled, progress.changed,
                         tick, "train-worker")


def splits_of(key: str, data: str = "") -> Splits:
    from core.data import make_splits

    return data_for(key, data) or make_splits(config_of(key))


@st.cache_data(max_entries=MAX_RUNS, show_spinner=False)
def cached_points(key: str, data: str = "") -> pd.DataFrame:
    """The run's dataset as a frame x1, x2, label, split."""
    return splits_of(key, data).frame()


@st.cache_data(max_entries=MAX_RUNS, show_spinner=False)
def cached_boundary(key: str, extent_mode: str = "book", data: str = "",
                    model: str = "") -> tuple[np.ndarray, tuple[float, float, float, float]]:
    """(P(class 1) on a 200x200 grid, extent) for the best model of the config's cached run,
    or for the uploaded state_dict with digest `model`."""
    from core.probes import BOOK_EXTENT, data_extent, model_from_state, probability_grid

    config = config_of(key)
    state = upload_store().get(model) if model else cached_train(key, data).state_dict
    extent = BOOK_EXTENT if extent_mode == "book" else data_extent(splits_of(key, data))
    return probability_grid(model_from_state(config, state), extent, 200), extent


def warm_up_imports(delay: float = 1.0) -> None:
    """Import torch and the core engine in a background thread, once per process, so the first
    page renders without waiting for them and the first Train click finds them loaded.

    Starts `delay` seconds later: importing holds the GIL, which would otherwise slow the server
    thread that is still sending the first page to the browser.
    """
    global _warming
    if _warming is None:
        _warming = threading.Timer(delay, _import_engine)
        _warming.daemon = True
        _warming.name = "warm-up"
        _warming.start()


def _import_engine() -> None:
    import core.probes  # noqa: F401
    import core.training  # noqa: F401
    import ui.results  # noqa: F401  (pandas, altair, the chart builders)


_warming: threading.Thread | None = None
