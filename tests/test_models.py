import math

import pytest
import torch

from core import RunConfig
from core.config import ACTIVATIONS, INITS
from core.models import MLP, build_model, init_weight, theoretical_std


def g(seed=0):
    return torch.Generator().manual_seed(seed)


def test_layers_are_named_fc1_to_fck():
    model = MLP((5, 3))
    assert [n for n, _ in model.named_parameters()] == [
        "fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias", "fc3.weight", "fc3.bias"]
    assert MLP(()).n_linear == 1
    assert MLP((64,) * 8).n_linear == 9


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_forward_shapes_and_column_layout_agree(activation):
    model = build_model(RunConfig(hidden=(4, 3), activation=activation, leaky_slope=0.1))
    x = torch.randn(50, 2, generator=g())
    out = model(x)
    assert out.shape == (50, 1)
    torch.testing.assert_close(model.forward_columns(x.t().contiguous()).t(), out, rtol=1e-5, atol=1e-6)


def test_batch_norm_layers_present():
    model = MLP((5, 3), batch_norm=True)
    assert hasattr(model, "bn1") and hasattr(model, "bn2") and not hasattr(model, "bn3")
    assert model(torch.randn(8, 2)).shape == (8, 1)


def test_zeros_constant_and_bias():
    model = build_model(RunConfig(weight_init="zeros", bias_init=-8.0))
    assert all(float(layer.weight.detach().abs().max()) == 0 for layer in model.linears())
    assert all(torch.all(layer.bias == -8.0) for layer in model.linears())
    model = build_model(RunConfig(weight_init="constant", weight_value=0.5))
    assert all(torch.all(layer.weight == 0.5) for layer in model.linears())


@pytest.mark.parametrize("scheme", ["normal", "uniform", "xavier_normal", "xavier_uniform",
                                    "kaiming_normal", "kaiming_uniform", "orthogonal", "default"])
def test_sample_std_matches_theory(scheme):
    w = torch.empty(400, 300)
    init_weight(w, scheme, g(1), std=0.5, low=-2.0, high=1.0)
    expected = theoretical_std(scheme, 300, 400, std=0.5, low=-2.0, high=1.0)
    assert abs(float(w.std()) - expected) / expected < 0.03


def test_uniform_xavier_and_he_bounds():
    w = torch.empty(200, 100)
    init_weight(w, "uniform", g(), low=-0.3, high=0.7)
    assert float(w.min()) >= -0.3 and float(w.max()) <= 0.7
    init_weight(w, "xavier_uniform", g())
    assert float(w.abs().max()) <= math.sqrt(6 / 300) + 1e-6
    init_weight(w, "kaiming_uniform", g())
    assert float(w.abs().max()) <= math.sqrt(6 / 100) + 1e-6
    init_weight(w, "orthogonal", g())
    torch.testing.assert_close(w.t() @ w, torch.eye(100), atol=1e-4, rtol=0)


def test_init_is_seeded_and_does_not_touch_global_rng():
    state = torch.get_rng_state()
    a = build_model(RunConfig(hidden=(8, 8), weight_init="kaiming_normal"))
    b = build_model(RunConfig(hidden=(8, 8), weight_init="kaiming_normal"))
    assert torch.equal(torch.get_rng_state(), state)
    for (_, p), (_, q) in zip(a.named_parameters(), b.named_parameters()):
        assert torch.equal(p, q)
    c = build_model(RunConfig(hidden=(8, 8), weight_init="kaiming_normal", seed=1))
    assert not torch.equal(a.fc1.weight, c.fc1.weight)


def test_every_scheme_is_known():
    for scheme in INITS:
        init_weight(torch.empty(3, 2), scheme, g())
