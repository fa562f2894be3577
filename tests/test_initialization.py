import math

import numpy as np
import pytest
import torch

from core.config import ConfigError, RunConfig, preset
from core.initialization import (
    COMPARE_EPOCHS,
    COMPARE_SCHEMES,
    COMPARE_SETTING,
    DEFAULT_COMPARE,
    HISTOGRAM_SCHEMES,
    compare_table,
    first_steps_config,
    first_steps_table,
    identical_groups,
    init_histograms,
    sample_weights,
    scheme_configs,
    scheme_std,
    snapshot_state,
    symmetry_by_step,
    symmetry_table,
    unit_parameters,
)
from core.models import build_model
from core.training import train


@pytest.fixture(scope="module")
def zero_run():
    return train(preset("zero_init"))


def test_zero_init_learns_nothing_in_the_books_five_epochs(zero_run):
    h = zero_run.history
    assert len(h) == 5
    assert np.allclose(h["train_loss"], math.log(2), atol=1e-6)
    assert (h["train_acc"] == 0.5).all()          # chance: this training set has 320 points of each class


def test_snapshot_state_rebuilds_the_initial_parameters():
    config = RunConfig(hidden=(5, 3), epochs=3)
    result = train(config)
    state = snapshot_state(result.weight_snapshots, 0)
    expected = build_model(config).state_dict()
    assert set(state) == set(expected)
    for name, value in expected.items():
        assert state[name].shape == value.shape
        assert torch.equal(state[name].float(), value)
    with pytest.raises(ValueError):
        snapshot_state(result.weight_snapshots, 99)


def test_every_unit_stays_identical_under_zero_init(zero_run):
    table = first_steps_table(zero_run.weight_snapshots)
    assert list(table.columns) == ["step", "unit", "fc1.weight[i,0]", "fc1.weight[i,1]", "fc1.bias[i]",
                                   "fc2.weight[0,i]", "group", "identical"]
    assert len(table) == 6 * 5 and list(table["step"].unique()) == [0, 1, 2, 3, 4, 5]
    assert table["identical"].all() and (table["group"] == 0).all()
    by_step = symmetry_by_step(zero_run.weight_snapshots)
    assert (by_step["identical"] == 5).all() and (by_step["units"] == 5).all()
    # the output weights do move (by float rounding on this exactly balanced set), yet stay equal
    assert (table.loc[table["step"] == 5, "fc2.weight[0,i]"] != 0).all()


@pytest.mark.parametrize("data_seed", [0, 1, 2, 3, 4, 5])
def test_zero_init_keeps_all_units_identical_at_every_step_on_any_data_seed(data_seed):
    result = train(preset("zero_init").replace(data_seed=data_seed))
    by_step = symmetry_by_step(result.weight_snapshots)
    assert list(by_step["identical"]) == [5] * 6
    assert first_steps_table(result.weight_snapshots)["identical"].all()


def _rounded_elsewhere(snapshots, step: int, unit: int, noise: float):
    """The snapshots as another CPU could produce them: one unit's parameters at `step` rounded differently."""
    out = snapshots.copy()
    rows = (out["step"] == step) & (((out["layer"] == "fc1") & (out["row"] == unit))
                                    | ((out["layer"] == "fc2") & (out["param"] == "weight") & (out["col"] == unit)))
    out.loc[rows, "value"] = out.loc[rows, "value"] + noise
    return out


@pytest.mark.parametrize("data_seed", [0, 1])
def test_rounding_noise_of_another_cpu_cannot_split_zero_init_units(data_seed):
    # On balanced data (seed 0) fc2's gradient cancels to ~1e-10: the layer's values *are* rounding noise,
    # and a CPU that sums one output column in another order gets a different 1e-10 for that unit.
    snapshots = train(preset("zero_init").replace(data_seed=data_seed)).weight_snapshots
    for noise in (3e-10, -7e-10, 2e-8):
        shaken = _rounded_elsewhere(snapshots, step=5, unit=4, noise=noise)
        assert symmetry_by_step(shaken)["identical"].tolist() == [5] * 6
        assert first_steps_table(shaken)["identical"].all()


def test_units_that_differ_visibly_are_not_merged():
    snapshots = train(preset("zero_init").replace(data_seed=1)).weight_snapshots
    shaken = _rounded_elsewhere(snapshots, step=5, unit=4, noise=1e-4)     # ~3 % of fc2's weights
    assert symmetry_by_step(shaken)["identical"].tolist() == [5] * 5 + [4]


def test_random_init_gives_distinct_units():
    result = train(RunConfig(epochs=5))
    table = first_steps_table(result.weight_snapshots)
    assert not table["identical"].any()
    assert sorted(table.loc[table["step"] == 0, "group"]) == [0, 1, 2, 3, 4]
    assert (symmetry_by_step(result.weight_snapshots)["identical"] == 1).all()


