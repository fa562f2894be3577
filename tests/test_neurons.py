"""core.neurons: every neuron's picture over the input plane, dead and identical units, the weights as frames."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from core.config import RunConfig, preset
from core.data import make_splits
from core.models import MLP, build_model
from core.neurons import NeuronPictures, grid_points, link_frame, neuron_grid, unit_marks
from core.probes import BOOK_EXTENT, dead_units, probability_grid, symmetric_units

HAS_FEATURES = "features" in RunConfig.__dataclass_fields__
needs_features = pytest.mark.skipif(not HAS_FEATURES, reason="RunConfig has no features field yet")


def model_of(**fields) -> tuple[MLP, RunConfig]:
    config = RunConfig(**fields)
    return build_model(config), config


@pytest.mark.parametrize("extent", [BOOK_EXTENT, (-2.0, 3.0, -1.0, 0.5)])
def test_output_is_probability_grid(extent):
    model, config = model_of(hidden=(6, 4), activation="tanh")
    pictures = neuron_grid(model, config.features, extent, n=40)
    assert isinstance(pictures, NeuronPictures)
    assert pictures.output.shape == (40, 40) and pictures.output.dtype == np.float32
    np.testing.assert_allclose(pictures.output, probability_grid(model, extent, resolution=40), atol=1e-6)
    assert pictures.extent == tuple(float(v) for v in extent)


def test_orientation_row_zero_is_the_top_column_zero_the_left():
    model, config = model_of(hidden=(3,), activation="relu")
    extent = (-2.0, 3.0, -1.0, 0.5)
    pictures = neuron_grid(model, config.features, extent, n=9)
    x1, x2 = pictures.inputs
    assert np.all(np.diff(x1, axis=1) > 0) and np.all(np.diff(x1, axis=0) == 0)     # x1 grows left -> right
    assert np.all(np.diff(x2, axis=0) < 0) and np.all(np.diff(x2, axis=1) == 0)     # x2 grows bottom -> top
    assert (x1[0, 0], x1[0, -1], x2[0, 0], x2[-1, 0]) == pytest.approx((-2.0, 3.0, 0.5, -1.0))
    # each pixel is the network at that point: the top-left corner is (x1 min, x2 max)
    corner = torch.tensor([[extent[0], extent[3]]])
    with torch.no_grad():
        hidden, logit = model.forward_hidden(corner)
    assert pictures.hidden[0][:, 0, 0] == pytest.approx(hidden[0].numpy(), abs=1e-6)
    assert pictures.output[0, 0] == pytest.approx(float(torch.sigmoid(logit)), abs=1e-6)
    assert grid_points(extent, 9).shape == (81, 2)


def test_one_picture_per_unit():
    model, config = model_of(hidden=(5, 3, 2), activation="sigmoid")
    pictures = neuron_grid(model, config.features, n=12)
    assert [h.shape for h in pictures.hidden] == [(5, 12, 12), (3, 12, 12), (2, 12, 12)]
    assert len(pictures.inputs) == 2 and all(p.shape == (12, 12) for p in pictures.inputs)
    assert pictures.layer_sizes == (2, 5, 3, 2, 1) and pictures.n == 12
    assert all(h.dtype == np.float32 for h in pictures.hidden)


@needs_features
def test_feature_pictures_and_expanded_model():
    features = ("x1", "x2", "x1sq", "x1x2", "sinx2")
    model, config = model_of(hidden=(4,), activation="tanh", features=features)
    pictures = neuron_grid(model, config.features, n=21)
    x1, x2, x1sq, x1x2, sinx2 = pictures.inputs
    np.testing.assert_allclose(x1sq, x1 * x1, rtol=1e-6)
    np.testing.assert_allclose(x1x2, x1 * x2, rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(sinx2, np.sin(x2), atol=1e-6)
    np.testing.assert_allclose(pictures.output, probability_grid(model, resolution=21), atol=1e-6)
    with pytest.raises(ValueError):
        neuron_grid(model, ("x1", "x2"))


def test_features_must_match_the_model():
    model, _ = model_of(hidden=(3,))
    with pytest.raises(ValueError):
        neuron_grid(model, ("x1", "x2", "x1sq"))


def test_zero_init_gives_identical_units():
    config = preset("zero_init")
    model = build_model(config)
    data = make_splits(config)
    pictures = neuron_grid(model, config.features, n=16)
    for layer in pictures.hidden:
        assert np.array_equal(layer, np.broadcast_to(layer[0], layer.shape))
    marks = unit_marks(model, data.X_train)
    assert list(marks.columns) == ["layer", "unit", "dead", "group", "group_size", "identical"]
    assert len(marks) == sum(config.hidden)
    for layer, part in marks.groupby("layer"):
        assert part["group"].nunique() == 1 and part["identical"].all()
        assert int(part["group_size"].iloc[0]) == symmetric_units(getattr(model, layer).weight)
    assert not marks["dead"].any()


def test_dead_relu_marks_every_hidden_unit_dead():
    config = preset("dead_relu")
    model = build_model(config)
    data = make_splits(config)
    marks = unit_marks(model, data.X_train)
    assert marks["dead"].all() and len(marks) == sum(config.hidden)
    assert list(marks.groupby("layer", sort=False)["dead"].sum()) == dead_units(model, data.X_train)
    pictures = neuron_grid(model, config.features, n=20)
    assert all(not layer.any() for layer in pictures.hidden)          # dead: exactly 0 everywhere
    assert not marks["identical"].any()          # N(0, 0.01^2) weights: distinct units, dead or not


@pytest.mark.parametrize("seed", range(4))
def test_dead_counts_agree_with_probes(seed):
    model, config = model_of(hidden=(8, 8), activation="relu", bias_init=-1.0, seed=seed)
    data = make_splits(config)
    marks = unit_marks(model.eval(), data.X_train)
    counts = [int(marks[marks["layer"] == f"fc{k + 1}"]["dead"].sum()) for k in range(2)]
    assert counts == dead_units(model, data.X_train)
    # dead means: its output is 0 on every training point, so its incoming weights get no gradient
    dead = marks[(marks["layer"] == "fc1") & marks["dead"]]["unit"].to_list()
    model.zero_grad()
    torch.nn.functional.binary_cross_entropy_with_logits(model(data.X_train), data.y_train).backward()
    assert all(float(model.fc1.weight.grad[u].abs().max()) == 0 for u in dead)


def test_identical_groups_use_the_probes_tolerance():
    model = MLP(hidden=(4,), activation="tanh")
    with torch.no_grad():
        model.fc1.weight.copy_(torch.tensor([[1.0, 2.0], [0.5, 0.5], [1.0, 2.0 + 1e-7], [0.5, 0.5]]))
        model.fc1.bias.copy_(torch.tensor([0.1, 0.2, 0.1, 0.3]))       # unit 3: same weights, other bias
        model.fc2.weight.fill_(1.0)
        model.fc2.bias.zero_()
    marks = unit_marks(model, torch.zeros(5, 2))
    assert marks["group"].tolist() == [0, 1, 0, 2]
    assert marks["identical"].tolist() == [True, False, True, False]
    assert marks["group_size"].tolist() == [2, 1, 2, 1]


def test_batch_norm_runs_in_eval_mode_and_restores_the_mode():
    model, config = model_of(hidden=(4, 3), activation="relu", batch_norm=True)
    data = make_splits(config)
    model.train()
    before = model.bn1.running_mean.clone()
    pictures = neuron_grid(model, config.features, n=8)
    unit_marks(model, data.X_train)
    assert model.training and torch.equal(model.bn1.running_mean, before)
    model.eval()
    np.testing.assert_allclose(pictures.output, probability_grid(model, resolution=8), atol=1e-6)


def test_no_global_random_state_is_touched():
    model, config = model_of(hidden=(4,), activation="relu")
    data = make_splits(config)
    state = torch.random.get_rng_state()
    neuron_grid(model, config.features, n=10)
    unit_marks(model, data.X_train)
    link_frame(model)
    assert torch.equal(state, torch.random.get_rng_state())


def test_link_frame_lists_every_weight_and_bias():
    model, _ = model_of(hidden=(3, 4))
    weights, biases = link_frame(model)
    assert list(weights.columns) == ["layer", "src", "dst", "weight"]
    assert list(biases.columns) == ["layer", "unit", "bias"]
    assert weights.groupby("layer").size().to_dict() == {"fc1": 6, "fc2": 12, "fc3": 4}
    assert biases.groupby("layer").size().to_dict() == {"fc1": 3, "fc2": 4, "fc3": 1}
    row = weights[(weights["layer"] == "fc2") & (weights["src"] == 2) & (weights["dst"] == 1)]
    assert float(row["weight"].iloc[0]) == pytest.approx(float(model.fc2.weight[1, 2].detach()))
    assert biases[(biases["layer"] == "fc3")]["bias"].iloc[0] == pytest.approx(float(model.fc3.bias[0].detach()))


# --------------------------------------------------------------------------- tasks beyond two classes
def _grid_logits(model: MLP, points: torch.Tensor) -> torch.Tensor:
    model.eval()
    with torch.no_grad():
        return model(points)


def test_k_classes_give_k_output_pictures_that_sum_to_one():
    from core.tasks import MULTICLASS, Task

    config = RunConfig(dataset="spiral", n_classes=3, hidden=(6,), activation="tanh")
    model = build_model(config)
    task = make_splits(config).task
    assert task == Task(MULTICLASS, 3)
    pictures = neuron_grid(model, config.features, n=20, task=task)
    assert pictures.output.shape == (3, 20, 20) and pictures.output.dtype == np.float32
    assert len(pictures.outputs) == 3 and pictures.layer_sizes == (2, 6, 3) and pictures.n == 20
    np.testing.assert_allclose(pictures.output.sum(axis=0), 1.0, atol=1e-6)       # a distribution at every pixel
    probs = torch.softmax(_grid_logits(model, grid_points(BOOK_EXTENT, 20)), dim=1).numpy()
    for k in range(3):                                                               # picture k is P(class k)
        np.testing.assert_allclose(pictures.output[k].reshape(-1), probs[:, k], atol=1e-6)


def test_regression_picture_is_the_models_output_itself():
    config = RunConfig(dataset="reg_plane", hidden=(5,), activation="tanh")
    model = build_model(config)
    task = make_splits(config).task
    assert task.kind == "regression"
    extent = (-3.0, 3.0, -2.0, 2.5)
    pictures = neuron_grid(model, config.features, extent, n=15, task=task)
    assert pictures.output.shape == (15, 15) and pictures.layer_sizes == (2, 5, 1)
    logits = _grid_logits(model, grid_points(extent, 15))[:, 0].numpy()
    np.testing.assert_allclose(pictures.output.reshape(-1), logits, atol=1e-6)       # no sigmoid: the value
    assert len(pictures.outputs) == 1 and pictures.outputs[0] is pictures.output


@pytest.mark.parametrize("view", ["pca", "f:2,3"])
def test_four_inputs_are_pictured_over_a_plane(view):
    from core.data import IRIS_FEATURES
    from core.probes import plane_extent
    from core.projection import plane_for

    config = RunConfig(dataset="iris", hidden=(6,), activation="sigmoid")
    model = build_model(config)
    data = make_splits(config)
    plane = plane_for(data, view)
    extent = plane_extent(data, plane)
    pictures = neuron_grid(model, IRIS_FEATURES, extent, n=12, task=data.task, plane=plane)
    assert pictures.layer_sizes == (4, 6, 3) and pictures.plane is plane
    assert len(pictures.inputs) == 4 and all(p.shape == (12, 12) for p in pictures.inputs)
    lifted = plane.lift(grid_points(extent, 12)).float()                             # the model's 4 inputs
    for i in range(4):                                                               # input i's value over the plane
        np.testing.assert_allclose(pictures.inputs[i].reshape(-1), lifted[:, i].numpy(), atol=1e-6)
    probs = torch.softmax(_grid_logits(model, lifted), dim=1).numpy()
    np.testing.assert_allclose(pictures.output.reshape(3, -1).T, probs, atol=1e-6)
    np.testing.assert_allclose(pictures.output.sum(axis=0), 1.0, atol=1e-6)
    if view == "f:2,3":            # petal length left -> right, petal width bottom -> top, the rest flat
        length, width = pictures.inputs[2], pictures.inputs[3]
        assert np.all(np.diff(length, axis=1) > 0) and np.all(np.diff(width, axis=0) < 0)
        mean = torch.cat([data.X_train, data.X_dev, data.X_test]).double().mean(dim=0)
        np.testing.assert_allclose(pictures.inputs[0], float(mean[0]), atol=1e-6)
    with pytest.raises(ValueError):
        neuron_grid(model, ("x1", "x2"), extent, n=4, task=data.task, plane=plane)   # 4 inputs need 4 names
