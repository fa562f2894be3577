"""Cached calls into core, shared by all pages, and training with a live progress display.

Results are cached per config with st.cache_data (bounded, immutable copies for every session).
Training runs in a worker thread so the page can redraw the progress bar and curves while it
trains; if the user stops the script or navigates away, the worker is cancelled (within one
optimizer step) and nothing partial is cached. At most TRAIN_SLOTS.slots trainings run at once;
a run waiting for a slot says so ("Queued: position k, about N s").
"""

from __future__ import annotations

import contextlib
import functools
import heapq
import inspect
import itertools
import logging
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator
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
UPDATE_EVERY = 1.0   # seconds between live redraws while training (each costs the browser ~0.1 s of CPU)
WAIT_AT_MOST = 0.5   # a waiting script wakes at least this often (to notice Stop / a rerun)
QUEUE_POLL = 0.5     # a queued run re-checks its cancel flag and its place at least this often


class TrainingCancelled(Exception):
    """Raised inside a cached training call whose page went away; nothing gets cached."""


class SlotQueue:
    """At most `slots` runs at once; the others wait in a first-come, first-served queue.

    Each run takes a ticket with its estimated seconds (core.budget), so a waiting run can say where
    it stands: position(ticket) (1 = next) and wait_seconds(ticket), the estimated time until it
    starts, from the remaining estimates of the running runs and the estimates of the runs ahead.
    Thread-safe (one lock); a waiting run that is cancelled leaves the queue.

        with TRAIN_SLOTS.slot(seconds, cancelled, on_wait):   # raises TrainingCancelled if cancelled
            train(...)
    """

    def __init__(self, slots: int):
        self.slots = max(1, int(slots))
        self._cond = threading.Condition()
        self._numbers = itertools.count(1)
        self._waiting: list[int] = []                 # tickets in arrival order
        self._running: dict[int, float] = {}          # ticket -> monotonic start
        self._seconds: dict[int, float] = {}          # ticket -> estimated seconds

    def join(self, seconds: float) -> int:
        """Queue a run estimated at `seconds`; returns its ticket."""
        with self._cond:
            ticket = next(self._numbers)
            self._waiting.append(ticket)
            self._seconds[ticket] = max(0.0, float(seconds))
            return ticket

    def position(self, ticket: int) -> int:
        """1-based place of a waiting ticket (1 = next to start); 0 once it runs (or has left)."""
        with self._cond:
            return self._waiting.index(ticket) + 1 if ticket in self._waiting else 0

    def wait_seconds(self, ticket: int) -> float:
        """Estimated seconds until `ticket` starts (0 once it runs)."""
        with self._cond:
            return self._wait_seconds(ticket)

    def _wait_seconds(self, ticket: int) -> float:
        if ticket not in self._waiting:
            return 0.0
        now = time.monotonic()
        free = [max(0.0, self._seconds[t] - (now - start)) for t, start in self._running.items()]
        free += [0.0] * max(0, self.slots - len(free))
        heapq.heapify(free)
        for ahead in self._waiting[: self._waiting.index(ticket)]:     # each run ahead takes the first free slot
            heapq.heappush(free, heapq.heappop(free) + self._seconds[ahead])
        return free[0]

    def _may_start(self, ticket: int) -> bool:
        return self._waiting.index(ticket) < self.slots - len(self._running)

    def acquire(self, ticket: int, cancelled: threading.Event | None = None,
                on_wait: Callable[[int, float], None] | None = None) -> bool:
        """Wait until `ticket` may run, calling on_wait(position, seconds) whenever its place changes (and
        every QUEUE_POLL s; it must be quick). False if `cancelled` was set first (the ticket has left)."""
        with self._cond:
            while not self._may_start(ticket):
                if cancelled is not None and cancelled.is_set():
                    self._leave(ticket)
                    return False
                if on_wait is not None:
                    on_wait(self._waiting.index(ticket) + 1, self._wait_seconds(ticket))
                self._cond.wait(QUEUE_POLL)
            self._waiting.remove(ticket)
            self._running[ticket] = time.monotonic()
            return True

    def waiting(self) -> int:
        """How many runs wait for a slot."""
        with self._cond:
            return len(self._waiting)

    def idle(self) -> bool:
        """No run holds a slot or waits for one."""
        with self._cond:
            return not self._waiting and not self._running

    def release(self, ticket: int) -> None:
        """The run of `ticket` is over (or it leaves the queue): the next one may start."""
        with self._cond:
            self._leave(ticket)

    def _leave(self, ticket: int) -> None:
        if ticket in self._waiting:
            self._waiting.remove(ticket)
        self._running.pop(ticket, None)
        self._seconds.pop(ticket, None)
        self._cond.notify_all()

    @contextlib.contextmanager
    def slot(self, seconds: float = 0.0, cancelled: threading.Event | None = None,
             on_wait: Callable[[int, float], None] | None = None) -> Iterator[int]:
        """Hold a slot for the block (waiting for it first); raises TrainingCancelled if cancelled while waiting."""
        ticket = self.join(seconds)
        try:
            if not self.acquire(ticket, cancelled, on_wait) or (cancelled is not None and cancelled.is_set()):
                raise TrainingCancelled
            yield ticket
        finally:
            self.release(ticket)


