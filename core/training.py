"""train(config) -> RunResult: the book's runner (RunnerV2_2), made fast and fully recorded.

Per epoch t, as in the book: the training-set forward pass with parameters theta_t gives the
train loss/accuracy, one optimizer step gives theta_{t+1}, and the dev set is evaluated with
theta_{t+1}; the model with the best dev accuracy (strictly better replaces) is kept and
evaluated on the test set.

Speed (the loop is dominated by per-op overhead, not FLOPs):
- full batch without batch norm: one forward over the train+dev rows gives the train metrics
  of epoch t and the dev metrics of epoch t-1 from the same parameters;
- gradients via ``torch.autograd.grad``; plain SGD updates with one foreach op;
- all parameters live in one flat tensor, so the best checkpoint is tracked with two tensor
  ops per epoch and no ``.item()`` (no Python branch on tensor values inside the loop);
- metrics and gradient norms are written into preallocated tensors and turned into DataFrames
  once, after the loop.
"""

from __future__ import annotations

import copy
import math
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
import torch

from .config import RunConfig, check_budget
from .data import Splits, make_splits
from .models import MLP, build_model
from .probes import dead_units, gradient_table, l1_penalty, split_name
from .tasks import BINARY_TASK, Task

N_SNAPSHOTS = 5          # parameter snapshots kept for the first steps (theta_0 .. theta_5)
REPLAY_FRAMES = 51       # parameters recorded at about this many epochs, evenly spread, for the replay
REPLAY_VALUES = 150_000  # ... fewer for big networks: at most this many floats (0.6 MB) per run
HISTORY_COLUMNS = ["epoch", "train_loss", "train_acc", "dev_loss", "dev_acc"]
STEP_COLUMNS = ["step", "epoch", "train_loss", "dev_loss", "dev_acc"]

Progress = Callable[[int, pd.DataFrame], "bool | None"]
StopCheck = Callable[[], bool]    # polled before every optimizer step: must be cheap (e.g. Event.is_set)


@dataclass
class RunResult:
    """Everything one training run produced. DataFrames are long/tidy, ready for charts."""

    config: RunConfig
    history: pd.DataFrame            # epoch, train_loss, train_acc, dev_loss, dev_acc
    best_epoch: int                  # -1 if no epoch had a finite dev loss (no usable model)
    best_dev_acc: float              # NaN if best_epoch == -1
    test_loss: float                 # of the best model; NaN if best_epoch == -1
    test_acc: float                  # of the best model; NaN if best_epoch == -1
    grad_norms: pd.DataFrame         # epoch, layer, param, grad_l2 (last step of each epoch)
    weight_snapshots: pd.DataFrame   # step, layer, param, row, col, value (theta_0 .. theta_5)
    dead_units: pd.DataFrame         # layer, units, dead_init, dead_final
    grads_first: pd.DataFrame        # gradient_table at initialization
    grads_last: pd.DataFrame         # gradient_table at the final parameters
    diverged_at: int | None          # first epoch whose loss was not finite
    state_dict: dict[str, torch.Tensor]    # the best model's
    final_state_dict: dict[str, torch.Tensor]
    seconds: float
    stopped: bool = False            # on_progress asked to stop early
    replay_epochs: tuple[int, ...] = ()          # s of each recorded theta_s (parameters after s epochs)
    replay_params: torch.Tensor | None = None    # [len(replay_epochs), values]: the flat parameters + float buffers
    task: Task = BINARY_TASK         # what the data asked for (core.tasks); for regression every "acc" is R²
    step_history: pd.DataFrame | None = None     # with eval_steps > 0: step, epoch, train_loss (mean over the
    #                                  steps since the last evaluation), dev_loss, dev_acc at every evaluation
    best_step: int | None = None     # with eval_steps > 0: the optimizer step of the best dev model
    test_predictions: pd.DataFrame | None = None     # true, pred (test rows, the best model): see confusion()

    def model_at(self, epoch: int) -> MLP:
        """The network as it was after `epoch` epochs: the nearest recorded epoch at or before it (replay)."""
        if self.replay_params is None or not self.replay_epochs:
            raise ValueError("this run recorded no parameters for replay")
        k = max(0, int(np.searchsorted(self.replay_epochs, epoch, side="right")) - 1)
        model = build_model(self.config, make_generator(self.config.seed), self.task.n_outputs)
        flat, _ = flatten_state(model)
        with torch.no_grad():
            flat.copy_(self.replay_params[k])
        model.eval()
        return model

    @property
    def epochs_run(self) -> int:
        return len(self.history)