def test_zero_init_units_move_visibly_on_unbalanced_data():
    result = train(preset("zero_init").replace(data_seed=1))      # 315 of 640 training points are class 1
    table = first_steps_table(result.weight_snapshots)
    step5 = table[table["step"] == 5]
    assert step5["identical"].all()
    assert (step5["fc2.weight[0,i]"].abs() > 1e-4).all()
    for column in ("fc1.weight[i,0]", "fc1.weight[i,1]", "fc2.weight[0,i]"):   # equal up to float32 rounding
        values = step5[column]
        assert values.max() - values.min() <= 1e-5 * values.abs().max()


def test_second_hidden_layer_table_has_its_own_columns():
    result = train(RunConfig(hidden=(5, 3), weight_init="constant", weight_value=0.3, epochs=2))
    table = first_steps_table(result.weight_snapshots, layer=2)
    assert [c for c in table.columns if c.startswith("fc")] == [
        *(f"fc2.weight[i,{j}]" for j in range(5)), "fc2.bias[i]", "fc3.weight[0,i]"]
    assert len(table) == 3 * 3 and table["identical"].all()


def test_identical_groups_and_unit_parameters():
    units = torch.tensor([[1.0, 2.0], [3.0, 4.0], [1.0, 2.0 + 1e-9], [3.0, 4.0], [5.0, 6.0]])
    assert identical_groups(units) == [0, 1, 0, 1, 4]
    state = {"fc1.weight": torch.tensor([[1.0, 2.0], [1.0, 2.0]]), "fc1.bias": torch.tensor([0.5, 0.5]),
             "fc2.weight": torch.tensor([[3.0, -3.0]]), "fc2.bias": torch.tensor([0.0])}
    rows = unit_parameters(state, 1)
    assert rows.shape == (2, 4)
    assert rows[1].tolist() == [1.0, 2.0, 0.5, -3.0]
    # equal incoming weights and biases but different outgoing weights: not the same unit
    assert symmetry_table(state)["identical"].tolist() == [1]
    state["fc2.weight"] = torch.tensor([[3.0, 3.0]])
    assert symmetry_table(state).to_dict("records") == [{"layer": "fc1", "units": 2, "identical": 2}]


def test_first_steps_config_only_shortens():
    assert first_steps_config(RunConfig()).epochs == 5
    assert first_steps_config(RunConfig(epochs=3)) == RunConfig(epochs=3)


@pytest.mark.parametrize("fan_in, fan_out", [(2, 5), (64, 64), (30, 10)])
def test_sample_std_matches_theory(fan_in, fan_out):
    config = RunConfig(activation="relu")
    for scheme in HISTOGRAM_SCHEMES:
        values = sample_weights(config, scheme, fan_in, fan_out)
        assert values.shape == (10_000,)
        theory = scheme_std(config, scheme, fan_in, fan_out)
        assert float(values.std()) == pytest.approx(theory, rel=0.04), scheme


def test_samples_are_seeded_per_config_and_per_scheme():
    a = sample_weights(RunConfig(seed=3), "xavier_uniform", 4, 6, 500)
    assert torch.equal(a, sample_weights(RunConfig(seed=3), "xavier_uniform", 4, 6, 500))
    assert not torch.equal(a, sample_weights(RunConfig(seed=4), "xavier_uniform", 4, 6, 500))
    hist, _ = init_histograms(RunConfig(), ["normal", "uniform"], 2, 5)
    alone, _ = init_histograms(RunConfig(), ["uniform"], 2, 5)
    # a scheme's samples do not depend on which other schemes are drawn
    together = hist[hist["scheme"] == "uniform"].reset_index(drop=True)
    assert together.equals(alone)


def test_orthogonal_samples_are_orthogonal_matrices():
    values = sample_weights(RunConfig(), "orthogonal", 8, 8, 64 * 3)
    for w in values.view(3, 8, 8):
        assert torch.allclose(w @ w.t(), torch.eye(8), atol=1e-5)


def test_normal_and_uniform_use_the_config_parameters():
    config = RunConfig(weight_mean=2.0, weight_std=0.5, weight_low=-3.0, weight_high=-1.0)
    normal = sample_weights(config, "normal", 2, 5)
    uniform = sample_weights(config, "uniform", 2, 5)
    assert float(normal.mean()) == pytest.approx(2.0, abs=0.02)
    assert float(uniform.min()) >= -3.0 and float(uniform.max()) <= -1.0
    with pytest.raises(ConfigError):
        sample_weights(config, "normal", 0, 5)


