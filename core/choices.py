"""The choice tables: every activation, weight initializer, dataset and input feature the app offers, one row each.

A new choice is one row here, plus its op class in ``core.manual`` (activation) or its generator
in ``core.data`` (dataset), plus tests. Everything else reads the rows: ``core.config``'s choice
tuples, ``core.models`` (the torch forward, He init, every initializer), ``core.batched`` (its
kernels), ``ui.i18n`` (en/zh labels) and ``ui.gradient_runs`` (short names). An input feature is one row
here (its value from x1, x2) plus tests: the network expands the points itself (core.models.MLP).

Importing this module does not import torch: ``core.config`` reads the names while the app draws
its sidebar, before torch has loaded. The torch parts of a row are functions whose first argument
is the ``torch`` module, passed in by the engine that calls them.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from torch import Generator, Tensor


def _by_name(*rows: Any) -> dict[str, Any]:
    return {row.name: row for row in rows}


def _lookup(table: Mapping[str, Any], name: str, what: str) -> Any:
    if name not in table:
        raise ValueError(f"unknown {what} {name!r}")
    return table[name]


# =========================================================================== activations
@dataclass(frozen=True)
class Activation:
    """One hidden-layer activation; `slope` is RunConfig.leaky_slope (only Leaky ReLU reads it)."""

    name: str          # the spec value: RunConfig.activation, URL, CLI
    en: str            # choice label, English
    zh: str            # choice label, Chinese
    short: str         # display name on the Vanishing / Dead ReLU pages, the same in both languages (URL-bound)
    forward: Callable[[Any, float], Callable[[Tensor], Tensor]]        # (torch, slope) -> a = f(z) (core.models)
    forward_out: Callable[[Any, Tensor, Tensor, float], object]        # (torch, h, out, slope): out = f(h) in place
    backward: Callable[[Any, Tensor, Tensor, Tensor, float], Tensor]   # (torch, grad, h, a, slope) -> dL/dh
    kaiming: str = "relu"   # torch.nn.init nonlinearity of He init: "relu", or "leaky_relu" (its a = the slope)

    def kaiming_args(self, slope: float) -> tuple[str, float]:
        """(nonlinearity, a) for torch.nn.init.kaiming_normal_/kaiming_uniform_."""
        return self.kaiming, (slope if self.kaiming == "leaky_relu" else 0.0)


def _identity(x: Tensor) -> Tensor:
    return x


# forward_out and backward are the batched engine's (core.batched): the same forward kernels as `forward`,
# written into a preallocated buffer, and the backward kernels autograd itself uses (h pre-, a post-activation).
ACTIVATION_TABLE: dict[str, Activation] = _by_name(
    Activation("sigmoid", "sigmoid (logistic)", "Logistic（sigmoid）", "Sigmoid",
               forward=lambda torch, slope: torch.sigmoid,
               forward_out=lambda torch, h, out, slope: torch.sigmoid(h, out=out),
               backward=lambda torch, grad, h, a, slope: torch.ops.aten.sigmoid_backward(grad, a)),
    Activation("tanh", "tanh", "Tanh", "Tanh",
               forward=lambda torch, slope: torch.tanh,
               forward_out=lambda torch, h, out, slope: torch.tanh(h, out=out),
               backward=lambda torch, grad, h, a, slope: torch.ops.aten.tanh_backward(grad, a)),
    Activation("relu", "ReLU", "ReLU", "ReLU",
               forward=lambda torch, slope: torch.relu,
               forward_out=lambda torch, h, out, slope: torch.clamp_min(h, 0, out=out),   # what torch.relu is
               backward=lambda torch, grad, h, a, slope: torch.ops.aten.threshold_backward(grad, a, 0)),
    Activation("leaky_relu", "Leaky ReLU", "Leaky ReLU", "Leaky ReLU", kaiming="leaky_relu",
               forward=lambda torch, slope: partial(torch.nn.functional.leaky_relu, negative_slope=slope),
               forward_out=lambda torch, h, out, slope: torch._C._nn.leaky_relu(h, slope, out=out),
               backward=lambda torch, grad, h, a, slope: torch.ops.aten.leaky_relu_backward(grad, h, slope, False)),
    Activation("elu", "ELU", "ELU", "ELU",
               forward=lambda torch, slope: torch.nn.functional.elu,
               forward_out=lambda torch, h, out, slope: torch._C._nn.elu(h, 1.0, 1.0, 1.0, out=out),
               backward=lambda torch, grad, h, a, slope: torch.ops.aten.elu_backward(grad, 1.0, 1.0, 1.0, False, h)),
    Activation("gelu", "GELU", "GELU", "GELU",
               forward=lambda torch, slope: torch.nn.functional.gelu,
               forward_out=lambda torch, h, out, slope: torch._C._nn.gelu(h, out=out),
               backward=lambda torch, grad, h, a, slope: torch.ops.aten.gelu_backward(grad, h)),
    Activation("identity", "identity (linear)", "恒等（线性）", "Identity",
               forward=lambda torch, slope: _identity,
               forward_out=lambda torch, h, out, slope: out.copy_(h),
               backward=lambda torch, grad, h, a, slope: grad),
)


def activation(name: str) -> Activation:
    """The row of an activation name; ValueError for an unknown one."""
    return _lookup(ACTIVATION_TABLE, name, "activation")


# =========================================================================== weight initializers
@dataclass(frozen=True)
class InitParams:
    """What a scheme may read: RunConfig's weight_mean/std/low/high/value and He init's (nonlinearity, a)."""

    mean: float = 0.0
    std: float = 1.0
    low: float = -1.0
    high: float = 1.0
    value: float = 0.0
    nonlinearity: str = "relu"
    a: float = 0.0


@dataclass(frozen=True)
class Initializer:
    """One weight-initialization scheme (torch.nn.init) for a weight [fan_out, fan_in]."""

    name: str          # the spec value: RunConfig.weight_init
    en: str            # choice label, English
    zh: str            # choice label, Chinese
    fill: Callable[[Any, Tensor, Generator, InitParams], Tensor]   # (torch, w, generator, p): fills w in place
    std: Callable[[int, int, InitParams], float]   # (fan_in, fan_out, p) -> std it draws from (0 for constants)


def _xavier_std(fan_in: int, fan_out: int, p: InitParams) -> float:
    return math.sqrt(2.0 / (fan_in + fan_out))


def _kaiming_std(fan_in: int, fan_out: int, p: InitParams) -> float:
    return math.sqrt(2.0 / (1 + p.a**2)) / math.sqrt(fan_in)     # gain of "relu" (a = 0) and "leaky_relu"


INIT_TABLE: dict[str, Initializer] = _by_name(
    Initializer("normal", "normal N(mean, std)", "正态分布（高斯）",
                fill=lambda torch, w, g, p: torch.nn.init.normal_(w, p.mean, p.std, generator=g),
                std=lambda fan_in, fan_out, p: p.std),
    Initializer("uniform", "uniform U(low, high)", "均匀分布",
                fill=lambda torch, w, g, p: torch.nn.init.uniform_(w, p.low, p.high, generator=g),
                std=lambda fan_in, fan_out, p: (p.high - p.low) / math.sqrt(12)),
    Initializer("zeros", "zeros", "全零初始化",
                fill=lambda torch, w, g, p: torch.nn.init.zeros_(w),
                std=lambda fan_in, fan_out, p: 0.0),
    Initializer("constant", "constant", "常数初始化",
                fill=lambda torch, w, g, p: torch.nn.init.constant_(w, p.value),
                std=lambda fan_in, fan_out, p: 0.0),
    Initializer("xavier_normal", "Xavier normal", "Xavier 正态",
                fill=lambda torch, w, g, p: torch.nn.init.xavier_normal_(w, generator=g),
                std=_xavier_std),
    Initializer("xavier_uniform", "Xavier uniform", "Xavier 均匀",
                fill=lambda torch, w, g, p: torch.nn.init.xavier_uniform_(w, generator=g),
                std=_xavier_std),
    Initializer("kaiming_normal", "He (Kaiming) normal", "He（Kaiming）正态",
                fill=lambda torch, w, g, p: torch.nn.init.kaiming_normal_(w, a=p.a, nonlinearity=p.nonlinearity,
                                                                          generator=g),
                std=_kaiming_std),
    Initializer("kaiming_uniform", "He (Kaiming) uniform", "He（Kaiming）均匀",
                fill=lambda torch, w, g, p: torch.nn.init.kaiming_uniform_(w, a=p.a, nonlinearity=p.nonlinearity,
                                                                           generator=g),
                std=_kaiming_std),
    Initializer("orthogonal", "orthogonal", "正交初始化",
                fill=lambda torch, w, g, p: torch.nn.init.orthogonal_(w, generator=g),
                std=lambda fan_in, fan_out, p: 1.0 / math.sqrt(max(fan_in, fan_out))),
    Initializer("default", "PyTorch default", "PyTorch 默认",   # what nn.Linear does by itself, from our generator
                fill=lambda torch, w, g, p: torch.nn.init.kaiming_uniform_(w, a=math.sqrt(5), generator=g),
                std=lambda fan_in, fan_out, p: 1.0 / math.sqrt(3 * fan_in)),
)


def initializer(name: str) -> Initializer:
    """The row of an init scheme name; ValueError for an unknown one."""
    return _lookup(INIT_TABLE, name, "init scheme")


# =========================================================================== datasets
@dataclass(frozen=True)
class Dataset:
    """One dataset; its generator is core.data.DATASETS[name]. What it asks of the network (the task) follows
    from its labels (core.tasks): `kind` says which, so the config can size the output layer without data."""

    name: str          # the spec value: RunConfig.dataset
    en: str            # choice label, English
    zh: str            # choice label, Chinese
    kind: str = "binary"        # "binary", "classes" (RunConfig.n_classes classes), "multiclass", "regression"
    classes: int = 2            # of a "multiclass" dataset (a fixed table)
    inputs: int = 2             # columns of a point; 2-D data can take feature crosses (FEATURE_TABLE)
    rows: int = 0               # a fixed table's size (RunConfig.n_samples and noise are ignored); 0: n_samples points
    input_names: tuple[str, ...] = ()   # a table's columns (their en/zh labels: ui.i18n input_names)
    class_names: tuple[str, ...] = ()   # a table's classes, in label order (ui.i18n class_names)

    def n_classes(self, n_classes: int) -> int:
        """Classes of this dataset when RunConfig.n_classes is `n_classes` (0 for regression)."""
        return {"binary": 2, "classes": n_classes, "multiclass": self.classes, "regression": 0}[self.kind]


DATASET_TABLE: dict[str, Dataset] = _by_name(
    Dataset("moons", "moons", "月牙形（moons）"),
    Dataset("circles", "circles", "同心圆"),
    Dataset("xor", "xor", "异或（XOR）"),
    Dataset("gauss", "two Gaussians", "两个高斯簇"),
    Dataset("spiral", "spiral (K arms)", "螺旋（K 条臂）", kind="classes"),
    Dataset("blobs", "blobs (K clusters)", "高斯团（K 类）", kind="classes"),
    Dataset("iris", "Iris (4 features, 3 classes)", "鸢尾花（4 个特征，3 类）", kind="multiclass", classes=3,
            inputs=4, rows=150, input_names=("sepal_length", "sepal_width", "petal_length", "petal_width"),
            class_names=("setosa", "versicolor", "virginica")),
    Dataset("reg_plane", "regression: plane", "回归：平面", kind="regression"),
    Dataset("reg_gauss", "regression: Gaussians", "回归：多个高斯", kind="regression"),
)


def dataset(name: str) -> Dataset:
    return _lookup(DATASET_TABLE, name, "dataset")


# =========================================================================== input features
@dataclass(frozen=True)
class Feature:
    """One input feature computed from a point (x1, x2), as TensorFlow Playground's inputs.

    RunConfig.features is a subset of these names (default x1,x2: the book's raw inputs); the
    network's input layer has one unit per chosen feature, in this table's order.
    """

    name: str          # the spec value, e.g. "x1sq" (URL: features=x1,x2,x1sq)
    en: str            # label, English (also the input node's caption)
    zh: str            # label, Chinese
    value: Callable[[Any, Tensor, Tensor], Tensor]     # (torch, x1, x2) -> the feature, same shape


FEATURE_TABLE: dict[str, Feature] = _by_name(
    Feature("x1", "x₁", "x₁", lambda torch, x1, x2: x1),
    Feature("x2", "x₂", "x₂", lambda torch, x1, x2: x2),
    Feature("x1sq", "x₁²", "x₁²", lambda torch, x1, x2: x1 * x1),
    Feature("x2sq", "x₂²", "x₂²", lambda torch, x1, x2: x2 * x2),
    Feature("x1x2", "x₁x₂", "x₁x₂", lambda torch, x1, x2: x1 * x2),
    Feature("sinx1", "sin(x₁)", "sin(x₁)", lambda torch, x1, x2: torch.sin(x1)),
    Feature("sinx2", "sin(x₂)", "sin(x₂)", lambda torch, x1, x2: torch.sin(x2)),
)
RAW_FEATURES = ("x1", "x2")      # the default: the points themselves, no feature computed


def feature(name: str) -> Feature:
    return _lookup(FEATURE_TABLE, name, "feature")


def expand_features(torch: Any, X: Tensor, names: tuple[str, ...]) -> Tensor:
    """[N, 2] points -> [N, len(names)] features, in the order of `names`. The default (x1, x2) returns X
    itself, so every book experiment runs on exactly the tensors it always did."""
    if tuple(names) == RAW_FEATURES:
        return X
    x1, x2 = X[:, 0], X[:, 1]
    return torch.stack([feature(n).value(torch, x1, x2) for n in names], dim=1)


def expand_columns(torch: Any, X_cols: Tensor, names: tuple[str, ...]) -> Tensor:
    """Feature-major: [2, N] points -> [len(names), N] features (contiguous), as expand_features; the default
    returns X_cols itself. The one expansion of the fused full-batch path (core.models.MLP.forward_columns) and
    of the batched sweep engine (core.batched), so both feed their first layer the very same tensor."""
    if tuple(names) == RAW_FEATURES:
        return X_cols
    x1, x2 = X_cols[0], X_cols[1]
    return torch.stack([feature(n).value(torch, x1, x2) for n in names], dim=0)
