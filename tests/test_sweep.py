from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from core import ConfigError, RunConfig, budget, train
from core.config import ACTIVATIONS, MAX_SECONDS
from core.sweep import (
    MAX_CONFIGS,
    RESULT_COLUMNS,
    estimate_sweep_seconds,
    sweep,
    sweep_time_cap,
    validate_grid,
)
from tests.numeric import assert_same_outcome


def row_result(row) -> SimpleNamespace:
    """A sweep row in the shape of a RunResult's summary (for assert_same_outcome)."""
    return SimpleNamespace(test_loss=row.test_loss, test_acc=row.test_acc, best_dev_acc=row.best_dev_acc,
                           diverged_at=None if row.diverged_at is pd.NA else int(row.diverged_at))


def _compare(frame: pd.DataFrame, configs: list[RunConfig]) -> list:
    """Assert every row agrees with train(config) alone up to float32 rounding (tests/numeric.py);
    return the RunResults."""
    results = [train(c) for c in configs]
    assert len(frame) == len(configs)
    for row, c, r in zip(frame.itertuples(), configs, results):
        diverged_at = None if row.diverged_at is pd.NA else int(row.diverged_at)
        assert row.diverged == (diverged_at is not None)
        assert_same_outcome(c, test_loss=row.test_loss, test_acc=row.test_acc, best_dev_acc=row.best_dev_acc,
                            diverged_at=diverged_at, other=r)
        if row.diverged:
            assert row.best_epoch <= row.diverged_at
    return results


def test_the_same_sweep_twice_is_bit_identical():
    """What one machine guarantees: one code path, one config, the same bits (no global RNG, no races)."""
    base = RunConfig(epochs=200)
    grid = {"hidden": [(5,), (4, 3)], "lr": [0.2, 5.0], "optimizer": ["sgd", "adam"]}
    first, second = sweep(base, grid), sweep(base, grid)
    pd.testing.assert_frame_equal(first.drop(columns="seconds"), second.drop(columns="seconds"))


# --------------------------------------------------------------------------- batched == train
def test_batched_grid_equals_train_per_config():
    base = RunConfig(epochs=400)
    grid = {"hidden": [(5,), (5, 3)], "lr": [0.01, 0.2, 1], "seed": [0, 1]}
    frame = sweep(base, grid)
    assert frame["batched"].all()
    _compare(frame, validate_grid(base, grid))
    assert not frame["diverged"].any()
    assert frame["test_acc"].max() >= 0.8       # the grid does learn something


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_every_activation_and_init_matches_train(activation):
    base = RunConfig(epochs=60, hidden=(4, 3), activation=activation, leaky_slope=0.1)
    grid = {"weight_init": ["xavier_uniform", "kaiming_normal", "uniform"], "bias_init": [0.0, 0.5],
            "lr": [0.5]}
    frame = sweep(base, grid)
    assert frame["batched"].all()
    _compare(frame, validate_grid(base, grid))


def test_logistic_regression_and_three_layers_match_train():
    for hidden in [(), (3, 4, 2)]:
        base = RunConfig(epochs=80, hidden=hidden, dataset="xor")
        grid = {"lr": [0.1, 2.0], "seed": [3, 4]}
        _compare(sweep(base, grid), validate_grid(base, grid))


@pytest.mark.parametrize("epochs", [1, 2, 251])
def test_short_and_ragged_epoch_counts_match_train(epochs):
    base = RunConfig(epochs=epochs)
    grid = {"lr": [0.2, 3.0], "seed": [5]}
    _compare(sweep(base, grid), validate_grid(base, grid))


