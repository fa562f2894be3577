"""core.landscape: the surfaces are the network's own losses, the directions and planes are what they claim,
and bad grids, spans and racers are refused with messages that say why."""

from __future__ import annotations

import json
import math
import subprocess
import sys

import numpy as np
import pytest
import torch

from core import landscape as ls
from core.config import ConfigError, RunConfig, budget_unchecked, preset
from core.data import make_splits
from core.models import build_model
from core.probes import data_loss, model_from_state
from core.training import evaluate, train

BOOK = RunConfig(epochs=300)                       # the book's 2-5-1 setting, shorter
BN_CROSSES = RunConfig(epochs=120, hidden=(4, 3), activation="relu", batch_norm=True, batch_size=128,
                       features=("x1", "x2", "x1sq", "x1x2"), dataset="circles", seed=3)


@pytest.fixture(scope="module")
def book():
    return train(BOOK)


@pytest.fixture(scope="module")
def bn_crosses():
    return train(BN_CROSSES)


def model_loss(config: RunConfig, state: dict, X: torch.Tensor, y: torch.Tensor) -> tuple[float, float]:
    """(loss, accuracy) of the network itself (eval mode) with these parameters and buffers."""
    model = model_from_state(config, state)
    with torch.no_grad():
        logits = model(X)
    return float(data_loss(logits, y)), int(((logits >= 0).float() == y).sum()) / len(y)


def state_at(result, theta: torch.Tensor) -> dict:
    """The run's best state_dict (buffers included) with the flat parameters theta put in."""
    layout = ls.layout_of(build_model(result.config))
    state = {k: v.clone() for k, v in result.state_dict.items()}
    for name, shape, start in zip(layout.names, layout.shapes, layout.offsets):
        state[name] = theta[start:start + math.prod(shape)].view(shape).clone()
    return state


# --------------------------------------------------------------------------- the loss itself
@pytest.mark.parametrize("name", ["book", "bn_crosses"])
def test_slice_centre_is_the_train_loss_at_theta_star(name, request):
    result = request.getfixturevalue(name)
    data = make_splits(result.config)
    view = ls.random_slice(result, grid=11, span=0.5)
    centre = view.surface[(view.surface["a"] == 0) & (view.surface["b"] == 0)]
    assert len(centre) == 1
    loss, acc = model_loss(result.config, result.state_dict, data.X_train, data.y_train)
    assert float(centre["loss"].iloc[0]) == pytest.approx(loss, rel=1e-6)
    assert float(centre["accuracy"].iloc[0]) == acc
    best = view.marks[view.marks["what"] == "best"]
    assert float(best["loss"].iloc[0]) == float(centre["loss"].iloc[0])


def test_the_landscape_loss_is_the_runs_own_numbers(book):
    """theta* is theta_{best_epoch + 1}: the history's train row of that epoch and dev row of best_epoch."""
    line = ls.interpolation(book)
    at_best = line[line["alpha"] == 1.0].set_index("split")
    row, dev_row = book.history.iloc[book.best_epoch + 1], book.history.iloc[book.best_epoch]
    assert at_best.loc["train", "loss"] == pytest.approx(row["train_loss"], rel=1e-6)
    assert at_best.loc["train", "accuracy"] == pytest.approx(row["train_acc"], abs=1e-9)
    assert at_best.loc["dev", "loss"] == pytest.approx(dev_row["dev_loss"], rel=1e-6)
    assert at_best.loc["dev", "accuracy"] == pytest.approx(book.best_dev_acc, abs=1e-9)


def test_interpolation_ends_are_theta_0_and_theta_star(book):
    data = make_splits(BOOK)
    line = ls.interpolation(book)
    assert len(line) == 2 * ls.LINE_POINTS and line["alpha"].min() == -0.5 and line["alpha"].max() == 1.5
    theta0 = book.replay_params[0, : ls.layout_of(build_model(BOOK)).size]
    for alpha, state in ((0.0, state_at(book, theta0)), (1.0, book.state_dict)):
        for split, X, y in (("train", data.X_train, data.y_train), ("dev", data.X_dev, data.y_dev)):
            row = line[(line["alpha"] == alpha) & (line["split"] == split)]
            loss, acc = model_loss(BOOK, state, X, y)
            assert float(row["loss"].iloc[0]) == pytest.approx(loss, rel=1e-6), (alpha, split)
            assert float(row["accuracy"].iloc[0]) == acc
    train_line = line[line["split"] == "train"]
    assert float(train_line["loss"].iloc[-1]) < float(train_line["loss"].iloc[0])   # downhill from theta_0 on


