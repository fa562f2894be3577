"""Backpropagation by hand: the chapter's MLP with every gradient written out (book 4.3, 自动梯度计算).

Read this file top to bottom. Each operation is a small class whose ``backward`` sits right
next to its ``forward`` (in the style of karpathy/micrograd, but on whole tensors):

- ``forward(x)`` computes the output and remembers what the backward pass will need;
- ``backward(delta)`` gets delta = dL/d(output) and returns dL/d(input), the chain rule one
  step back. Layers with parameters also store dL/dW and dL/db.

Shapes: N rows, a layer maps [N, in] -> [N, out]; weights are [out, in] like ``nn.Linear``,
so a layer computes X W^T + b. Names are those of ``core.models.MLP``: fc1 .. fcK.

The network is 2 -> hidden ... -> outputs: fc layers with a hidden activation in between, then the
output layer and the loss of the task the data asks for (core.tasks, ``core.data.task_of``):

- two classes (the book's 4.3): one sigmoid output unit y_hat and the mean binary cross-entropy (BCE);
- K classes (the book's 4.5): K output units, softmax and the mean cross-entropy, whose gradient with
  respect to the logits is dL/dz = (softmax(z) - onehot(y)) / N (SoftmaxCrossEntropy);
- regression: one linear output unit and the mean squared error, dL/dz = 2 (z - y) / N (MSELoss).

Its inputs are the points (x1, x2), the columns of the table (Iris: 4), or the input features a config
chooses (RunConfig.features: x1², x1 x2, ...), computed once before training (``network_inputs``): fc1
then has one column per feature. Only
the data loss is differentiated here: L1, weight decay, clipping, mini-batches, batch norm and
the other optimizers of ``RunConfig`` are left to ``core.training``; training here is plain
full-batch gradient descent with ``config.lr``.

No global random generator is used; everything starts from ``core.models.build_model(config)``.
The checks against autograd (gradients, finite differences, training curves, time per step) are
in ``core.manual_checks``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Mapping, Sequence

import pandas as pd
import torch

from . import choices
from .config import RunConfig
from .data import make_splits, task_of
from .models import MLP, build_model
from .tasks import BINARY, BINARY_TASK, MULTICLASS, Task

Tensor = torch.Tensor


# =========================================================================== the operations
class Linear:
    """Affine layer z = X W^T + b with W [out, in] and b [out] (torch layout, as nn.Linear)."""

    def __init__(self, weight: Tensor, bias: Tensor):
        self.weight, self.bias = weight, bias
        self.grad_weight = torch.zeros_like(weight)
        self.grad_bias = torch.zeros_like(bias)

    def forward(self, x: Tensor) -> Tensor:
        self.x = x                                  # [N, in], needed for dL/dW
        return x @ self.weight.T + self.bias        # [N, out]

    def backward(self, delta: Tensor) -> Tensor:
        # delta = dL/dz, [N, out]. Each row of the batch adds its own outer product delta_n x_n^T.
        self.grad_weight = delta.T @ self.x         # [out, in]  (X^T delta in the [in, out] layout)
        self.grad_bias = delta.sum(dim=0)           # [out]
        return delta @ self.weight                  # dL/dX = delta W, [N, in]


class Sigmoid:
    """Logistic function a = 1 / (1 + exp(-z)); da/dz = a (1 - a)."""

    def forward(self, z: Tensor) -> Tensor:
        self.a = torch.sigmoid(z)                   # = 1 / (1 + exp(-z)), without overflow
        return self.a

    def backward(self, delta: Tensor) -> Tensor:
        return delta * self.a * (1 - self.a)        # at most delta / 4: why deep sigmoid nets vanish


class Tanh:
    """a = tanh(z); da/dz = 1 - a^2."""

    def forward(self, z: Tensor) -> Tensor:
        self.a = torch.tanh(z)
        return self.a

    def backward(self, delta: Tensor) -> Tensor:
        return delta * (1 - self.a * self.a)


class ReLU:
    """a = max(0, z); da/dz = 1 where z > 0, else 0 (also at z = 0, as torch does)."""

    def forward(self, z: Tensor) -> Tensor:
        self.positive = z > 0
        return z * self.positive

    def backward(self, delta: Tensor) -> Tensor:
        return delta * self.positive                # a unit that is never positive passes no gradient: dead


class LeakyReLU:
    """a = z where z > 0, else slope * z; da/dz = 1 or slope."""

    def __init__(self, slope: float = 0.01):
        self.slope = slope

    def forward(self, z: Tensor) -> Tensor:
        self.positive = z > 0
        return torch.where(self.positive, z, self.slope * z)

    def backward(self, delta: Tensor) -> Tensor:
        return torch.where(self.positive, delta, self.slope * delta)


class ELU:
    """a = z where z > 0, else exp(z) - 1; da/dz = 1 or exp(z)."""

    def forward(self, z: Tensor) -> Tensor:
        self.positive = z > 0
        self.exp_z = torch.exp(torch.clamp(z, max=0))
        return torch.where(self.positive, z, self.exp_z - 1)

    def backward(self, delta: Tensor) -> Tensor:
        return torch.where(self.positive, delta, delta * self.exp_z)


class GELU:
    """a = z Phi(z) with Phi the standard normal CDF; da/dz = Phi(z) + z phi(z)."""

    def forward(self, z: Tensor) -> Tensor:
        self.z = z
        self.cdf = 0.5 * (1 + torch.erf(z / math.sqrt(2)))
        return z * self.cdf

    def backward(self, delta: Tensor) -> Tensor:
        pdf = torch.exp(-0.5 * self.z * self.z) / math.sqrt(2 * math.pi)
        return delta * (self.cdf + self.z * pdf)


class Identity:
    """a = z; da/dz = 1 (a deep linear network: no better than one linear layer)."""

    def forward(self, z: Tensor) -> Tensor:
        return z

    def backward(self, delta: Tensor) -> Tensor:
        return delta


# one op class per row of core.choices.ACTIVATION_TABLE (tests/test_manual.py checks that none is missing)
ACTIVATIONS = {"sigmoid": Sigmoid, "tanh": Tanh, "relu": ReLU, "leaky_relu": LeakyReLU, "elu": ELU,
               "gelu": GELU, "identity": Identity}


def make_activation(name: str, leaky_slope: float = 0.01):
    """A fresh activation op (forward/backward) for a spec name (every name of config.ACTIVATIONS)."""
    if name not in ACTIVATIONS:
        raise ValueError(f"unknown activation {name!r}; known: {', '.join(ACTIVATIONS)}")
    return LeakyReLU(leaky_slope) if name == "leaky_relu" else ACTIVATIONS[name]()


class BCELoss:
    """Mean binary cross-entropy of probabilities y_hat [N, 1] against 0/1 labels y [N, 1].

    L = -1/N sum_n [ y_n log y_hat_n + (1 - y_n) log(1 - y_hat_n) ]
    dL/dy_hat_n = -1/N ( y_n / y_hat_n - (1 - y_n) / (1 - y_hat_n) )

    This is the book's two-step path: the output Sigmoid's backward then multiplies by
    y_hat (1 - y_hat). It needs y_hat strictly between 0 and 1. A saturated output, where
    y_hat rounds to exactly 1 (logit z > ~37 in float64, > ~17 in float32) or underflows
    (z < ~-708 in float64, < ~-87 in float32), is moved to the nearest normal number inside so
    nothing is inf or NaN, the log is clamped at -100 (as torch.nn.BCELoss does), and that row's
    gradient comes out as ~0 instead of (y_hat - y) / N. SigmoidBCE below has no such problem.
    """

    def forward(self, y_hat: Tensor, y: Tensor) -> Tensor:
        info = torch.finfo(y_hat.dtype)
        self.y_hat = torch.clamp(y_hat, min=info.tiny, max=1 - info.eps / 2)   # only exact 0 and 1 move
        self.y = y
        log_p = torch.clamp(torch.log(self.y_hat), min=-100)
        log_not_p = torch.clamp(torch.log(1 - self.y_hat), min=-100)
        return -(y * log_p + (1 - y) * log_not_p).mean()

    def backward(self) -> Tensor:
        n = self.y.shape[0]
        return -(self.y / self.y_hat - (1 - self.y) / (1 - self.y_hat)) / n      # dL/dy_hat, [N, 1]


class SigmoidBCE:
    """Output sigmoid and BCE as one op on the logits z [N, 1] (what binary_cross_entropy_with_logits does).

    Multiplying BCELoss's gradient by the sigmoid's y_hat (1 - y_hat) simplifies to
    dL/dz_n = (y_hat_n - y_n) / N, and the loss can be written without log(0):
    L = 1/N sum_n [ max(z_n, 0) - z_n y_n + log(1 + exp(-|z_n|)) ]. Same numbers as the
    two-step path, but also correct for saturated outputs.
    """

    def forward(self, z: Tensor, y: Tensor) -> Tensor:
        self.y_hat, self.y = torch.sigmoid(z), y
        return (torch.clamp(z, min=0) - z * y + torch.log1p(torch.exp(-z.abs()))).mean()

    def backward(self) -> Tensor:
        return (self.y_hat - self.y) / self.y.shape[0]                              # dL/dz, [N, 1]


class SoftmaxCrossEntropy:
    """Softmax over K logits z [N, K] and the mean cross-entropy against class indices y [N, 1] (F.cross_entropy).

    p_nk = exp(z_nk) / sum_j exp(z_nj),   L = -1/N sum_n log p_n,y_n
    dL/dz_nk = (p_nk - [k = y_n]) / N,    i.e. dL/dz = (softmax(z) - onehot(y)) / N

    The same simplification as SigmoidBCE (softmax with K = 2 is the sigmoid of z1 - z0). log p is computed
    as z - max(z) - log sum exp(z - max(z)), so no exp overflows and no probability is rounded to 0 first.
    """

    def forward(self, z: Tensor, y: Tensor) -> Tensor:
        shifted = z - z.max(dim=1, keepdim=True).values            # the largest logit of each row becomes 0
        log_p = shifted - torch.log(torch.exp(shifted).sum(dim=1, keepdim=True))
        self.p = torch.exp(log_p)                                   # softmax(z), [N, K]
        self.onehot = torch.zeros_like(z)
        self.onehot[torch.arange(len(y)), y.view(-1).long()] = 1.0  # row n: 1 in column y_n
        return -(self.onehot * log_p).sum(dim=1).mean()

    def backward(self) -> Tensor:
        return (self.p - self.onehot) / self.p.shape[0]             # dL/dz, [N, K]


class MSELoss:
    """Mean squared error of one linear output z [N, 1] against targets y [N, 1] (F.mse_loss).

    L = 1/N sum_n (z_n - y_n)^2,   dL/dz_n = 2 (z_n - y_n) / N
    """

    def forward(self, z: Tensor, y: Tensor) -> Tensor:
        self.error = z - y
        return (self.error * self.error).mean()

    def backward(self) -> Tensor:
        return 2 * self.error / self.error.shape[0]                 # dL/dz, [N, 1]


def make_criterion(task: Task, fused: bool = False):
    """The loss op of a task: BCELoss (after an output Sigmoid; SigmoidBCE when fused) for two classes,
    SoftmaxCrossEntropy for K classes, MSELoss for regression (the last two always take the logits)."""
    if task.kind == BINARY:
        return SigmoidBCE() if fused else BCELoss()
    return SoftmaxCrossEntropy() if task.kind == MULTICLASS else MSELoss()


def gradient_descent_step(params_and_grads: Iterable[tuple[Tensor, Tensor]], lr: float) -> None:
    """Plain gradient descent, in place: theta <- theta - lr * dL/dtheta."""
    for param, grad in params_and_grads:
        param -= lr * grad


# =========================================================================== the network
class ManualMLP:
    """The chapter's MLP with hand-written backpropagation.

    Usage (one training step)::

        net = ManualMLP.from_model(build_model(config), dtype=torch.float64, task=task_of(config))
        loss = net.loss(X, y)      # forward: X [N, in] -> outputs -> the task's mean loss (a 0-dim tensor)
        net.backward()             # fills every layer's grad_weight / grad_bias
        net.step(lr)               # theta <- theta - lr * grad

    Two classes (the default task): fused=False backpropagates as the book does: BCELoss -> dL/dy_hat ->
    output Sigmoid -> dL/dz. fused=True uses SigmoidBCE (dL/dz = (y_hat - y) / N directly); the two
    agree to rounding unless an output saturates (see BCELoss). K classes and regression have one loss op
    on the logits (SoftmaxCrossEntropy, MSELoss); `fused` changes nothing for them.
    """

    def __init__(self, weights: Sequence[tuple[Tensor, Tensor]], activation: str = "sigmoid",
                 leaky_slope: float = 0.01, fused: bool = False, task: Task = BINARY_TASK):
        """weights: (W [out, in], b [out]) of fc1 .. fcK, used as they are (not copied)."""
        if not weights:
            raise ValueError("need at least one (weight, bias) pair")
        if weights[-1][1].shape[0] != task.n_outputs:
            raise ValueError(f"a {task.kind} task needs {task.n_outputs} output units, "
                             f"the last layer has {weights[-1][1].shape[0]}")
        self.activation, self.fused, self.task = activation, fused, task
        self.linears = [Linear(w, b) for w, b in weights]
        self.hidden_acts = [make_activation(activation, leaky_slope) for _ in weights[:-1]]
        self.output = Sigmoid()
        self.criterion = make_criterion(task, fused)
        self.two_step = task.kind == BINARY and not fused     # the book's BCELoss on y_hat, then the Sigmoid

    # -- construction -----------------------------------------------------------------------
    @classmethod
    def from_state_dict(cls, state_dict: Mapping[str, Tensor], activation: str = "sigmoid",
                        leaky_slope: float = 0.01, dtype: torch.dtype | None = None,
                        fused: bool = False, task: Task = BINARY_TASK) -> ManualMLP:
        """A ManualMLP holding copies of fc1.weight, fc1.bias, ... (cast to `dtype` if given)."""
        if any(key.startswith("bn") for key in state_dict):
            raise ValueError("batch norm is not part of the hand-written network")
        weights = []
        for k in range(1, len(state_dict) // 2 + 1):
            w, b = state_dict[f"fc{k}.weight"], state_dict[f"fc{k}.bias"]
            weights.append(tuple(t.detach().to(dtype or t.dtype).clone() for t in (w, b)))
        if 2 * len(weights) != len(state_dict):
            raise ValueError(f"expected only fc1..fc{len(weights)} weights and biases, got {list(state_dict)}")
        return cls(weights, activation, leaky_slope, fused, task)

    @classmethod
    def from_model(cls, model: MLP, dtype: torch.dtype | None = None, fused: bool = False,
                   task: Task = BINARY_TASK) -> ManualMLP:
        """A ManualMLP with copies of an MLP's parameters (cast to `dtype` if given), its activation and slope."""
        if model.batch_norm:
            raise ValueError("batch norm is not part of the hand-written network")
        return cls.from_state_dict(model.state_dict(), model.activation, model.leaky_slope, dtype, fused, task)

    # -- forward / backward -----------------------------------------------------------------
    def hidden_ops(self) -> list:
        """The operations up to the logits, in forward order: fc1, act, fc2, act, ..., fcK."""
        ops = []
        for linear, act in zip(self.linears, self.hidden_acts):
            ops += [linear, act]
        return [*ops, self.linears[-1]]

    def logits(self, X: Tensor) -> Tensor:
        """Logits z [N, outputs] (before the output sigmoid or softmax) for inputs X [N, in] (network_inputs)."""
        out = X
        for op in self.hidden_ops():
            out = op.forward(out)
        return out

    def forward(self, X: Tensor) -> Tensor:
        """What the network says for inputs X [N, in]: y_hat = sigmoid(z) [N, 1] for two classes, the class
        probabilities softmax(z) [N, K] for K classes, the prediction z [N, 1] for regression."""
        if self.task.kind == BINARY:
            return self.output.forward(self.logits(X))
        if self.task.kind == MULTICLASS:
            return torch.softmax(self.logits(X), dim=1)
        return self.logits(X)

    def loss(self, X: Tensor, y: Tensor) -> Tensor:
        """Forward pass and the task's mean loss against labels y [N, 1] (a 0-dim tensor); call backward() next."""
        if self.two_step:
            return self.criterion.forward(self.forward(X), y)
        return self.criterion.forward(self.logits(X), y)

    def backward(self) -> None:
        """Backpropagate the last loss(): the chain rule from the loss back to fc1."""
        delta = self.criterion.backward()          # dL/dz (dL/dy_hat in the book's two-step path)
        if self.two_step:
            delta = self.output.backward(delta)    # dL/dz = dL/dy_hat * y_hat (1 - y_hat)
        for op in reversed(self.hidden_ops()):
            delta = op.backward(delta)             # dL/d(input of op)

    # -- parameters -------------------------------------------------------------------------
    def named_parameters(self) -> Iterator[tuple[str, Tensor]]:
        """("fc1.weight", W1), ("fc1.bias", b1), ... in the order of MLP.named_parameters()."""
        for k, linear in enumerate(self.linears, start=1):
            yield f"fc{k}.weight", linear.weight
            yield f"fc{k}.bias", linear.bias

    def gradients(self) -> dict[str, Tensor]:
        """{"fc1.weight": dL/dW1 [out, in], "fc1.bias": dL/db1 [out], ...} from the last backward()."""
        grads = {}
        for k, linear in enumerate(self.linears, start=1):
            grads[f"fc{k}.weight"] = linear.grad_weight
            grads[f"fc{k}.bias"] = linear.grad_bias
        return grads

    def step(self, lr: float) -> None:
        """One gradient-descent step with the gradients of the last backward()."""
        grads = self.gradients()
        gradient_descent_step(((p, grads[name]) for name, p in self.named_parameters()), lr)