def test_diverging_configs_do_not_poison_the_batch():
    base = RunConfig(epochs=60, activation="relu", hidden=(8, 8, 8), weight_std=10.0)
    grid = {"lr": [0.01, 1, 100], "seed": [0, 1, 2]}
    frame = sweep(base, grid)
    configs = validate_grid(base, grid)
    assert frame["batched"].all()
    assert frame["diverged"].any() and not frame["diverged"].all()
    _compare(frame, configs)
    # the healthy configs trained without the diverging ones give the same rows
    healthy = [c for c, d in zip(configs, frame["diverged"]) if not d]
    alone = sweep(base, {"lr": sorted({c.lr for c in healthy}), "seed": [0, 1, 2]})
    mixed = frame[~frame["diverged"]].set_index(["lr", "seed"])
    by_key = {(c.lr, c.seed): c for c in configs}
    for row in alone.itertuples():
        if (row.lr, row.seed) in mixed.index:
            other = mixed.loc[(row.lr, row.seed)]
            assert_same_outcome(by_key[(row.lr, row.seed)], test_loss=other.test_loss, test_acc=other.test_acc,
                                best_dev_acc=other.best_dev_acc, diverged_at=None, other=row_result(row))


# --------------------------------------------------------------------------- fallback
def test_fallback_path_gives_train_numbers():
    base = RunConfig(epochs=100)
    grid = {"optimizer": ["sgd", "adam", "rmsprop"], "lr": [0.01, 0.1]}
    frame = sweep(base, grid)
    assert list(frame["batched"]) == [True, True, True, True, False, False]      # rmsprop runs train()
    results = _compare(frame, validate_grid(base, grid))
    for row, r in zip(frame.itertuples(), results):
        if not row.batched:        # the fallback *is* train(): one code path, the same bits
            assert row.test_loss == r.test_loss and row.best_epoch == r.best_epoch


def test_momentum_nesterov_weight_decay_and_adam_are_batched_and_equal_train():
    base = RunConfig(epochs=600)
    sgd = {"momentum": [0.0, 0.9], "nesterov": [False, True], "weight_decay": [0.0, 0.001], "lr": [0.05, 0.2]}
    adam = {"optimizer": ["adam"], "lr": [0.005, 0.05], "beta1": [0.9, 0.5], "beta2": [0.999, 0.9],
            "weight_decay": [0.0, 0.01]}
    for grid in (sgd, adam):
        frame = sweep(base, grid)
        assert frame["batched"].all()
        _compare(frame, validate_grid(base, grid))


def test_mini_batches_fall_back():
    base = RunConfig(epochs=20)
    grid = {"batch_size": [0, 64, 10_000], "momentum": [0.0, 0.9]}
    frame = sweep(base, grid)
    # full batch (0 or >= train rows) is batched, with or without momentum; mini-batches run train()
    assert list(frame["batched"]) == [True, True, False, False, True, True]
    _compare(frame, validate_grid(base, grid))


# --------------------------------------------------------------------------- shape of the result
def test_rows_columns_and_order():
    base = RunConfig(epochs=30)
    grid = {"hidden": ["5", "5,3"], "lr": [0.1, 1], "seed": [0, 1, 2]}
    frame = sweep(base, grid)
    assert list(frame.columns) == ["hidden", "lr", "seed", *RESULT_COLUMNS]
    assert len(frame) == 12 and list(frame.index) == list(range(12))
    assert list(frame["hidden"]) == [(5,)] * 6 + [(5, 3)] * 6           # coerced, first field slowest
    assert list(frame["seed"]) == [0, 1, 2] * 4                           # last field fastest
    assert frame["diverged"].dtype == bool and frame["batched"].dtype == bool
    assert frame["best_epoch"].between(-1, 29).all()
    assert (frame["seconds"] > 0).all()
    assert frame.attrs == {"stopped": False, "total": 12}
    assert [c.hidden for c in validate_grid(base, grid)] == list(frame["hidden"])


def test_numpy_value_lists_are_accepted():
    frame = sweep(RunConfig(epochs=5), {"lr": np.array([0.1, 1.0]), "seed": np.arange(2)})
    assert list(frame["lr"]) == [0.1, 0.1, 1.0, 1.0] and list(frame["seed"]) == [0, 1, 0, 1]


