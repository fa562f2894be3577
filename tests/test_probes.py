import pytest
import torch

from core import RunConfig
from core.probes import first_step_gradients, symmetric_units

VANISH = dict(hidden=(3, 3, 3, 3), weight_std=0.01, bias_init=1.0, lr=0.01)


def weight_norms(table):
    w = table[table["param"] == "weight"].set_index("layer")["grad_l2"]
    return w


def test_table_columns_and_shapes():
    t = first_step_gradients(RunConfig(hidden=(5, 3)))
    assert list(t.columns) == ["layer", "param", "shape", "grad_l2", "grad_mean_abs", "grad_max_abs",
                               "dead_units", "vanishing", "exploding"]
    assert list(t["shape"]) == ["5×2", "5", "3×5", "3", "1×3", "1"]
    assert (t["grad_max_abs"] >= t["grad_mean_abs"]).all()


def test_sigmoid_gradients_vanish_towards_the_input():
    w = weight_norms(first_step_gradients(RunConfig(activation="sigmoid", **VANISH)))
    assert list(w.index) == ["fc1", "fc2", "fc3", "fc4", "fc5"]
    assert all(w.iloc[i] < w.iloc[i + 1] / 10 for i in range(4))   # orders of magnitude per layer
    assert w["fc1"] < 1e-8


def test_relu_keeps_far_more_gradient_than_sigmoid():
    sig = weight_norms(first_step_gradients(RunConfig(activation="sigmoid", **VANISH)))
    relu = weight_norms(first_step_gradients(RunConfig(activation="relu", **VANISH)))
    assert relu["fc1"] >= 100 * sig["fc1"]


def test_dead_relu_all_zero_weight_gradients_leaky_does_not():
    dead = first_step_gradients(RunConfig(activation="relu", **{**VANISH, "bias_init": -8.0}))
    assert (dead[dead["param"] == "weight"]["grad_l2"] == 0).all()
    assert (dead["dead_units"].dropna() == 3).all()
    leaky = first_step_gradients(RunConfig(activation="leaky_relu", **{**VANISH, "bias_init": -8.0}))
    assert (leaky[leaky["param"] == "weight"]["grad_l2"] > 0).all()
    assert (leaky["dead_units"].dropna() == 0).all()


def test_flags():
    t = first_step_gradients(RunConfig(activation="sigmoid", **VANISH))
    assert t.set_index(["layer", "param"]).loc[("fc1", "weight"), "vanishing"]
    big = first_step_gradients(RunConfig(hidden=(64, 64), activation="identity", weight_std=30.0))
    assert big["exploding"].any()


@pytest.mark.parametrize("rows, expected", [
    ([[0.0, 0.0]] * 5, 5),
    ([[1.0, 2.0], [1.0, 2.0], [3.0, 4.0]], 2),
    ([[1.0, 2.0], [2.0, 1.0]], 1),
    ([[1.0, 2.0], [1.0 + 1e-7, 2.0], [1.0, 2.1]], 2),
    ([[3e-10, 0.0], [-4e-10, 0.0], [1e-10, 0.0]], 3),        # all rounding noise around 0: one unit, thrice
    ([[3e-3, 0.0], [3e-3 + 1e-4, 0.0]], 1),                  # small but visibly different
])
def test_symmetric_units(rows, expected):
    assert symmetric_units(torch.tensor(rows)) == expected