# --------------------------------------------------------------------------- helpers
def make_generator(seed: int) -> torch.Generator:
    return torch.Generator().manual_seed(int(seed))


def make_optimizer(config: RunConfig, params: list[torch.Tensor]) -> torch.optim.Optimizer:
    """The torch.optim optimizer a config names, with its hyperparameters."""
    c, opt = config, torch.optim
    common = {"lr": c.lr, "weight_decay": c.weight_decay}
    if c.optimizer == "sgd":
        return opt.SGD(params, momentum=c.momentum, nesterov=c.nesterov and c.momentum > 0, **common)
    if c.optimizer == "adagrad":
        return opt.Adagrad(params, **common)
    if c.optimizer == "adadelta":
        return opt.Adadelta(params, **common)
    if c.optimizer == "rmsprop":
        return opt.RMSprop(params, momentum=c.momentum, **common)
    betas = (c.beta1, c.beta2)
    if c.optimizer == "adam":
        return opt.Adam(params, betas=betas, **common)
    if c.optimizer == "adamax":
        return opt.Adamax(params, betas=betas, **common)
    if c.optimizer == "nadam":
        return opt.NAdam(params, betas=betas, **common)
    raise ValueError(f"unknown optimizer {c.optimizer!r}")


def flatten_state(model: MLP) -> tuple[torch.Tensor, int]:
    """Re-home all parameters (then float buffers) as views of one flat tensor.

    Returns (flat, n_param_values); flat[:n_param_values] are the parameters.
    """
    params = list(model.parameters())
    buffers = [b for b in model.buffers() if b.is_floating_point()]
    flat = torch.cat([t.detach().reshape(-1) for t in params + buffers])
    rehome(model, flat)
    return flat, sum(p.numel() for p in params)


def rehome(model: MLP, flat: torch.Tensor) -> None:
    """Make the model's parameters, then its float buffers, views of `flat` (which holds their values in that
    order): flatten_state's layout, restored on a copy (copy.deepcopy clones a Parameter out of its flat tensor)."""
    offset = 0
    for t in list(model.parameters()) + [b for b in model.buffers() if b.is_floating_point()]:
        n = t.numel()
        t.data = flat[offset:offset + n].view_as(t)
        offset += n


def evaluate(model: MLP, X: torch.Tensor, y: torch.Tensor, task: Task = BINARY_TASK) -> tuple[float, float]:
    """(loss, accuracy) of a model on a split, in eval mode; accuracy thresholds sigmoid at 0.5 (binary) or
    takes the argmax (K classes); for regression (mean squared error, R²)."""
    was_training = model.training
    model.eval()
    with torch.no_grad():
        logits = model(X)
        loss = float(task.loss(logits, y))
        if task == BINARY_TASK:
            acc = float(((logits >= 0).float() == y).float().mean())
        else:
            acc = float(task.row_stats(logits.t(), y)[1]) / len(y)
    model.train(was_training)
    return loss, acc


class _Stopped(Exception):
    """should_stop() said stop: raised inside an epoch, caught by train() (epochs before `epoch` are complete)."""

    def __init__(self, epoch: int):
        super().__init__(epoch)
        self.epoch = epoch


