"""Pre-warming: each lesson's default runs are trained once per server process, in the background.

A class opens the same lessons on the same textbook settings, so the first student who presses a
lesson's button would otherwise wait for training that every later student gets from the cache
(Vanishing: 6 runs x 3000 epochs, ~13 s of one core here). Right after the engine is imported
(ui.runs.warm_up_imports), warm_lessons() puts those results into the very cache entries the pages
read (ui.runs.cached_train, the Autograd-vs-manual checks), so the button answers at once.

It never makes a user wait for it: a warm-up run only starts while no training runs or waits, and
it stops within one epoch as soon as a user's run queues for the slot (nothing partial is cached);
it is tried again once the queue is empty. A user who asks for the very run being warmed waits on
Streamlit's per-entry compute lock and gets that result. Off with NNDL_WARM=0.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable

from core.config import RunConfig
from ui.runs import TRAIN_SLOTS, Progress, TrainingCancelled, cached_train, config_key

LOG = logging.getLogger("nndl.warm")
IDLE_POLL = 0.5        # seconds between looks at the training queue while it is busy


def lesson_runs() -> dict[str, list[RunConfig]]:
    """{page url path: the runs it trains on its default setting (on opening or by its button)}, in warming order."""
    from core.gradients import REMEDIES, refused_remedies, remedy_configs
    from core.initialization import COMPARE_EPOCHS, DEFAULT_COMPARE, first_steps_config
    from ui.gradient_runs import DEAD_RELU_ACTS
    from ui.init_runs import compare_keys
    from ui.nav import PAGE_PRESETS, TRAIN_PAGE
    from ui.runs import config_of
    from ui.state import DEFAULT_PRESET, preset_config

    vanishing = preset_config(PAGE_PRESETS["vanishing"])
    remedies = [name for name in REMEDIES if name not in refused_remedies(vanishing, REMEDIES)]
    dead_relu = preset_config(PAGE_PRESETS["dead_relu"])
    init = preset_config(PAGE_PRESETS["init"])
    return {
        TRAIN_PAGE: [preset_config(DEFAULT_PRESET)],
        "init": list(dict.fromkeys([first_steps_config(init), init, *(
            config_of(key) for _, key in compare_keys(init, list(DEFAULT_COMPARE), COMPARE_EPOCHS))])),
        "vanishing": list(remedy_configs(vanishing, remedies).values()),
        "dead_relu": [dead_relu.replace(activation=act) for act in DEAD_RELU_ACTS],
        "iris": [preset_config(PAGE_PRESETS["iris"])],
    }


def warm_grid() -> None:
    """The Grid search page's default sweep (the book's 2 x 3 x 3-seed table), giving way like warm_run."""
    from core import grid as grid_rules
    from ui import grid_runs
    from ui.nav import PAGE_PRESETS
    from ui.state import preset_config

    class SweepGivingWay(_GivesWay, grid_runs.SweepProgress):
        pass

    grid, configs = grid_rules.parse_grid(preset_config(PAGE_PRESETS["grid"]), dict(grid_runs.DEFAULT_TEXTS))
    _giving_way(lambda: grid_runs.cached_sweep(grid_runs.base_key_of(configs), grid_rules.grid_key(grid),
                                               SweepGivingWay()))


def page_checks() -> list[Callable[[], object]]:
    """The Autograd-vs-manual page's checks that run on opening it, on its default setting."""
    from core import manual_checks as budgets
    from ui import manual_runs
    from ui.nav import PAGE_PRESETS
    from ui.state import preset_config

    config, _ = budgets.manual_config(preset_config(PAGE_PRESETS["manual"]))
    key = config_key(config)
    checks: list[Callable[[], object]] = [lambda: manual_runs.cached_gradients(key, False)]
    if budgets.fd_is_cheap(config):
        checks.append(lambda: manual_runs.cached_fd_check(key, False, budgets.fd_entries(config)))
    if budgets.overlay_is_cheap(config):
        checks.append(lambda: manual_runs.cached_training(key, budgets.overlay_epochs(config), False))
    return checks


class _GivesWay:
    """Mixed into a warm-up's progress object (a ui.runs.Cancellable): it asks to stop as soon as a user's run
    waits for a training slot."""

    def should_stop(self) -> bool:
        return self.cancelled.is_set() or TRAIN_SLOTS.waiting() > 0


class _RunGivingWay(_GivesWay, Progress):
    pass


def _giving_way(compute: Callable[[], object]) -> int:
    """compute() once no training runs or waits, again after every time it gave way to a user's run
    (TrainingCancelled: nothing was cached); returns how often it gave way."""
    gave_way = 0
    while True:
        while not TRAIN_SLOTS.idle():
            time.sleep(IDLE_POLL)
        try:
            compute()
            return gave_way
        except TrainingCancelled:
            gave_way += 1


def warm_run(config: RunConfig) -> int:
    """Put `config`'s run into the cache, giving way to every user run; returns how often it gave way."""
    key = config_key(config)
    return _giving_way(lambda: cached_train(key, "", _RunGivingWay()))


def warm_lessons() -> dict[str, float]:
    """Every lesson's default runs, the grid's default sweep and the manual page's checks, cached;
    {page: seconds it took}."""
    seconds = {}
    for page, configs in lesson_runs().items():
        started = time.perf_counter()
        for config in configs:
            warm_run(config)
        seconds[page or "train"] = time.perf_counter() - started
    started = time.perf_counter()
    warm_grid()
    seconds["grid"] = time.perf_counter() - started
    started = time.perf_counter()
    for check in page_checks():
        _giving_way(check)
    seconds["manual"] = time.perf_counter() - started
    return seconds


def enabled() -> bool:
    return os.environ.get("NNDL_WARM", "1") != "0"


def start() -> None:
    """warm_lessons() in a daemon thread, once per process (when enabled); logs what it cached."""
    global _thread
    if _thread is not None or not enabled():
        return

    def work() -> None:
        try:
            seconds = warm_lessons()
            LOG.warning("warm-up done: %s", " ".join(f"{page}={s:.1f}s" for page, s in seconds.items()))
        except Exception:     # a warm-up failure must not take the server down; the pages still train on click
            LOG.exception("warm-up failed")

    _thread = threading.Thread(target=work, daemon=True, name="warm-lessons")
    _thread.start()


_thread: threading.Thread | None = None