def test_progress_reaches_one():
    calls = []
    sweep(RunConfig(epochs=50), {"hidden": [(5,), (3,)], "optimizer": ["sgd", "adam"]},
          on_progress=lambda frac, done, total: calls.append((frac, done, total)))
    fracs = [f for f, _, _ in calls]
    assert fracs == sorted(fracs) and fracs[-1] == pytest.approx(1.0)
    assert calls[-1][1:] == (4, 4)


# --------------------------------------------------------------------------- cancel
def test_should_stop_returns_only_completed_rows():
    base = RunConfig(epochs=600)
    grid = {"hidden": [(5,), (5, 3)], "lr": [0.1, 1]}
    full = sweep(base, grid)
    completed = []

    def on_progress(frac, done, total):
        completed.append(done)

    stopped = sweep(base, grid, on_progress=on_progress, should_stop=lambda: bool(completed) and completed[-1] >= 2)
    assert stopped.attrs["stopped"] is True
    assert len(stopped) == 2 and list(stopped.index) == [0, 1]         # the first group, complete
    pd.testing.assert_frame_equal(stopped.drop(columns="seconds"), full.iloc[:2].drop(columns="seconds"))

    nothing = sweep(base, grid, should_stop=lambda: True)
    assert len(nothing) == 0 and list(nothing.columns) == list(full.columns) and nothing.attrs["stopped"]


def test_should_stop_inside_a_batched_group_drops_the_group():
    calls = []
    frame = sweep(RunConfig(epochs=600), {"lr": [0.1, 1]}, on_progress=lambda *a: calls.append(a),
                  should_stop=lambda: len(calls) >= 1)     # after the first chunk of epochs
    assert len(calls) == 1 and 0 < calls[0][0] < 1
    assert len(frame) == 0 and frame.attrs["stopped"]


def test_should_stop_inside_a_fallback_run_drops_that_row():
    polls = []

    def should_stop():
        polls.append(1)
        return len(polls) > 3          # some chunks into the first rmsprop run (a fallback train())

    frame = sweep(RunConfig(epochs=400), {"optimizer": ["rmsprop", "adagrad"]}, should_stop=should_stop)
    assert len(frame) == 0 and frame.attrs["stopped"]


def test_a_fallback_run_is_stopped_within_one_optimizer_step():
    """A fallback config of batch size 1 (640 steps per epoch): should_stop is polled before every step, so
    the sweep stops at the poll that says so, not at the end of an epoch."""
    polls = []

    def should_stop():
        polls.append(1)
        return len(polls) >= 50

    frame = sweep(RunConfig(batch_size=1, epochs=2), {"optimizer": ["rmsprop", "adagrad"]}, should_stop=should_stop)
    assert frame.attrs["stopped"] and len(frame) == 0
    assert len(polls) == 50                     # nothing ran after the poll that said stop


def test_a_batched_group_is_stopped_within_an_epoch(monkeypatch):
    from core import batched

    forwards = []
    original = batched._Group.forward
    monkeypatch.setattr(batched._Group, "forward", lambda self, k: (forwards.append(k), original(self, k))[1])
    polls = []

    def should_stop():
        polls.append(1)
        return len(polls) >= 6

    frame = sweep(RunConfig(epochs=3000), {"seed": [0, 1]}, should_stop=should_stop)
    assert frame.attrs["stopped"] and len(frame) == 0
    assert len(forwards) <= 3                   # polled every epoch, not every chunk of 250 epochs


# --------------------------------------------------------------------------- validation
def test_unknown_field_is_named():
    with pytest.raises(ConfigError) as err:
        validate_grid(RunConfig(), {"lr": [0.1], "hiden": [(5,)]})
    assert err.value.field == "hiden" and "unknown" in str(err.value)


