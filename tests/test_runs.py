"""The app's cached training: a cancelled run caches nothing; a finished one is served from the cache."""

from __future__ import annotations

import threading
import time

import pytest

from core import RunConfig
from ui.runs import (
    TRAIN_SLOTS,
    Progress,
    SlotQueue,
    TrainingCancelled,
    cached_train,
    config_key,
    config_of,
    queue_text,
    train_live,
)


def test_config_key_round_trips():
    for config in (RunConfig(), RunConfig(hidden=()), RunConfig(hidden=(5, 3), lr=1e-5, batch_norm=True)):
        assert config_of(config_key(config)) == config


def test_cancelled_run_is_not_cached_and_a_finished_one_is():
    key = config_key(RunConfig(epochs=400, seed=123))
    cancelled = Progress()
    cancelled.cancelled.set()
    with pytest.raises(TrainingCancelled):
        cached_train(key, "", cancelled)
    first = Progress()
    result = cached_train(key, "", first)
    assert first.epoch == 400                 # it really trained: the cancelled call left nothing behind
    again = Progress()
    cached = cached_train(key, "", again)
    assert again.epoch == 0                   # served from the cache, no training
    assert cached.history.equals(result.history)


def test_train_live_reports_progress_and_returns_the_cached_result():
    config = RunConfig(epochs=600, seed=321)
    seen = []
    result = train_live(config, lambda epoch, history: seen.append((epoch, len(history))))
    assert result.epochs_run == 600
    assert all(n <= e for e, n in seen)
    assert train_live(config).history.equals(result.history)


# --------------------------------------------------------------------------- the training queue
def test_slot_queue_positions_and_waits_first_come_first_served():
    queue = SlotQueue(1)
    running = queue.join(30.0)
    assert queue.acquire(running) and queue.position(running) == 0 and queue.wait_seconds(running) == 0
    second, third = queue.join(10.0), queue.join(5.0)
    assert (queue.position(second), queue.position(third)) == (1, 2)
    assert 29 <= queue.wait_seconds(second) <= 30            # what is left of the running run's estimate
    assert 39 <= queue.wait_seconds(third) <= 40             # ... plus the run ahead of it
    queue.release(running)
    assert queue.acquire(second) and queue.position(third) == 1 and queue.wait_seconds(third) <= 10
    queue.release(second)
    assert queue.acquire(third)
    queue.release(third)


def test_slot_queue_with_two_slots_and_a_cancelled_waiter():
    queue = SlotQueue(2)
    a, b = queue.join(20.0), queue.join(8.0)
    assert queue.acquire(a) and queue.acquire(b)              # two slots: both run
    c, d = queue.join(4.0), queue.join(1.0)
    assert 7 <= queue.wait_seconds(c) <= 8 and 11 <= queue.wait_seconds(d) <= 12   # b's slot frees first, twice
    gone = threading.Event()
    gone.set()
    assert not queue.acquire(c, gone)                         # cancelled while queued: leaves the queue
    assert queue.position(c) == 0 and queue.position(d) == 1
    for ticket in (a, b):
        queue.release(ticket)
    assert queue.acquire(d)
    queue.release(d)


def _hold_all_slots(seconds: float) -> list[int]:
    tickets = [TRAIN_SLOTS.join(seconds) for _ in range(TRAIN_SLOTS.slots)]
    for ticket in tickets:
        assert TRAIN_SLOTS.acquire(ticket)
    return tickets


def test_a_queued_run_says_where_it_stands_then_trains():
    config = RunConfig(epochs=300, seed=4321)
    seen, out = [], {}
    held = _hold_all_slots(30.0)
    worker = threading.Thread(target=lambda: out.setdefault("result", train_live(
        config, lambda epoch, history: None, on_queue=lambda k, s: seen.append((k, s)))))
    try:
        worker.start()
        for _ in range(200):                      # until it reports its place (at most 10 s)
            if seen:
                break
            time.sleep(0.05)
        assert seen and seen[0][0] == 1 and 25 <= seen[0][1] <= 30
        assert queue_text(*seen[0], "en") == f"Queued: position 1, about {seen[0][1]:.0f} s"
        assert queue_text(*seen[0], "zh") == f"排队中：第 1 位，约 {seen[0][1]:.0f} 秒"
    finally:
        for ticket in held:
            TRAIN_SLOTS.release(ticket)
    worker.join(60)
    assert out["result"].epochs_run == 300
    assert seen[-1] == (None, 0.0)                # and it said when it started


