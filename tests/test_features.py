"""Input features (TensorFlow Playground's inputs): RunConfig.features, the model's input layer, every engine."""

import io
import json
import math
import subprocess
import sys

import pandas as pd
import pytest
import torch

from core import RunConfig, choices, train
from core.config import FIELD_BY_NAME, ConfigError, from_params, parse_params, to_params
from core.grid import parse_grid
from core.manual_checks import compare_gradients, compare_training, finite_difference_check
from core.models import MLP, build_model
from core.probes import dead_units, gradient_table, model_from_state, probability_grid
from core.sweep import group_key, sweep, validate_grid
from core.upload import UploadError, check_state_dict, load_state_dict
from tests.numeric import assert_same_outcome

ALL = tuple(choices.FEATURE_TABLE)
SQUARES = ("x1sq", "x2sq")


# --------------------------------------------------------------------------- the table and its values
def test_every_feature_on_known_points():
    X = torch.tensor([[0.5, -1.0], [2.0, 3.0]])
    want = {
        "x1": [0.5, 2.0], "x2": [-1.0, 3.0], "x1sq": [0.25, 4.0], "x2sq": [1.0, 9.0], "x1x2": [-0.5, 6.0],
        "sinx1": [math.sin(0.5), math.sin(2.0)], "sinx2": [math.sin(-1.0), math.sin(3.0)],
    }
    assert set(want) == set(ALL)
    out = choices.expand_features(torch, X, ALL)
    assert out.shape == (2, len(ALL))
    for i, name in enumerate(ALL):
        torch.testing.assert_close(out[:, i], torch.tensor(want[name]), rtol=1e-6, atol=1e-7)
    cols = choices.expand_columns(torch, X.t().contiguous(), ALL)
    assert cols.shape == (len(ALL), 2) and cols.is_contiguous()
    torch.testing.assert_close(cols.t(), out)


def test_the_default_features_are_the_points_themselves():
    X = torch.randn(7, 2)
    assert choices.expand_features(torch, X, ("x1", "x2")) is X
    cols = X.t().contiguous()
    assert choices.expand_columns(torch, cols, ("x1", "x2")) is cols
    model = build_model(RunConfig())
    assert model.features == ("x1", "x2") and not model.expands
    assert model.inputs(X) is X


# --------------------------------------------------------------------------- the config field
def test_features_are_a_network_field_with_labels_in_both_languages():
    field = FIELD_BY_NAME["features"]
    assert field.group == "network" and field.default == ("x1", "x2") and field.choices == ALL
    assert (field.en, field.zh) == ("Input features", "输入特征")
    c = RunConfig()
    assert c.features == ("x1", "x2") and c.layer_sizes == (2, 5, 1) and c.n_params == 21


def test_features_are_normalized_to_the_table_order_without_duplicates():
    c = RunConfig(features=("x2sq", "x1", "x1sq", "x1"))
    assert c.features == ("x1", "x1sq", "x2sq")
    assert c.layer_sizes == (3, 5, 1)
    assert RunConfig(features=["sinx2", "x1x2"]).features == ("x1x2", "sinx2")
    assert parse_params({"features": " X2SQ , x1sq"}).features == SQUARES
    assert parse_params({"features": "x1，x1x2"}).features == ("x1", "x1x2")       # a full-width comma
    assert RunConfig(features=("x2", "x1")) == RunConfig()


@pytest.mark.parametrize("raw, named", [
    ("x1,x3", "x3"), ("x1,x2,cosx1", "cosx1"), ("none", "none"), ("x1;x2", "x1;x2"),
])
def test_unknown_features_are_named_in_both_languages(raw, named):
    with pytest.raises(ConfigError) as info:
        parse_params({"features": raw})
    err = info.value
    assert err.field == "features"
    assert f"unknown feature {named}" in err.message("en") and "x1sq" in err.message("en")
    assert f"未知特征 {named}" in err.message("zh") and "输入特征（features）" in err.message("zh")
    config, warnings = from_params({"features": raw, "lr": "1"})
    assert config.features == ("x1", "x2") and config.lr == 1.0
    assert [w.field for w in warnings] == ["features"] and named in warnings[0].message("en")
    assert "已改用默认值" in warnings[0].message("zh")


@pytest.mark.parametrize("value", ["", ",", (), [], "x1sq", ("x1", 2), 5])
def test_empty_or_mistyped_features_are_config_errors(value):
    if value == "x1sq":          # one feature is fine
        assert RunConfig(features=value).features == ("x1sq",)
        return
    with pytest.raises(ConfigError) as info:
        RunConfig(features=value)
    assert info.value.field == "features" and "allowed" in str(info.value)
    if value in ("", ",", (), []):
        assert "no feature chosen" in str(info.value) and "未选择任何特征" in info.value.message("zh")


