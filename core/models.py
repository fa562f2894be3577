"""The MLP of chapter 4: fc1..fcK linear layers, one hidden activation, a sigmoid output unit.

The model returns logits (pre-sigmoid); the loss is binary cross-entropy on sigmoid(logits),
computed stably as ``binary_cross_entropy_with_logits``. Initialization lives in
``reset_parameters`` and draws only from the generator it is given.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable
from functools import partial

import torch
import torch.nn.functional as F
from torch import nn
from torch.nn.utils import skip_init

from .config import RunConfig

# One fixed, small thread count for the whole process: many app sessions share a small server.
torch.set_num_threads(max(1, int(os.environ.get("NN_TORCH_THREADS", "1"))))


def activation_fn(name: str, leaky_slope: float = 0.01) -> Callable[[torch.Tensor], torch.Tensor]:
    """The hidden-layer activation for a spec name, as a plain function."""
    if name == "leaky_relu":
        return partial(F.leaky_relu, negative_slope=leaky_slope)
    functions = {"sigmoid": torch.sigmoid, "tanh": torch.tanh, "relu": torch.relu, "elu": F.elu,
                 "gelu": F.gelu, "identity": _identity}
    if name not in functions:
        raise ValueError(f"unknown activation {name!r}")
    return functions[name]


def _identity(x: torch.Tensor) -> torch.Tensor:
    return x


class MLP(nn.Module):
    """2 -> hidden... -> 1 perceptron; layers are attributes fc1..fcK (K = len(hidden) + 1)."""

    def __init__(self, hidden: tuple[int, ...] = (5,), activation: str = "sigmoid",
                 leaky_slope: float = 0.01, batch_norm: bool = False, in_features: int = 2):
        super().__init__()
        self.hidden = tuple(hidden)
        self.activation = activation
        self.leaky_slope = leaky_slope
        sizes = (in_features, *self.hidden, 1)
        self.n_linear = len(sizes) - 1
        for k in range(self.n_linear):
            # skip_init: no draw from torch's global RNG; reset_parameters fills the weights
            setattr(self, f"fc{k + 1}", skip_init(nn.Linear, sizes[k], sizes[k + 1]))
        if batch_norm:
            for k in range(len(self.hidden)):
                setattr(self, f"bn{k + 1}", nn.BatchNorm1d(self.hidden[k]))
        self.batch_norm = batch_norm
        self.act = activation_fn(activation, leaky_slope)

    def linears(self) -> list[nn.Linear]:
        return [getattr(self, f"fc{k + 1}") for k in range(self.n_linear)]

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Logits [N, 1] for inputs [N, 2]."""
        return self.forward_hidden(x)[-1]

    def forward_hidden(self, x: torch.Tensor) -> list[torch.Tensor]:
        """Outputs of each hidden activation, then the logits as the last entry."""
        outs = []
        for k in range(1, self.n_linear):
            fc = getattr(self, f"fc{k}")
            x = F.linear(x, fc.weight, fc.bias)   # functional calls: no module dispatch per layer
            if self.batch_norm:
                x = getattr(self, f"bn{k}")(x)
            x = self.act(x)
            outs.append(x)
        last = getattr(self, f"fc{self.n_linear}")
        outs.append(F.linear(x, last.weight, last.bias))
        return outs

    def forward_columns(self, xt: torch.Tensor) -> torch.Tensor:
        """Logits [1, N] for feature-major inputs [2, N]; no batch norm.

        Same function as forward(); on CPU, W @ X^T is ~3x faster than X @ W^T for these skinny
        shapes, which is what the training loop's fast path is made of.
        """
        for k in range(1, self.n_linear + 1):
            fc = getattr(self, f"fc{k}")
            xt = torch.addmm(fc.bias.unsqueeze(1), fc.weight, xt)
            if k < self.n_linear:
                xt = self.act(xt)
        return xt

    def extra_repr(self) -> str:
        return f"activation={self.activation}"

    @torch.no_grad()
    def reset_parameters(self, scheme: str, generator: torch.Generator, *, mean: float = 0.0, std: float = 1.0,
                         low: float = -1.0, high: float = 1.0, value: float = 0.0, bias: float = 0.0) -> None:
        """Initialize every fc weight with `scheme` and every fc bias to the constant `bias`."""
        for layer in self.linears():
            init_weight(layer.weight, scheme, generator, mean=mean, std=std, low=low, high=high, value=value,
                        activation=self.activation, leaky_slope=self.leaky_slope)
            nn.init.constant_(layer.bias, bias)


