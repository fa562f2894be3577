"""The Train button flow shared by the Train page and the Your-data page (through ui.run_button).

Press Train -> "Queued: position k, about N s" while the run waits for a training slot -> progress bar
and live loss curve while a worker thread trains -> the result view.
Torch, pandas and altair are imported only once there is something to train or draw.
"""

from __future__ import annotations

import streamlit as st

from core.config import FIELDS, RunConfig
from ui.i18n import t
from ui.run_button import CLICKED, run_button, run_id, train_all, trained_before


def train_and_show(config: RunConfig, lang: str, data: str = "") -> None:
    """Draw the Train button; after a click (or if this session trained this run before) show the run.
    Until then the page shows what will be trained: the data points and a diagram of the network."""
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
    left, right = st.columns([3, 2])
    left.vega_lite_chart(spec=_points_spec(data_key(config), data, lang), width="stretch")
    right.vega_lite_chart(spec=_network_spec(config.layer_sizes, config.activation, lang, config.features),
                          width="stretch")


def data_key(config: RunConfig) -> str:
    """The cache key of the config's data: only the data fields (a new learning rate draws the same points)."""
    from ui.runs import config_key

    return config_key(RunConfig(**{f.name: getattr(config, f.name) for f in FIELDS if f.group == "data"}))


@st.cache_data(max_entries=64, show_spinner=False)
def _points_spec(key: str, data: str, lang: str) -> dict:
    from ui.charts.preview import points_chart
    from ui.runs import cached_points, spec_of

    return spec_of(points_chart(cached_points(key, data), lang))


@st.cache_data(max_entries=64, show_spinner=False)
def _network_spec(layer_sizes: tuple[int, ...], activation: str, lang: str, features: tuple[str, ...]) -> dict:
    from ui.charts.preview import network_chart
    from ui.runs import spec_of

    return spec_of(network_chart(layer_sizes, activation, lang, features=features))
