"""Cached calls into core.manual for the "Autograd vs manual" page, and the page's budget rules.

Everything is keyed by the canonical config string (ui.runs.config_key) of the config the
hand-written network actually runs, so a return to the page is instant. The budgets below decide
what runs on page load (cheap: well under a second) and what waits for a button.
"""

from __future__ import annotations

import ast
import inspect
import itertools
import textwrap
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import streamlit as st

from core.config import FIELD_BY_NAME, RunConfig
from ui.runs import config_key, config_of

if TYPE_CHECKING:
    import pandas as pd

# settings of the sidebar that the hand-written side does not implement (it is plain full-batch GD)
IGNORED_FIELDS = ("batch_norm", "optimizer", "momentum", "nesterov", "beta1", "beta2", "batch_size",
                  "weight_decay", "l1", "clip_norm")
OVERLAY_EPOCHS = 500        # at most this many epochs in the training-curve overlay
# work = multiply-adds of forward passes over the training set (passes x train rows x parameters);
# measured here: the overlay takes ~0.2 s + work / 2e9 s, the finite differences ~work / 4e9 s
CLICK_WORK = 3e9            # the most one part does even after a click (a few seconds)
OVERLAY_LOAD_WORK = 4e8     # overlay runs on page load up to this (about half a second)
FD_LOAD_WORK = 1e9          # finite-difference check runs on page load up to this (a quarter of a second)
FD_ENTRIES = 25             # finite-difference entries checked per parameter (all of them for the 2-5-1 net)
TIMING_SIZES: tuple[tuple[int, ...], ...] = ((5,), (5, 3), (3, 3, 3, 3), (16, 16), (64, 64), (64, 64, 64, 64),
                                             (256, 256))
TIMING_MAX_ROWS = 2000      # timing uses the config's training rows, at most this many


# --------------------------------------------------------------------------- what runs, and how big
def manual_config(config: RunConfig) -> tuple[RunConfig, list[str]]:
    """(the config the comparison runs, names of sidebar fields it ignores because they differ from the default).

    Both sides train with plain full-batch gradient descent at config.lr on the data loss only, so
    optimizer, momentum, mini-batches, L1/L2 penalties and clipping play no part; batch norm is
    switched off (the hand-written network has none).
    """
    ignored = [name for name in IGNORED_FIELDS if getattr(config, name) != FIELD_BY_NAME[name].default]
    return (config.replace(batch_norm=False) if config.batch_norm else config), ignored


def _forward_work(config: RunConfig) -> float:
    """Multiply-adds of one forward pass over the training set (train rows x parameters)."""
    return float(config.split_counts[0]) * config.n_params