def test_scores_is_the_book_loss_and_accuracy():
    generator = torch.Generator().manual_seed(0)
    logits = 3 * torch.randn(4, 1, 50, generator=generator)
    y = (torch.rand(50, generator=generator) > 0.5).float()
    loss, acc = ls.scores(logits, y)
    for p in range(4):
        assert float(loss[p]) == pytest.approx(float(data_loss(logits[p, 0], y)), rel=1e-6)
        assert float(acc[p]) == int(((logits[p, 0] >= 0).float() == y).sum()) / 50


# --------------------------------------------------------------------------- directions and planes
def test_filter_normalized_rows_have_the_norms_of_theta_star_rows(bn_crosses):
    layout = ls.layout_of(build_model(BN_CROSSES))
    theta = ls.flat_params(bn_crosses.state_dict, layout)
    direction = ls.filter_normalized(theta, layout, torch.Generator().manual_seed(5))
    assert any(n.startswith("bn") for n in layout.names)
    for name, shape, start in zip(layout.names, layout.shapes, layout.offsets):
        d = direction[start:start + math.prod(shape)].view(shape)
        if ls.is_filter(name, shape):
            w = theta[start:start + math.prod(shape)].view(shape)
            torch.testing.assert_close(d.norm(dim=1), w.norm(dim=1), rtol=1e-5, atol=1e-7)
            assert not torch.equal(d, w)                                 # a direction, not theta itself
        else:                                                            # biases, batch-norm scale and shift
            assert torch.count_nonzero(d) == 0, name


def test_a_slice_is_seeded_by_the_runs_seed(book):
    first, again = ls.random_slice(book, grid=5), ls.random_slice(book, grid=5)
    assert torch.equal(first.u, again.u) and torch.equal(first.v, again.v)
    other = train(BOOK.replace(seed=1, epochs=5))
    assert not torch.allclose(ls.random_slice(other, grid=5).u.abs().sum(), first.u.abs().sum())


def test_pca_directions_are_orthonormal_and_explain_at_most_everything(book):
    view = ls.training_path(book, grid=9)
    u, v = view.u.double(), view.v.double()
    assert float(u @ u) == pytest.approx(1, abs=1e-6) and float(v @ v) == pytest.approx(1, abs=1e-6)
    assert abs(float(u @ v)) < 1e-6
    r1, r2 = view.explained
    assert 0 <= r2 <= r1 <= 1 and r1 + r2 <= 1 + 1e-12
    assert r1 > 0.5                                     # a full-batch SGD path is nearly a line
    path = view.paths
    assert list(path["epoch"]) == list(book.replay_epochs) and path["epoch"].iloc[0] == 0
    line = ls.interpolation(book)
    start = line[(line["alpha"] == 0.0) & (line["split"] == "train")]["loss"].iloc[0]
    assert path["loss"].iloc[0] == pytest.approx(start, rel=1e-6)      # the path's own loss at theta_0
    assert view.surface["a"].min() <= path["a"].min() and view.surface["a"].max() >= path["a"].max()
    assert view.surface["b"].min() <= min(0, path["b"].min()) and view.surface["b"].max() >= path["b"].max()


def test_pca_of_a_straight_path_is_one_direction():
    direction = torch.tensor([3.0, 4.0, 0.0])
    points = torch.stack([t * direction for t in (0.0, 1.0, 2.5, 4.0)])
    u, v, (r1, r2) = ls.pca_directions(points)
    torch.testing.assert_close(u.abs().float(), direction.abs() / 5)
    assert r1 == pytest.approx(1.0) and r2 == pytest.approx(0.0, abs=1e-12)
    assert abs(float(u @ v)) < 1e-12 and float(v @ v) == pytest.approx(1.0)


@pytest.mark.parametrize("name", ["book", "bn_crosses"])
def test_the_batched_grid_equals_a_loop_over_grid_points(name, request):
    result = request.getfixturevalue(name)
    data = make_splits(result.config)
    view = ls.random_slice(result, grid=7, span=1.5)
    surface = view.surface
    for i in (0, 3, 10, 24, 48):                        # corners, edges and the centre of the 7 x 7 grid
        a, b = float(surface["a"].iloc[i]), float(surface["b"].iloc[i])
        theta = view.origin + a * view.u + b * view.v
        loss, acc = model_loss(result.config, state_at(result, theta), data.X_train, data.y_train)
        assert float(surface["loss"].iloc[i]) == pytest.approx(loss, rel=2e-5), (a, b)
        assert float(surface["accuracy"].iloc[i]) == pytest.approx(acc, abs=1.5 / len(data.y_train)), (a, b)


