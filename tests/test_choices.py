import subprocess
import sys

import pytest
import torch

from core import choices
from core.config import ACTIVATIONS, DATASETS, FIELD_BY_NAME, INITS
from core.models import activation_fn


def test_the_spec_choices_are_the_tables_in_order():
    assert ACTIVATIONS == tuple(choices.ACTIVATION_TABLE) == FIELD_BY_NAME["activation"].choices
    assert INITS == tuple(choices.INIT_TABLE) == FIELD_BY_NAME["weight_init"].choices
    assert DATASETS == tuple(choices.DATASET_TABLE) == FIELD_BY_NAME["dataset"].choices
    for table in (choices.ACTIVATION_TABLE, choices.INIT_TABLE, choices.DATASET_TABLE):
        assert all(name == row.name and row.en and row.zh for name, row in table.items())
    assert all(row.short for row in choices.ACTIVATION_TABLE.values())


def test_reading_the_tables_does_not_import_torch():
    code = "import sys, core.config, core.choices; assert 'torch' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_unknown_names_raise():
    with pytest.raises(ValueError, match="swish"):
        choices.activation("swish")
    with pytest.raises(ValueError, match="unknown init scheme 'he'"):
        choices.initializer("he")


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_batched_kernels_are_the_torch_forward_and_autograds_backward(name):
    row, slope = choices.activation(name), 0.1
    h = torch.randn(3, 4, 50, generator=torch.Generator().manual_seed(0)) * 3
    h[0, 0, :5] = 0.0                                   # the kink, where the one-sided slope matters
    grad = torch.randn(3, 4, 50, generator=torch.Generator().manual_seed(1))
    out = torch.empty_like(h)
    row.forward_out(torch, h, out, slope)
    hg = h.clone().requires_grad_()
    a = activation_fn(name, slope)(hg)
    assert torch.equal(out, a.detach())
    (expected,) = torch.autograd.grad(a, hg, grad)
    assert torch.equal(row.backward(torch, grad, h, out, slope), expected)


def test_he_init_reads_the_activation():
    assert choices.activation("leaky_relu").kaiming_args(0.2) == ("leaky_relu", 0.2)
    assert choices.activation("tanh").kaiming_args(0.2) == ("relu", 0.0)
