"""The Train button flow shared by the Train page and the Your-data page (through ui.run_button).

Press Train -> "Queued: position k, about N s" while the run waits for a training slot -> progress bar
and live loss curve while a worker thread trains -> the result view.
Torch, pandas and altair are imported only once there is something to train or draw.
"""

from __future__ import annotations

from core.config import RunConfig
from ui.i18n import t
from ui.run_button import CLICKED, run_button, run_id, train_all, trained_before


def train_and_show(config: RunConfig, lang: str, data: str = "") -> None:
    """Draw the Train button; after a click (or if this session trained this run before) show the run."""
    go = run_button(run_id(config, data), t("train_button", lang), "train", always_show=True,
                    auto=trained_before({"run": config}, data), waiting=t("press_train", lang, label=config.label()))
    if go is None:
        return
    result = train_all({"run": config}, lang, show_progress=go == CLICKED, data=data, live=True)["run"]
    from ui.results import show_run

    show_run(result, config, lang, data)
