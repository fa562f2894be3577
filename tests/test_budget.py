"""The compute budget bounds estimated wall time (core.budget), not arithmetic.

No timings here: the cost model's constants are calibrated by bench/bench_budget.py, which prints
predicted vs measured seconds; these tests check what holds on any CPU: which configs are refused,
how the estimate moves with each knob, and that the textbook settings stay well inside the cap.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core import budget
from core.budget import MAX_SECONDS, estimate_seconds
from core.config import (
    FIELD_BY_NAME,
    OPTIMIZERS,
    PRESETS,
    ConfigError,
    RunConfig,
    budget_unchecked,
    check_budget,
    preset,
)
from core.sweep import estimate_sweep_seconds, validate_grid

# The review's configs: each fit the old arithmetic budget (epochs x rows x parameters <= 3e10, steps <= 300,000)
# and ran 22-27 minutes on the 2-core machine. They are refused now.
SLOW = [
    dict(hidden=(64,) * 8, optimizer="adam", batch_size=1, n_samples=20_000, epochs=20),
    dict(batch_norm=True, batch_size=2, n_samples=20_000, epochs=40),
    dict(hidden=(1,) * 8, optimizer="nadam", clip_norm=1.0, l1=0.001, batch_size=1, epochs=400),
]


@pytest.mark.parametrize("fields", SLOW)
def test_configs_that_run_for_minutes_are_refused(fields):
    with pytest.raises(ConfigError) as info:
        RunConfig(**fields)
    err = info.value
    en, zh = err.message("en"), err.message("zh")
    assert f"{MAX_SECONDS:.0f} s" in en and "compute budget" in en
    assert "秒" in zh and "预算" in zh
    assert err.field in FIELD_BY_NAME and set(err.related) <= set(FIELD_BY_NAME)
    # the message names what to change, and the fields it names are the error's field and related ones
    named = {f for f in FIELD_BY_NAME if f in en}
    assert named and named <= {err.field, *err.related}


def test_the_largest_allowed_version_of_a_slow_config_is_estimated_at_about_a_minute():
    fields = SLOW[0]
    with budget_unchecked():
        full = RunConfig(**fields)
    assert estimate_seconds(full) > 5 * MAX_SECONDS        # 20 epochs of 12,800 Adam steps on an 8x64 net
    allowed = RunConfig(**{**fields, "epochs": 1})          # one epoch fits
    assert 0.2 * MAX_SECONDS < estimate_seconds(allowed) <= MAX_SECONDS


def test_the_estimate_counts_steps_and_per_step_overheads():
    est = estimate_seconds
    short = RunConfig(n_samples=2000, epochs=20)
    assert est(short.replace(batch_size=1)) > 100 * est(short)               # 1280 steps per epoch instead of 1
    assert est(short.replace(batch_size=1)) > est(short.replace(batch_size=2)) > est(short.replace(batch_size=64))
    assert est(short.replace(batch_size=2, batch_norm=True)) > est(short.replace(batch_size=2))
    base = RunConfig(n_samples=2000, epochs=2000)
    assert est(base.replace(epochs=4000)) == pytest.approx(2 * est(base), rel=0.1)          # linear in epochs
    for optimizer in OPTIMIZERS:
        if optimizer != "sgd":
            assert est(base.replace(optimizer=optimizer)) > est(base)                       # torch.optim per tensor
    assert est(base.replace(momentum=0.9)) > est(base)
    assert est(base.replace(batch_norm=True)) > est(base)
    assert est(base.replace(clip_norm=1.0)) > est(base) and est(base.replace(l1=0.001)) > est(base)
    assert est(base.replace(hidden=(5,) * 8)) > est(base)                                    # per-layer ops
    assert est(base.replace(hidden=(64,) * 8)) > est(base.replace(hidden=(5,) * 8))          # arithmetic
    assert est(base.replace(n_samples=20_000)) > est(base)
    assert estimate_seconds(base, n_train=12_800) > estimate_seconds(base)                  # other data


def test_textbook_settings_are_well_inside_the_cap():
    for name in PRESETS:
        assert estimate_seconds(preset(name)) < 0.05 * MAX_SECONDS, name
    assert estimate_seconds(RunConfig()) < 0.05 * MAX_SECONDS
    book_grid = validate_grid(RunConfig(), {"hidden": [(5,), (5, 3)], "lr": [0.01, 1, 5], "seed": [0, 1, 2]})
    assert estimate_sweep_seconds(book_grid) < 0.05 * budget.SWEEP_FACTOR * MAX_SECONDS


def test_check_budget_uses_the_rows_it_is_given():
    config = RunConfig(n_samples=100, batch_size=1, epochs=200)
    assert check_budget(config, 64) == pytest.approx(estimate_seconds(config))
    with pytest.raises(ConfigError):
        check_budget(config, 12_800)                                 # an upload 200x larger


def test_budget_unchecked_skips_only_the_budget():
    with budget_unchecked():
        config = RunConfig(**SLOW[0])
        with pytest.raises(ConfigError):
            RunConfig(hidden=(65,))                                  # every other rule still applies
    assert estimate_seconds(config) > MAX_SECONDS
    with pytest.raises(ConfigError):                                # and only inside the block
        RunConfig(**SLOW[0])


@settings(max_examples=200, deadline=None)
@given(epochs=st.integers(1, 20_000), batch_size=st.integers(0, 20_000), n_samples=st.integers(20, 20_000),
       width=st.integers(1, 64), depth=st.integers(0, 8), optimizer=st.sampled_from(OPTIMIZERS),
       batch_norm=st.booleans(), clip=st.booleans(), l1=st.booleans())
def test_every_accepted_config_is_estimated_within_the_cap(epochs, batch_size, n_samples, width, depth, optimizer,
                                                           batch_norm, clip, l1):
    fields = dict(epochs=epochs, batch_size=batch_size, n_samples=n_samples, hidden=(width,) * depth,
                  optimizer=optimizer, batch_norm=batch_norm, clip_norm=1.0 if clip else 0.0, l1=0.001 if l1 else 0.0)
    try:
        config = RunConfig(**fields)
    except ConfigError:
        with budget_unchecked():
            try:
                config = RunConfig(**fields)
            except ConfigError:
                return                                              # refused for another rule
        assert estimate_seconds(config) > MAX_SECONDS
    else:
        assert 0 < estimate_seconds(config) <= MAX_SECONDS