@pytest.mark.parametrize("grid, field", [
    ({"lr": [0.1, -1.0]}, "lr"),
    ({"lr": [0.1, "fast"]}, "lr"),
    ({"activation": ["sigmoid", "swish"]}, "activation"),
    ({"hidden": [(5,), (100,)]}, "hidden"),
    ({"seed": []}, "seed"),
    ({"seed": 3}, "seed"),
    ({"optimizer": ["sgd", "lbfgs"]}, "optimizer"),
])
def test_bad_values_are_named(grid, field):
    with pytest.raises(ConfigError) as err:
        sweep(RunConfig(), grid)
    assert err.value.field == field
    assert field in str(err.value) and "allowed" in str(err.value)


def test_bad_combination_is_named():
    with pytest.raises(ConfigError) as err:
        validate_grid(RunConfig(), {"weight_init": ["normal", "uniform"], "weight_low": [2.0]})
    assert err.value.field == "weight_low" and "combination" in str(err.value)


def test_too_many_configs():
    with pytest.raises(ConfigError) as err:
        validate_grid(RunConfig(), {"lr": [0.1, 1.0], "seed": list(range(10**6))})
    assert err.value.field == "seed"
    assert f"at most {MAX_CONFIGS}" in str(err.value) and "lower" in str(err.value)
    assert len(validate_grid(RunConfig(), {"seed": list(range(MAX_CONFIGS))})) == MAX_CONFIGS


def test_time_budget():
    base = RunConfig(hidden=(64, 64), epochs=10_000, optimizer="rmsprop")     # trained one by one (fallback)
    assert budget.estimate_seconds(base) <= MAX_SECONDS                      # each config alone is fine
    with pytest.raises(ConfigError) as err:
        validate_grid(base, {"seed": list(range(10))})
    assert err.value.field == "epochs"
    assert "budget" in str(err.value) and "lower epochs" in str(err.value) and "seed" in str(err.value)
    assert "时间预算" in err.value.message("zh")
    # the default grid of the brief and the benchmark grid pass comfortably
    small = {"hidden": [(5,), (5, 3)], "lr": [0.01, 1, 5], "seed": [0, 1, 2]}
    bench = {"hidden": [(5,), (5, 3), (8,)], "lr": [0.01, 0.1, 1, 5], "seed": [0, 1, 2]}
    for grid in (small, bench):
        assert estimate_sweep_seconds(validate_grid(RunConfig(), grid)) < 0.1 * sweep_time_cap()


def test_a_grid_of_slow_small_configs_is_refused():
    """Ten configs each far inside the old arithmetic budget (8x1 nets), each ~20 s of NAdam steps with
    clipping and L1 at batch size 1: the sweep's budget counts time, so the grid is refused."""
    base = RunConfig(hidden=(1,) * 8, optimizer="nadam", clip_norm=1.0, l1=0.001, batch_size=1, epochs=10)
    with pytest.raises(ConfigError) as err:
        validate_grid(base, {"seed": list(range(10))})
    assert "budget" in str(err.value)


def test_the_sweep_estimate_is_the_single_run_estimate_for_fallbacks_and_the_group_rate_for_groups():
    fallback = validate_grid(RunConfig(batch_size=32, epochs=100), {"seed": [0, 1, 2]})
    assert estimate_sweep_seconds(fallback) == pytest.approx(sum(budget.estimate_seconds(c) for c in fallback))
    batched = validate_grid(RunConfig(epochs=3000), {"seed": [0, 1, 2]})
    n_train, n_dev, _ = batched[0].split_counts
    assert estimate_sweep_seconds(batched) == pytest.approx(budget.estimate_group_seconds(batched, n_train, n_dev))
    assert estimate_sweep_seconds(batched) < sum(budget.estimate_seconds(c) for c in batched)    # batching pays


def test_no_global_rng_touched():
    import torch

    state = torch.random.get_rng_state().clone()
    np_state = np.random.get_state()[1].copy()
    sweep(RunConfig(epochs=10), {"seed": [0, 1], "weight_init": ["orthogonal", "default"]})
    assert torch.equal(state, torch.random.get_rng_state())
    assert (np_state == np.random.get_state()[1]).all()