def init_weight(w: torch.Tensor, scheme: str, generator: torch.Generator, *, mean: float = 0.0, std: float = 1.0,
                low: float = -1.0, high: float = 1.0, value: float = 0.0, activation: str = "relu",
                leaky_slope: float = 0.01) -> torch.Tensor:
    """Fill a weight [out, in] in place with one of the spec's schemes (see config.INITS)."""
    init = nn.init
    if scheme == "zeros":
        return init.zeros_(w)
    if scheme == "constant":
        return init.constant_(w, value)
    if scheme == "normal":
        return init.normal_(w, mean, std, generator=generator)
    if scheme == "uniform":
        return init.uniform_(w, low, high, generator=generator)
    if scheme == "xavier_normal":
        return init.xavier_normal_(w, generator=generator)
    if scheme == "xavier_uniform":
        return init.xavier_uniform_(w, generator=generator)
    if scheme in ("kaiming_normal", "kaiming_uniform"):
        nonlinearity, a = ("leaky_relu", leaky_slope) if activation == "leaky_relu" else ("relu", 0.0)
        fn = init.kaiming_normal_ if scheme == "kaiming_normal" else init.kaiming_uniform_
        return fn(w, a=a, nonlinearity=nonlinearity, generator=generator)
    if scheme == "orthogonal":
        return init.orthogonal_(w, generator=generator)
    if scheme == "default":  # what nn.Linear does by itself, but from our generator
        return init.kaiming_uniform_(w, a=math.sqrt(5), generator=generator)
    raise ValueError(f"unknown init scheme {scheme!r}")


def theoretical_std(scheme: str, fan_in: int, fan_out: int, *, std: float = 1.0, low: float = -1.0,
                    high: float = 1.0, activation: str = "relu", leaky_slope: float = 0.01) -> float:
    """Std of the distribution a scheme draws from for a [fan_out, fan_in] weight (0 for constants)."""
    if scheme in ("zeros", "constant"):
        return 0.0
    if scheme == "normal":
        return std
    if scheme == "uniform":
        return (high - low) / math.sqrt(12)
    if scheme in ("xavier_normal", "xavier_uniform"):
        return math.sqrt(2.0 / (fan_in + fan_out))
    if scheme in ("kaiming_normal", "kaiming_uniform"):
        slope = leaky_slope if activation == "leaky_relu" else 0.0
        return math.sqrt(2.0 / (1 + slope**2)) / math.sqrt(fan_in)
    if scheme == "orthogonal":
        return 1.0 / math.sqrt(max(fan_in, fan_out))
    if scheme == "default":
        return 1.0 / math.sqrt(3 * fan_in)
    raise ValueError(f"unknown init scheme {scheme!r}")


def build_model(config: RunConfig, generator: torch.Generator | None = None) -> MLP:
    """The initialized MLP a config describes; weights drawn from `generator` (default: seeded by config.seed)."""
    if generator is None:
        generator = torch.Generator().manual_seed(config.seed)
    model = MLP(config.hidden, config.activation, config.leaky_slope, config.batch_norm)
    model.reset_parameters(config.weight_init, generator, mean=config.weight_mean, std=config.weight_std,
                           low=config.weight_low, high=config.weight_high, value=config.weight_value,
                           bias=config.bias_init)
    return model