def test_url_round_trip_and_links_without_features():
    c = RunConfig(features=("x1", "x2", "x1x2"), hidden=(3,))
    params = to_params(c)
    assert params["features"] == "x1,x2,x1x2"
    back, warnings = from_params(params)
    assert back == c and warnings == []
    assert to_params(c, only_changed=True) == {"features": "x1,x2,x1x2", "hidden": "3"}
    assert "features" not in to_params(RunConfig(lr=1.0), only_changed=True)    # the default stays out of URLs
    old_link = {k: v for k, v in to_params(RunConfig(lr=1.0)).items() if k != "features"}   # a link from before
    assert from_params(old_link) == (RunConfig(lr=1.0), [])


def test_the_label_names_the_features():
    assert RunConfig(features=SQUARES, hidden=()).label().startswith("2-1 (x1sq,x2sq) sigmoid")
    assert RunConfig().label().startswith("2-5-1 sigmoid")


def test_the_budget_counts_the_input_width():
    from core.budget import estimate_seconds

    narrow, wide = RunConfig(hidden=(8,)), RunConfig(hidden=(8,), features=ALL)
    assert wide.n_params == narrow.n_params + 8 * (len(ALL) - 2)
    assert estimate_seconds(wide) > estimate_seconds(narrow)


# --------------------------------------------------------------------------- the model
@pytest.mark.parametrize("features", [("x1",), SQUARES, ("x1", "x2", "x1x2"), ALL])
def test_the_input_width_is_the_number_of_features(features):
    config = RunConfig(features=features, hidden=(4, 3))
    model = build_model(config)
    assert model.fc1.weight.shape == (4, len(features)) and model.fc1.in_features == len(features)
    X = torch.randn(30, 2, generator=torch.Generator().manual_seed(1))
    out = model(X)
    assert out.shape == (30, 1)
    # the model computes its features itself: the same as a plain MLP fed the features
    plain = MLP((4, 3), features=features)
    plain.load_state_dict(model.state_dict())
    inputs = choices.expand_features(torch, X, features)
    manual = torch.nn.functional.linear(torch.sigmoid(torch.nn.functional.linear(
        torch.sigmoid(torch.nn.functional.linear(inputs, model.fc1.weight, model.fc1.bias)),
        model.fc2.weight, model.fc2.bias)), model.fc3.weight, model.fc3.bias)
    torch.testing.assert_close(out, manual)
    torch.testing.assert_close(plain(X), out)
    torch.testing.assert_close(model.forward_columns(X.t().contiguous()).t(), out, rtol=1e-5, atol=1e-6)
    hidden = model.forward_hidden(X)
    assert [h.shape[1] for h in hidden] == [4, 3, 1]


def test_forward_columns_computes_the_features_once_per_tensor():
    model = build_model(RunConfig(features=SQUARES))
    cols = torch.randn(2, 20)
    first = model.forward_columns(cols)
    cached = model._columns[2]
    assert model.forward_columns(cols).equal(first) and model._columns[2] is cached    # the same tensor: kept
    cols.mul_(2)                                                                        # changed in place: recomputed
    torch.testing.assert_close(model.forward_columns(cols), model(cols.t()).t(), rtol=1e-5, atol=1e-6)
    assert model._columns[2] is not cached


def test_unknown_feature_names_are_refused_by_the_model():
    with pytest.raises(ValueError, match="unknown feature"):
        MLP((3,), features=("x1", "x9"))


def test_probes_take_points_and_read_the_features():
    config = RunConfig(features=ALL, hidden=(4,), epochs=5)
    result = train(config)
    model = model_from_state(config, result.state_dict)
    grid = probability_grid(model, resolution=20)
    assert grid.shape == (20, 20) and ((grid >= 0) & (grid <= 1)).all()
    from core.data import make_splits

    data = make_splits(config)
    table = gradient_table(model, data.X_train, data.y_train)
    assert table.loc[table["layer"].eq("fc1") & table["param"].eq("weight"), "shape"].item() == f"4×{len(ALL)}"
    assert dead_units(model, data.X_train) == [0]
    assert result.weight_snapshots.query("layer == 'fc1' and param == 'weight'")["col"].max() == len(ALL) - 1


# --------------------------------------------------------------------------- the lesson: circles without hidden layers
LESSON = RunConfig(dataset="circles", hidden=(), lr=1.0, epochs=300)