# At most this many trainings (and sweeps) run at once in the process; the rest queue, first come,
# first served. One core is left to the server's event loop, which sends every session its results.
# bench/load_test.py, 30 sessions / 20 configs on 2 cores: 1 slot p50 12.7 s, p95 21.0 s; 2 slots
# p50 11.8 s, p95 20.4 s (the big win was switching off the file watcher, see .streamlit/config.toml).
TRAIN_SLOTS = SlotQueue(max(1, int(os.environ.get("NNDL_TRAIN_SLOTS", (os.cpu_count() or 2) - 1))))


def config_key(config: RunConfig) -> str:
    """Canonical text of a config: the cache key (every field written out)."""
    return urlencode(to_params(config))


def config_of(key: str) -> RunConfig:
    return parse_params(dict(parse_qsl(key, keep_blank_values=True)))


class Cancellable:
    """What a worker thread shares with the script thread that waits on it (run_in_worker): `cancelled`
    (set when the page goes away or Stop is pressed; the worker polls should_stop) and `changed` (set on
    every report and when the worker ends). The one cancel path of training runs and sweeps alike."""

    def __init__(self) -> None:
        self.cancelled = threading.Event()
        self.changed = threading.Event()

    def should_stop(self) -> bool:
        return self.cancelled.is_set()


class Progress(Cancellable):
    """What a training worker reports: its place in the queue, then the latest epoch and partial history."""

    def __init__(self) -> None:
        super().__init__()
        self.epoch = 0
        self.history: pd.DataFrame | None = None
        self.queued: tuple[int, float] | None = None   # (position, estimated seconds) while waiting for a slot

    def __call__(self, epoch: int, history: pd.DataFrame) -> None:
        if self.cancelled.is_set():
            raise TrainingCancelled
        self.epoch, self.history = epoch, history
        self.changed.set()

    def queue(self, position: int, seconds: float) -> None:
        """SlotQueue.acquire's on_wait: the run is waiting at `position`, about `seconds` from starting."""
        if self.queued != (position, round(seconds)):
            self.queued = (position, round(seconds))
            self.changed.set()

    def started(self) -> None:
        if self.queued is not None:
            self.queued = None
            self.changed.set()


class UploadStore:
    """Uploaded files by content digest (points or a state_dict), shared by all sessions, bounded both in items
    and in bytes (the sum of the storage sizes of the tensors held); the least recently used go first.

    Content-addressed, so two students uploading the same file share one entry, and nothing in it
    is ever mutated (cached results are keyed by the digest).
    """

    def __init__(self, max_items: int = 64, max_bytes: int = 64_000_000):
        self.items: OrderedDict[str, object] = OrderedDict()
        self.sizes: dict[str, int] = {}
        self.max_items, self.max_bytes = max_items, max_bytes
        self.lock = threading.Lock()

    @property
    def total_bytes(self) -> int:
        return sum(self.sizes.values())

    def put(self, digest: str, value: object) -> bool:
        """Keep `value` (tensors in a tuple, list or dict), evicting the least recently used; False if
        it alone is larger than max_bytes (then it is not kept)."""
        size = self.size_of(value)
        with self.lock:
            self.items.pop(digest, None)
            self.sizes.pop(digest, None)
            if size > self.max_bytes:
                return False
            self.items[digest], self.sizes[digest] = value, size
            while len(self.items) > self.max_items or self.total_bytes > self.max_bytes:
                oldest, _ = self.items.popitem(last=False)
                del self.sizes[oldest]
            return True

    def get(self, digest: str) -> object | None:
        with self.lock:
            if digest in self.items:
                self.items.move_to_end(digest)
            return self.items.get(digest)

    @staticmethod
    def size_of(value: object) -> int:
        """Bytes a value holds: the storage size of each tensor in it (a view counts its whole storage)."""
        import torch

        if isinstance(value, torch.Tensor):
            return value.untyped_storage().nbytes()
        if isinstance(value, dict):
            value = list(value.values())
        if isinstance(value, (tuple, list)):
            return sum(UploadStore.size_of(item) for item in value)
        raise TypeError(f"the upload store holds tensors, not {type(value).__name__}")


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


