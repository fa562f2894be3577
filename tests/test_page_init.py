"""AppTest of the Initialization page (book 4.4.1): the textbook result on load, controls, comparison, zh."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from core.config import RunConfig, preset
from tests.apptest import metrics, open_app

PAGE = "app_pages/init.py"


def open_page(**params: str) -> AppTest:
    at = open_app(PAGE, **params)
    assert not at.exception
    return at


def test_default_view_shows_the_textbook_zero_init_result():
    at = open_page()
    assert at.session_state["config"] == preset("zero_init")        # opened on the book's setting
    assert at.query_params["weight_init"] == "zeros" and at.query_params["epochs"] == "5"
    shown = metrics(at)
    assert shown["Identical units in fc1 (θ5)"] == "5 of 5"
    assert shown["Train loss (last epoch)"] == "0.6931"
    assert shown["Train accuracy (last epoch)"] == "50.00%"
    weights = at.dataframe[0].value                                 # the per-step weights table
    assert len(weights) == 30 and set(weights["identical"]) == {"yes"}
    assert list(weights["epoch (θ)"].unique()) == [f"θ{s}" for s in range(6)]
    captions = " ".join(c.value for c in at.caption)
    assert "θ0: 5 of 5" in captions and "θ5: 5 of 5" in captions
    assert "exactly as many points of each class (320 of 640)" in captions
    assert "He normal's std √(2 / fan_in) is 1" in captions          # the default draws He = N(0, 1) on purpose
    stats = at.dataframe[1].value.set_index("scheme")["std (theory)"].round(4)
    assert stats.to_dict() == {"N(0, 1)": 1.0, "U(-1, 1)": 0.5774, "Xavier normal": 0.5345,
                               "He (Kaiming) normal": 1.0, "orthogonal": 0.4472}
    assert len(at.get("vega_lite_chart")) == 2                      # 5-epoch curves, histograms
    assert at.button(key="init_compare").label == "Train 6 runs"    # the long comparison waits for a click


def test_random_init_breaks_the_symmetry_and_reset_restores_the_book():
    at = open_page()
    at.sidebar.selectbox(key="w_weight_init").set_value("normal").run()
    assert metrics(at)["Identical units in fc1 (θ5)"] == "1 of 5"
    assert set(at.dataframe[0].value["identical"]) == {""}
    at.number_input(key="p_init_fan_in").set_value(64).run()
    at.number_input(key="p_init_fan_out").set_value(64).run()
    stats = at.dataframe[1].value.set_index("scheme")["std (theory)"].round(4)
    assert (stats["Xavier normal"], stats["He (Kaiming) normal"], stats["orthogonal"]) == (0.125, 0.1768, 0.125)
    at.button(key="init_reset").click().run()
    assert not at.exception
    assert at.session_state["config"] == preset("zero_init")
    assert at.number_input(key="p_init_fan_in").value == 2
    assert metrics(at)["Identical units in fc1 (θ5)"] == "5 of 5"


def test_long_setting_waits_for_a_click_and_layers_are_selectable():
    at = open_page(hidden="5,3", weight_init="constant", weight_value="0.5", epochs="400")
    assert at.session_state["config"].weight_init == "constant"     # a link's settings beat the preset
    assert at.selectbox(key="p_init_layer").options == ["fc1", "fc2"]
    at.selectbox(key="p_init_layer").set_value(2).run()
    assert metrics(at)["Identical units in fc2 (θ5)"] == "3 of 3"
    assert "fc3.weight[0,i]" in at.dataframe[0].value.columns
    at.number_input(key="w_epochs").set_value(3000).run()
    assert at.button(key="init_train").label == "Train this setting (3000 epochs)"
    at.button(key="init_train").click().run()
    assert not at.exception
    captions = " ".join(c.value for c in at.caption)
    assert "Identical units after training: fc1 5 of 5 · fc2 3 of 3" in captions


def test_comparison_trains_each_scheme_and_checks_symmetry():
    at = open_page(data_seed="1", weight_init="zeros", epochs="5")   # unequal classes: zeros moves, stays symmetric
    at.multiselect(key="p_init_cmp").set_value(["zeros", "normal_1", "kaiming_normal"]).run()
    at.number_input(key="p_init_epochs").set_value(300).run()
    at.button(key="init_compare").click().run()
    assert not at.exception
    table = at.dataframe[-1].value.set_index("initialization")
    assert list(table.index) == ["zeros", "N(0, 1) (book)", "He normal"]
    assert table.loc["zeros", "identical units in fc1"] == 5
    assert table.loc["N(0, 1) (book)", "identical units in fc1"] == 1
    assert table.loc["zeros", "Test accuracy"] < table.loc["N(0, 1) (book)", "Test accuracy"]
    assert len(at.get("vega_lite_chart")) == 4                      # + comparison curves and test scores
    at.radio(key="p_init_split").set_value("dev").run()               # cached: no retraining, same table
    assert not at.exception and len(at.dataframe[-1].value) == 3


def test_invalid_comparison_is_reported_not_raised():
    at = open_page(hidden="64,64,64")
    at.number_input(key="p_init_epochs").set_value(20_000).run()
    assert not at.exception
    assert any("epochs" in e.value for e in at.error)


def test_chinese_labels():
    at = open_page(lang="zh")
    assert at.title[0].value == "参数初始化"
    assert "全零初始化" in at.header[0].value
    assert metrics(at)["fc1 中相同的神经元（θ5）"] == "5 个中 5 个"
    assert at.button(key="init_reset").label == "恢复书中的设置"
    assert "标准差（理论）" in at.dataframe[1].value.columns
    assert RunConfig(weight_init="zeros", epochs=5) == at.session_state["config"]


def test_page_controls_come_from_the_link_and_do_not_block_the_preset():
    at = open_page(p_init_fan_in="64", p_init_fan_out="64", p_init_hist="orthogonal")
    assert at.session_state["config"] == preset("zero_init")       # p_ keys are not config values
    assert at.number_input(key="p_init_fan_in").value == 64
    stats = at.dataframe[1].value
    assert list(stats["scheme"]) == ["orthogonal"] and round(float(stats["std (theory)"][0]), 4) == 0.125


def test_a_slow_first_steps_setting_waits_for_a_click():
    # five epochs of batch size 1 on 12,800 training rows are 64,000 optimizer steps: not for a page load
    at = open_page(weight_init="zeros", epochs="5", batch_size="1", n_samples="20000")
    assert at.button(key="init_steps_train").label == "Train this setting (5 epochs)"
    assert "Identical units in fc1 (θ5)" not in metrics(at)
    assert any("press the button" in i.value for i in at.info)


def test_page_values_a_link_gives_that_a_control_cannot_take_are_named():
    at = open_page(p_init_fan_in="abc", p_init_fan_out="64", p_init_split="nope", p_init_epochs="99999999")
    shown = " ".join(w.value.replace("\\", "") for w in at.warning)
    for given in ("p_init_fan_in=abc", "p_init_split=nope", "p_init_epochs=99999999"):
        assert given in shown
    assert "p_init_fan_out" not in shown and at.number_input(key="p_init_fan_out").value == 64   # taken as given
    at = open_page(lang="zh", p_init_split="nope")
    assert any("本页无法使用" in w.value for w in at.warning)
    at.number_input(key="p_init_fan_in").set_value(8).run()         # said once, on the link's first view
    assert not any("p\\_init\\_split" in w.value for w in at.warning)