def overlay_epochs(config: RunConfig) -> int:
    """Epochs of the training-curve overlay: min(config.epochs, 500), fewer for large nets/data (>= 1)."""
    return max(1, min(config.epochs, OVERLAY_EPOCHS, int(CLICK_WORK // _forward_work(config))))


def overlay_is_cheap(config: RunConfig) -> bool:
    """Whether the overlay may run on page load (else it waits for a button)."""
    return overlay_epochs(config) * _forward_work(config) <= OVERLAY_LOAD_WORK


def fd_entries(config: RunConfig) -> int:
    """Finite-difference entries per parameter: up to FD_ENTRIES, fewer when a forward pass is expensive."""
    n_tensors = 2 * (len(config.hidden) + 1)
    affordable = int(CLICK_WORK // (2 * n_tensors * _forward_work(config)))
    return max(1, min(FD_ENTRIES, affordable))


def fd_is_cheap(config: RunConfig) -> bool:
    """Whether the finite-difference check may run on page load (two forward passes per checked entry)."""
    n_tensors = 2 * (len(config.hidden) + 1)
    return 2 * n_tensors * fd_entries(config) * _forward_work(config) <= FD_LOAD_WORK


def timing_sizes(config: RunConfig) -> list[tuple[int, ...]]:
    """Hidden-layer tuples to time, by parameter count: TIMING_SIZES plus the config's own network."""
    sizes = set(TIMING_SIZES) | {tuple(config.hidden)}
    return sorted(sizes, key=lambda h: (n_params(h), h))


def n_params(hidden: Sequence[int]) -> int:
    """Weights and biases of the 2 -> hidden -> 1 network."""
    sizes = (2, *hidden, 1)
    return sum((a + 1) * b for a, b in itertools.pairwise(sizes))


def timing_rows(config: RunConfig) -> int:
    """Rows per timed step: the config's training rows, at most TIMING_MAX_ROWS."""
    return min(config.split_counts[0], TIMING_MAX_ROWS)


# --------------------------------------------------------------------------- cached core calls
@st.cache_data(max_entries=64, show_spinner=False)
def cached_gradients(key: str, fused: bool = False) -> pd.DataFrame:
    """core.manual_checks.compare_gradients (float64) of the config `key`."""
    from core.manual_checks import compare_gradients

    return compare_gradients(config_of(key), fused=fused)


@st.cache_data(max_entries=64, show_spinner=False)
def cached_fd_check(key: str, fused: bool = False, max_entries: int = FD_ENTRIES) -> pd.DataFrame:
    """core.manual_checks.finite_difference_check (float64, eps 1e-6) of the config `key`."""
    from core.manual_checks import finite_difference_check

    return finite_difference_check(config_of(key), max_entries=max_entries, fused=fused)


@st.cache_data(max_entries=32, show_spinner=False)
def cached_training(key: str, epochs: int, fused: bool = False) -> pd.DataFrame:
    """core.manual_checks.compare_training (float64): epoch, implementation, train_loss."""
    from core.manual_checks import compare_training

    return compare_training(config_of(key), epochs=epochs, fused=fused)


@st.cache_data(max_entries=128, show_spinner=False)
def cached_step_time(hidden: tuple[int, ...], n_rows: int, activation: str) -> pd.DataFrame:
    """core.manual_checks.time_per_step for one network size (float32, fastest of 3 blocks of 20 steps)."""
    from core.manual_checks import time_per_step

    return time_per_step([hidden], n_rows=n_rows, repeats=20, activation=activation)


def step_times(config: RunConfig, on_progress: Callable[[int, int], None] | None = None) -> pd.DataFrame:
    """Seconds per training step, hand-written vs autograd, for every size of timing_sizes(config).

    Tidy frame: implementation, hidden, params, seconds_per_step. on_progress(done, total) after each size.
    """
    import pandas as pd

    sizes, rows = timing_sizes(config), timing_rows(config)
    frames = []
    for i, hidden in enumerate(sizes):
        frames.append(cached_step_time(hidden, rows, config.activation))
        if on_progress is not None:
            on_progress(i + 1, len(sizes))
    return pd.concat(frames, ignore_index=True)


def timing_key(config: RunConfig) -> str:
    """What the timing depends on (activation, rows, the config's network): the page remembers clicks by it."""
    return f"{config.activation}|{timing_rows(config)}|{','.join(map(str, config.hidden))}"


# --------------------------------------------------------------------------- the code, side by side
def source_of(objects: Sequence[object]) -> str:
    """The source of functions/classes/methods, dedented, separated by blank lines."""
    return "\n\n".join(textwrap.dedent(inspect.getsource(obj)).rstrip() for obj in objects)


def code_lines(source: str) -> int:
    """Lines of code in `source`, not counting blank lines, comments and docstrings."""
    tree = ast.parse(source)
    skip: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Module)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) \
                    and isinstance(first.value.value, str):
                skip.update(range(first.lineno, first.end_lineno + 1))
    return sum(1 for n, line in enumerate(source.splitlines(), start=1)
               if n not in skip and line.strip() and not line.strip().startswith("#"))


def code_pair(activation: str, fused: bool = False) -> tuple[str, str]:
    """(hand-written code, autograd code) of one training run as the page compares them.

    Hand-written: the ops it uses (Linear, the hidden activation, the output Sigmoid, the loss), the
    chain-rule loop, the update and the training loop. Autograd: its training loop; nn.Linear,
    loss.backward() and torch.optim.SGD do the rest.
    """
    from core import manual

    activation_op = type(manual.make_activation(activation))
    ops = [manual.Linear, activation_op]
    if activation_op is not manual.Sigmoid:
        ops.append(manual.Sigmoid)
    ops.append(manual.SigmoidBCE if fused else manual.BCELoss)
    by_hand = [*ops, manual.ManualMLP.backward, manual.ManualMLP.step, manual.gradient_descent_step,
               manual.train_manual]
    return source_of(by_hand), source_of([manual.train_autograd])


__all__ = ["cached_fd_check", "cached_gradients", "cached_step_time", "cached_training",
           "code_lines", "code_pair", "config_key", "fd_entries", "fd_is_cheap", "manual_config", "n_params",
           "overlay_epochs", "overlay_is_cheap", "source_of", "step_times", "timing_key", "timing_rows",
           "timing_sizes"]
