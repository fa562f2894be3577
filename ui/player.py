"""Watch it learn's player: the browser draws the frames, a script run computes a batch of them.

Drawn as Streamlit elements, every frame was a script rerun and a redraw of the app in the browser: about two frames
a second for one session on a 2-core machine, under one each for ten. Here one component (st.components.v2,
ui/player.js) holds the three charts (the network diagram, the decision boundary, the curves: the same Vega-Lite
specs as everywhere, ui/charts) and a queue of frames. A script run trains a batch of BATCH frames (each `speed`
epochs further on, inside a training slot) and sends, per frame, only what changed since the specs' own datasets
(pictures, links, marks, the boundary image, the scores line, new curve rows); the browser draws FPS frames a
second by changing the charts' datasets and asks for the next batch when LOW frames are left. No timer on the
server: a fragment rerun happens when the browser asks, so a slow browser is never sent more than it draws.

Pause stops the picture the class is looking at: the page answers Pause with a "freeze", the browser stops and
says which epoch it shows, and the trainer goes back to it: a copy of the trainer (Trainer.fork) is kept every
FORK_EVERY frames and the latest before that epoch is stepped on to it, bit for bit the run the browser showed.
"""

from __future__ import annotations

import hashlib
import html
import json
import math
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import streamlit as st

from ui import playground as pg
from ui import watch
from ui.i18n import t

if TYPE_CHECKING:
    from core.training import Trainer

KEY = "pg_player"               # the component's key
FEED = "pg_feed"                # session: the Feed
FPS = 8                         # frames the browser draws a second while playing
# A script run costs the browser about 0.4 s of CPU (Streamlit redraws the page): the fewer a frame shares, the more
# frames a loaded machine draws. So batches are long, and end early when the user clicks something (interrupted).
BATCH = 64                      # at most this many frames a script run computes while playing (8 s of playing)
BATCH_S = 6.0                   # ... and for at most this long (wall clock; the first batch after Play FIRST_S)
FIRST_S = 0.3
LOW = 24                        # the browser asks for the next batch when this many frames are left (3 s)
FORK_EVERY = 16                 # a copy of the trainer every this many frames, to go back to the frame a Pause
FORKS = 6                       # stopped on; the last FORKS kept (96 frames: a batch and the frames left before it)
# Pause and Step (while playing): the player stops at their click, before the page's answer comes
PAUSE_BUTTON = ".st-key-pg_play [data-testid^='stBaseButton'], .st-key-pg_step [data-testid^='stBaseButton']"
CURVE_POINTS = 300              # epochs of the curves sent at the start of a batch (thinned; the batch's own in full)
HERE = Path(__file__).parent
CSS = """
.nnp-root { width: 100%; contain: layout paint style; }
.nnp-scores, .nnp-network, .nnp-boundary, .nnp-curves { contain: layout paint style; }
.nnp-row { display: flex; gap: 16px; align-items: flex-start; }
.nnp-row.nnp-stacked { flex-direction: column; }
.nnp-network { flex: 3 1 0; min-width: 0; }
.nnp-boundary { flex: 2 1 0; min-width: 0; position: relative; }
.nnp-backdrop { position: absolute; pointer-events: none; }
.nnp-boundary canvas.marks { position: relative; }
.nnp-row.nnp-stacked > div { width: 100%; }
.nnp-status:empty, .nnp-note:empty, .nnp-empty:empty { display: none; }
.nnp-status { padding: 0.75rem 1rem; border-radius: 0.5rem; margin: 0 0 0.6rem 0; line-height: 1.5; }
.nnp-status.nnp-success { background: var(--st-green-background-color, rgba(33,195,84,0.1));
                          color: var(--st-green-text-color, #177233); }
.nnp-status.nnp-warning { background: var(--st-yellow-background-color, rgba(255,189,69,0.2));
                          color: var(--st-yellow-text-color, #926c05); }
.nnp-note, .nnp-empty { font-size: 0.875rem; opacity: 0.7; margin: 0.2rem 0 0.6rem 0; }
.nnp-scores { margin-bottom: 0.8rem; }
.nnp-root .vega-embed { width: 100%; }
.nnp-root .vega-embed summary { display: none; }
"""

JS = (HERE / "player.js").read_text(encoding="utf-8")


def _player():
    """The component, registered with the running Streamlit runtime (each run: a test's runtime is its own)."""
    return st.components.v2.component("nndl_player", html='<div class="nnp-root"></div>', css=CSS, js=JS,
                                      isolate_styles=False)


