"""AppTest: the Dead ReLU page (book 4.4.3) through the real app script."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from core.config import preset
from tests.apptest import metrics, open_app

PAGE = "app_pages/dead_relu.py"
ZERO = "0 (exactly)"


def page(**params) -> AppTest:
    return open_app(PAGE, **params)


def test_opens_on_bias_minus_8_with_exact_zeros_for_relu():
    at = page()
    assert not at.exception
    assert at.session_state["config"] == preset("dead_relu")
    shown = metrics(at)
    assert shown["Dead units — ReLU"] == "12 / 12"
    assert shown["Dead units — Leaky ReLU (0.01)"] == "0 / 12" and shown["Dead units — ELU"] == "0 / 12"
    assert shown["fc1 weight gradient — ReLU"] == ZERO
    assert 0 < float(shown["fc1 weight gradient — Leaky ReLU (0.01)"]) < 1e-12       # tiny but not zero
    table = at.dataframe[0].value.set_index("layer")
    assert (table["ReLU"].drop("fc5.bias") == ZERO).all()                # every other parameter: exactly 0
    assert float(table.loc["fc5.bias", "ReLU"]) > 0.1
    assert not (table["Leaky ReLU (0.01)"] == ZERO).any()
    assert list(at.dataframe[1].value["ReLU"]) == ["3 / 3"] * 4
    assert len(at.get("vega_lite_chart")) == 2                           # first-step chart + slope chart, no click
    assert at.slider(key="dead_relu_bias").value == -8.0 and at.slider(key="dead_relu_slope").value == 0.01


def test_page_sliders_edit_the_shared_config():
    at = page()
    leaky_before = float(metrics(at)["fc1 weight gradient — Leaky ReLU (0.01)"])
    at.slider(key="dead_relu_slope").set_value(0.1).run()
    assert at.session_state["config"].leaky_slope == 0.1 and at.query_params["leaky_slope"] == "0.1"
    leaky_after = float(metrics(at)["fc1 weight gradient — Leaky ReLU (0.1)"])
    assert 0.9e4 < leaky_after / leaky_before < 1.1e4                    # alpha^4 through 4 hidden layers
    at.slider(key="dead_relu_bias").set_value(1.0).run()                 # a positive bias: ReLU comes back
    assert at.session_state["config"].bias_init == 1.0
    assert at.sidebar.number_input(key="w_bias_init").value == 1.0
    assert metrics(at)["Dead units — ReLU"] == "0 / 12" and metrics(at)["fc1 weight gradient — ReLU"] != ZERO
    at.sidebar.number_input(key="w_bias_init").set_value(-5.0).run()     # and the slider follows the sidebar
    assert at.slider(key="dead_relu_bias").value == -5.0
    at.button(key="dead_relu_reset").click().run()
    assert at.session_state["config"] == preset("dead_relu") and not at.exception


def test_chinese_labels_and_zeros():
    at = page(lang="zh")
    assert at.title[0].value == "死亡 ReLU"
    assert metrics(at)["fc1 权重梯度 —— ReLU"] == "0（精确为零）"
    assert at.slider(key="dead_relu_bias").label == "偏置初始值（所有层）"
    assert at.dataframe[0].value.columns[0] == "层"


def test_training_keeps_relu_dead_and_leaky_alive():
    at = page(p_dead_acts=["ReLU", "Leaky ReLU"])
    at.sidebar.number_input(key="w_epochs").set_value(100).run()
    at.button(key="dead_relu_train").click().run()
    assert not at.exception
    assert float(metrics(at)["Test accuracy — ReLU"]) < 0.6
    layers = at.dataframe[-1].value
    relu = layers[layers["run"] == "ReLU"]
    assert list(relu["dead units at the end"][:4]) == ["3 / 3"] * 4
    assert (relu["gradient, final weights"] == ZERO).all()
    leaky = layers[layers["run"] == "Leaky ReLU (0.01)"]
    assert (leaky["gradient, final weights"] != ZERO).all()
    assert list(leaky["dead units at the end"][:4]) == ["0 / 3"] * 4
    assert len(at.get("vega_lite_chart")) == 3                           # + heatmap over epochs
