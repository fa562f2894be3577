"""Cached calls and training flows of the Initialization page (core.initialization), keyed by config_key text.

Results are cached with st.cache_data (bounded); runs go through ui.runs.cached_train, so a run
trained here is the same cache entry as on the Train page.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core.config import RunConfig
from core.initialization import (
    COMPARE_EPOCHS,
    COMPARE_SETTING,
    DEFAULT_COMPARE,
    DEFAULT_HISTOGRAMS,
    compare_table,
    first_steps_config,
    first_steps_table,
    init_histograms,
    scheme_configs,
    symmetry_by_step,
    symmetry_table,
)
from core.training import RunResult
from ui.charts import init as charts
from ui.charts.base import curves_chart
from ui.i18n import t
from ui.run_button import CLICKED, run_button, run_id, train_all, trained_before
from ui.runs import cached_train, config_key, config_of, spec_of

MAX_ENTRIES = 32
CHEAP_SECONDS = 0.5     # runs estimated (core.budget) at most this long train on page load; others wait for a click

# page-local controls (bound to the URL) and their defaults; "reset to the textbook setting" restores them
CONTROLS: dict[str, object] = {
    "p_init_layer": 1, "p_init_hist": list(DEFAULT_HISTOGRAMS), "p_init_fan_in": 2, "p_init_fan_out": 5,
    "p_init_cmp": list(DEFAULT_COMPARE), "p_init_epochs": COMPARE_EPOCHS, "p_init_split": "train",
    "p_init_own": False,
}


# --------------------------------------------------------------------------- 1. first steps
@st.cache_data(max_entries=MAX_ENTRIES, show_spinner=False)
def first_steps(key: str, layer: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(first_steps_table of hidden layer `layer`, symmetry_by_step) of the config's first epochs."""
    result = cached_train(config_key(first_steps_config(config_of(key))))
    return first_steps_table(result.weight_snapshots, layer), symmetry_by_step(result.weight_snapshots)


@st.cache_data(max_entries=MAX_ENTRIES, show_spinner=False)
def final_symmetry(key: str) -> pd.DataFrame:
    """symmetry_table (layer, units, identical) of the final parameters of the config's run."""
    return symmetry_table(cached_train(key).final_state_dict)


@st.cache_data(max_entries=MAX_ENTRIES, show_spinner=False)
def curves_spec(key: str, lang: str) -> dict:
    """Vega-Lite spec of the loss/accuracy curves of the config's cached run."""
    result = cached_train(key)
    return spec_of(curves_chart(result.history, lang, result.best_epoch))


def is_cheap(config: RunConfig) -> bool:
    """Whether a run is quick enough (core.budget's estimate) to train on page load without a click."""
    from core.budget import estimate_seconds

    return estimate_seconds(config) <= CHEAP_SECONDS


def run_or_wait(config: RunConfig, lang: str, button_key: str) -> RunResult | None:
    """The config's run behind a button (ui.run_button): trained at once when cheap, else after a click or
    if this session trained it before; None while it waits (an info line says so)."""
    go = run_button(run_id(config), t("init_train_button", lang, epochs=config.epochs), button_key,
                    auto=is_cheap(config) or trained_before({"run": config}), waiting=t("init_press_train", lang))
    if go is None:
        return None
    return train_all({"run": config}, lang, show_progress=go == CLICKED)["run"]


# --------------------------------------------------------------------------- 2. histograms
def _histogram_key(config: RunConfig) -> str:
    """Only the fields that change the samples: seed, normal/uniform/constant parameters, activation."""
    fields = ("seed", "weight_mean", "weight_std", "weight_low", "weight_high", "weight_value", "activation",
              "leaky_slope")
    return config_key(RunConfig(**{f: getattr(config, f) for f in fields}))