@dataclass
class Feed:
    """A session's side of the player: the payload last sent and what the browser has said."""

    batch: int = 0                          # payloads are numbered in order; the browser draws a new number only
    payload: dict | None = None
    trainer: Trainer | None = None          # the trainer the payload's frames come from
    epoch: int = -1                         # ... and its epoch at the payload's last frame
    view: str = ""                          # the specs' identity (ui.runs.config_key, language, toggles, plane)
    client_view: str | None = None          # the specs the browser has (its last word)
    freeze: bool = False                    # Pause was pressed: the browser says where it stopped
    step: int = 0                           # Step was pressed while playing: epochs to step from there
    templates: dict = field(default_factory=dict)   # the datasets of the specs the browser was last sent


def feed() -> Feed:
    return st.session_state.setdefault(FEED, Feed())


def freeze(step: int = 0) -> None:
    """Pause: stop playing, and let the browser say which frame it stopped on (on_stopped); then `step` epochs on
    from there (Step pressed while playing)."""
    pg.set_playing(False)
    f = feed()
    f.freeze, f.step = True, step


def _said(event: str) -> dict | None:
    """The browser's message of this rerun (a trigger value), or None."""
    try:
        value = st.session_state[KEY][event]
    except (KeyError, TypeError):
        return None
    return value if isinstance(value, dict) else None


def _heard(event: str) -> dict | None:
    said = _said(event)
    if said is not None:
        feed().client_view = said.get("view")
    return said


def on_need() -> None:
    _heard("need")


def on_hello() -> None:
    _heard("hello")
    feed().client_view = None


def on_stopped() -> None:
    """The browser stopped (after a freeze) at `epoch`: the trainer goes back there, from the latest copy kept at
    or before it (Trainer.fork), stepped on inside a training slot. Unknown epochs leave the trainer as it is."""
    said = _heard("stopped")
    f = feed()
    step, f.freeze, f.step = f.step, False, 0
    session = st.session_state.get(pg.SESSION)
    if said is not None and session is not None and not pg.is_playing():
        go_back(session, said.get("epoch"))
        if step:
            pg.advance(session.trainer, step)


def go_back(session: pg.PlaySession, epoch: object) -> bool:
    """Make the session's trainer the run at `epoch` (an epoch the browser showed, before the trainer's own): the
    latest copy kept at or before it, stepped on to it (bit for bit the run that reached it). False (nothing
    changed) for an epoch that is not an int, not behind the trainer, or older than every copy kept."""
    trainer = session.trainer
    if not isinstance(epoch, int) or isinstance(epoch, bool) or epoch >= trainer.epoch:
        return False
    earlier = [fork for fork in session.forks if fork.epoch <= epoch]
    if not earlier:
        return False
    back = max(earlier, key=lambda fork: fork.epoch)
    session.forks = [fork for fork in session.forks if fork.epoch <= epoch and fork is not back]
    pg.advance(back, epoch - back.epoch)
    session.trainer = back
    return True


# =========================================================================== what a frame carries
@dataclass(frozen=True)
class Scene:
    """How this run draws the trainer: language, the boundary's toggles, the picture's plane."""

    lang: str
    show_test: bool
    discretize: bool
    picture: watch.Picture
    value_range: float | None
    key: str


def scene_for(trainer: Trainer, points, lang: str, show_test: bool, discretize: bool, view: str) -> Scene:
    from ui.charts import network as charts
    from ui.runs import config_key

    picture = watch.picture_of(trainer.config, trainer.data, points, lang, view)
    value_range = charts.value_range_of(points) if watch.is_regression(trainer.data.task) else None
    ident = json.dumps([config_key(trainer.config), lang, show_test, discretize, view, watch.THUMB, watch.BOUNDARY])
    return Scene(lang, show_test, discretize, picture, value_range, hashlib.sha1(ident.encode()).hexdigest()[:16])


def _markup(text: str) -> str:
    """A message of the strings table as HTML: escaped, its **bold** and *italic* kept."""
    bold = re.sub(r"\*\*(.+?)\*\*", r"<b>\1</b>", html.escape(text))
    return re.sub(r"(?<!\*)\*([^*\n]+?)\*(?!\*)", r"<i>\1</i>", bold)


def _finite(value: float) -> float | None:
    return value if isinstance(value, float) and math.isfinite(value) else (value if isinstance(value, int) else None)