def replay_epochs(epochs: int, n_values: int) -> tuple[int, ...]:
    """The epochs s whose parameters theta_s a run records for its replay: 0, ..., epochs, evenly spread,
    at most REPLAY_FRAMES of them and at most REPLAY_VALUES floats in all (at least theta_0 and theta_E)."""
    k = max(2, min(REPLAY_FRAMES, REPLAY_VALUES // max(1, n_values), epochs + 1))
    return tuple(sorted({round(i * epochs / (k - 1)) for i in range(k)}))


# --------------------------------------------------------------------------- the runner
class _Run:
    """State of one training run.

    theta_s are the parameters after s epochs. `metrics[s]` holds row sums
    [[train_loss, train_correct], [dev_loss, dev_correct]] evaluated with theta_s, so epoch t's
    history row is train = metrics[t, 0] / n_train and dev = metrics[t + 1, 1] / n_dev (sums keep
    accuracies exact). Epochs run in chunks; within a chunk, per-epoch logits, gradients and
    candidate checkpoints (theta_s, s >= 1) are copied into preallocated buffers, and turned into
    metrics, gradient norms and the best checkpoint once per chunk (`close_chunk`).
    """

    def __init__(self, config: RunConfig, data: Splits, chunk: int, should_stop: StopCheck | None = None):
        self.config, self.data = config, data
        self.should_stop = should_stop
        self.task = data.task
        self.generator = make_generator(config.seed)
        self.model = build_model(config, self.generator, self.task.n_outputs)
        self.norm_layers = [m for m in self.model.modules() if isinstance(m, torch.nn.BatchNorm1d)]
        self.names = [n for n, _ in self.model.named_parameters()]
        self.params = list(self.model.parameters())
        self.sizes = [p.numel() for p in self.params]
        self.flat, self.n_values = flatten_state(self.model)
        self.flat_params = self.flat[: self.n_values]
        self.n_train, self.n_dev = len(data.y_train), len(data.y_dev)
        E = config.epochs
        self.metrics = torch.full((E + 1, 2, 2), float("nan"))
        self.grad_l2 = torch.zeros(E, len(self.params))
        self.snapshots: list[torch.Tensor] = [self.flat_params.clone()]
        self.plain_sgd = (config.optimizer == "sgd" and config.momentum == 0 and config.weight_decay == 0)
        # the optimizer steps the one flat parameter tensor: the same elementwise update as over the layers'
        # tensors one by one, in one call instead of ten (Adam ran at half the speed of plain SGD)
        self.optimizer = None if self.plain_sgd else make_optimizer(config, [self.flat_params])
        self.fused = config.steps_per_epoch == 1 and not config.batch_norm and not config.eval_steps
        self.eval_every = config.eval_steps          # > 0: the dev set is evaluated every this many steps
        self.steps_done = 0
        self.step_rows: list[tuple[int, int, float, float, float]] = []    # STEP_COLUMNS
        self.step_losses: list[torch.Tensor] = []    # batch losses since the last step evaluation
        self.best_step: int | None = None
        n_rows = self.n_train + self.n_dev
        self.chunk = max(1, min(chunk, 2_000_000 // max(n_rows, self.flat.numel())))
        self.chunk_start = 0
        self.grad_buf = torch.zeros(self.chunk, self.n_values)
        self.cand_flat = torch.empty(self.chunk + 1, self.flat.numel())
        self.cand_s: list[int] = []
        self.best_s, self.best_correct = -1, -1.0
        self.best_flat = self.flat.clone()
        self.replay_at = replay_epochs(E, self.flat.numel())
        self.replay: dict[int, torch.Tensor] = {0: self.flat.clone()}
        self.next_replay = self.replay_at[1] if len(self.replay_at) > 1 else -1
        if self.fused:
            self.X_cols = torch.cat([data.X_train, data.X_dev]).t().contiguous()      # [2, N] feature-major
            self.targets = self.task.targets(torch.cat([data.y_train, data.y_dev]))      # [1 or K, N]
            # d(mean BCE over train rows)/d(logit) = (sigmoid(z) - y) * row_weight; dev rows weigh 0
            self.row_weight = torch.cat([torch.full((self.n_train,), 1.0 / self.n_train),
                                         torch.zeros(self.n_dev)]).view(1, -1)
            self.logit_buf = torch.empty(self.chunk, self.task.n_outputs, n_rows)

    # -- one optimizer step ---------------------------------------------------------------
    def step(self, outputs: list[torch.Tensor], out_grads: list[torch.Tensor] | None, t: int) -> None:
        """Backpropagate `outputs` (with `out_grads`), record the gradient row of epoch t, update."""
        c = self.config
        if c.l1:
            outputs = [*outputs, l1_penalty(self.model, c.l1)]
            out_grads = None if out_grads is None else [*out_grads, torch.ones(())]
        grads = torch.autograd.grad(outputs, self.params, out_grads)
        row = self.grad_buf[t - self.chunk_start]
        torch.cat([g.view(-1) for g in grads], out=row)    # recorded before clipping
        update = row
        if c.clip_norm > 0:
            update = row * (c.clip_norm / (row.norm() + 1e-6)).clamp(max=1.0)
        with torch.no_grad():
            if self.plain_sgd:
                self.flat_params.add_(update, alpha=-c.lr)
            else:
                self.flat_params.grad = update
                self.optimizer.step()

    def candidate(self, s: int) -> None:
        """Copy theta_s (the current parameters) into the checkpoint buffer."""
        self.cand_flat[len(self.cand_s)].copy_(self.flat)
        self.cand_s.append(s)

    def first_bad_epoch(self, rows: int) -> int:
        """First of the history rows 0..rows-1 with a non-finite train or dev loss (rows if none).

        theta_s is only a valid checkpoint if rows 0..s-1 are finite: nothing after divergence counts.
        """
        ok = torch.isfinite(self.metrics[:rows, 0, 0]) & torch.isfinite(self.metrics[1:rows + 1, 1, 0])
        return rows if bool(ok.all()) else int((~ok).nonzero()[0])

    def settle(self) -> None:
        """Keep the first buffered candidate whose dev accuracy strictly beats the best so far
        (among candidates before any divergence)."""
        if self.cand_s:
            dev = self.metrics[torch.tensor(self.cand_s), 1]
            finite = torch.isfinite(dev[:, 0]) & (torch.tensor(self.cand_s) <= self.first_bad_epoch(max(self.cand_s)))
            correct = torch.where(finite, dev[:, 1], torch.tensor(-1.0))
            k = int(torch.argmax(correct))          # first maximum
            if float(correct[k]) > self.best_correct:
                self.best_correct, self.best_s = float(correct[k]), self.cand_s[k]
                self.best_flat.copy_(self.cand_flat[k])
        self.cand_s = []

    # -- epochs ---------------------------------------------------------------------------
    def fused_epoch(self, t: int) -> None:
        """Forward train+dev rows with theta_t; step on the train rows' mean loss."""
        logits = self.model.forward_columns(self.X_cols)           # [outputs, N], theta_t
        with torch.no_grad():
            self.logit_buf[t - self.chunk_start].copy_(logits)
        out_grad = self.task.out_grad(logits, self.targets, self.row_weight)
        if t > 0:
            self.candidate(t)
        self.step([logits], [out_grad], t)
        if t < N_SNAPSHOTS:
            self.snapshots.append(self.flat_params.clone())

    def batched_epoch(self, t: int) -> None:
        """Mini-batch (or batch-norm) epoch: steps over batches, then dev with theta_{t+1}."""
        d, model = self.data, self.model
        self.set_training(True)
        order = (torch.randperm(self.n_train, generator=self.generator)
                 if self.config.steps_per_epoch > 1 else None)
        size = self.config.batch_size if order is not None else self.n_train
        starts = list(range(0, self.n_train, size))
        if self.config.batch_norm and len(starts) > 1 and self.n_train - starts[-1] == 1:
            starts.pop()          # batch norm cannot normalize a 1-row batch: it joins the one before
        sums = torch.zeros(2)
        stop, task = self.should_stop, self.task
        for i, start in enumerate(starts):
            if stop is not None and stop():
                raise _Stopped(t)
            end = starts[i + 1] if i + 1 < len(starts) else self.n_train
            rows = order[start:end] if order is not None else slice(None)
            Xb, yb = d.X_train[rows], d.y_train[rows]
            logits = model(Xb)
            sums += task.row_stats(logits.detach().t(), yb)
            loss = task.loss(logits, yb)
            self.step([loss], None, t)
            if self.eval_every:
                self.steps_done += 1
                self.step_losses.append(loss.detach())
                last = t == self.config.epochs - 1 and i == len(starts) - 1
                if self.steps_done % self.eval_every == 0 or last:
                    self.evaluate_step(t)
        self.metrics[t, 0] = sums
        self.fill_dev(t + 1, candidate=not self.eval_every)
        if t < N_SNAPSHOTS:
            self.snapshots.append(self.flat_params.clone())

    def fill_dev(self, s: int, candidate: bool = True) -> None:
        """Evaluate dev with the current parameters theta_s and buffer them as a candidate."""
        self.peek_dev(s)
        if candidate:
            self.candidate(s)

    def evaluate_step(self, t: int) -> None:
        """eval_steps > 0 (the book's RunnerV3): the dev set with the current parameters after an optimizer
        step; a strictly better dev score makes them the best model at once."""
        self.set_training(False)
        with torch.no_grad():
            dev = self.task.row_stats(self.model(self.data.X_dev).t(), self.data.y_dev)
        self.set_training(True)
        train_loss = float(torch.stack(self.step_losses).mean())
        self.step_losses = []
        dev_loss, correct = float(dev[0]) / self.n_dev, float(dev[1])
        self.step_rows.append((self.steps_done, t, train_loss, dev_loss, correct / self.n_dev))
        if math.isfinite(dev_loss) and math.isfinite(train_loss) and correct > self.best_correct:
            self.best_correct, self.best_s, self.best_step = correct, t + 1, self.steps_done
            self.best_flat.copy_(self.flat)

    def set_training(self, training: bool) -> None:
        """Batch norm's train/eval mode, the only layers whose behaviour depends on it. (model.train() walks
        every module each call: three times an epoch, it cost ~15 % of a batch-norm run.)"""
        for layer in self.norm_layers:
            layer.training = training

    def run_epochs(self, start: int, end: int) -> int:
        """Epochs start..end-1 (at most self.chunk of them), then close the chunk; returns the end.

        If should_stop() says so (polled before every optimizer step), the chunk is closed after the
        last complete epoch and that epoch count is returned (< end).
        """
        self.chunk_start = start
        stop = self.should_stop
        t = start
        try:
            if self.fused:
                for t in range(start, end):
                    if stop is not None and stop():
                        raise _Stopped(t)
                    self.fused_epoch(t)
                    if t + 1 == self.next_replay:
                        self.record(t + 1)
            else:
                for t in range(start, end):
                    self.batched_epoch(t)
                    if t + 1 == self.next_replay:
                        self.record(t + 1)
        except _Stopped as stopped:
            end = stopped.epoch
            if end > start:
                self.close_chunk(start, end)
            return end
        self.close_chunk(start, end)
        return end

    def record(self, s: int) -> None:
        """Keep theta_s (parameters and batch-norm statistics) for the replay."""
        self.replay[s] = self.flat.clone()
        later = [e for e in self.replay_at if e > s]
        self.next_replay = later[0] if later else -1

    def peek_dev(self, s: int) -> None:
        """Dev metrics of the current parameters theta_s into metrics[s] without making them a checkpoint
        candidate: a paused fused run shows its last epoch's dev row; the next epoch's forward rewrites it."""
        self.set_training(False)
        with torch.no_grad():
            self.metrics[s, 1] = self.task.row_stats(self.model(self.data.X_dev).t(), self.data.y_dev)
        self.set_training(True)

    def close_chunk(self, start: int, end: int) -> None:
        """Buffered logits -> metrics rows, gradient rows -> per-parameter L2 norms, best checkpoint."""
        n = end - start
        if self.fused:
            logits = self.logit_buf[:n]
            m = self.metrics[start:end]
            m[:, 0] = self.task.row_stats(logits[..., : self.n_train], self.data.y_train)
            m[:, 1] = self.task.row_stats(logits[..., self.n_train:], self.data.y_dev)
            if end == self.config.epochs:
                self.fill_dev(end)
        offset = 0
        for i, size in enumerate(self.sizes):
            self.grad_l2[start:end, i] = self.grad_buf[:n, offset:offset + size].norm(dim=1)
            offset += size
        self.settle()

    def history(self, upto: int) -> pd.DataFrame:
        """History rows for epochs 0..upto-1."""
        m = self.metrics.double()
        n_train, n_dev = self.n_train, self.n_dev
        return pd.DataFrame({
            "epoch": range(upto),
            "train_loss": (m[:upto, 0, 0] / n_train).numpy(), "train_acc": (m[:upto, 0, 1] / n_train).numpy(),
            "dev_loss": (m[1:upto + 1, 1, 0] / n_dev).numpy(), "dev_acc": (m[1:upto + 1, 1, 1] / n_dev).numpy(),
        })


def _first_nonfinite(history: pd.DataFrame) -> int | None:
    losses = history[["train_loss", "dev_loss"]].to_numpy()
    bad = ~np.isfinite(losses).all(axis=1)
    return int(np.argmax(bad)) if bad.any() else None


class Trainer:
    """One training run that advances any number of epochs at a time; train() is this class run to the end.

        trainer = Trainer(config)
        trainer.run(1); trainer.run(10)     # epochs 0..10, exactly as train() steps them
        trainer.epoch, trainer.history, trainer.state_dict(), trainer.optimizer_state()
        result = trainer.result()           # the RunResult train() gives for config.replace(epochs=trainer.epoch)

    Stepping k epochs in any chunks gives the weights, optimizer state and history of
    train(config.replace(epochs=k)) bit for bit. It stops by itself at config.epochs, at the first
    non-finite loss (diverged_at) and when should_stop() says so (stopped).
    """

    def __init__(self, config: RunConfig, data: Splits | None = None, should_stop: StopCheck | None = None,
                 chunk: int = 0):
        """`chunk`: epochs per buffered chunk inside run() (default about a twentieth of the run).
        Raises ConfigError if the run is over the compute budget (core.budget) for the data it gets."""
        self.started = time.perf_counter()
        if data is not None:          # the budget of the data it trains on (an upload can be larger)
            check_budget(config, len(data.y_train), len(data.y_dev))
        else:                         # a config made under budget_unchecked() was never checked
            check_budget(config, config.split_counts[0])
        self.config = config
        self.data = data if data is not None else make_splits(config)
        self._run = _Run(config, self.data, chunk=chunk or max(1, config.epochs // 20), should_stop=should_stop)
        self.grads_first = gradient_table(self._run.model, self.data.X_train, self.data.y_train, config.l1,
                                          self.data.task)
        self.dead_init = dead_units(self._run.model, self.data.X_train)
        self.epoch = 0                          # epochs done: the parameters are theta_epoch
        self.diverged_at: int | None = None     # first epoch whose train or dev loss was not finite
        self.stopped = False
        self._closed = False

    @property
    def model(self) -> MLP:
        """The network with its current parameters (theta_epoch). Read it; do not step it."""
        return self._run.model

    @property
    def chunk(self) -> int:
        return self._run.chunk

    @property
    def finished(self) -> bool:
        return self.epoch >= self.config.epochs or self.diverged_at is not None or self.stopped or self._closed

    def fork(self) -> Trainer:
        """An independent copy of the run as it is now (parameters, optimizer state, history, random generator,
        buffered chunk): stepping the copy gives what stepping this run would, bit for bit. The data is shared
        (it is never written). Watch it learn keeps a few to go back to the epoch a paused browser shows."""
        if self._closed:
            raise RuntimeError("this run is closed: result() was called")
        twin = copy.deepcopy(self, {id(self.data): self.data, id(self.config): self.config})
        rehome(twin._run.model, twin._run.flat)
        return twin

    def run(self, epochs: int) -> int:
        """Advance up to `epochs` epochs (never past config.epochs, a divergence or a stop); returns how many ran."""
        if self._closed:
            raise RuntimeError("this run is closed: result() was called")
        run, first = self._run, self.epoch
        target = min(self.config.epochs, self.epoch + max(0, int(epochs)))
        while self.epoch < target and not self.finished:
            end = min(target, self.epoch + run.chunk)
            reached = run.run_epochs(self.epoch, end)
            self.stopped = reached < end
            self.epoch = reached
            self.diverged_at = _first_nonfinite(self.known_history())
        return self.epoch - first

    def known_history(self) -> pd.DataFrame:
        """History rows whose train and dev metrics are both known without evaluating anything: a fused
        run learns epoch t-1's dev metrics from epoch t's forward pass, so its last row comes at the end."""
        run, E = self._run, self.config.epochs
        return run.history(self.epoch if (self.epoch == E or not run.fused) else max(0, self.epoch - 1))

    @property
    def history(self) -> pd.DataFrame:
        """epoch, train_loss, train_acc, dev_loss, dev_acc of every epoch done (up to a divergence)."""
        run = self._run
        if run.fused and 0 < self.epoch < self.config.epochs and not self._closed:
            run.peek_dev(self.epoch)
        history = run.history(self.epoch)
        return history if self.diverged_at is None else history[history["epoch"] <= self.diverged_at]

    def state_dict(self) -> dict[str, torch.Tensor]:
        """A copy of the current parameters and buffers (theta_epoch)."""
        return {k: v.clone() for k, v in self._run.model.state_dict().items()}

    def optimizer_state(self) -> dict | None:
        """The optimizer's state_dict (None for plain SGD, which keeps no state)."""
        opt = self._run.optimizer
        return None if opt is None else opt.state_dict()

    def recorded(self) -> tuple[tuple[int, ...], torch.Tensor]:
        """(epochs s, [k, values] parameters theta_s) recorded so far for the replay."""
        epochs = tuple(sorted(self._run.replay))
        return epochs, torch.stack([self._run.replay[s] for s in epochs])

    def result(self) -> RunResult:
        """Close the run and return its RunResult (best dev model tested, gradients, dead units ...), the
        one train(config.replace(epochs=self.epoch)) returns. The trainer cannot run further after this."""
        run = self._run
        if run.fused and self.epoch < self.config.epochs:   # ended early: complete the last epoch's dev row
            run.fill_dev(self.epoch)
            run.settle()
        if self.epoch not in run.replay and self.diverged_at is None:
            run.record(self.epoch)
        self._closed = True
        history = run.history(self.epoch)
        if self.diverged_at is not None:
            history = history[history["epoch"] <= self.diverged_at]
        return _finish(run, history, self.diverged_at, self.stopped, self.grads_first, self.dead_init, self.started)


def train(config: RunConfig, on_progress: Progress | None = None, progress_every: int = 0,
          data: Splits | None = None, should_stop: StopCheck | None = None) -> RunResult:
    """Train the MLP a config describes and record everything the app shows (a Trainer run to the end).

    on_progress(epochs_done, partial_history) is called every `progress_every` epochs (default:
    about 20 times per run); if it returns True, training stops there (result.stopped is True).
    should_stop() is polled before every optimizer step, so a cancel acts within one step however
    long an epoch is; if it returns True, training stops after the last complete epoch (the
    parameters keep the steps of the interrupted epoch) and result.stopped is True.
    Raises ConfigError if the run is over the compute budget (core.budget) for the data it gets.
    """
    trainer = Trainer(config, data, should_stop, chunk=progress_every)
    while not trainer.finished:
        trainer.run(trainer.chunk)
        if trainer.diverged_at is not None or trainer.stopped:
            break
        if on_progress is not None and on_progress(trainer.epoch, trainer.known_history()) \
                and trainer.epoch < config.epochs:
            trainer.stopped = True
    return trainer.result()


def _finish(run: _Run, history: pd.DataFrame, diverged_at: int | None, stopped: bool,
            grads_first: pd.DataFrame, dead_init: list[int], start: float) -> RunResult:
    config, data, model = run.config, run.data, run.model
    final_state = {k: v.clone() for k, v in model.state_dict().items()}
    best_epoch = run.best_s - 1 if run.best_s >= 1 else -1      # theta_s is the model after epoch s-1
    best_dev_acc = run.best_correct / run.n_dev if best_epoch >= 0 else float("nan")
    grads_last = gradient_table(model, data.X_train, data.y_train, config.l1, run.task)
    dead_final = dead_units(model, data.X_train)

    with torch.no_grad():      # best_flat is still theta_0 if no epoch had a finite dev loss
        run.flat.copy_(run.best_flat)
    test_loss, test_acc = evaluate(model, data.X_test, data.y_test, run.task)
    test_predictions = _predictions(model, data, run.task)
    if best_epoch < 0:         # no epoch produced a usable model: there is nothing to test
        test_loss = test_acc = float("nan")
    best_state = {k: v.clone() for k, v in model.state_dict().items()}

    n_grads = min(len(history), run.grad_l2.shape[0])
    grad_norms = _grad_norm_frame(run.names, run.grad_l2[:n_grads])
    snapshots = _snapshot_frame(model, run.names, run.snapshots)
    hidden_layers = [f"fc{k + 1}" for k in range(len(config.hidden))]
    dead = pd.DataFrame({"layer": hidden_layers, "units": list(config.hidden),
                         "dead_init": dead_init, "dead_final": dead_final})
    return RunResult(
        config=config, history=history.reset_index(drop=True), best_epoch=best_epoch,
        best_dev_acc=best_dev_acc, test_loss=test_loss, test_acc=test_acc, grad_norms=grad_norms,
        weight_snapshots=snapshots, dead_units=dead, grads_first=grads_first, grads_last=grads_last,
        diverged_at=diverged_at, state_dict=best_state, final_state_dict=final_state,
        seconds=time.perf_counter() - start, stopped=stopped,
        replay_epochs=tuple(sorted(run.replay)), replay_params=torch.stack([run.replay[s] for s in sorted(run.replay)]),
        task=run.task, step_history=pd.DataFrame(run.step_rows, columns=STEP_COLUMNS) if run.eval_every else None,
        best_step=run.best_step, test_predictions=test_predictions,
    )


def _predictions(model: MLP, data: Splits, task: Task) -> pd.DataFrame:
    """true, pred of every test row (the model in eval mode): a class index, or the value for regression."""
    model.eval()
    with torch.no_grad():
        pred = task.predict(model(data.X_test))
    model.train()
    true = data.y_test[:, 0]
    if task.classifies:
        return pd.DataFrame({"true": true.numpy().astype(np.int16), "pred": pred.numpy().astype(np.int16)})
    return pd.DataFrame({"true": true.double().numpy(), "pred": pred.double().numpy()})


def confusion(result: RunResult) -> pd.DataFrame:
    """The test confusion matrix of a classification run, tidy: true, pred, count (every pair of the K classes,
    zeros included), counting the best dev model's predictions; empty for regression or a run with no model."""
    task, preds = result.task, result.test_predictions
    if not task.classifies or preds is None or result.best_epoch < 0:
        return pd.DataFrame({"true": [], "pred": [], "count": []}, dtype=int)
    k = task.n_classes
    counts = np.zeros((k, k), dtype=int)
    np.add.at(counts, (preds["true"].to_numpy(), preds["pred"].to_numpy()), 1)
    true, pred = np.divmod(np.arange(k * k), k)
    return pd.DataFrame({"true": true, "pred": pred, "count": counts.reshape(-1)})


def class_report(result: RunResult) -> pd.DataFrame:
    """Per class of a classification run's test set: class, support (true rows), precision, recall (NaN where
    undefined: a class never predicted has no precision)."""
    matrix = confusion(result)
    if matrix.empty:
        return pd.DataFrame({"class": [], "support": [], "precision": [], "recall": []})
    k = result.task.n_classes
    counts = matrix["count"].to_numpy().reshape(k, k).astype(float)
    hits = np.diag(counts)
    with np.errstate(invalid="ignore", divide="ignore"):
        precision = np.where(counts.sum(axis=0) > 0, hits / counts.sum(axis=0), np.nan)
        recall = np.where(counts.sum(axis=1) > 0, hits / counts.sum(axis=1), np.nan)
    return pd.DataFrame({"class": np.arange(k), "support": counts.sum(axis=1).astype(int),
                         "precision": precision, "recall": recall})


def regression_scores(result: RunResult) -> dict[str, float]:
    """test MSE and R² of a regression run's best dev model (NaN when there is none)."""
    if result.task.classifies:
        raise ValueError("not a regression run")
    return {"mse": result.test_loss, "r2": result.test_acc}


# Results are cached per config for every user of a server, so their frames are kept compact: layer and
# parameter names as categoricals (one byte per row instead of a Python string), indices as small ints.
# An 8 x 64 run's snapshots take 1.4 MB this way instead of 6.4 MB (pickled, as st.cache_data keeps them).
def _names(names: list[str]) -> tuple[list[str], list[str]]:
    layers, params = zip(*(split_name(nm) for nm in names)) if names else ((), ())
    return list(layers), list(params)


def _grad_norm_frame(names: list[str], grad_l2: torch.Tensor) -> pd.DataFrame:
    epochs, n = grad_l2.shape
    layers, params = _names(names)
    return pd.DataFrame({
        "epoch": np.repeat(np.arange(epochs, dtype=np.int32), n),
        "layer": pd.Categorical(layers * epochs, categories=list(dict.fromkeys(layers))),
        "param": pd.Categorical(params * epochs, categories=list(dict.fromkeys(params))),
        "grad_l2": grad_l2.reshape(-1).double().numpy(),
    })


def _snapshot_frame(model: MLP, names: list[str], snapshots: list[torch.Tensor]) -> pd.DataFrame:
    """Long frame of the first parameter snapshots: one row per (step, parameter entry); values are the
    float32 parameters exactly."""
    shapes = [p.shape if p.dim() == 2 else (p.shape[0], 1) for p in model.parameters()]
    layers, params = _names(names)
    sizes = [math.prod(shape) for shape in shapes]
    rows, cols = zip(*(np.divmod(np.arange(n), shape[1]) for n, shape in zip(sizes, shapes))) if sizes else ((), ())
    per_step = {
        "layer": np.repeat(layers, sizes), "param": np.repeat(params, sizes),
        "row": np.concatenate(rows or [np.zeros(0)]).astype(np.int16),
        "col": np.concatenate(cols or [np.zeros(0)]).astype(np.int16),
    }
    steps = len(snapshots)
    return pd.DataFrame({
        "step": np.repeat(np.arange(steps, dtype=np.int8), sum(sizes)),
        "layer": pd.Categorical(np.tile(per_step["layer"], steps), categories=list(dict.fromkeys(layers))),
        "param": pd.Categorical(np.tile(per_step["param"], steps), categories=list(dict.fromkeys(params))),
        "row": np.tile(per_step["row"], steps), "col": np.tile(per_step["col"], steps),
        "value": torch.cat(snapshots).numpy() if snapshots else np.zeros(0, dtype=np.float32),
    })


def compare_runs(results: dict[str, RunResult]) -> pd.DataFrame:
    """One row per named run: run, layers (the architecture, e.g. '2-5-3-1'), the other config fields that
    differ between the runs (their values as in RunConfig), then the scores. Language-neutral: a page
    translates headers and choice values."""
    configs = {name: r.config.to_dict() for name, r in results.items()}
    fields = [f for f in next(iter(configs.values())) if f != "hidden"] if configs else []
    differing = [f for f in fields if len({repr(c[f]) for c in configs.values()}) > 1]
    rows = []
    for name, r in results.items():
        row = {"run": name, "layers": "-".join(map(str, r.config.layer_sizes)),
               **{f: configs[name][f] for f in differing}}
        row.update(test_acc=r.test_acc, test_loss=r.test_loss, best_dev_acc=r.best_dev_acc,
                   best_epoch=r.best_epoch, seconds=r.seconds)
        rows.append(row)
    return pd.DataFrame(rows)
