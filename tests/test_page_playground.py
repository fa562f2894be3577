"""AppTest: Watch it learn (/playground) through the real app script: step, reset, the pictures and marks, zh."""

from __future__ import annotations

import json
import re

import pandas as pd
import pyarrow as pa
import torch
from streamlit.testing.v1 import AppTest

from core.config import RunConfig, preset
from core.training import Trainer, evaluate
from tests.apptest import open_app

PAGE = "app_pages/playground.py"


def page(**params) -> AppTest:
    return open_app(PAGE, **params)


def payload(at: AppTest) -> dict:
    """The data the page hands to its player (ui.player): specs, mode, frames."""
    player = next(el for el in at.main if getattr(el, "type", "") == "bidi_component")
    return json.loads(player.proto.json)


def rows_of(template: list[dict], delta: dict | None) -> list[dict]:
    """A frame's rows of a dataset, as the browser's player builds them (ui/player.js rowsOf)."""
    if delta and "rows" in delta:
        return delta["rows"]
    rows = [dict(row) for row in template]
    for col, changes in ((delta or {}).get("set") or {}).items():
        for i, value in changes:
            rows[i][col] = value
    return rows


def datasets(at: AppTest, index: int) -> dict:
    """The named datasets of the player's index-th chart (0 = the network, 1 = the boundary) at its last frame."""
    chart = ("network", "boundary")[index]
    data = payload(at)
    frame = data["frames"][-1]
    return {name: pd.DataFrame(rows_of(rows, frame["data"].get(chart, {}).get(name)))
            for name, rows in data["specs"][chart]["datasets"].items()}


def chart_datasets(at: AppTest, index: int) -> dict:
    """The named datasets of the page's index-th Streamlit Vega-Lite chart (the Train page's replay: 0 = the
    network, 1 = the boundary)."""
    chart = at.get("vega_lite_chart")[index]
    return {d.name: pa.ipc.open_stream(d.data.data).read_pandas() for d in chart.proto.datasets}


def replay_image(at: AppTest) -> str:
    return str(chart_datasets(at, 1)["boundary"]["url"].iloc[0])


def status(at: AppTest) -> dict | None:
    """The player's message at its last frame: {"kind": "success" | "warning", "text": ...} or None."""
    return payload(at)["frames"][-1]["status"]


def scores(at: AppTest) -> dict[str, str]:
    """The last frame's line of scores (drawn like metrics): label -> value."""
    html = payload(at)["frames"][-1]["scores"]
    return dict(re.findall(r'<span style="[^"]*">([^<]*)</span><span class="nn-score"[^>]*>([^<]*)</span>', html))


def epoch_shown(at: AppTest) -> str:
    return next(iter(scores(at).values()))


def boundary_image(at: AppTest) -> str:
    return str(datasets(at, 1)["boundary"]["url"].iloc[0])


def test_opens_paused_at_epoch_0_with_one_picture_per_neuron():
    at = page(hidden="8,8", dataset="spiral", features="x1,x2,x1sq,x2sq,x1x2,sinx1")
    assert not at.exception
    assert epoch_shown(at) == "0 of 3,000"
    nodes = datasets(at, 0)["nodes"]
    assert len(nodes) == 6 + 8 + 8 + 1                                  # inputs, two hidden layers, the output
    assert nodes["url"].str.startswith("data:image/png;base64,").all()
    labels = datasets(at, 0)["labels"]["text"].tolist()
    assert labels == ["x₁", "x₂", "x₁²", "x₂²", "x₁x₂", "sin(x₁)"]


def test_step_advances_by_the_chosen_epochs_and_the_boundary_moves():
    at = page()
    before = boundary_image(at)
    at.button(key="pg_step").click().run()
    assert epoch_shown(at) == "1 of 3,000"
    at.segmented_control(key="p_pg_step").set_value(10).run()
    at.button(key="pg_step").click().run()
    assert epoch_shown(at) == "11 of 3,000" and not at.exception
    assert boundary_image(at) != before
    reference = Trainer(preset("book_251"))                    # the very numbers of the book's training
    reference.run(11)
    data = reference.data
    train_loss, _ = evaluate(reference.model, data.X_train, data.y_train)     # of the network shown: theta_11
    _, dev_acc = evaluate(reference.model, data.X_dev, data.y_dev)
    shown = scores(at)
    assert shown["Train loss"] == f"{train_loss:.4f}" and shown["Dev accuracy"] == f"{dev_acc:.4f}"