def _curve_rows(history, lang: str, start: int, end: int, max_points: int | None) -> list[dict]:
    """The curves' rows of epochs start <= e < end (the history after k epochs has rows 0 .. k - 1)."""
    from ui.charts.base import curve_values

    rows = history[(history["epoch"] >= start) & (history["epoch"] < end)]
    return [{k: _finite(v) if k in ("loss", "accuracy") else v for k, v in row.items()}
            for row in curve_values(rows, lang, max_points)] if len(rows) else []


def _status(trainer: Trainer, lang: str) -> dict | None:
    if trainer.diverged_at is not None:
        return {"kind": "warning", "text": _markup(t("pg_diverged", lang, epoch=trainer.diverged_at))}
    if trainer.epoch >= trainer.config.epochs:
        return {"kind": "success", "text": _markup(t("pg_done", lang, epochs=trainer.config.epochs))}
    return None


def _datasets(trainer: Trainer, scene: Scene) -> dict[str, dict[str, list[dict]]]:
    """The network's and the boundary's datasets of the trainer as it is now."""
    from ui.charts import network as charts

    moment = watch.moment_of(trainer.model, trainer.data, scene.picture)
    network = charts.network_datasets(moment.thumbs, moment.marks, moment.weights, moment.biases, scene.lang,
                                      class_names=scene.picture.class_names, value_range=scene.value_range)
    boundary = {"boundary": charts.boundary_rows(moment.grid.output, moment.grid.extent, scene.discretize,
                                                 moment.grid.task.kind, scene.value_range or 1.0)}
    return {"network": network, "boundary": boundary}


def frame_delta(rows: list[dict], template: list[dict]) -> dict | None:
    """What a frame changes in a dataset: None (nothing), {"set": {column: [[row, value], ...]}} for a few cells,
    or {"rows": rows} for a new shape or most cells."""
    if rows == template:
        return None
    if len(rows) != len(template) or any(a.keys() != b.keys() for a, b in zip(rows, template)):
        return {"rows": rows}
    changes, cells = {}, 0
    for col in rows[0]:
        changed = [[i, a[col]] for i, (a, b) in enumerate(zip(rows, template)) if a[col] != b[col]]
        if changed:
            changes[col] = changed
            cells += len(changed)
    return {"set": changes} if cells <= 0.6 * len(rows) * len(rows[0]) else {"rows": rows}


def _frame(trainer: Trainer, scene: Scene, templates: dict, since: int) -> dict:
    """One frame: the epoch, its scores line, its status, what changed in the charts, the curve rows of the epochs
    from `since` (the previous frame's epoch) on."""
    datasets = _datasets(trainer, scene)
    data = {}
    for chart, sets in datasets.items():
        changed = {name: d for name, rows in sets.items()
                   if (d := frame_delta(rows, templates[chart].get(name, []))) is not None}
        if changed:
            data[chart] = changed
    shown = trainer.epoch if trainer.diverged_at is None else min(trainer.epoch, trainer.diverged_at)
    return {"epoch": trainer.epoch,
            "scores": watch.scores_html(watch.current_scores(trainer), shown, trainer.config.epochs, scene.lang,
                                        watch.is_regression(trainer.data.task)),
            "status": _status(trainer, scene.lang), "data": data,
            "curves": _curve_rows(trainer.history, scene.lang, since, trainer.epoch, None)}


def _specs(trainer: Trainer, scene: Scene) -> dict:
    """The three charts' specs, their datasets those of the trainer as it is now (the frames' templates)."""
    moment = watch.moment_of(trainer.model, trainer.data, scene.picture)
    picture, lang = scene.picture, scene.lang
    network = watch.network_chart(moment, picture, lang, scene.value_range, stamp=False)
    boundary = watch.boundary_chart(moment, picture, lang, scene.show_test, scene.discretize, scene.value_range,
                                    stamp=False)
    curves = watch.curves_spec(trainer.history.iloc[:0], lang, kind=trainer.data.task.kind)
    return {"network": network, "boundary": boundary, "curves": curves}


def _libs() -> str:
    base = (st.get_option("server.baseUrlPath") or "").strip("/")
    return (f"/{base}" if base else "") + "/app/static/vega/"


def _payload(f: Feed, trainer: Trainer, scene: Scene, mode: str, frames_of) -> dict:
    """A new payload: the specs when the browser may lack them (their datasets are then the frames' templates;
    otherwise the templates the browser was last sent), the frames, the curves up to them."""
    specs = None
    if f.client_view != scene.key or f.view != scene.key or not f.templates:
        specs = _specs(trainer, scene)
        f.templates = {chart: specs[chart].get("datasets", {}) for chart in ("network", "boundary")}
    base = _curve_rows(trainer.history, scene.lang, 0, trainer.epoch, CURVE_POINTS)
    frames = frames_of(f.templates)
    f.batch += 1
    payload = {"batch": f.batch, "mode": mode, "view": scene.key, "fps": FPS, "low": LOW, "libs": _libs(),
               "note": scene.picture.note,                 # shown as text (textContent)
               "labels": {"empty": _markup(t("pg_paused_at_zero", scene.lang))},
               "curves_base": base, "frames": frames, "last": mode == "play" and trainer.finished,
               "pause": PAUSE_BUTTON}
    if specs is not None:
        payload["specs"] = specs
    return payload


