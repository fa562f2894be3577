"""AppTest: Watch it learn (/playground) through the real app script: step, reset, the pictures and marks, zh."""

from __future__ import annotations

import re

import pyarrow as pa
from streamlit.testing.v1 import AppTest

from core.config import RunConfig, preset
from core.training import Trainer, evaluate
from tests.apptest import open_app

PAGE = "app_pages/playground.py"


def page(**params) -> AppTest:
    return open_app(PAGE, **params)


def datasets(at: AppTest, index: int) -> dict:
    """The named datasets of the page's index-th Vega-Lite chart (0 = the network, 1 = the boundary)."""
    chart = at.get("vega_lite_chart")[index]
    return {d.name: pa.ipc.open_stream(d.data.data).read_pandas() for d in chart.proto.datasets}


def scores(at: AppTest) -> dict[str, str]:
    """The frame's line of scores (one element, drawn like metrics): label -> value."""
    html = next(m.value for m in at.markdown if "nn-scores" in m.value)
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
    assert at.success and at.button(key="pg_step").disabled and at.button(key="pg_play").disabled


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
    last = boundary_image(at)
    curves = at.get("vega_lite_chart")[-1]
    slider.set_value(6).run()
    assert not at.exception and boundary_image(at) != last
    assert any(c.value.startswith("Epoch 6:") for c in at.caption)
    assert at.get("vega_lite_chart")[-1].proto.spec != curves.proto.spec       # the dotted rule moved
    hidden = datasets(at, 0)["nodes"]
    assert len(hidden) == 2 + 5 + 1


def test_a_diverging_run_stops_and_says_so():
    at = page(lr="100", weight_std="10", activation="identity", hidden="8,8,8")
    at.segmented_control(key="p_pg_step").set_value(100).run()
    at.button(key="pg_step").click().run()
    assert not at.exception
    assert at.warning and "diverged" in at.warning[0].value
    where = int(re.search(r"at epoch ([\d,]+)", at.warning[0].value).group(1).replace(",", ""))
    assert where < 100 and at.button(key="pg_play").disabled and at.button(key="pg_step").disabled
