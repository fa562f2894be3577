"""Cached core calls and small widgets shared by the Vanishing gradients and Dead ReLU pages.

Everything is cached by the canonical config key (ui.runs.config_key), bounded by max_entries;
training goes through ui.runs.train_live, so a run trained here is the same cache entry the Train
page uses, and a return to the page is instant.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import streamlit as st

from core.choices import ACTIVATION_TABLE
from core.config import FIELD_BY_NAME, ConfigError, RunConfig, check_runs_time
from ui import state
from ui.i18n import choice_label, t
from ui.run_button import CLICKED, run_button, run_id, train_all, trained_before
from ui.runs import cached_train, config_key, config_of
from ui.text import literal

if TYPE_CHECKING:
    import pandas as pd

    from core.training import RunResult

MAX_ENTRIES = 64
VANISHING_ACTS = ["sigmoid", "relu"]                # activations each lesson page compares by default
DEAD_RELU_ACTS = ["relu", "leaky_relu", "elu"]

# Activation names shown in the page-local multiselects. They are the same in both languages on purpose:
# a multiselect bound to the URL writes its displayed labels into the link, and a link must keep working
# after the reader switches language.
ACT_NAMES = {name: row.short for name, row in ACTIVATION_TABLE.items()}     # core.choices


def act_name(activation: str, slope: float | None = None) -> str:
    """Display name of an activation; Leaky ReLU with its slope when given, e.g. 'Leaky ReLU (0.01)'."""
    name = ACT_NAMES.get(activation, activation)
    return f"{name} ({slope:g})" if activation == "leaky_relu" and slope is not None else name


def setting_caption(config: RunConfig, lang: str) -> str:
    """One line describing the network and the knobs the gradient pages are about."""
    return t("vanishing_setting", lang, arch="-".join(map(str, config.layer_sizes)), n=len(config.layer_sizes) - 1,
             init=choice_label("weight_init", config.weight_init, lang), std=f"{config.weight_std:g}",
             bias=f"{config.bias_init:g}", lr=f"{config.lr:g}", epochs=config.epochs)


@st.cache_data(max_entries=MAX_ENTRIES, show_spinner=False)
def cached_first_step(key: str, activations: tuple[str, ...]) -> pd.DataFrame:
    """core.gradients.first_step_by_activation for the config of `key` (instant: one backward per activation)."""
    from core.gradients import first_step_by_activation

    return first_step_by_activation(config_of(key), activations)


@st.cache_data(max_entries=MAX_ENTRIES, show_spinner=False)
def cached_slope_sweep(key: str) -> pd.DataFrame:
    """core.gradients.slope_sweep (first-step gradients of Leaky ReLU for several slopes) of the config of `key`."""
    from core.gradients import DEFAULT_SLOPES, slope_sweep

    config = config_of(key)
    return slope_sweep(config, (*DEFAULT_SLOPES, config.leaky_slope) if config.leaky_slope > 0 else DEFAULT_SLOPES)


@st.cache_data(max_entries=MAX_ENTRIES, show_spinner=False)
def cached_epoch_grid(key: str) -> pd.DataFrame:
    """Per-epoch weight-gradient norms of the cached run of `key`, thinned for the heatmap (gradients.epoch_grid)."""
    from core.gradients import epoch_grid

    return epoch_grid(cached_train(key).grad_norms)


def heatmap_spec(configs: dict[str, RunConfig], labels: dict[str, str], lang: str) -> dict:
    """Vega-Lite spec of the layer x epoch gradient heatmap of several trained runs (one panel per run, in
    the order of `configs`), cached: a rerun of the page (any widget) redraws it without rebuilding it."""
    return _heatmap_spec(tuple(config_key(c) for c in configs.values()), tuple(labels[n] for n in configs), lang)


@st.cache_data(max_entries=MAX_ENTRIES, show_spinner=False)
def _heatmap_spec(keys: tuple[str, ...], labels: tuple[str, ...], lang: str) -> dict:
    import pandas as pd

    from ui.charts.gradients import grad_heatmap
    from ui.runs import spec_of

    frame = pd.concat([cached_epoch_grid(key).assign(run=label) for key, label in zip(keys, labels)],
                      ignore_index=True)
    return spec_of(grad_heatmap(frame, lang, list(labels)))


def train_runs(configs: dict[str, RunConfig], labels: dict[str, str], lang: str,
               button_key: str) -> dict[str, RunResult] | None:
    """A Train button for several runs; returns their results once trained (now or earlier in this session).

    Returns None while some run has not been trained in this session and the button was not pressed.
    Training shows one progress bar over all runs; cached runs return at once.
    """
    try:
        check_runs_time(list(configs.values()))         # a lesson button is held to a sweep's time budget
    except ConfigError as err:
        reason = err.reason_zh if lang == "zh" and err.reason_zh else err.reason
        st.error(t("lesson_too_slow", lang, reason=literal(reason)))
        return None
    epochs = max(c.epochs for c in configs.values())
    go = run_button(run_id(configs), t("vanishing_train_button", lang, n=len(configs), epochs=epochs), button_key,
                    auto=trained_before(configs), waiting=t("vanishing_press_train", lang))
    if go is None:
        return None

    def progress_text(i: int, run: str, epoch: int, total: int) -> str:
        return t("vanishing_progress", lang, i=i + 1, n=len(configs), run=run, epoch=epoch, epochs=total)

    return train_all(configs, lang, labels, show_progress=go == CLICKED, progress_text=progress_text)


def config_slider(name: str, label: str, key: str, lo: float, hi: float, step: float, help: str | None = None) -> float:
    """A page slider that edits one RunConfig field: the sidebar, the URL and the runs follow it, and it
    follows the sidebar (or a reset). The value is clamped to [lo, hi] for display only."""
    field = FIELD_BY_NAME[name]
    lo, hi = max(lo, field.lo), min(hi, field.hi)
    value = float(getattr(state.config(), name))
    if st.session_state.get(key) != min(max(value, lo), hi):
        st.session_state[key] = min(max(value, lo), hi)
    return st.slider(label, min_value=float(lo), max_value=float(hi), step=float(step), key=key, help=help,
                     on_change=_store_field, args=(name, key))


def _store_field(name: str, key: str) -> None:
    state.set_values({name: st.session_state[key]})
