"""Cached calls into core.landscape for the Loss landscape page, and its chart specs.

Everything is keyed by the canonical config key (ui.runs.config_key) of the trained run (ui.runs.cached_train:
the Train page's cache entry, so a run trained anywhere shows here at once), bounded by max_entries. The
landscapes themselves take well under a second for the book's network; a landscape over its time budget
raises core.config.ConfigError, which the page shows as a message.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import streamlit as st

from core.config import RunConfig
from ui.i18n import t
from ui.run_button import CLICKED, run_button, run_id, train_all, trained_before
from ui.runs import cached_train, config_key, config_of, spec_of

if TYPE_CHECKING:
    import pandas as pd

    from core.landscape import Landscape
    from core.training import RunResult

MAX_ENTRIES = 32
MAX_SHOWN_SIDE = 51      # a surface is drawn on at most this many points per side (ui.charts.landscape.shown_grid)


def train_run(config: RunConfig, lang: str) -> RunResult | None:
    """The config's run behind the Train button (ui.run_button): shown at once if this session trained it
    before (on any page), else after a click; None while it waits."""
    go = run_button(run_id(config), t("train_button", lang), "landscape_train", auto=trained_before({"run": config}),
                    waiting=t("landscape_press_train", lang))
    if go is None:
        return None
    return train_all({"run": config}, lang, show_progress=go == CLICKED)["run"]


def racer_label(name: str, lang: str, lr: float | None = None) -> str:
    """An optimizer of the race as shown: 'Momentum', or with its learning rate 'Momentum, lr 0.2'."""
    label = t(f"landscape_racer_{name}", lang)
    return label if lr is None else t("landscape_racer_label", lang, name=label, lr=f"{lr:g}")


# --------------------------------------------------------------------------- cached core calls
@st.cache_data(max_entries=MAX_ENTRIES, show_spinner=False)
def cached_line(key: str) -> pd.DataFrame:
    """core.landscape.interpolation of the cached run of `key`."""
    from core.landscape import interpolation

    return interpolation(cached_train(key))


@st.cache_data(max_entries=MAX_ENTRIES, show_spinner=False)
def cached_slice(key: str, grid: int, span: float) -> Landscape:
    """core.landscape.random_slice of the cached run of `key`."""
    from core.landscape import random_slice

    return random_slice(cached_train(key), grid, span)


@st.cache_data(max_entries=MAX_ENTRIES, show_spinner=False)
def cached_path(key: str, grid: int) -> Landscape:
    """core.landscape.training_path of the cached run of `key`."""
    from core.landscape import training_path

    return training_path(cached_train(key), grid)


@st.cache_data(max_entries=MAX_ENTRIES, show_spinner=False)
def cached_race(keys: tuple[str, ...], names: tuple[str, ...], grid: int) -> Landscape:
    """core.landscape.race of the cached runs of `keys` (trained before: ui.gradient_runs.train_runs), named."""
    from core.landscape import race

    return race({name: cached_train(key) for name, key in zip(names, keys)}, grid)


# --------------------------------------------------------------------------- chart specs (cached per language)
@st.cache_data(max_entries=MAX_ENTRIES, show_spinner=False)
def line_spec(key: str, lang: str) -> dict:
    from ui.charts.landscape import line_chart

    return spec_of(line_chart(cached_line(key), lang))


def _surface_spec(view: Landscape, lang: str, title: str, axes: tuple[str, str],
                  runs: dict[str, str] | None = None) -> dict:
    from ui.charts.landscape import shown_grid, surface_chart, surface_contours

    shown = shown_grid(view.surface, MAX_SHOWN_SIDE)
    return spec_of(surface_chart(shown, surface_contours(shown), view.marks, view.paths, lang, title, axes, runs))


def pc_titles(view: Landscape, lang: str) -> tuple[str, str]:
    """Axis titles of a PCA plane: 'PC1 (81.6 %)', 'PC2 (16.1 %)'."""
    return (t("landscape_pc1", lang, share=f"{100 * view.explained[0]:.1f} %"),
            t("landscape_pc2", lang, share=f"{100 * view.explained[1]:.1f} %"))


@st.cache_data(max_entries=MAX_ENTRIES, show_spinner=False)
def slice_spec(key: str, grid: int, span: float, lang: str) -> dict:
    return _surface_spec(cached_slice(key, grid, span), lang, t("landscape_chart_slice", lang),
                         (t("landscape_dir1", lang), t("landscape_dir2", lang)))


@st.cache_data(max_entries=MAX_ENTRIES, show_spinner=False)
def path_spec(key: str, grid: int, lang: str) -> dict:
    view = cached_path(key, grid)
    return _surface_spec(view, lang, t("landscape_chart_path", lang), pc_titles(view, lang))


@st.cache_data(max_entries=MAX_ENTRIES, show_spinner=False)
def race_spec(keys: tuple[str, ...], names: tuple[str, ...], lrs: tuple[float, ...], grid: int, lang: str) -> dict:
    view = cached_race(keys, names, grid)
    runs = {name: racer_label(name, lang, lr) for name, lr in zip(names, lrs)}
    return _surface_spec(view, lang, t("landscape_chart_race", lang), pc_titles(view, lang), runs)


@st.cache_data(max_entries=MAX_ENTRIES, show_spinner=False)
def race_curves_spec(keys: tuple[str, ...], labels: tuple[str, ...], lang: str) -> dict:
    """The racers' train and dev loss curves (ui.charts.compare_chart), one colour per racer in race order."""
    from core.data import task_of
    from ui.charts import compare_chart

    kind = task_of(config_of(keys[0])).kind
    return spec_of(compare_chart({label: cached_train(key).history for key, label in zip(keys, labels)}, lang,
                                 task_kind=kind))


__all__ = ["cached_line", "cached_path", "cached_race", "cached_slice", "config_key", "config_of", "line_spec",
           "path_spec", "pc_titles", "race_curves_spec", "race_spec", "racer_label", "slice_spec", "train_run"]