def test_histograms_share_bins_and_integrate_to_one():
    schemes = ["normal", "uniform", "xavier_normal", "kaiming_normal", "orthogonal"]
    hist, stats = init_histograms(RunConfig(), schemes, 2, 5, bins=40)
    assert list(stats["scheme"]) == schemes
    assert list(stats.columns) == ["scheme", "theory_std", "sample_std", "sample_mean", "sample_min", "sample_max"]
    assert stats.set_index("scheme")["theory_std"].round(4).to_dict() == {
        "normal": 1.0, "uniform": 0.5774, "xavier_normal": 0.5345, "kaiming_normal": 1.0, "orthogonal": 0.4472}
    for scheme, part in hist.groupby("scheme"):
        assert len(part) == 40
        assert float(((part["bin_end"] - part["bin_start"]) * part["density"]).sum()) == pytest.approx(1.0)
        row = stats.set_index("scheme").loc[scheme]       # the bins span the scheme's own samples
        assert part["bin_start"].min() == pytest.approx(row["sample_min"])
        assert part["bin_end"].max() == pytest.approx(row["sample_max"])
    empty_hist, empty_stats = init_histograms(RunConfig(), [], 2, 5)
    assert empty_hist.empty and empty_stats.empty
    zeros_hist, zeros_stats = init_histograms(RunConfig(), ["zeros"], 2, 5)     # a constant sample: one spike
    assert (zeros_stats.loc[0, "theory_std"], zeros_stats.loc[0, "sample_std"]) == (0.0, 0.0)
    assert float(((zeros_hist["bin_end"] - zeros_hist["bin_start"]) * zeros_hist["density"]).sum()) == pytest.approx(1)


def test_scheme_configs():
    configs = scheme_configs(preset("zero_init"), [*DEFAULT_COMPARE, "normal_10"], epochs=100)
    assert list(configs) == [*DEFAULT_COMPARE, "normal_10"]
    assert all(c.epochs == 100 for c in configs.values())
    assert configs["zeros"].weight_init == "zeros"
    assert (configs["one_unit"].hidden, configs["one_unit"].weight_init) == ((1,), "zeros")
    assert scheme_configs(RunConfig(hidden=(4, 3, 2)), ["one_unit"])["one_unit"].hidden == (1, 1, 1)
    assert configs["zeros"].optimizer == "sgd" and configs["zeros"].lr == RunConfig().lr    # no setting given
    lesson = scheme_configs(RunConfig(), ["zeros"], setting=COMPARE_SETTING)["zeros"]
    assert {name: getattr(lesson, name) for name in COMPARE_SETTING} == COMPARE_SETTING
    assert (configs["normal_10"].weight_init, configs["normal_10"].weight_std) == ("normal", 10.0)
    assert configs["kaiming_normal"].weight_init == "kaiming_normal"
    assert set(COMPARE_SCHEMES) >= set(DEFAULT_COMPARE)
    with pytest.raises(ConfigError):
        scheme_configs(RunConfig(), ["bogus"])
    with pytest.raises(ConfigError) as err:
        scheme_configs(RunConfig(), ["zeros"], epochs=0)
    assert err.value.field == "epochs"


def test_compare_table_flags_the_symmetric_run():
    # data_seed 1: unequal classes, so zeros gets real (identical) updates, not just float rounding noise
    configs = scheme_configs(RunConfig(hidden=(5, 3), data_seed=1), ["zeros", "normal_1"], epochs=200)
    results = {name: train(c) for name, c in configs.items()}
    table = compare_table(results).set_index("scheme")
    assert list(table.columns) == ["test_acc", "test_loss", "best_dev_acc", "best_epoch", "final_train_loss",
                                   "final_train_acc", "diverged_at", "identical_fc1", "identical_fc2"]
    assert (table.loc["zeros", "identical_fc1"], table.loc["zeros", "identical_fc2"]) == (5, 3)
    assert (table.loc["normal_1", "identical_fc1"], table.loc["normal_1", "identical_fc2"]) == (1, 1)
    assert table.loc["zeros", "final_train_loss"] == pytest.approx(math.log(2), abs=1e-3)   # the class prior only
    assert table.loc["normal_1", "final_train_loss"] < 0.6


def test_comparison_default_shows_that_zeros_learns_no_more_than_one_unit():
    """The page's default comparison (issue #11): zeros is clearly worse than sound random inits and ends
    where the one-unit network ends."""
    configs = scheme_configs(preset("zero_init"), ["zeros", "one_unit", "xavier_normal", "kaiming_normal"],
                             COMPARE_EPOCHS, COMPARE_SETTING)
    acc = {name: train(c).test_acc for name, c in configs.items()}
    assert abs(acc["zeros"] - acc["one_unit"]) <= 0.05
    assert min(acc["xavier_normal"], acc["kaiming_normal"]) >= max(acc["zeros"], acc["one_unit"]) + 0.08
