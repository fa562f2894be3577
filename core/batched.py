"""The batched engine of core.sweep: configs of one network shape trained together as one model.

Every task trains here (core.tasks: two classes, K softmax outputs, a regression's MSE): the output gradient
and the metric sums are the task's own, the very ops train() uses (Task.out_grad, Task.row_stats).

Full-batch configs of one optimizer (SGD with any momentum, Nesterov and weight decay, or Adam with
any betas and weight decay; core.sweep.batchable) that share the data, the network shape (input features
included: computed once per group, by the op train() uses), the activation and the epoch count have their
parameters stacked along a leading config axis, and one set of batched ops (``torch.bmm`` family,
hand-written backward) trains all of them per epoch.
Each config keeps its own learning rate, optimizer hyperparameters and initial weights (taken from
``build_model(config)``), so every row equals what ``core.training.train(config)`` reports. The
batched ops mirror train()'s (forward ``addmm``/``baddbmm`` with the bias as the added term,
backward over the train+dev columns with zero weight on dev rows, autograd's own
activation-backward kernels from ``core.choices.ACTIVATION_TABLE``, torch.optim's own update
arithmetic). Whether a batched row is bit-identical to train()'s depends on the CPU: where the BLAS
rounds a batched product like a single one (the AMD EPYC / MKL development machine), it is; where
it sums in another order (seen on an AVX-512 Xeon), the two differ by float32 rounding carried
through training: same divergence epoch, best dev accuracy within one dev point, test loss within
~1e-6 x epochs relative, except for chaotic settings (Adam with beta2 < 0.99), where only the
accuracies agree (tests/numeric.py has the measurements). The same sweep run twice on one machine is
always bit-identical. A config that diverges inside a batch only fills its own slice with NaN/inf;
the others are unaffected.

Speed (per-op overhead dominates for these tiny nets): one forward over the train+dev rows
(feature-major, W @ X^T) gives the train metrics of epoch t and the dev metrics of epoch t-1;
logits go into a preallocated per-chunk buffer and all metrics of a chunk of epochs are computed
in a few vectorised ops; parameters of successive epochs are written into a ring buffer by the
update op itself, so the best checkpoint is picked once per chunk without any copy or ``.item()``
per epoch.

No Streamlit here, no global RNG.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import torch

from . import choices
from .config import RunConfig
from .data import Splits
from .models import build_model
from .tasks import BINARY_TASK
from .training import evaluate

ADAM_EPS = 1e-8          # torch.optim.Adam's default, as make_optimizer uses it
MAX_BUFFER = 4_000_000   # float32 elements of one activation/logit buffer of a batched group (16 MB)
MAX_CHUNK = 250          # epochs between metric updates / progress calls / stop checks of a batched group
SAFE_LOGIT = 1e30        # |logit| below this on every row: the BCE sum is finite (rows <= 20000)
CHUNK_WORK = 1e8         # ... and fewer when a chunk's work (configs x rows x parameters x epochs) exceeds this

StopCheck = Callable[[], bool]


def part_size(config: RunConfig, n_rows: int) -> int:
    """Configs per part of a batched group, so that its hidden activations stay within MAX_BUFFER elements."""
    return max(1, MAX_BUFFER // (n_rows * max(config.hidden, default=1)))


class _GroupStopped(Exception):
    """should_stop() said stop inside a batched group's chunk; the group's partial state is dropped."""


class _Group:
    """C configs of one network shape trained together by full-batch SGD or Adam, parameters stacked on axis 0.

    Parameters of all configs live in one flat vector per epoch; `ring[k]` holds theta_{a+k} for
    the chunk of epochs [a, b) being run (the update writes theta_{t+1} into the next slot). Per
    layer j the flat vector holds W_j as [C, out, in] then b_j as [C, out, 1]. For each theta_s,
    train_ok[s] / dev_ok[s] say whether the train / dev loss is finite and dev_correct[s] counts the
    dev rows classified right (the loss values themselves are not needed for a sweep row).
    """

    def __init__(self, configs: list[RunConfig], data: Splits, should_stop: StopCheck | None = None):
        c0 = configs[0]
        self.configs, self.data = configs, data
        self.should_stop = should_stop        # polled before every epoch and between forward and backward
        self.C = C = len(configs)
        self.E = c0.epochs
        self.act, self.slope = choices.activation(c0.activation), c0.leaky_slope     # kernels: its row
        self.n_train, self.n_dev = len(data.y_train), len(data.y_dev)
        self.N = N = self.n_train + self.n_dev
        self.sizes = c0.layer_sizes
        self.L = len(self.sizes) - 1
        self.models = [build_model(c) for c in configs]         # train()'s initial weights, exactly
        blocks, offset = [], 0
        for j in range(self.L):
            n_in, n_out = self.sizes[j], self.sizes[j + 1]
            blocks.append((offset, offset + C * n_out * n_in, n_in, n_out))
            offset += C * n_out * (n_in + 1)
        self.blocks, self.P = blocks, offset
        per_epoch = C * N * c0.n_params            # ~ work of one epoch of the group
        self.chunk = max(1, min(self.E, MAX_CHUNK, MAX_BUFFER // (C * N), int(CHUNK_WORK // per_epoch)))
        self.ring = torch.empty(self.chunk + 1, self.P)
        theta0 = self.ring[0]
        for j, (w0, b0, n_in, n_out) in enumerate(blocks):
            w = theta0[w0:b0].view(C, n_out, n_in)
            b = theta0[b0:b0 + C * n_out].view(C, n_out)
            for c, model in enumerate(self.models):
                fc = getattr(model, f"fc{j + 1}")
                w[c].copy_(fc.weight.detach())
                b[c].copy_(fc.bias.detach())
        self.theta0 = theta0.clone()
        self.neg_lr = self._per_param([-float(c.lr) for c in configs])
        self.optimizer = c0.optimizer
        self.plain = all(c.optimizer == "sgd" and c.momentum == 0 and c.weight_decay == 0 for c in configs)
        self.weight_decay = self._per_param([c.weight_decay for c in configs])
        self.any_decay = any(c.weight_decay for c in configs)
        self.momentum = self._per_param([c.momentum for c in configs])
        self.nesterov = self._per_param([float(c.nesterov and c.momentum > 0) for c in configs]) > 0
        self.beta2 = self._per_param([c.beta2 for c in configs])
        self.one_minus_beta1 = self._per_param([1 - c.beta1 for c in configs])     # computed in double
        self.one_minus_beta2 = self._per_param([1 - c.beta2 for c in configs])
        self.step_count = 0
        self.buf = torch.zeros(self.P)          # SGD momentum buffer, or Adam's first moment
        self.sq = torch.zeros(self.P)           # Adam's second moment
        self.grad = torch.empty(self.P)
        self.views = [self._layer_views(self.ring[k]) for k in range(self.chunk + 1)]
        self.gviews = self._layer_views(self.grad)
        # data, feature-major: columns are train rows then dev rows; the input features computed once, by the
        # very op train()'s fused path uses (MLP.forward_columns), so fc1 sees the same tensor in both
        points = torch.cat([data.X_train, data.X_dev]).t().contiguous()            # [2, N]
        self.X_cols = choices.expand_columns(torch, points, c0.features)           # [F, N] (F = 2: the points)
        self.X_rows = self.X_cols.t()                                               # [N, F] view
        self.task = task = data.task            # binary, K classes or regression (core.tasks): the output layer
        self.K = task.n_outputs
        self.targets = task.targets(torch.cat([data.y_train, data.y_dev])).unsqueeze(0)     # [1, 1 or K, N]
        self.row_weight = torch.cat([torch.full((self.n_train,), 1.0 / self.n_train),
                                     torch.zeros(self.n_dev)]).view(1, 1, -1)
        self.H = [torch.empty(C, self.sizes[j + 1], N) for j in range(self.L - 1)]
        self.A = [torch.empty(C, self.sizes[j + 1], N) for j in range(self.L - 1)]
        self.logit_buf = torch.empty(self.chunk + 1, C, self.K, N)
        # per theta_s: is the train / dev loss sum finite, and how many dev rows are right
        self.train_ok = torch.zeros(self.E + 1, C, dtype=torch.bool)
        self.dev_ok = torch.zeros(self.E + 1, C, dtype=torch.bool)
        self.dev_correct = torch.zeros(self.E + 1, C)
        self.y_dev_pos = data.y_dev.view(1, 1, -1) > 0.5
        self.diverged_at = torch.full((C,), self.E, dtype=torch.long)    # E: not (yet) diverged
        self.checked = 0                                                # epochs < checked are checked
        self.best_s = torch.full((C,), -1, dtype=torch.long)
        self.best_correct = torch.full((C,), -1.0)
        self.best_theta = self.theta0.clone()

    def _per_param(self, values: list[float]) -> torch.Tensor:
        """A per-config value spread over the flat parameter layout ([P], each config's entries)."""
        v = torch.tensor(values, dtype=torch.float32)
        return torch.cat([part for _, _, n_in, n_out in self.blocks
                          for part in (v.repeat_interleave(n_out * n_in), v.repeat_interleave(n_out))])

    def update(self, theta: torch.Tensor, out: torch.Tensor) -> None:
        """One optimizer step from theta into out, per config, as torch.optim.SGD / Adam do it."""
        grad = self.grad
        if self.plain:
            torch.addcmul(theta, self.neg_lr, grad, out=out)
            return
        if self.any_decay:                                    # grad.add(param, alpha=weight_decay)
            grad = torch.addcmul(grad, self.weight_decay, theta)
        self.step_count += 1
        if self.optimizer == "sgd":                           # dampening 0
            if self.step_count == 1:
                self.buf.copy_(grad)
            else:
                self.buf.mul_(self.momentum).add_(grad)
            step = torch.where(self.nesterov, torch.addcmul(grad, self.momentum, self.buf), self.buf)
            torch.addcmul(theta, self.neg_lr, step, out=out)
            return
        # Adam, as torch's single-tensor path computes it: scalars in double precision, rounded to
        # float32 per config, and the same op order (lerp, mul+addcmul, sqrt/div+eps, addcdiv)
        t = self.step_count
        self.buf.lerp_(grad, self.one_minus_beta1)
        self.sq.mul_(self.beta2).addcmul_(grad * self.one_minus_beta2, grad)
        step_size = self._per_param([-c.lr / (1 - c.beta1 ** t) for c in self.configs])
        bc2_sqrt = self._per_param([(1 - c.beta2 ** t) ** 0.5 for c in self.configs])
        denom = (self.sq.sqrt() / bc2_sqrt).add_(ADAM_EPS)
        torch.addcdiv(theta, step_size * self.buf, denom, out=out)

    def _layer_views(self, flat: torch.Tensor) -> list[tuple[torch.Tensor, torch.Tensor]]:
        C, views = self.C, []
        for j, (w0, b0, n_in, n_out) in enumerate(self.blocks):
            if j == 0:   # first layer as one matrix over all configs: [C*out, F] @ [F, N]
                views.append((flat[w0:b0].view(C * n_out, n_in), flat[b0:b0 + C * n_out].view(C * n_out, 1)))
            else:
                views.append((flat[w0:b0].view(C, n_out, n_in), flat[b0:b0 + C * n_out].view(C, n_out, 1)))
        return views

    # -- one epoch -------------------------------------------------------------------------
    def forward(self, k: int) -> None:
        """Logits of theta_{a+k} over train+dev rows into logit_buf[k]; hidden H/A kept for backward."""
        C, N, views, L = self.C, self.N, self.views[k], self.L
        x = self.X_cols
        for j in range(L):
            w, b = views[j]
            if j == L - 1:
                out = self.logit_buf[k]
                if j == 0:
                    torch.addmm(b, w, x, out=out.view(C * self.K, N))
                else:
                    torch.baddbmm(b, w, x, out=out)
            else:
                h = self.H[j]
                if j == 0:
                    torch.addmm(b, w, x, out=h.view(-1, N))
                else:
                    torch.baddbmm(b, w, x, out=h)
                self.act.forward_out(torch, h, self.A[j], self.slope)
                x = self.A[j]

    def epoch(self, k: int) -> None:
        """Forward with theta_{a+k}, backward of the mean train loss, SGD step into ring[k + 1]."""
        stop = self.should_stop
        if stop is not None and stop():
            raise _GroupStopped
        self.forward(k)
        if stop is not None and stop():        # one epoch of a large group can take a second
            raise _GroupStopped
        L = self.L
        views, gviews = self.views[k], self.gviews
        # d(mean train loss)/d(logit), e.g. (sigmoid(z) - y) / n_train, on train rows, 0 on dev rows (as train())
        delta = self.task.out_grad(self.logit_buf[k], self.targets, self.row_weight)      # [C, 1 or K, N]
        for j in range(L - 1, -1, -1):
            gw, gb = gviews[j]
            if j == 0:
                d2 = delta.view(-1, self.N)
                torch.mm(d2, self.X_rows, out=gw)
                torch.sum(d2, dim=1, keepdim=True, out=gb)
                break
            a_prev = self.A[j - 1]
            torch.bmm(delta, a_prev.transpose(1, 2), out=gw)
            torch.sum(delta, dim=2, keepdim=True, out=gb)
            w = views[j][0]
            grad_a = torch.bmm(w.transpose(1, 2), delta)
            delta = self.act.backward(torch, grad_a, self.H[j - 1], a_prev, self.slope)
        self.update(self.ring[k], self.ring[k + 1])

    # -- chunks ----------------------------------------------------------------------------
    def run_chunk(self, a: int, b: int) -> None:
        """Epochs a..b-1; then metrics, divergence and best checkpoint for the chunk."""
        for k in range(b - a):
            self.epoch(k)
        n = b - a
        if b == self.E:   # theta_E: its dev metrics need one more forward
            self.forward(n)
            n += 1
        if self.task.kind == "binary":
            logits = self.logit_buf[:n, :, 0, :]                          # [n, C, N]
            train_logits, dev_logits = logits[..., : self.n_train], logits[..., self.n_train:]
            self.train_ok[a:a + n] = _loss_sum_finite(train_logits, self.data.y_train)
            self.dev_ok[a:a + n] = _loss_sum_finite(dev_logits, self.data.y_dev)
            torch.sum((dev_logits >= 0).eq(self.y_dev_pos), dim=-1, out=self.dev_correct[a:a + n])
        else:           # the sums train() keeps (Task.row_stats): the loss, and the right rows or n * R²
            logits = self.logit_buf[:n]                                   # [n, C, K, N]
            train = self.task.row_stats(logits[..., : self.n_train], self.data.y_train)
            dev = self.task.row_stats(logits[..., self.n_train:], self.data.y_dev)
            self.train_ok[a:a + n] = torch.isfinite(train[..., 0])
            self.dev_ok[a:a + n] = torch.isfinite(dev[..., 0])
            self.dev_correct[a:a + n] = dev[..., 1]
        self._check_divergence(b)
        self._settle(a, a + n - 1)
        self.ring[0].copy_(self.ring[b - a])

    def _check_divergence(self, b: int) -> None:
        """Epoch t diverges if train loss (theta_t) or dev loss (theta_{t+1}) is not finite."""
        upto = self.E if b == self.E else b - 1      # epochs t < upto have both metrics known
        if upto <= self.checked:
            return
        t = slice(self.checked, upto)
        bad = ~(self.train_ok[t] & self.dev_ok[self.checked + 1:upto + 1])
        any_bad = bad.any(dim=0)
        first = self.checked + bad.to(torch.uint8).argmax(dim=0)
        self.diverged_at = torch.where(any_bad & (self.diverged_at == self.E), first, self.diverged_at)
        self.checked = upto

    def _settle(self, lo: int, hi: int) -> None:
        """Candidates theta_s, s in [max(lo, 1), hi] (ring slot s - a): keep each config's first strict best."""
        a = lo
        lo = max(lo, 1)
        if hi < lo:
            return
        s = torch.arange(lo, hi + 1)
        valid = self.dev_ok[lo:hi + 1] & (s[:, None] <= self.diverged_at[None, :] + 1)
        correct = torch.where(valid, self.dev_correct[lo:hi + 1], torch.tensor(-1.0))
        best, k = correct.max(dim=0)          # first maximum per config
        better = best > self.best_correct
        if not bool(better.any()):
            return
        self.best_correct = torch.where(better, best, self.best_correct)
        self.best_s = torch.where(better, s[k], self.best_s)
        slots = self.ring[(lo - a) + k]                                       # [C, P]: row c = config c's slot
        for w0, b0, n_in, n_out in self.blocks:
            for start, width in ((w0, n_out * n_in), (b0, n_out)):
                seg = slice(start, start + self.C * width)
                cand = slots[:, seg].view(self.C, self.C, width)[torch.arange(self.C), torch.arange(self.C)]
                cur = self.best_theta[seg].view(self.C, width)
                cur.copy_(torch.where(better[:, None], cand, cur))

    @property
    def all_diverged(self) -> bool:
        return bool((self.diverged_at < self.E).all())

    # -- results ---------------------------------------------------------------------------
    def rows(self) -> list[dict[str, Any]]:
        """Result row per config (without seconds): test metrics of its best checkpoint."""
        out = []
        for c, model in enumerate(self.models):
            best_s = int(self.best_s[c])
            theta = self.best_theta if best_s >= 1 else self.theta0
            with torch.no_grad():
                for j, (w0, b0, n_in, n_out) in enumerate(self.blocks):
                    fc = getattr(model, f"fc{j + 1}")
                    fc.weight.copy_(theta[w0:b0].view(self.C, n_out, n_in)[c])
                    fc.bias.copy_(theta[b0:b0 + self.C * n_out].view(self.C, n_out)[c])
            test_loss, test_acc = evaluate(model, self.data.X_test, self.data.y_test, self.task)
            if best_s < 1:         # no usable model (as train() reports it)
                test_loss = test_acc = float("nan")
            d = int(self.diverged_at[c])
            out.append({
                "test_acc": test_acc, "test_loss": test_loss,
                "best_dev_acc": float(self.best_correct[c]) / self.n_dev if best_s >= 1 else float("nan"),
                "best_epoch": best_s - 1 if best_s >= 1 else -1,
                "diverged": d < self.E, "diverged_at": d if d < self.E else None,
                "seconds": float("nan"), "batched": True,
            })
        return out


def _loss_sum_finite(logits: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """[..., rows] logits -> [...] bool: is the BCE summed over rows finite (as train() sums it)?

    Per row, BCE-with-logits is at most |z| + log 2 and not finite exactly when z is not, so while
    every |z| < SAFE_LOGIT the sum is finite; only otherwise are the sums computed (rare).
    """
    low, high = torch.aminmax(logits, dim=-1)                 # NaN propagates
    safe = (low > -SAFE_LOGIT) & (high < SAFE_LOGIT)
    if bool(safe.all()):
        return safe
    return torch.isfinite(BINARY_TASK.row_stats(logits.unsqueeze(-2), y)[..., 0])


def split_group(configs: list[RunConfig], data: Splits) -> list[list[RunConfig]]:
    """Cut a batched group so that its hidden activations stay within MAX_BUFFER elements."""
    size = part_size(configs[0], len(data.y_train) + len(data.y_dev))
    return [configs[i:i + size] for i in range(0, len(configs), size)]


def run_group(configs: list[RunConfig], data: Splits, on_chunk: Callable[[float], None],
               should_stop: Callable[[], bool]) -> list[dict[str, Any]] | None:
    """Train one batched group; None if should_stop() asked to stop before it finished."""
    start = time.perf_counter()
    with torch.no_grad():
        group = _Group(configs, data, should_stop)
        done = 0
        while done < group.E:
            end = min(group.E, done + group.chunk)
            try:
                group.run_chunk(done, end)
            except _GroupStopped:
                return None
            done = end
            if group.all_diverged:   # nothing later can be a candidate of any config
                break
            on_chunk(done / group.E)
            if done < group.E and should_stop():
                return None
        rows = group.rows()
    seconds = (time.perf_counter() - start) / len(configs)
    for row in rows:
        row["seconds"] = seconds
    return rows


__all__ = ["MAX_BUFFER", "StopCheck", "part_size", "run_group", "split_group"]
