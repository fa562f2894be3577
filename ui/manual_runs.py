"""Cached calls into core.manual / core.manual_checks for the "Autograd vs manual" page.

Everything is keyed by the canonical config string (ui.runs.config_key) of the config the
hand-written network actually runs, so a return to the page is instant. What runs on page load
and what waits for a button is core.manual_checks' budget rules.
"""

from __future__ import annotations

import ast
import inspect
import textwrap
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import streamlit as st

from core.config import RunConfig
from core.manual_checks import FD_ENTRIES, timing_rows, timing_sizes
from ui.runs import config_key, config_of

if TYPE_CHECKING:
    import pandas as pd

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


__all__ = ["cached_fd_check", "cached_gradients", "cached_step_time", "cached_training", "code_lines", "code_pair",
           "config_key", "source_of", "step_times", "timing_key"]
