"""What every neuron computes, for the "Watch it learn" diagram (as TensorFlow Playground draws it).

One forward pass over a grid of the input plane gives a picture per input feature, per hidden unit
and per output unit (P(class 1) for two classes, P(class k) for each of K classes, the predicted value for
regression; core.tasks). Data with more than two inputs (Iris) is pictured over a plane (core.projection): each
input's picture is then its value over that plane. unit_marks says which hidden units are dead or identical
(the same notions as core.probes, so the diagram and the tables agree); link_frame lists every weight and bias.
No Streamlit; nothing here touches a global random generator.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import torch

from . import choices
from .models import MLP
from .probes import BOOK_EXTENT, grid_points, identical_tolerance
from .projection import Plane
from .tasks import BINARY_TASK, MULTICLASS, Task

__all__ = ["NeuronPictures", "grid_points", "link_frame", "neuron_grid", "unit_marks"]


@dataclass(frozen=True)
class NeuronPictures:
    """Values over an n x n grid of the input plane, float32, row 0 = top (largest x2, or v on a plane), column
    0 = left (smallest x1, or u): each array can be drawn as an image over `extent` as it is.

    inputs[i]     [n, n]          the i-th input feature (features[i]) at each grid point
    hidden[k]     [units, n, n]   the outputs of hidden layer k + 1 (the activation of fc{k+1}), one picture a unit
    output        [n, n]          binary: P(class 1) = sigmoid(logit); regression: the predicted value;
                  [K, n, n]       K classes: P(class k) = softmax(logits)[k], summing to 1 at every pixel
    task          what the outputs are (core.tasks)
    plane         None: the grid is the input plane (x1, x2); else the plane the grid lies on (core.projection)
    """

    features: tuple[str, ...]
    inputs: list[np.ndarray]
    hidden: list[np.ndarray]
    output: np.ndarray
    extent: tuple[float, float, float, float]
    task: Task = BINARY_TASK
    plane: Plane | None = None

    @property
    def n(self) -> int:
        return int(self.output.shape[-1])

    @property
    def outputs(self) -> list[np.ndarray]:
        """One [n, n] picture per output unit (K for K classes, else one)."""
        return list(self.output) if self.output.ndim == 3 else [self.output]

    @property
    def layer_sizes(self) -> tuple[int, ...]:
        """Units per column of the diagram: inputs, each hidden layer, the outputs."""
        return (len(self.inputs), *(int(h.shape[0]) for h in self.hidden), len(self.outputs))


def _check_inputs(model: MLP, features: tuple[str, ...], plane: Plane | None = None) -> None:
    own = getattr(model, "features", None)
    if plane is not None:            # the model reads the D columns of its data as they are; features name them
        if plane.origin.shape[0] != len(features):
            raise ValueError(f"the plane lies in {plane.origin.shape[0]} inputs, the features are {features}")
    elif own is not None and tuple(own) != features:
        raise ValueError(f"the model's features are {tuple(own)}, not {features}")
    width = model.fc1.in_features
    if width != len(features):
        raise ValueError(f"the model reads {width} inputs, the features are {len(features)}: {features}")


def _eval_hidden(model: MLP, points: torch.Tensor) -> list[torch.Tensor]:
    """forward_hidden(points) in eval mode (batch norm uses its running statistics and updates none),
    the model's mode restored afterwards. The model takes raw [N, 2] points (it expands its features)."""
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            return model.forward_hidden(points)
    finally:
        model.train(was_training)


def _output_pictures(logits: torch.Tensor, task: Task, n: int) -> np.ndarray:
    """What the output units say over the grid: [n, n] (one output) or [K, n, n] (K classes)."""
    with torch.no_grad():
        out = task.probabilities(logits)
    if task.kind == MULTICLASS:
        return out.T.reshape(out.shape[1], n, n).numpy().astype(np.float32, copy=True)
    return out.reshape(n, n).numpy().astype(np.float32, copy=True)


