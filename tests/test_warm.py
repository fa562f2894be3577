"""ui.warm: the lessons' default runs warmed in the background, never in a user's way."""

from __future__ import annotations

import threading
import time

import torch

from core.config import preset
from core.training import train
from ui.runs import TRAIN_SLOTS, cached_train, config_key
from ui.warm import lesson_runs, warm_run


def test_every_lesson_page_is_warmed_on_its_textbook_setting():
    runs = lesson_runs()
    assert list(runs) == ["", "init", "vanishing", "dead_relu", "iris"]
    assert [c.epochs for c in runs["vanishing"]] == [3000] * 6            # baseline + five remedies
    assert {c.activation for c in runs["dead_relu"]} == {"relu", "leaky_relu", "elu"}
    assert all(c.bias_init == -8.0 for c in runs["dead_relu"])
    assert runs[""] == [preset("book_251")]
    assert runs["iris"] == [preset("book_iris")]
    keys = [config_key(c) for configs in runs.values() for c in configs]
    assert len(keys) == len(set(keys))                                       # nothing trained twice


def trained(caplog) -> int:
    """Runs cached_train trained (a miss logs one line under NNDL_TIMING)."""
    return sum("trained seconds=" in r.getMessage() for r in caplog.records)


def test_a_warm_up_run_gives_way_to_a_user_run_and_is_cached_after_it(monkeypatch, caplog):
    monkeypatch.setenv("NNDL_TIMING", "1")
    config = preset("vanishing").replace(epochs=2500, seed=11)
    cached_train.clear()
    box: dict = {}
    worker = threading.Thread(target=lambda: box.update(gave_way=warm_run(config)), daemon=True)
    worker.start()
    deadline = time.monotonic() + 30
    while TRAIN_SLOTS.idle():                         # the warm-up takes the free slot
        assert time.monotonic() < deadline
        time.sleep(0.01)
    with TRAIN_SLOTS.slot():                          # a user's run queues: the warm-up stops and hands it over
        assert worker.is_alive() and TRAIN_SLOTS.waiting() <= 1
        time.sleep(0.3)
        assert worker.is_alive()                      # ... and waits while the user's run holds the slot
    worker.join(120)
    assert not worker.is_alive() and box["gave_way"] >= 1
    stopped = [r.getMessage() for r in caplog.records if "stopped=1" in r.getMessage()]
    assert len(stopped) == box["gave_way"]            # each handover stopped a partial run, which was not kept
    before = trained(caplog)
    cached = cached_train(config_key(config))         # the finished warm-up is in the cache: no training
    assert trained(caplog) == before
    fresh = train(config)                             # and it is the whole run, as a user's click would train it
    assert fresh.history.equals(cached.history) and fresh.best_epoch == cached.best_epoch
    assert all(torch.equal(fresh.state_dict[k], cached.state_dict[k]) for k in fresh.state_dict)
