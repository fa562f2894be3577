"""The Train button flow shared by the Train page and the Your-data page (through ui.run_button).

Press Train -> "Queued: position k, about N s" while the run waits for a training slot -> progress bar
and live loss curve while a worker thread trains -> the result view.
Torch, pandas and altair are imported only once there is something to train or draw.
"""

from __future__ import annotations

import streamlit as st

from core.choices import RAW_FEATURES as RAW
from core.config import FIELDS, RunConfig
from ui.i18n import t
from ui.run_button import CLICKED, run_button, run_id, train_all, trained_before


def train_and_show(config: RunConfig, lang: str, data: str = "") -> None:
    """Draw the Train button; after a click (or if this session trained this run before) show the run.
    Until then the page shows what will be trained: the data points and a diagram of the network."""
    from ui.results import spiral_tip

    spiral_tip(config, lang)
    label = config.label(lang)
    go = run_button(run_id(config, data), t("train_button", lang), "train", always_show=True,
                    auto=trained_before({"run": config}, data), waiting=t("press_train", lang, label=label))
    if go is None:
        show_preview(config, lang, data)
        return
    result = train_all({"run": config}, lang, show_progress=go == CLICKED, data=data, live=True)["run"]
    from ui.results import show_run

    show_run(result, config, lang, data)


def show_preview(config: RunConfig, lang: str, data: str = "") -> None:
    """The data (train/dev/test points) beside a diagram of the configured network; both follow the sidebar."""
    from ui.runs import splits_of

    key = data_key(config)
    task = splits_of(key, data).task          # an upload's labels may ask for another task than the config's data
    sizes = (*config.layer_sizes[:-1], task.n_outputs)
    left, right = st.columns([3, 2])
    left.vega_lite_chart(spec=_points_spec(key, data, lang), width="stretch")
    right.vega_lite_chart(spec=_network_spec(sizes, config.activation, lang, config.features, task.kind,
                                             input_names(config, data, lang)), width="stretch")


def input_names(config: RunConfig, data: str = "", lang: str = "en") -> tuple[str, ...] | None:
    """The input units' names of a table with more than two columns (Iris's measurements), else None."""
    from ui.i18n import input_names as named

    inputs = config.n_inputs
    return named(config.dataset, inputs, lang) if inputs != 2 and config.features == RAW and not data else None


def data_key(config: RunConfig) -> str:
    """The cache key of the config's data: only the data fields (a new learning rate draws the same points)."""
    from ui.runs import config_key

    return config_key(RunConfig(**{f.name: getattr(config, f.name) for f in FIELDS if f.group == "data"}))


@st.cache_data(max_entries=64, show_spinner=False)
def _points_spec(key: str, data: str, lang: str) -> dict:
    from ui.charts.preview import points_chart
    from ui.results import cached_plane_points
    from ui.runs import spec_of, splits_of

    task = splits_of(key, data).task
    points, note, axes = cached_plane_points(key, data, "pca", lang)     # 2-D data: the points as they are
    return spec_of(points_chart(points, lang, kind=task.kind, n_classes=task.n_classes, axis_titles=axes,
                                note=note))


@st.cache_data(max_entries=64, show_spinner=False)
def _network_spec(layer_sizes: tuple[int, ...], activation: str, lang: str, features: tuple[str, ...],
                  task_kind: str = "binary", inputs: tuple[str, ...] | None = None) -> dict:
    from ui.charts.preview import network_chart
    from ui.runs import spec_of

    return spec_of(network_chart(layer_sizes, activation, lang, features=features, task_kind=task_kind,
                                 input_names=inputs))