def neuron_grid(model: MLP, features: tuple[str, ...] = choices.RAW_FEATURES,
                extent: tuple[float, float, float, float] = BOOK_EXTENT, n: int = 40, task: Task = BINARY_TASK,
                plane: Plane | None = None) -> NeuronPictures:
    """Every neuron's picture over an n x n grid of the input plane, from one forward pass.

    `features` are the config's (config.features); the model is fed the raw points. `task` (the data's,
    Splits.task) says what the output units are. With a `plane` (data of more than two inputs) the grid is in the
    plane's coordinates over `extent`, each grid point lifted to the model's D inputs (Plane.lift); `features`
    then names those D inputs and their pictures are each input's value over the plane."""
    features = tuple(features)
    _check_inputs(model, features, plane)
    points = grid_points(extent, n)
    if plane is not None:
        points = plane.lift(points).float()
        inputs = points
    else:
        with torch.no_grad():
            inputs = choices.expand_features(torch, points, features)
    outs = _eval_hidden(model, points)
    hidden = [h.T.reshape(h.shape[1], n, n).numpy().astype(np.float32, copy=True) for h in outs[:-1]]
    output = _output_pictures(outs[-1], task, n)
    pictures = [inputs[:, i].reshape(n, n).numpy().astype(np.float32, copy=True) for i in range(len(features))]
    return NeuronPictures(features, pictures, hidden, output, tuple(float(v) for v in extent), task, plane)


def _groups(rows: torch.Tensor) -> np.ndarray:
    """A group id per row (0, 1, ... in order of first appearance): rows within identical_tolerance of the
    group's first row (core.probes.symmetric_units' test) share it."""
    tol = identical_tolerance(rows)
    group = np.full(rows.shape[0], -1, dtype=np.int64)
    next_id = 0
    for i in range(rows.shape[0]):
        if group[i] >= 0:
            continue
        same = ((rows - rows[i]).abs().amax(dim=1) <= tol).numpy() & (group < 0)
        same[i] = True                               # also a row with NaN (a diverged run): a group of its own
        group[same] = next_id
        next_id += 1
    return group


def unit_marks(model: MLP, X_train: torch.Tensor) -> pd.DataFrame:
    """One row per hidden unit: layer (fc1 ..), unit (0-based), dead, group, group_size, identical.

    dead: the unit outputs exactly 0 on every training point (core.probes.dead_units' test, so the counts
    agree with it for the model in eval mode); for ReLU that means its pre-activation is <= 0 everywhere and
    its incoming weights and bias get no gradient. group: units whose incoming weights and bias (one row
    [w, b]) are equal up to core.probes.identical_tolerance share a group id; identical = group_size >= 2.
    X_train is raw [N, 2] points; batch norm runs in eval mode, the model's mode is restored."""
    hidden = _eval_hidden(model, X_train)[:-1]
    frames = []
    for k, h in enumerate(hidden):
        fc = getattr(model, f"fc{k + 1}")
        rows = torch.cat([fc.weight.detach(), fc.bias.detach()[:, None]], dim=1)
        group = _groups(rows)
        size = np.bincount(group)[group]
        frames.append(pd.DataFrame({
            "layer": f"fc{k + 1}", "unit": np.arange(h.shape[1]),
            "dead": (h == 0).all(dim=0).numpy(), "group": group, "group_size": size, "identical": size >= 2,
        }))
    if not frames:
        return pd.DataFrame({"layer": [], "unit": [], "dead": [], "group": [], "group_size": [], "identical": []})
    return pd.concat(frames, ignore_index=True)


def link_frame(model: MLP) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(weights, biases) of every fc layer. weights: layer (fc1 .. fcK), src (unit of the layer below; for fc1
    the input feature), dst (unit of the layer), weight; biases: layer, unit, bias."""
    weights, biases = [], []
    for k, fc in enumerate(model.linears()):
        w = fc.weight.detach().numpy()
        out, inp = w.shape
        name = f"fc{k + 1}"
        weights.append(pd.DataFrame({"layer": name, "src": np.tile(np.arange(inp), out),
                                     "dst": np.repeat(np.arange(out), inp), "weight": w.reshape(-1)}))
        biases.append(pd.DataFrame({"layer": name, "unit": np.arange(out), "bias": fc.bias.detach().numpy()}))
    return pd.concat(weights, ignore_index=True), pd.concat(biases, ignore_index=True)
