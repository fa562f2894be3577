"""The app's cached training: a cancelled run caches nothing; a finished one is served from the cache."""

from __future__ import annotations

import pytest

from core import RunConfig
from ui.runs import Progress, TrainingCancelled, cached_train, config_key, config_of, train_live


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
