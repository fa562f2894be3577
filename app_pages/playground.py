"""Watch it learn: play / pause / step through training, a picture in every neuron, the boundary as it bends."""

from __future__ import annotations

import threading
import time

import streamlit as st

from core.config import ConfigError
from ui import player, state, watch
from ui import playground as pg
from ui.i18n import t
from ui.results import plane_picker, spiral_tip, task_text
from ui.text import literal

lang = state.lang()
config = state.config()

st.title(t("page_playground", lang))
st.markdown(t("pg_intro", lang))
with st.expander(t("pg_explain_title", lang)):
    st.markdown(t("pg_explain", lang))
state.show_url_warnings()

try:
    session = pg.session_for(config)
except ConfigError as err:
    st.error(t("pg_too_big", lang, reason=literal(err.message(lang))))
    st.stop()


# The session's trainer is stepped by a frame and by the Step button's callback, which can run in two script
# threads of the session at once: one lock per session around every step (made on the first run, before any click).
LOCK = "pg_lock"
st.session_state.setdefault(LOCK, threading.Lock())


def _play(playing: bool) -> None:
    """Play (True) or Pause (False), as the button said when it was drawn: not a toggle, because a click can reach
    the script twice while a fragment reruns (its callback ran twice, 20 ms apart), and a toggle then undid the
    Pause. Pause freezes the frame the browser shows (ui.player)."""
    if playing:
        pg.set_playing(True)
    else:
        player.freeze()


def _step(token: int) -> None:
    """Pause and train up to the epoch this click aims at. `token` names the drawn button: a click delivered twice
    (see _play), its callback running in two script threads at once, trains to the same epoch, not twice. While
    playing, the step starts from the frame the browser shows (ui.player: a freeze, then the step)."""
    if pg.is_playing():
        player.freeze(int(st.session_state.get("p_pg_step") or 1))
        return
    player.feed().freeze = False
    with st.session_state[LOCK]:
        trainer = st.session_state[pg.SESSION].trainer
        aim = st.session_state.get("pg_step_aim")
        if aim is None or aim[0] != token:
            aim = (token, trainer.epoch + int(st.session_state.get("p_pg_step") or 1))
            st.session_state["pg_step_aim"] = aim
        pg.advance(trainer, aim[1] - trainer.epoch)


def _reset() -> None:
    player.feed().freeze = False
    pg.new_session(config)


trainer = session.trainer
playing = pg.is_playing() and not trainer.finished
c1, c2, c3, c4, c5 = st.columns([1.1, 1.1, 1.6, 1.1, 2.6], vertical_alignment="bottom")
c1.button(t("pg_pause" if playing else "pg_play", lang), key="pg_play", type="primary", width="stretch",
          icon=":material/pause:" if playing else ":material/play_arrow:", on_click=_play, args=(not playing,),
          disabled=trainer.finished)
c2.button(t("pg_step", lang), key="pg_step", icon=":material/skip_next:", on_click=_step,
          args=(time.monotonic_ns(),), width="stretch",
          disabled=trainer.finished, help=t("pg_step_help", lang))
c3.segmented_control(t("pg_step_size", lang), list(pg.STEPS), default=pg.STEPS[0], key="p_pg_step",
                     bind="query-params", required=True)
c4.button(t("pg_reset", lang), key="pg_reset", icon=":material/replay:", on_click=_reset, width="stretch",
          help=t("pg_reset_help", lang))
c5.select_slider(t("pg_speed", lang), list(pg.SPEEDS), value=pg.DEFAULT_SPEED, key="p_pg_speed",
                 bind="query-params", help=t("pg_speed_help", lang, fps=player.FPS))
task = trainer.data.task
if task.kind != "binary":                   # the book's two classes need no word; other tasks say what they are
    st.caption(t("task_line", lang, task=task_text(task, lang)))
    spiral_tip(trainer.config, lang)
show_test, discretize = watch.view_toggles(lang, "pg", discretizable=not watch.is_regression(task))
view = plane_picker(trainer.data, lang, "pg", trainer.config.dataset)     # data of more than two inputs: which plane
state.report_page_params()


@st.fragment
def frame() -> None:
    """The player: while playing, a batch of frames each time the browser asks for more (a rerun of this fragment);
    paused, the network as it is. The run's end redraws the buttons."""
    session = st.session_state[pg.SESSION]
    was_playing = pg.is_playing()
    speed = min(int(st.session_state.get("p_pg_speed") or pg.DEFAULT_SPEED),
                pg.max_epochs_per_frame(session.trainer.config))
    clock = pg.FrameClock()
    player.show(session, lang, show_test, discretize, view, speed, st.session_state[LOCK], clock)
    clock.report()
    if was_playing and session.trainer.finished:     # the end, a divergence: stop, show Play again
        pg.set_playing(False)
        st.rerun(scope="app")


frame()