def cache_by_value(**cache_args) -> Callable[[Callable[..., T]], Callable[..., T]]:
    """st.cache_data whose entry does not depend on how the arguments are passed.

    Streamlit keys a cached call by the arguments as written: f(key) and f(key, "") -- the same call, its
    default spelled out -- were two entries, and every lesson page trained each of its runs twice (once in
    the worker with progress, once more when a view asked for the result without `data`). Here every call
    reaches the cache with all its arguments bound, defaults filled in, in their declared order."""
    def wrap(func: Callable[..., T]) -> Callable[..., T]:
        cached = st.cache_data(**cache_args)(func)
        signature = inspect.signature(func)

        @functools.wraps(func)
        def call(*args, **kwargs) -> T:
            bound = signature.bind(*args, **kwargs)
            bound.apply_defaults()
            return cached(*bound.args, **bound.kwargs)

        call.clear = cached.clear           # type: ignore[attr-defined]
        return call
    return wrap


@cache_by_value(max_entries=MAX_RUNS, show_spinner=False)
def cached_train(key: str, data: str = "", _progress: Progress | None = None) -> RunResult:
    """train() of the config `key` on its own dataset, or on the uploaded one with digest `data`.

    Only a cache miss trains, so only a miss waits for a slot (TRAIN_SLOTS), reporting its place in the
    queue to _progress. A run cancelled while queued never trains; one cancelled while training stops
    within an optimizer step; either raises TrainingCancelled, so nothing is cached.
    """
    from core.budget import estimate_seconds
    from core.training import train

    config, splits = config_of(key), data_for(key, data)
    seconds = estimate_seconds(config, *((len(splits.y_train), len(splits.y_dev)) if splits is not None else ()))
    cancelled = _progress.cancelled if _progress is not None else None
    with TRAIN_SLOTS.slot(seconds, cancelled, _progress.queue if _progress is not None else None):
        if _progress is not None:
            _progress.started()
        started = time.perf_counter()
        result = train(config, on_progress=_progress, data=splits,
                       should_stop=_progress.should_stop if _progress is not None else None)
    if os.environ.get("NNDL_TIMING"):    # the browser tests read from the log which runs were trained
        logging.getLogger("nndl.timing").warning("trained seconds=%.2f stopped=%d thread=%s key=%s",
                                                 time.perf_counter() - started, result.stopped,
                                                 threading.current_thread().name, key)
    if result.stopped:
        raise TrainingCancelled
    return result


def _yield_to_script() -> None:
    """Let Streamlit stop or rerun the calling script here if the user asked (reading session state is one
    of its yield points), even when nothing is drawn: a long epoch or a queued run reports nothing for a
    while. Outside a script run it does nothing."""
    if get_script_run_ctx(suppress_warning=True) is not None:
        _ = "_nndl_yield" in st.session_state


def run_in_worker(compute: Callable[[], T], cancelled: threading.Event, changed: threading.Event,
                  on_tick: Callable[[], None] | None = None, name: str = "worker") -> T:
    """compute() in a worker thread carrying this script's context, while the script thread calls
    on_tick() whenever `changed` is set (and at least every WAIT_AT_MOST s).

    The script thread sleeps on the event rather than polling: with a class of sessions waiting, every
    wake-up competes for the GIL with the event loop that sends results to browsers. If the script is
    stopped or rerun meanwhile (Streamlit raises inside on_tick, or at the yield point checked on every
    wake-up, so within WAIT_AT_MOST s even when on_tick draws nothing), `cancelled` is set so the worker
    stops, and its cached function raises instead of caching a partial result.
    """
    box: dict = {}

    def work() -> None:
        try:
            box["result"] = compute()
        except BaseException as err:
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
            _yield_to_script()
            if on_tick is not None and worker.is_alive():
                on_tick()
    finally:
        if worker.is_alive():
            cancelled.set()
    if "error" in box:
        raise box["error"]
    return box["result"]


def queue_text(position: int, seconds: float, lang: str) -> str:
    """'Queued: position k, about N s' (zh '排队中：第 k 位，约 N 秒')."""
    from ui.i18n import t

    return t("run_queued", lang, k=position, s=seconds)


def train_live(config: RunConfig, on_update: Callable[[int, pd.DataFrame], None] | None = None,
               data: str = "", on_queue: Callable[[int | None, float], None] | None = None) -> RunResult:
    """The cached RunResult of `config`; on a cache miss trains in a worker thread, calling
    on_update(epoch, partial_history) from the script thread as training progresses.

    While the run waits for a training slot, on_queue(position, seconds) is called whenever its place
    or estimated wait changes, and on_queue(None, 0) once it starts. Without on_queue (and with
    on_update, i.e. a page that shows progress) a caption below says "Queued: position k, about N s"
    until the run starts.
    """
    key, progress = config_key(config), Progress()
    shown: dict = {"epoch": 0, "at": 0.0, "queued": None}
    if on_queue is None and on_update is not None:
        on_queue = _queue_caption()

    def tick() -> None:
        if on_queue is not None and progress.queued != shown["queued"]:
            shown["queued"] = progress.queued
            on_queue(*(progress.queued or (None, 0.0)))
        # redraw at most every UPDATE_EVERY s: drawing holds the GIL the training thread needs
        due = time.monotonic() - shown["at"] >= UPDATE_EVERY
        if on_update is not None and due and progress.epoch != shown["epoch"] and progress.history is not None:
            shown["epoch"], shown["at"] = progress.epoch, time.monotonic()
            on_update(progress.epoch, progress.history)

    result = run_in_worker(lambda: cached_train(key, data, progress), progress.cancelled, progress.changed,
                           tick, "train-worker")
    if on_queue is not None and shown["queued"] is not None:     # it started and ended between two ticks
        on_queue(None, 0.0)
    return result