def test_small_chunks_give_the_same_surface(book, monkeypatch):
    whole = ls.random_slice(book, grid=9)
    monkeypatch.setattr(ls, "MAX_BUFFER", 640 * 5 * 7)          # 7 points per chunk
    chunked = ls.random_slice(book, grid=9)
    np.testing.assert_allclose(chunked.surface["loss"], whole.surface["loss"], rtol=1e-6)


# --------------------------------------------------------------------------- optimizers racing
def test_every_optimizer_starts_from_the_same_theta_0():
    config = BOOK.replace(epochs=60)
    configs = ls.race_configs(config, {name: racer.lr for name, racer in ls.RACERS.items()})
    assert {c.optimizer for c in configs.values()} == {"sgd", "adam", "rmsprop"}
    assert configs["nesterov"].nesterov and configs["momentum"].momentum == 0.9 and not configs["momentum"].nesterov
    results = {name: train(c) for name, c in configs.items()}
    first = next(iter(results.values())).replay_params[0]
    for r in results.values():
        assert torch.equal(r.replay_params[0], first)
    view = ls.race(results, grid=9)
    starts = view.paths[view.paths["epoch"] == 0]
    assert sorted(starts["run"]) == sorted(configs)
    assert np.allclose(starts[["a", "b"]].to_numpy(), 0.0)
    assert starts["loss"].nunique() == 1
    ends = view.paths.groupby("run").tail(1).set_index("run")
    assert len({(round(a, 4), round(b, 4)) for a, b in zip(ends["a"], ends["b"])}) == len(configs)   # they part
    assert set(view.marks[view.marks["what"] == "best"]["run"]) == set(configs)
    r1, r2 = view.explained
    assert 0 <= r2 <= r1 and r1 + r2 <= 1 + 1e-12

    results["seed"] = train(config.replace(seed=7))
    with pytest.raises(ValueError, match="same theta_0"):
        ls.race(results, grid=5)


def test_bad_racers_are_refused():
    with pytest.raises(ConfigError, match="at least one optimizer"):
        ls.race_configs(BOOK, {})
    with pytest.raises(ConfigError, match="unknown optimizer"):
        ls.race_configs(BOOK, {"lbfgs": 0.1})
    with pytest.raises(ConfigError, match="lr"):
        ls.race_configs(BOOK, {"adam": -1.0})
    with pytest.raises(ConfigError, match="together"):
        ls.race_configs(RunConfig(hidden=(64, 64), epochs=20_000), {name: r.lr for name, r in ls.RACERS.items()})


# --------------------------------------------------------------------------- validation and the budget
@pytest.mark.parametrize("grid, reason", [(40, "even"), (3, "outside"), (103, "outside"), ("abc", "not an integer"),
                                          (7.5, "not an integer"), (None, "not an integer")])
def test_bad_grid_sizes_say_why(grid, reason):
    with pytest.raises(ConfigError) as err:
        ls.check_grid(grid)
    assert reason in str(err.value) and "odd integer in [5, 101]" in str(err.value)
    assert "奇数" in err.value.message("zh")


@pytest.mark.parametrize("span", [0, -1, 0.001, 11, float("nan"), float("inf"), "wide"])
def test_bad_spans_say_why(span):
    with pytest.raises(ConfigError) as err:
        ls.check_span(span)
    assert "[0.01, 10]" in str(err.value) and "span" in str(err.value)
    assert "span" in err.value.message("zh")


def test_good_values_pass():
    assert ls.check_grid(41) == 41 and ls.check_grid("21") == 21 and ls.check_span("0.5") == 0.5


def test_landscapes_are_held_to_a_time_budget():
    with budget_unchecked():
        big = RunConfig(hidden=(64,) * 8, n_samples=20_000, train_frac=0.9, dev_frac=0.05)
    assert ls.estimate_seconds(big, 41 * 41, 18_000) > ls.MAX_SECONDS
    with pytest.raises(ConfigError) as err:
        ls.check_budget(big, 41 * 41, 18_000)
    assert "smaller grid" in str(err.value) and "更小的网格" in err.value.message("zh")
    assert ls.check_budget(BOOK, 41 * 41, 640) < 1.0          # the book's slice is far inside it