@pytest.mark.parametrize("seed, data_seed", [(0, 0), (1, 3), (2, 5)])
def test_squares_let_logistic_regression_separate_circles(seed, data_seed):
    """python -m core train --dataset circles --hidden none --lr 1 --epochs 300 [--features x1sq,x2sq]:
    measured over seeds 0-3 x data seeds 0-3, test accuracy 0.975-1.0 with x1², x2², 0.455-0.555 with x1, x2."""
    squares = train(LESSON.replace(features=SQUARES, seed=seed, data_seed=data_seed))
    raw = train(LESSON.replace(seed=seed, data_seed=data_seed))
    assert squares.test_acc >= 0.95
    assert raw.test_acc <= 0.75
    assert squares.state_dict["fc1.weight"].shape == (1, 2)


# --------------------------------------------------------------------------- the batched sweep engine
def test_features_are_part_of_the_batched_group():
    a, b = RunConfig(), RunConfig(features=SQUARES)
    assert a.layer_sizes == b.layer_sizes and group_key(a) != group_key(b)


@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
def test_batched_sweep_with_features_equals_train_per_config(optimizer):
    base = RunConfig(epochs=150, hidden=(4,), dataset="circles", optimizer=optimizer)
    grid = {"features": [("x1", "x2"), SQUARES, ALL], "lr": [0.05, 1.0] if optimizer == "sgd" else [0.01, 0.1],
            "seed": [0, 1]}
    frame = sweep(base, grid)
    assert frame["batched"].all() and len(frame) == 12
    for row, config in zip(frame.itertuples(), validate_grid(base, grid)):
        r = train(config)
        diverged_at = None if row.diverged_at is pd.NA else int(row.diverged_at)
        assert_same_outcome(config, test_loss=row.test_loss, test_acc=row.test_acc, best_dev_acc=row.best_dev_acc,
                            diverged_at=diverged_at, other=r)
    assert frame[frame["features"] == SQUARES]["test_acc"].max() >= 0.95      # the grid does learn something


def test_grid_text_separates_feature_sets_by_semicolons():
    grid, configs = parse_grid(RunConfig(epochs=100), {"features": "x1,x2; x2sq,x1sq ;x1,x2", "seed": "0,1"})
    assert grid["features"] == [("x1", "x2"), SQUARES] and len(configs) == 4
    with pytest.raises(ConfigError) as info:
        parse_grid(RunConfig(epochs=100), {"features": "x1,x2;x1,cube"})
    assert info.value.field == "features" and "cube" in str(info.value)


# --------------------------------------------------------------------------- hand-written backprop
@pytest.mark.parametrize("features, hidden", [(SQUARES, ()), (("x1", "x2", "x1x2"), (5,)), (ALL, (4, 3))])
def test_hand_written_gradients_equal_autograd_with_features(features, hidden):
    config = RunConfig(features=features, hidden=hidden, activation="tanh", epochs=20)
    table = compare_gradients(config)
    assert table.loc[0, "shape"] == f"{hidden[0] if hidden else 1}×{len(features)}"
    assert table["max_abs_diff"].max() < 1e-10 and (table["autograd_grad_l2"] > 0).any()
    assert abs(table["loss_manual"][0] - table["loss_autograd"][0]) < 1e-12
    fd = finite_difference_check(config, max_entries=10)
    assert fd["rel_error"].max() < 1e-5
    curves = compare_training(config, epochs=20)
    manual = curves[curves["implementation"] == "manual"]["train_loss"].to_numpy()
    auto = curves[curves["implementation"] == "autograd"]["train_loss"].to_numpy()
    assert abs(manual - auto).max() < 1e-10


# --------------------------------------------------------------------------- uploads and the CLI
def test_an_uploaded_model_must_read_as_many_features():
    config = RunConfig(features=("x1", "x2", "x1x2"), epochs=5)
    state = train(config).state_dict
    buffer = io.BytesIO()
    torch.save(state, buffer)
    assert check_state_dict(load_state_dict(buffer.getvalue()), config).keys() == state.keys()
    with pytest.raises(UploadError) as info:
        check_state_dict(state, RunConfig())
    assert "fc1.weight" in info.value.message("en") and "input features" in info.value.message("en")
    assert "x1, x2" in info.value.message("en") and "输入特征" in info.value.message("zh")


def run_cli(*args):
    return subprocess.run([sys.executable, "-m", "core", *args], capture_output=True, text=True, timeout=120)


def test_the_cli_takes_features():
    out = run_cli("train", "--dataset", "circles", "--hidden", "none", "--lr", "1", "--epochs", "300",
                  "--features", "x1sq,x2sq", "--json")
    assert out.returncode == 0, out.stderr
    summary = json.loads(out.stdout)
    assert summary["config"]["features"] == "x1sq,x2sq" and summary["test_acc"] >= 0.95
    bad = run_cli("train", "--features", "x1,x3")
    assert bad.returncode == 2 and "unknown feature x3" in bad.stderr
    grads = run_cli("grads", "--features", "x1,x2,x1x2")
    assert grads.returncode == 0 and "5×3" in grads.stdout