def _queue_caption() -> Callable[[int | None, float], None]:
    """A default on_queue: a caption (created on first use, where the page is drawing) that says where the
    run stands in the queue, emptied when it starts."""
    from ui.state import lang

    box: dict = {}

    def show(position: int | None, seconds: float) -> None:
        if position is None:
            if "slot" in box:
                box["slot"].empty()
            return
        if "slot" not in box:
            box["slot"] = st.empty()
        box["slot"].caption(":material/hourglass_top: " + queue_text(position, seconds, lang()))

    return show


def splits_of(key: str, data: str = "") -> Splits:
    from core.data import make_splits

    return data_for(key, data) or make_splits(config_of(key))


@cache_by_value(max_entries=MAX_RUNS, show_spinner=False)
def cached_points(key: str, data: str = "") -> pd.DataFrame:
    """The run's dataset as a frame x1, x2, label, split."""
    return splits_of(key, data).frame()


@cache_by_value(max_entries=MAX_RUNS, show_spinner=False)
def cached_boundary(key: str, extent_mode: str = "book", data: str = "", model: str = "",
                    plane: str = "") -> tuple[np.ndarray, tuple[float, float, float, float]]:
    """(the model's output on a 200x200 grid, extent) for the best model of the config's cached run, or for the
    uploaded state_dict with digest `model`: P(class 1), K class probabilities, or the predicted value
    (core.probes.output_grid). Data of more than two inputs is drawn on `plane` (core.projection.plane_for),
    over the points' own extent."""
    from core.probes import BOOK_EXTENT, data_extent, model_from_state, output_grid, plane_extent
    from core.projection import plane_for

    config = config_of(key)
    state = upload_store().get(model) if model else cached_train(key, data).state_dict
    if state is None:
        from core.upload import UploadError

        raise UploadError("The uploaded model is no longer on the server: please upload the file again.",
                          "服务器上已没有上传的模型：请重新上传文件。")
    splits = splits_of(key, data)
    picture = plane_for(splits, plane)
    if picture is not None:
        extent = plane_extent(splits, picture)
    else:
        extent = BOOK_EXTENT if extent_mode == "book" else data_extent(splits)
    return output_grid(model_from_state(config, state), splits.task, extent, 200, picture), extent


try:   # Streamlit holds this lock while it switches Altair's global data transformer and theme
    from streamlit.elements.vega_charts import _altair_globals_lock as _ALTAIR_LOCK
except ImportError:  # pragma: no cover - a Streamlit without it: nothing to coordinate with
    _ALTAIR_LOCK = threading.Lock()


def spec_of(chart) -> dict:
    """An Altair chart's Vega-Lite spec, for a cached view. Serialized under Streamlit's Altair lock:
    st.altair_chart in another session's thread switches Altair's global data transformer while it
    converts, and a spec serialized meanwhile would come out (and be cached) with its data missing."""
    with _ALTAIR_LOCK:
        return chart.to_dict(validate=False)     # the builders' specs are validated by tests/test_charts.py


def warm_up_imports(delay: float = 1.0, then: Callable[[], None] | None = None) -> None:
    """Import torch and the core engine in a background thread, once per process, so the first
    page renders without waiting for them and the first Train click finds them loaded; then call
    `then()` in that thread (the app passes ui.warm.start: the lessons' runs into the cache).

    Starts `delay` seconds later: importing holds the GIL, which would otherwise slow the server
    thread that is still sending the first page to the browser.
    """
    global _warming
    if _warming is None:
        _warming = threading.Timer(delay, _import_engine, args=(then,))
        _warming.daemon = True
        _warming.name = "warm-up"
        _warming.start()


def _import_engine(then: Callable[[], None] | None = None) -> None:
    import gc

    import core.probes
    import core.training  # noqa: F401
    import ui.charts  # noqa: F401  (pandas, altair, the chart builders)

    gc.freeze()     # the imported modules live as long as the server: later collections need not walk them
    if then is not None:
        then()


_warming: threading.Thread | None = None
