"""Cached calls into core.manual / core.manual_checks for the "Autograd vs manual" page.

Everything is keyed by the canonical config string (ui.runs.config_key) of the config the
hand-written network actually runs, so a return to the page is instant; except the timing, which is
measured afresh on every press and only kept in the session to be shown again. What runs on page load
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

TIMINGS = "manual_timings"          # session: timing_key -> the last step_time_samples frame measured for it
TIMING_RUNS = "manual_timing_runs"  # session: how many timing measurements this session has run
MAX_KEPT_TIMINGS = 8

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


@st.cache_data(max_entries=64, show_spinner=False)
def gradients_spec(key: str, fused: bool, lang: str) -> dict:
    """Vega-Lite spec of the manual vs autograd gradient chart (cached: a return to the page redraws it at once)."""
    from ui.charts.manual import grad_compare_chart
    from ui.runs import spec_of

    return spec_of(grad_compare_chart(cached_gradients(key, fused), lang))


@st.cache_data(max_entries=32, show_spinner=False)
def training_spec(key: str, epochs: int, fused: bool, lang: str) -> dict:
    """Vega-Lite spec of the overlaid manual and autograd training curves (cached)."""
    from ui.charts.manual import training_overlay_chart
    from ui.runs import spec_of

    return spec_of(training_overlay_chart(cached_training(key, epochs, fused), lang))


def measure_step_times(config: RunConfig, on_progress: Callable[[int, int], None] | None = None) -> pd.DataFrame:
    """Measure afresh (never cached: a second press measures again) the seconds per training step, hand-written
    vs autograd, of every size of timing_sizes(config): core.manual_checks.step_time_samples' frame (warm-up
    and timed samples), on_progress(done, total) after each round. It is kept in the session under
    timing_key(config) (see last_step_times) and the session's count of measurements (TIMING_RUNS) goes up."""
    from core.manual_checks import step_time_samples

    samples = step_time_samples(timing_sizes(config), n_rows=timing_rows(config), activation=config.activation,
                                on_progress=on_progress)
    kept: dict = st.session_state.setdefault(TIMINGS, {})
    kept.pop(timing_key(config), None)
    kept[timing_key(config)] = samples
    while len(kept) > MAX_KEPT_TIMINGS:                      # the oldest measurement goes first
        kept.pop(next(iter(kept)))
    st.session_state[TIMING_RUNS] = st.session_state.get(TIMING_RUNS, 0) + 1
    return samples


def last_step_times(config: RunConfig) -> pd.DataFrame | None:
    """The last measure_step_times frame of this session for timing_key(config), or None."""
    return st.session_state.get(TIMINGS, {}).get(timing_key(config))


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


def code_pair(activation: str, fused: bool = False, task: str = "binary") -> tuple[str, str]:
    """(hand-written code, autograd code) of one training run as the page compares them.

    Hand-written: the ops it uses (Linear, the hidden activation, then for two classes the output Sigmoid
    and BCELoss or SigmoidBCE, for K classes SoftmaxCrossEntropy, for regression MSELoss: `task` is a
    core.tasks kind), the chain-rule loop, the update and the training loop. Autograd: its training loop;
    nn.Linear, loss.backward() and torch.optim.SGD do the rest.
    """
    from core import manual
    from core.tasks import BINARY, MULTICLASS

    activation_op = type(manual.make_activation(activation))
    ops = [manual.Linear, activation_op]
    if task == BINARY:
        if activation_op is not manual.Sigmoid:
            ops.append(manual.Sigmoid)
        ops.append(manual.SigmoidBCE if fused else manual.BCELoss)
    else:
        ops.append(manual.SoftmaxCrossEntropy if task == MULTICLASS else manual.MSELoss)
    by_hand = [*ops, manual.ManualMLP.backward, manual.ManualMLP.step, manual.gradient_descent_step,
               manual.train_manual]
    return source_of(by_hand), source_of([manual.train_autograd])


__all__ = ["TIMINGS", "TIMING_RUNS", "cached_fd_check", "cached_gradients", "cached_training", "code_lines",
           "code_pair", "config_key", "last_step_times", "measure_step_times", "source_of", "timing_key"]
