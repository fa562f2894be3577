"""The Watch-it-learn page's session side: one core.training.Trainer per session, advanced a few epochs per frame.

The trainer lives in the session (never cached: every session steps its own run), keyed by the config it
trains; a new config or Reset makes a new one at epoch 0 (the seed's initial weights). While playing, the
browser's player (ui.player) asks for a batch of frames when it runs low; each frame advances the trainer by the
speed's epochs inside a training slot (ui.runs.TRAIN_SLOTS: playing sessions share the CPU with every other
run). It stops by itself at config.epochs, on divergence, and when the user leaves the page
(ui.state.open_page clears PLAYING).
"""

from __future__ import annotations

import logging
import os
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import streamlit as st

from core.config import RunConfig
from ui.runs import TRAIN_SLOTS, config_key
from ui.state import PLAYING

if TYPE_CHECKING:
    import pandas as pd

    from core.training import Trainer

SESSION = "pg_session"          # session: the PlaySession
FRAME_WORK_S = 0.05             # at most this much estimated training per frame: big runs get fewer epochs a frame
SPEEDS = (1, 2, 5, 10, 20, 50, 100)      # epochs per frame to choose from
DEFAULT_SPEED = 10
STEPS = (1, 10, 100)                     # epochs per Step press


@dataclass
class PlaySession:
    """A session's run on the page: the trainer and the config key it belongs to."""

    key: str
    trainer: Trainer
    points: pd.DataFrame          # trainer.data.frame(): the points every frame draws
    forks: list[Trainer] = field(default_factory=list)    # copies of this run, to go back to a paused frame


def session_for(config: RunConfig) -> PlaySession:
    """The session's trainer for `config`: the one it has, or a new one at epoch 0 when the config changed.
    Raises ConfigError when the config is over the compute budget."""
    key = config_key(config)
    current = st.session_state.get(SESSION)
    if current is None or current.key != key:
        current = new_session(config)
    return current


def new_session(config: RunConfig) -> PlaySession:
    from core.training import Trainer

    trainer = Trainer(config)
    session = PlaySession(config_key(config), trainer, trainer.data.frame())
    st.session_state[SESSION] = session
    st.session_state[PLAYING] = False
    return session


def max_epochs_per_frame(config: RunConfig) -> int:
    """Epochs a frame may train so that its training stays within FRAME_WORK_S (core.budget's estimate)."""
    from core.budget import estimate_seconds

    per_epoch = estimate_seconds(config) / max(1, config.epochs)
    return max(1, int(FRAME_WORK_S / per_epoch)) if per_epoch > 0 else max(SPEEDS)


def advance(trainer: Trainer, epochs: int) -> int:
    """Train `epochs` more epochs (fewer at the end of the run) inside a training slot; returns how many ran."""
    if trainer.finished or epochs <= 0:
        return 0
    with TRAIN_SLOTS.slot():
        return trainer.run(epochs)


def is_playing() -> bool:
    return bool(st.session_state.get(PLAYING, False))


def set_playing(playing: bool) -> None:
    st.session_state[PLAYING] = playing


@dataclass
class FrameClock:
    """Milliseconds a script run of the page spends training, computing its frames (pictures, scores, what
    changed) and handing them over (the component's data), and how many frames it made; logged under
    NNDL_TIMING (bench/bench_playground.py reads them)."""

    laps: dict[str, float] = field(default_factory=dict)
    last: float = field(default_factory=time.perf_counter)
    frames: int = 0

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.laps[name] = self.laps.get(name, 0.0) + (now - self.last) * 1000
        self.last = now

    def report(self) -> None:
        if os.environ.get("NNDL_TIMING"):
            logging.getLogger("nndl.timing").warning(
                f"frames={self.frames} " + " ".join(f"{k}={self.laps.get(k, 0.0):.1f}"
                                                    for k in ("train", "pictures", "draw")))