def test_reset_returns_to_epoch_0_and_the_seed_weights():
    at = page()
    first = datasets(at, 0)["links"]["tip"].tolist()
    at.segmented_control(key="p_pg_step").set_value(100).run()
    at.button(key="pg_step").click().run()
    assert epoch_shown(at) == "100 of 3,000"
    assert datasets(at, 0)["links"]["tip"].tolist() != first            # the weights moved
    at.button(key="pg_reset").click().run()
    assert epoch_shown(at) == "0 of 3,000"
    assert datasets(at, 0)["links"]["tip"].tolist() == first            # the seed's initial weights again


def test_zero_init_pictures_are_identical_and_marked():
    at = page(weight_init="zeros")
    at.segmented_control(key="p_pg_step").set_value(10).run()
    at.button(key="pg_step").click().run()
    network = datasets(at, 0)
    hidden = network["nodes"][network["nodes"]["x"] == 1]
    assert len(hidden) == 5 and hidden["url"].nunique() == 1          # five copies of one picture
    assert len(network["badges"]) == 5 and network["badges"]["letter"].nunique() == 1


def test_bias_minus_8_relu_units_are_marked_dead():
    at = page(**{k: str(v) for k, v in {"activation": "relu", "bias_init": -8, "hidden": "3,3,3,3"}.items()})
    network = datasets(at, 0)
    assert len(network["dead"]) == 12                                   # every hidden unit of the 4 layers
    at.button(key="pg_step").click().run()
    assert len(datasets(at, 0)["dead"]) == 12 and not at.exception       # and they stay dead


def test_a_config_change_starts_over_at_epoch_0():
    at = page()
    at.button(key="pg_step").click().run()
    assert epoch_shown(at) == "1 of 3,000"
    at.sidebar.number_input(key="w_epochs").set_value(500).run()
    assert epoch_shown(at) == "0 of 500"


def test_the_run_stops_by_itself_at_its_epochs():
    at = page(epochs="20")
    at.segmented_control(key="p_pg_step").set_value(100).run()
    at.button(key="pg_step").click().run()
    assert epoch_shown(at) == "20 of 20"
    assert status(at)["kind"] == "success" and "Finished: 20 epochs" in status(at)["text"]
    assert at.button(key="pg_step").disabled and at.button(key="pg_play").disabled


def test_chinese():
    at = page(lang="zh")
    assert at.title[0].value == "观察训练过程"
    assert epoch_shown(at) == "第 0 轮 / 共 3,000 轮"
    assert at.button(key="pg_play").label == "播放" and at.button(key="pg_step").label == "单步"
    assert datasets(at, 0)["captions"]["text"].tolist()[-1] == "输出"


def test_features_crosses_let_a_network_without_hidden_layer_draw_a_circle():
    config = RunConfig(dataset="circles", hidden=(), features=("x1sq", "x2sq"), lr=1.0, epochs=300)
    trainer = Trainer(config)
    trainer.run(300)
    assert trainer.result().test_acc >= 0.95


def test_replay_on_the_train_page_moves_through_recorded_epochs_without_retraining():
    from tests.apptest import open_view

    at = open_app(epochs="300")
    at.button(key="train").click().run()
    at = open_view(at, "replay")
    assert not at.exception
    slider = at.select_slider(key="view_replay_en")
    assert slider.value == 300 and slider.options[0] == "0" and len(slider.options) == 51
    last = replay_image(at)
    curves = at.get("vega_lite_chart")[-1]
    slider.set_value(6).run()
    assert not at.exception and replay_image(at) != last
    assert any(c.value.startswith("Epoch 6:") for c in at.caption)
    assert at.get("vega_lite_chart")[-1].proto.spec != curves.proto.spec       # the dotted rule moved
    hidden = chart_datasets(at, 0)["nodes"]
    assert len(hidden) == 2 + 5 + 1