def test_a_run_cancelled_while_queued_leaves_the_queue_without_waiting_for_a_slot():
    key = config_key(RunConfig(epochs=300, seed=9876))
    progress, errors = Progress(), []
    held = _hold_all_slots(60.0)

    def run():
        try:
            cached_train(key, "", progress)
        except TrainingCancelled as err:
            errors.append(err)

    worker = threading.Thread(target=run)
    try:
        worker.start()
        for _ in range(200):
            if progress.queued is not None:
                break
            time.sleep(0.05)
        assert progress.queued is not None and progress.queued[0] == 1
        progress.cancelled.set()
        worker.join(10)                           # generous: the queue re-checks every QUEUE_POLL s
        assert not worker.is_alive() and errors   # it left while every slot was still held
    finally:
        for ticket in held:
            TRAIN_SLOTS.release(ticket)
        worker.join(60)


def test_a_training_run_cancelled_mid_epoch_caches_nothing():
    key = config_key(RunConfig(n_samples=2000, batch_size=1, epochs=1, seed=55))      # 1280 steps, one epoch
    progress = Progress()
    stops = []
    original = progress.should_stop

    def counting_stop():
        stops.append(1)
        if len(stops) == 100:
            progress.cancelled.set()             # as run_in_worker does when the page goes away
        return original()

    progress.should_stop = counting_stop
    with pytest.raises(TrainingCancelled):
        cached_train(key, "", progress)
    assert len(stops) == 100                     # no optimizer step after the cancel
    fresh = Progress()
    cached_train(key, "", fresh)
    assert fresh.epoch == 1                      # the cancelled call cached nothing: this one trained


def test_a_waiting_script_notices_stop_even_when_nothing_is_drawn(monkeypatch):
    """Streamlit stops a script at its yield points; run_in_worker passes one on every wake-up, so Stop or a
    rerun is seen within WAIT_AT_MOST s although a long epoch (or a queued run) reports nothing."""
    import ui.runs as runs

    class Stop(Exception):
        pass

    wakeups = []

    def yield_point():
        wakeups.append(1)
        if len(wakeups) == 2:
            raise Stop

    monkeypatch.setattr(runs, "_yield_to_script", yield_point)
    cancelled, changed = threading.Event(), threading.Event()
    with pytest.raises(Stop):
        runs.run_in_worker(lambda: cancelled.wait(30), cancelled, changed)    # reports nothing, never ends
    assert cancelled.is_set()                    # so the worker was told to stop


def test_a_run_is_one_cache_entry_however_its_arguments_are_written():
    """cached_train(key), cached_train(key, "") and cached_train(key, data="") are the same run: before
    ui.runs.cache_by_value they were three entries, and every lesson page trained its runs twice."""
    from streamlit.runtime.caching.cache_data_api import get_data_cache_stats_provider

    from core.config import RunConfig
    from ui.runs import cached_points, cached_train, config_key

    def entries(name: str) -> int:
        stats = get_data_cache_stats_provider().get_stats()
        return sum(1 for group in stats.values() for s in group if s.cache_name == f"ui.runs.{name}")

    cached_train.clear()
    cached_points.clear()
    key = config_key(RunConfig(epochs=3, data_seed=11))
    first = cached_train(key)
    for again in (cached_train(key, ""), cached_train(key, data=""), cached_train(key=key)):
        assert again.history.equals(first.history)
    assert entries("cached_train") == 1
    cached_points(key), cached_points(key, ""), cached_points(key, data="")
    assert entries("cached_points") == 1