@st.cache_data(max_entries=MAX_ENTRIES, show_spinner=False)
def _histograms(key: str, schemes: tuple[str, ...], fan_in: int, fan_out: int, lang: str
                ) -> tuple[dict, pd.DataFrame]:
    config = config_of(key)
    hist, stats = init_histograms(config, schemes, fan_in, fan_out)
    spread = "1" if config.weight_std == 1 else f"{config.weight_std:g}²"
    labels = {"normal": f"N({config.weight_mean:g}, {spread})",
              "uniform": f"U({config.weight_low:g}, {config.weight_high:g})"}
    return (spec_of(charts.histogram_chart(hist, stats, lang, labels)),
            charts.stats_table(stats, lang, labels))


def histograms(config: RunConfig, schemes: list[str], fan_in: int, fan_out: int, lang: str
               ) -> tuple[dict, pd.DataFrame]:
    """(Vega-Lite spec of the histograms, translated statistics table) of the chosen schemes and layer shape."""
    return _histograms(_histogram_key(config), tuple(schemes), int(fan_in), int(fan_out), lang)


# --------------------------------------------------------------------------- 3. comparison
def compare_keys(config: RunConfig, names: list[str], epochs: int, own_setting: bool = False
                 ) -> tuple[tuple[str, str], ...]:
    """((scheme, config key), ...) of the comparison runs: the comparison's setting (core COMPARE_SETTING)
    unless `own_setting` (the sidebar's optimizer and learning rate); raises ConfigError for an invalid
    combination."""
    setting = None if own_setting else COMPARE_SETTING
    return tuple((name, config_key(c)) for name, c in scheme_configs(config, names, epochs, setting).items())


def train_compare(keys: tuple[tuple[str, str], ...], lang: str) -> bool:
    """The comparison runs behind their button (one progress bar over all of them); whether results are ready."""
    configs = {name: config_of(key) for name, key in keys}
    epochs = max(c.epochs for c in configs.values())
    go = run_button(run_id(configs), t("init_cmp_button", lang, n=len(keys)), "init_compare", always_show=True,
                    auto=trained_before(configs), waiting=t("init_cmp_press", lang, n=len(keys), epochs=epochs))
    if go is None:
        return False

    def progress_text(i: int, scheme: str, epoch: int, total: int) -> str:
        return t("init_cmp_progress", lang, scheme=scheme, i=i + 1, n=len(keys), epoch=epoch, epochs=total)

    train_all(configs, lang, {name: charts.scheme_label(name, lang) for name in configs},
              show_progress=go == CLICKED, progress_text=progress_text)
    return True


@st.cache_data(max_entries=MAX_ENTRIES, show_spinner=False)
def compare_view(keys: tuple[tuple[str, str], ...], lang: str, split: str) -> tuple[dict, dict, pd.DataFrame]:
    """(curves spec, test-score spec, translated results table) of trained comparison runs."""
    results = {name: cached_train(key) for name, key in keys}
    table = compare_table(results)
    curves = charts.compare_curves_chart({n: r.history for n, r in results.items()}, lang, split)
    scores = charts.test_scores_chart(table, lang)
    return spec_of(curves), spec_of(scores), _translate_compare(table, lang)


def _translate_compare(table: pd.DataFrame, lang: str) -> pd.DataFrame:
    frame = table.copy()
    frame["scheme"] = [charts.scheme_label(s, lang) for s in frame["scheme"]]
    # a missing value as "—": st.dataframe would draw Streamlit's own (English) "None"
    frame["diverged_at"] = [t("none", lang) if pd.isna(v) else str(int(v)) for v in frame["diverged_at"]]
    names = {"scheme": t("init_scheme", lang), "test_acc": t("metric_test_acc", lang),
             "test_loss": t("metric_test_loss", lang), "best_dev_acc": t("metric_best_dev", lang),
             "best_epoch": t("metric_best_epoch", lang), "final_train_loss": t("init_col_final_train_loss", lang),
             "final_train_acc": t("init_col_final_train_acc", lang),
             "diverged_at": t("init_col_diverged_at", lang)}
    for c in frame.columns:
        if c.startswith("identical_"):
            names[c] = t("init_col_identical_layer", lang, layer=c.removeprefix("identical_"))
    return frame.rename(columns=names)