def test_bad_slice_arguments_are_refused_before_any_work(book):
    with pytest.raises(ConfigError, match="even"):
        ls.random_slice(book, grid=20)
    with pytest.raises(ConfigError, match="span"):
        ls.random_slice(book, span=0)


# --------------------------------------------------------------------------- contour lines
def test_contours_of_a_bowl_are_circles():
    axis = ls.axis_values(-2, 2, 41)
    a, b = np.meshgrid(axis, axis)
    values = a ** 2 + b ** 2
    levels = np.array([0.5, 1.0, 2.0])
    segments = ls.contour_segments(values, axis, axis, levels)
    for level in levels:
        part = segments[segments["level"] == level]
        radius = np.hypot(np.r_[part["a"], part["a2"]], np.r_[part["b"], part["b2"]])
        assert len(part) > 8 and np.allclose(radius, math.sqrt(level), atol=0.01), level
    assert len(ls.contour_segments(np.ones((5, 5)), axis[:5], axis[:5], levels)) == 0


def test_contour_levels_are_log_spaced_inside_the_values():
    levels = ls.contour_levels(np.array([[0.01, 1.0], [10.0, np.nan]]), 3)
    assert len(levels) == 3 and 0.01 < levels[0] < levels[-1] < 10
    assert np.allclose(np.diff(np.log(levels)), np.diff(np.log(levels))[0])


# --------------------------------------------------------------------------- the command line
def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "core", "landscape", *args], capture_output=True, text=True,
                          timeout=300)


def test_cli_json_slice_and_line():
    out = run_cli("--epochs", "200", "--kind", "slice", "--grid", "9", "--span", "0.5", "--json")
    assert out.returncode == 0, out.stderr
    summary = json.loads(out.stdout)
    assert summary["kind"] == "slice" and summary["grid"] == 9 and summary["span"] == 0.5
    assert len(summary["a"]) == 9 and len(summary["loss"]) == 9 and len(summary["loss"][0]) == 9
    assert summary["a"][4] == 0.0 and summary["a"][0] == -0.5
    marks = {m["what"]: m for m in summary["marks"]}
    assert marks["best"]["loss"] == summary["loss"][4][4]
    line = json.loads(run_cli("--epochs", "200", "--kind", "line", "--json").stdout)
    at_best = next(p for p in line["points"] if p["alpha"] == 1.0 and p["split"] == "train")
    assert at_best["loss"] == pytest.approx(marks["best"]["loss"], rel=1e-6)


def test_cli_json_path_and_race():
    path = json.loads(run_cli("--epochs", "100", "--kind", "path", "--grid", "7", "--json").stdout)
    assert path["paths"][0]["epoch"] == 0 and sum(path["explained"]) <= 1 + 1e-12
    out = run_cli("--epochs", "60", "--kind", "race", "--racers", "sgd,adam:0.05", "--grid", "7", "--json")
    assert out.returncode == 0, out.stderr
    race = json.loads(out.stdout)
    assert set(race["racers"]) == {"sgd", "adam"} and race["racers"]["adam"]["lr"] == "0.05"
    assert {p["run"] for p in race["paths"]} == {"sgd", "adam"}


def test_cli_bad_values_exit_2_with_a_message():
    for args, text in ((["--grid", "40"], "even"), (["--span", "0"], "span"), (["--racers", "foo", "--kind", "race"],
                                                                                "unknown optimizer")):
        out = run_cli("--epochs", "10", *args)
        assert out.returncode == 2, args
        assert text in out.stderr and "Traceback" not in out.stderr


@pytest.mark.parametrize("config", [RunConfig(dataset="spiral", n_classes=3, epochs=200),
                                    RunConfig(dataset="reg_plane", activation="tanh", epochs=200),
                                    preset("book_iris").replace(epochs=30)], ids=["spiral3", "regression", "iris"])
def test_every_task_has_its_own_loss_on_the_surface(config):
    """K classes: softmax cross-entropy and argmax accuracy; regression: MSE and R²; Iris's four inputs."""
    result = train(config)
    splits = make_splits(config)
    model = result.model_at(config.epochs)
    model.load_state_dict(result.state_dict)
    loss, acc = evaluate(model, splits.X_train, splits.y_train, result.task)
    centre = ls.random_slice(result, grid=5).surface.query("a == 0 and b == 0").iloc[0]
    assert math.isclose(centre["loss"], loss, rel_tol=1e-5)
    assert math.isclose(centre["accuracy"], acc, rel_tol=1e-5, abs_tol=1e-9)