# =========================================================================== training
def require_no_batch_norm(config: RunConfig) -> None:
    """Raise ValueError if the config has batch norm (the hand-written network has none)."""
    if config.batch_norm:
        raise ValueError("batch norm is not part of the hand-written network; use batch_norm=False")


def training_set(config: RunConfig, dtype: torch.dtype) -> tuple[Tensor, Tensor]:
    """The config's training rows as (X [N, 2], y [N, 1]) in `dtype`: the points (Iris: X [N, 4]), as
    core.models.MLP takes them; y holds 0/1, the class index or the target (core.tasks)."""
    data = make_splits(config)
    return data.X_train.to(dtype), data.y_train.to(dtype)


def network_inputs(config: RunConfig, X: Tensor) -> Tensor:
    """What the hand-written network's fc1 gets: the config's input features of the points X [N, 2], as
    [N, len(features)] (X itself for the default x1, x2, and for a table such as Iris). MLP computes the same
    inside its forward."""
    return choices.expand_features(torch, X, config.features)


def train_manual(config: RunConfig, epochs: int | None = None, dtype: torch.dtype = torch.float64,
                 fused: bool = False) -> pd.DataFrame:
    """Full-batch gradient descent with hand-written backprop from the config's initial weights.

    Returns columns epoch, train_loss: the task's mean loss (BCE, softmax cross-entropy or MSE) on the
    training set with the parameters before that epoch's step (as in core.train's history). `epochs`
    defaults to config.epochs; learning rate config.lr; the other optimizer settings (mini-batches
    included: every step here sees the whole training set) are ignored. fused: see ManualMLP.
    """
    require_no_batch_norm(config)
    X, y = training_set(config, dtype)
    X = network_inputs(config, X)               # the features, computed once
    net = ManualMLP.from_model(build_model(config), dtype, fused, task_of(config))
    epochs = config.epochs if epochs is None else epochs
    losses = torch.empty(epochs, dtype=dtype)
    for epoch in range(epochs):
        losses[epoch] = net.loss(X, y)
        net.backward()
        net.step(config.lr)
    return pd.DataFrame({"epoch": range(epochs), "train_loss": losses.double().numpy()})


def train_autograd(config: RunConfig, epochs: int | None = None, dtype: torch.dtype = torch.float64) -> pd.DataFrame:
    """The same run as train_manual with torch.autograd: nn.Module, loss.backward(), torch.optim.SGD.

    Same columns (epoch, train_loss), same initial weights, data, learning rate and dtype.
    """
    require_no_batch_norm(config)
    X, y = training_set(config, dtype)
    loss_fn = task_of(config).loss      # binary_cross_entropy_with_logits, cross_entropy or mse_loss (core.tasks)
    model = build_model(config).to(dtype)
    optimizer = torch.optim.SGD(model.parameters(), lr=config.lr)
    epochs = config.epochs if epochs is None else epochs
    losses = torch.empty(epochs, dtype=dtype)
    for epoch in range(epochs):
        loss = loss_fn(model(X), y)
        losses[epoch] = loss.detach()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return pd.DataFrame({"epoch": range(epochs), "train_loss": losses.double().numpy()})

