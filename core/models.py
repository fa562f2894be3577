"""The MLP of chapter 4: fc1..fcK linear layers, one hidden activation, then the output layer.

The model returns logits: one for a binary task (the loss is binary cross-entropy on sigmoid(logits),
computed stably as ``binary_cross_entropy_with_logits``), K for K classes (softmax + cross-entropy), one
linear output for regression (core.tasks). Initialization lives in
``reset_parameters`` and draws only from the generator it is given. Activations, init schemes and
input features are rows of ``core.choices``.

The model takes the raw points [N, 2] everywhere (training, the boundary grid, probes) and computes
its input features itself (RunConfig.features, TensorFlow Playground's inputs); with the default
features (x1, x2) the points go in untouched.
"""

from __future__ import annotations

import os
from collections.abc import Callable

import torch
import torch.nn.functional as F
from torch import nn
from torch.nn.utils import skip_init

from . import choices
from .config import RunConfig

# One fixed, small thread count for the whole process: many app sessions share a small server.
torch.set_num_threads(max(1, int(os.environ.get("NN_TORCH_THREADS", "1"))))


def activation_fn(name: str, leaky_slope: float = 0.01) -> Callable[[torch.Tensor], torch.Tensor]:
    """The hidden-layer activation for a spec name, as a plain function (its row of core.choices)."""
    return choices.activation(name).forward(torch, leaky_slope)


class MLP(nn.Module):
    """features -> hidden... -> outputs perceptron; layers are attributes fc1..fcK (K = len(hidden) + 1).

    Inputs are points [N, 2]; the input layer has one unit per name in `features` (core.choices.FEATURE_TABLE),
    computed from the points in forward(), forward_hidden() and forward_columns(). Data with more columns
    (Iris: `n_inputs` = 4) goes in as it is, with the default features.
    """

    def __init__(self, hidden: tuple[int, ...] = (5,), activation: str = "sigmoid",
                 leaky_slope: float = 0.01, batch_norm: bool = False,
                 features: tuple[str, ...] = choices.RAW_FEATURES, n_inputs: int = 2, n_outputs: int = 1):
        super().__init__()
        self.hidden = tuple(hidden)
        self.activation = activation
        self.leaky_slope = leaky_slope
        self.features = tuple(features)
        for name in self.features:
            choices.feature(name)                   # ValueError for an unknown name
        self.expands = self.features != choices.RAW_FEATURES    # False: the points are the inputs, nothing runs
        self._columns: tuple | None = None          # (points [2, N], their version, features [F, N]): see below
        if n_inputs != 2 and self.expands:
            raise ValueError("feature crosses need 2-D points")
        self.n_outputs = n_outputs
        sizes = (n_inputs if not self.expands else len(self.features), *self.hidden, n_outputs)
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

    def inputs(self, x: torch.Tensor) -> torch.Tensor:
        """The input layer's values [N, len(features)] for points [N, 2] (the points themselves by default)."""
        return choices.expand_features(torch, x, self.features) if self.expands else x

    def input_columns(self, xt: torch.Tensor) -> torch.Tensor:
        """Feature-major inputs [len(features), N] for points [2, N] (the points themselves by default).

        The training loop passes the same [2, N] tensor every epoch: its features are computed once and
        kept while that tensor is unchanged (same object, same version counter)."""
        if not self.expands:
            return xt
        cached = self._columns
        if (cached is not None and cached[0] is xt and not xt.requires_grad and not xt.is_inference()
                and cached[1] == xt._version):
            return cached[2]
        out = choices.expand_columns(torch, xt, self.features)
        if not xt.requires_grad and not xt.is_inference():
            self._columns = (xt, xt._version, out)
        return out

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Logits [N, outputs] for points [N, 2]."""
        return self.forward_hidden(x)[-1]

    def forward_hidden(self, x: torch.Tensor) -> list[torch.Tensor]:
        """Outputs of each hidden activation, then the logits as the last entry (for points [N, 2])."""
        if self.expands:
            x = choices.expand_features(torch, x, self.features)
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
        """Logits [outputs, N] for feature-major points [2, N]; no batch norm.

        Same function as forward(); on CPU, W @ X^T is ~3x faster than X @ W^T for these skinny
        shapes, which is what the training loop's fast path is made of.
        """
        if self.expands:
            xt = self.input_columns(xt)
        for k in range(1, self.n_linear + 1):
            fc = getattr(self, f"fc{k}")
            xt = torch.addmm(fc.bias.unsqueeze(1), fc.weight, xt)
            if k < self.n_linear:
                xt = self.act(xt)
        return xt

    def extra_repr(self) -> str:
        extra = f", features={','.join(self.features)}" if self.expands else ""
        return f"activation={self.activation}{extra}"

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
    """Fill a weight [out, in] in place with one of the spec's schemes (core.choices.INIT_TABLE); returns it.

    He init uses the activation's nonlinearity (and Leaky ReLU's slope as its a).
    """
    row = choices.initializer(scheme)
    params = choices.InitParams(mean, std, low, high, value,
                                 *choices.activation(activation).kaiming_args(leaky_slope))
    return row.fill(torch, w, generator, params)


def theoretical_std(scheme: str, fan_in: int, fan_out: int, *, std: float = 1.0, low: float = -1.0,
                    high: float = 1.0, activation: str = "relu", leaky_slope: float = 0.01) -> float:
    """Std of the distribution a scheme draws from for a [fan_out, fan_in] weight (0 for constants)."""
    row = choices.initializer(scheme)
    _, a = choices.activation(activation).kaiming_args(leaky_slope)
    params = choices.InitParams(std=std, low=low, high=high, a=a)
    return row.std(fan_in, fan_out, params)


def build_model(config: RunConfig, generator: torch.Generator | None = None, n_outputs: int | None = None) -> MLP:
    """The initialized MLP a config describes; weights drawn from `generator` (default: seeded by config.seed).
    `n_outputs` overrides the config's output width (data whose labels ask for another task: an upload)."""
    if generator is None:
        generator = torch.Generator().manual_seed(config.seed)
    model = MLP(config.hidden, config.activation, config.leaky_slope, config.batch_norm, config.features,
                n_inputs=config.n_inputs if config.features == choices.RAW_FEATURES else 2,
                n_outputs=config.layer_sizes[-1] if n_outputs is None else n_outputs)
    model.reset_parameters(config.weight_init, generator, mean=config.weight_mean, std=config.weight_std,
                           low=config.weight_low, high=config.weight_high, value=config.weight_value,
                           bias=config.bias_init)
    return model
