"""What a network is trained to do, read off its data: the output layer, the loss, the score.

- binary: one output unit, sigmoid + binary cross-entropy, accuracy at probability 0.5 (the book's 4.3);
- multi-class: K output units, softmax + cross-entropy (``F.cross_entropy``), accuracy by argmax (the book's 4.5);
- regression: one linear output unit, mean squared error, scored by R² = 1 - SSE / SST.

Labels are float tensors [N, 1] for every task: 0/1 for binary, the class index 0..K-1 for multi-class, the
target value for regression. A run keeps, per split and epoch, two row sums (core.training): the loss summed
over rows, and the score summed over rows, so that score / N is the accuracy, or R² for regression (each row
adds 1 - n * se_i / SST, the rows together n * R²). "Best dev model" therefore means the highest accuracy, or
the highest R² (the lowest squared error), for every task alike.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F

BINARY, MULTICLASS, REGRESSION = "binary", "multiclass", "regression"
MAX_CLASSES = 6


@dataclass(frozen=True)
class Task:
    kind: str = BINARY
    n_classes: int = 2          # 2 for binary, K for multi-class, 0 for regression

    def __post_init__(self) -> None:
        if self.kind not in (BINARY, MULTICLASS, REGRESSION):
            raise ValueError(f"unknown task {self.kind!r}")

    @property
    def n_outputs(self) -> int:
        """Output units: K for multi-class, else one."""
        return self.n_classes if self.kind == MULTICLASS else 1

    @property
    def classifies(self) -> bool:
        return self.kind != REGRESSION

    # -- the loss and the score, row by row ------------------------------------------------------------
    def loss(self, logits: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        """Mean loss of outputs [N, out] against labels [N, 1]."""
        if self.kind == BINARY:
            return F.binary_cross_entropy_with_logits(logits, y)
        if self.kind == MULTICLASS:
            return F.cross_entropy(logits, y.view(-1).long())
        return F.mse_loss(logits, y)

    def row_stats(self, logits: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        """[..., 2] sums over rows of (loss, score) for feature-major outputs [..., out, N] and labels [N]."""
        y = y.reshape(-1)
        if self.kind == BINARY:
            z = logits[..., 0, :]
            per_row = F.binary_cross_entropy_with_logits(z, y.expand_as(z), reduction="none")
            score = (z >= 0).eq(y.expand_as(z) > 0.5).to(z.dtype)
        elif self.kind == MULTICLASS:
            log_p = torch.log_softmax(logits, dim=-2)
            index = y.long().view(*([1] * (logits.dim() - 1)), -1).expand(*logits.shape[:-2], 1, -1)
            per_row = -log_p.gather(-2, index).squeeze(-2)
            score = logits.argmax(dim=-2).eq(index.squeeze(-2)).to(logits.dtype)
        else:
            z = logits[..., 0, :]
            per_row = (z - y).square()
            sst = (y - y.mean()).square().sum().clamp_min(1e-12)
            score = 1.0 - per_row * (len(y) / sst)
        return torch.stack([per_row.sum(dim=-1), score.sum(dim=-1)], dim=-1)

    # -- the fused full-batch path (core.training) -----------------------------------------------------------
    def targets(self, y: torch.Tensor) -> torch.Tensor:
        """Labels [N] as feature-major targets: [1, N], or one-hot [K, N] for multi-class."""
        y = y.reshape(1, -1)
        if self.kind != MULTICLASS:
            return y
        return F.one_hot(y[0].long(), self.n_classes).t().to(y.dtype).contiguous()

    def out_grad(self, logits: torch.Tensor, targets: torch.Tensor, row_weight: torch.Tensor) -> torch.Tensor:
        """d(loss)/d(outputs) for outputs [..., out, N] when the loss is sum_rows row_weight * loss_row (the mean
        over the train rows when row_weight is 1/n there, 0 on dev rows); targets as Task.targets gives them.
        The one output gradient of train()'s fused path and of the batched sweep (core.batched)."""
        with torch.no_grad():
            if self.kind == BINARY:
                return torch.sigmoid(logits).sub_(targets).mul_(row_weight)
            if self.kind == MULTICLASS:
                return torch.softmax(logits, dim=-2).sub_(targets).mul_(row_weight)
            return (logits - targets).mul_(row_weight).mul_(2.0)

    # -- what the network says -------------------------------------------------------------------------------
    def probabilities(self, logits: torch.Tensor) -> torch.Tensor:
        """[N, K] class probabilities (binary: [N, 1], P(class 1)); regression: the outputs themselves."""
        if self.kind == BINARY:
            return torch.sigmoid(logits)
        if self.kind == MULTICLASS:
            return torch.softmax(logits, dim=1)
        return logits

    def predict(self, logits: torch.Tensor) -> torch.Tensor:
        """[N] predicted class index (float), or the predicted value for regression."""
        if self.kind == BINARY:
            return (logits[:, 0] >= 0).float()
        if self.kind == MULTICLASS:
            return logits.argmax(dim=1).float()
        return logits[:, 0]


BINARY_TASK = Task()


def infer_task(y: torch.Tensor) -> Task:
    """The task labels ask for: integers 0/1 -> binary, integers 0..K-1 with K >= 3 -> multi-class, else regression."""
    values = y.reshape(-1)
    integral = bool(torch.all(values == values.round())) and bool(torch.all(values >= 0))
    if integral and len(values):
        k = int(values.max()) + 1
        if k <= 2:
            return BINARY_TASK
        if k <= MAX_CLASSES:
            return Task(MULTICLASS, k)
    return Task(REGRESSION, 0)
