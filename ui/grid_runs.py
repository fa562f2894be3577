"""The Grid page's Streamlit side: its controls (URL keys, textbook values), URL-shared choices, the cached sweep.

The grid's policy (parsing the boxes, the time limit, summaries, the best run) is core.grid. `cached_sweep` /
`cached_result` / `sweep_live` wrap core.sweep.sweep with st.cache_data (keyed by the grid's first config and
the grid's canonical text) and run it in a worker thread so the page can redraw a progress bar; a stopped
sweep caches nothing.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable

import pandas as pd
import streamlit as st

from core.config import FIELDS, RunConfig
from core.grid import grid_of
from core.sweep import estimate_sweep_seconds, sweep, validate_grid
from ui.runs import TRAIN_SLOTS, Cancellable, TrainingCancelled, config_key, config_of, run_in_worker

# The page's four fixed axes (RunConfig field -> URL key of its text box) and their textbook values:
# the seed's table (1 or 2 hidden layers x lr 0.01 / 1 / 5, 3000 epochs) with seeds 0-2 for error bars.
AXIS_KEYS = {"hidden": "p_hidden", "lr": "p_lr", "seed": "p_seeds", "epochs": "p_epochs"}
DEFAULT_TEXTS = {"hidden": "5;5,3", "lr": "0.01,1,5", "seed": "0,1,2", "epochs": "3000"}
# one more axis over any other field (e.g. activation "sigmoid,relu" or optimizer "sgd,adam")
EXTRA_FIELDS = tuple(f.name for f in FIELDS if f.name not in AXIS_KEYS)
MAX_SWEEPS = 16           # cached grid results



# --------------------------------------------------------------------------- cached sweep
class NotCached(Exception):
    """Raised by a cache peek that found no result (exceptions are never cached)."""


class SweepProgress(Cancellable):
    """What a sweep worker reports: fraction of the work, rows done, rows in all."""

    def __init__(self) -> None:
        super().__init__()
        self.fraction, self.done, self.total = 0.0, 0, 0

    def __call__(self, fraction: float, done: int, total: int) -> None:
        self.fraction, self.done, self.total = fraction, done, total
        self.changed.set()


@st.cache_data(max_entries=MAX_SWEEPS, show_spinner=False)
def cached_sweep(base_key: str, key: str, _progress: SweepProgress | None = None, _peek: bool = False
                 ) -> pd.DataFrame:
    """sweep(config_of(base_key), grid_of(key)) as a DataFrame (one row per config), cached by the two keys."""
    if _peek:
        raise NotCached
    base, grid = config_of(base_key), grid_of(key)
    seconds = estimate_sweep_seconds(validate_grid(base, grid))
    # a sweep takes a CPU slot like a training run (and tells the runs queued behind it how long it takes)
    with TRAIN_SLOTS.slot(seconds, _progress.cancelled if _progress is not None else None):
        started = time.perf_counter()
        frame = sweep(base, grid, on_progress=_progress,
                      should_stop=_progress.should_stop if _progress is not None else None)
    if os.environ.get("NNDL_TIMING"):    # the browser tests read from the log which sweeps ran
        logging.getLogger("nndl.timing").warning("swept seconds=%.2f stopped=%d thread=%s runs=%d",
                                                 time.perf_counter() - started, bool(frame.attrs.get("stopped")),
                                                 threading.current_thread().name, len(frame))
    if frame.attrs.get("stopped"):
        raise TrainingCancelled     # a stopped sweep caches nothing
    return frame


def base_key_of(configs: list[RunConfig]) -> str:
    """The base part of the cache key: the grid's first config, so sidebar values of the grid's own
    fields (e.g. after loading the best config) do not change the key."""
    return config_key(configs[0])


def cached_result(base_key: str, key: str) -> pd.DataFrame | None:
    """The cached sweep result if any session already computed it, else None (computes nothing).

    If another session is computing this very grid right now, this waits for it (st.cache_data holds
    a per-key lock while computing) and then returns its result."""
    try:
        return cached_sweep(base_key, key, _peek=True)
    except NotCached:
        return None


def sweep_live(base_key: str, key: str, on_update: Callable[[SweepProgress], None] | None = None
               ) -> pd.DataFrame:
    """The cached sweep result; on a miss runs it in a worker thread (ui.runs.run_in_worker), calling
    on_update(progress) from the script thread as the sweep reports. If the script is stopped or rerun
    meanwhile, the worker is told to stop and nothing is cached."""
    progress = SweepProgress()
    tick = (lambda: on_update(progress)) if on_update is not None else None
    return run_in_worker(lambda: cached_sweep(base_key, key, progress), progress.cancelled, progress.changed,
                         tick, "sweep-worker")