def interrupted(requests=None) -> bool:
    """Whether the user did something while this script run computes (a click, a widget: Streamlit has a rerun or
    a stop waiting, which it takes at this run's next element). A batch then ends with the frames it has, so that
    the click is answered at once, not after the batch. `requests`: Streamlit's ScriptRequests (default: this
    script run's)."""
    try:
        if requests is None:
            from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

            requests = getattr(get_script_run_ctx(), "script_requests", None)
        return requests is not None and requests._state.name != "CONTINUE"     # Streamlit 1.65's own field
    except (ImportError, AttributeError):
        return False


def play_batch(f: Feed, session: pg.PlaySession, scene: Scene, speed: int, lock,
               clock: pg.FrameClock | None = None, first: bool = False) -> dict:
    """BATCH frames of `speed` epochs each (fewer at the end of the run, on a busy server, or when the user clicked
    something); a copy of the trainer is kept every FORK_EVERY frames (session.forks, the last FORKS)."""
    trainer = session.trainer

    def frames_of(templates):
        from ui.runs import TRAIN_SLOTS

        frames, since = [], trainer.epoch
        until = time.perf_counter() + (FIRST_S if first else BATCH_S)
        for i in range(BATCH):
            if frames and (time.perf_counter() > until or interrupted()):    # a busy server sends what it has
                break
            # A frame's training and its pictures in one training slot: with many sessions playing, a session's
            # Python work (pictures, rows) would otherwise hold the GIL against another's training, whose many
            # short torch calls each wait for it again (ten epochs took seconds instead of milliseconds).
            with lock, TRAIN_SLOTS.slot():
                if i % FORK_EVERY == 0:
                    session.forks = [*session.forks[-(FORKS - 1):], trainer.fork()]
                ran = trainer.run(speed) if not trainer.finished else 0
                if clock is not None:
                    clock.lap("train")
                if ran:
                    frames.append(_frame(trainer, scene, templates, since))
            if not ran:
                break
            if clock is not None:
                clock.lap("pictures")
                clock.frames += 1
            since = trainer.epoch
            if trainer.finished:
                break
        return frames

    return _payload(f, trainer, scene, "play", frames_of)


def still(f: Feed, trainer: Trainer, scene: Scene, mode: str = "still") -> dict:
    """One frame of the trainer as it is (its curves all in the base)."""
    return _payload(f, trainer, scene, mode, lambda templates: [_frame(trainer, scene, templates, trainer.epoch)])


def show(session: pg.PlaySession, lang: str, show_test: bool, discretize: bool, view: str, speed: int,
         lock, clock: pg.FrameClock | None = None) -> None:
    """The player on the page: a new batch while playing, the trainer's frame when paused, a freeze after Pause;
    the same payload again (nothing for the browser to do) when nothing changed. Returns whether the run ended
    in this batch (the page then redraws its buttons)."""
    f, trainer = feed(), session.trainer
    scene = scene_for(trainer, session.points, lang, show_test, discretize, view)
    same = (f.payload is not None and f.trainer is trainer and f.view == scene.key and f.epoch == trainer.epoch
            and (f.client_view == scene.key or "specs" in f.payload)
            and (f.payload.get("mode") != "play" or f.payload.get("last")))   # paused mid-play: the page was left
    if pg.is_playing() and not trainer.finished:
        first = f.payload is None or f.payload.get("mode") != "play" or f.trainer is not trainer
        f.payload = play_batch(f, session, scene, speed, lock, clock, first)
    elif f.freeze:
        if not (same and f.payload.get("mode") == "freeze"):
            f.payload = still(f, trainer, scene, "freeze")
    elif not same or f.payload.get("mode") == "freeze":
        f.payload = still(f, trainer, scene)
    f.trainer, f.view, f.epoch = trainer, scene.key, trainer.epoch
    _player()(key=KEY, data=f.payload, on_need_change=on_need, on_stopped_change=on_stopped,
              on_hello_change=on_hello, width="stretch")
    if clock is not None:
        clock.lap("draw")
