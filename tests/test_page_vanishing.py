"""AppTest: the Vanishing gradients page (book 4.4.2) through the real app script."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from core.config import preset
from tests.apptest import open_app

PAGE = "app_pages/vanishing.py"


def page(**params) -> AppTest:
    return open_app(PAGE, **params)


def metrics(at: AppTest) -> dict[str, float]:
    return {m.label: float(m.value) for m in at.metric}


def test_opens_on_the_textbook_setting_with_figure_4_4():
    at = page()
    assert not at.exception
    assert at.session_state["config"] == preset("vanishing")
    shown = metrics(at)
    sigmoid, relu = shown["fc1 weight gradient — Sigmoid"], shown["fc1 weight gradient — ReLU"]
    assert 1e-12 < sigmoid < 1e-10 and relu > 100 * sigmoid
    table = at.dataframe[0].value
    assert list(table["layer"]) == ["fc1", "fc2", "fc3", "fc4", "fc5"]
    assert table["Sigmoid"].iloc[0] == at.metric[0].value            # the table is in scientific notation
    assert all("e-" in v for v in table["Sigmoid"])
    assert len(at.get("vega_lite_chart")) == 1                        # Figure 4.4 on load, no click
    assert at.button(key="vanishing_train").label == "Train these 6 runs, 3000 epochs each"


def test_controls_change_the_result():
    at = page()
    before = metrics(at)["fc1 weight gradient — Sigmoid"]
    at.multiselect(key="p_acts").set_value(["tanh", "sigmoid"]).run()
    assert list(metrics(at)) == ["fc1 weight gradient — Tanh", "fc1 weight gradient — Sigmoid"]
    at.sidebar.number_input(key="w_weight_std").set_value(1.0).run()       # larger weights: far less vanishing
    assert metrics(at)["fc1 weight gradient — Sigmoid"] > 1e4 * before
    at.multiselect(key="p_acts").set_value([]).run()
    assert not at.metric and at.info and not at.exception
    at.button(key="vanishing_reset").click().run()
    assert at.session_state["config"] == preset("vanishing")
    assert at.multiselect(key="p_acts").value == ["sigmoid", "relu"]


def test_activations_come_from_the_link_and_chinese_labels():
    at = page(p_acts=["GELU", "Tanh"], lang="zh")
    assert not at.exception
    assert at.title[0].value == "梯度消失"
    assert at.multiselect(key="p_acts").value == ["gelu", "tanh"]
    assert at.multiselect(key="p_acts").label == "要比较的激活函数"
    assert list(metrics(at)) == ["fc1 权重梯度 —— GELU", "fc1 权重梯度 —— Tanh"]
    assert at.dataframe[0].value.columns[0] == "层"
    assert at.toggle(key="p_fix_batch_norm").label == "批量规范化"


def test_training_shows_the_remedies_side_by_side():
    at = page()
    at.sidebar.number_input(key="w_epochs").set_value(150).run()
    for remedy in ("batch_norm", "adam"):                  # keep the test quick: 4 runs
        at.toggle(key=f"p_fix_{remedy}").set_value(False).run()
    assert at.info and len(at.get("vega_lite_chart")) == 1       # nothing trained yet
    at.button(key="vanishing_train").click().run()
    assert not at.exception
    assert len(at.get("vega_lite_chart")) == 2                  # + the layer x epoch heatmap
    summary = at.dataframe[1].value
    assert list(summary["run"]) == ["baseline (Sigmoid)", "+ ReLU", "+ He init", "+ gradient clipping"]
    first = dict(zip(summary["run"], summary["fc1 gradient, first epoch"].astype(float)))
    assert first["+ He init"] > 1e4 * first["baseline (Sigmoid)"]
    assert first["+ gradient clipping"] == first["baseline (Sigmoid)"]     # recorded before clipping
    at.run()                                                    # trained in this session: shown without a click
    assert len(at.get("vega_lite_chart")) == 2 and not at.exception


def test_a_lesson_button_is_held_to_a_time_budget_for_all_its_runs():
    at = page(hidden="64,64,64,64", epochs="8000", n_samples="2000")     # the baseline alone is allowed
    assert not at.exception
    warnings = " ".join(w.value.replace("\\", "") for w in at.warning)
    assert "The Batch norm run is left out" in warnings      # batch norm alone pushes this net over 60 s
    errors = " ".join(e.value.replace("\\", "") for e in at.error)
    assert "too slow for one button" in errors and "lower epochs" in errors
    assert "Something went wrong" not in errors            # a clear reason, not the guard's fallback


def test_reset_restores_the_textbook_setting_in_a_session_opened_from_a_link_with_page_values():
    at = page(hidden="3,3", lr="0.5", p_acts="Tanh", p_fix_relu="false")     # options go by their labels
    assert at.session_state["config"].hidden == (3, 3) and at.multiselect(key="p_acts").value == ["tanh"]
    assert at.toggle(key="p_fix_relu").value is False and not at.warning      # both taken from the link
    at.button(key="vanishing_reset").click().run()
    assert not at.exception
    assert at.session_state["config"] == preset("vanishing")
    assert at.multiselect(key="p_acts").value == ["sigmoid", "relu"] and at.toggle(key="p_fix_relu").value is True
    at.run()                                                   # and it stays reset (not re-seeded from the link)
    assert at.multiselect(key="p_acts").value == ["sigmoid", "relu"] and at.toggle(key="p_fix_relu").value is True