def test_a_diverging_run_stops_and_says_so():
    at = page(lr="100", weight_std="10", activation="identity", hidden="8,8,8")
    at.segmented_control(key="p_pg_step").set_value(100).run()
    at.button(key="pg_step").click().run()
    assert not at.exception
    assert status(at)["kind"] == "warning" and "diverged" in status(at)["text"]
    raw = next(el for el in at.main if getattr(el, "type", "") == "bidi_component").proto.json
    assert not re.search(r"\bNaN\b|\bInfinity\b", raw)                  # JSON a browser parses: no NaN tokens
    where = int(re.search(r"at epoch ([\d,]+)", status(at)["text"]).group(1).replace(",", ""))
    assert where < 100 and at.button(key="pg_play").disabled and at.button(key="pg_step").disabled


def test_play_sends_a_batch_of_frames_and_pause_goes_back_to_the_frame_shown():
    """Play: one script run computes a batch of frames (ui.player), each `speed` epochs on, with its scores and
    its own curve rows; Pause freezes the browser, which says the epoch it shows; the trainer goes back to it,
    bit for bit the run that reached it (Trainer.fork)."""
    from ui import player
    from ui import playground as pg

    at = page(p_pg_speed="5")
    at.button(key="pg_play").click().run()
    data = payload(at)
    frames = data["frames"]
    assert data["mode"] == "play" and not at.exception and len(frames) >= 2
    assert [f["epoch"] for f in frames] == [5 * (i + 1) for i in range(len(frames))]
    assert [row["epoch"] for row in data["curves_base"]] == []           # from epoch 0: no history yet
    assert [row["epoch"] for row in frames[0]["curves"] if row["split"] == "train"] == [0, 1, 2, 3, 4]
    assert [row["epoch"] for row in frames[1]["curves"] if row["split"] == "train"] == [5, 6, 7, 8, 9]
    assert all(f["scores"].count('class="nn-score"') == 5 for f in frames)
    session = at.session_state[pg.SESSION]
    forks = [f.epoch for f in session.forks]                             # a copy every FORK_EVERY frames
    assert session.trainer.epoch == frames[-1]["epoch"]
    assert forks == [0] + [frames[i - 1]["epoch"] for i in range(player.FORK_EVERY, len(frames), player.FORK_EVERY)]
    assert len(json.dumps(data, allow_nan=False)) > 0                   # what the browser parses: plain JSON

    at.button(key="pg_play").click().run()                               # Pause
    assert payload(at)["mode"] == "freeze" and payload(at)["batch"] > data["batch"]
    shown = frames[1]["epoch"]
    assert player.go_back(session, shown) and session.trainer.epoch == shown
    reference = Trainer(session.trainer.config)
    reference.run(shown)
    ours, theirs = session.trainer.state_dict(), reference.state_dict()
    assert all(torch.equal(ours[k], theirs[k]) for k in ours)
    assert session.trainer.history.equals(reference.history)
    assert not player.go_back(session, shown + 5)                        # never forward, never twice


def test_a_batch_ends_when_the_user_clicked_something():
    """ui.player.interrupted reads Streamlit's own request queue: nothing waiting while a script runs as usual, a
    rerun (a click) or a stop waiting ends the batch."""
    from streamlit.runtime.scriptrunner_utils.script_requests import RerunData, ScriptRequests

    from ui.player import interrupted

    requests = ScriptRequests()
    assert not interrupted(requests)
    requests.request_rerun(RerunData())
    assert interrupted(requests)
    assert requests.on_scriptrunner_yield() is not None and not interrupted(requests)   # taken: running again
    requests.request_stop()
    assert interrupted(requests)
    assert not interrupted()                                   # no script run here: nothing to wait for


def test_a_frame_sends_only_what_changed_and_the_browser_rebuilds_the_rest():
    from ui.player import frame_delta

    template = [{"a": 1, "b": "x", "c": 0.5}, {"a": 2, "b": "y", "c": 0.25}, {"a": 3, "b": "z", "c": 1.0}]
    assert frame_delta([dict(r) for r in template], template) is None
    few = [dict(r) for r in template]
    few[1]["c"] = 0.75
    assert frame_delta(few, template) == {"set": {"c": [[1, 0.75]]}}
    assert rows_of(template, frame_delta(few, template)) == few
    most = [{"a": -r["a"], "b": r["b"] + "!", "c": -r["c"]} for r in template]
    assert frame_delta(most, template) == {"rows": most}
    assert frame_delta(template[:2], template) == {"rows": template[:2]}
