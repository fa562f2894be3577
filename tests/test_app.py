"""AppTest: the real app script, its widgets and pages, without a browser."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from core.config import FIELDS, RunConfig, preset, to_params
from tests.apptest import ROOT, TIMEOUT, metrics, open_app, open_view
from ui.nav import PAGES


def app(**params: str) -> AppTest:
    return open_app(None, **params)


def test_default_page_runs_with_the_spec_driven_sidebar():
    at = app()
    assert not at.exception
    assert at.session_state["config"] == RunConfig()
    labels = {w.label for w in [*at.sidebar.number_input, *at.sidebar.selectbox, *at.sidebar.checkbox,
                                *at.sidebar.multiselect]}
    always_shown = [f for f in FIELDS if f.show_if is None and f.kind != "layers"]
    assert {f.en for f in always_shown} <= labels
    assert at.button(key="train").label == "Train"


def test_sidebar_widgets_change_the_config_and_the_url():
    at = app()
    at.sidebar.number_input(key="w_hidden_n").set_value(2).run()
    assert at.session_state["config"].hidden == (5, 5)
    at.sidebar.slider(key="w_hidden_2").set_value(3).run()
    at.sidebar.selectbox(key="w_activation").set_value("leaky_relu").run()
    at.sidebar.number_input(key="w_leaky_slope").set_value(0.2).run()      # only shown for leaky_relu
    at.sidebar.number_input(key="w_lr").set_value(1.0).run()
    config = at.session_state["config"]
    assert (config.hidden, config.activation, config.leaky_slope, config.lr) == ((5, 3), "leaky_relu", 0.2, 1.0)
    assert at.query_params["hidden"] == "5,3" and at.query_params["lr"] == "1"
    assert not at.exception


def test_input_features_widget_follows_the_url_and_writes_it():
    at = app(features="x2sq,x1sq", hidden="none")
    assert at.session_state["config"].features == ("x1sq", "x2sq")
    widget = at.sidebar.multiselect(key="w_features")
    assert widget.value == ["x1sq", "x2sq"] and widget.label == "Input features"
    widget.set_value(["x1x2", "x1", "x2"]).run()
    assert at.session_state["config"].features == ("x1", "x2", "x1x2")
    assert at.query_params["features"] == "x1,x2,x1x2"
    at.sidebar.multiselect(key="w_features").set_value([]).run()        # the last one cannot go
    assert at.session_state["config"].features == ("x1", "x2", "x1x2")
    assert at.sidebar.multiselect(key="w_features").value == ["x1", "x2", "x1x2"]
    at.sidebar.multiselect(key="w_features").set_value(["x1", "x2"]).run()
    assert "features" not in at.query_params                            # the default stays out of the URL
    assert not at.exception


def test_train_page_shows_test_accuracy_for_the_default_config():
    at = app()
    at.button(key="train").click().run()
    assert not at.exception
    shown = metrics(at)
    assert float(shown["Test accuracy"]) >= 0.85
    assert int(shown["Best epoch"]) >= 0
    assert len(at.get("vega_lite_chart")) == 2      # the open tab only: loss and accuracy
    assert len(open_view(at, "boundary").get("vega_lite_chart")) == 1
    assert len(open_view(at, "gradients").get("vega_lite_chart")) == 1          # gradient norms
    assert len(at.dataframe) >= 2                  # first- and last-step gradient tables
    # a rerun is served from the cache: same numbers, nothing retrained
    seconds = shown["Training time"]
    at.run()
    assert metrics(at)["Training time"] == seconds


def test_language_switch_changes_labels():
    at = app()
    assert at.title[0].value == "Train"
    at.button_group(key="w_lang").set_value("zh").run()
    assert at.title[0].value == "训练"
    assert at.button(key="train").label == "开始训练"
    labels = {w.label for w in at.sidebar.number_input}
    assert "学习率" in labels and "训练轮数" in labels
    assert at.query_params["lang"] == "zh"


def test_url_parameters_apply_and_bad_ones_are_reported():
    at = app(hidden="5,3", lr="1", epochs="1e9", activation="swish", lang="zh")
    config = at.session_state["config"]
    assert config.hidden == (5, 3) and config.lr == 1.0
    assert config.epochs == RunConfig().epochs and config.activation == "sigmoid"
    text = " ".join(w.value for w in at.warning)
    assert "epochs" in text and "activation" in text and "swish" in text
    assert at.title[0].value == "训练"


def test_presets_and_regenerate():
    at = app(hidden="8,8", lr="3")
    assert at.sidebar.selectbox(key="w_preset").value == "custom"             # a link's own setting
    at.sidebar.selectbox(key="w_preset").set_value("book_2531").run()         # choosing applies it
    assert at.session_state["config"] == RunConfig(hidden=(5, 3))
    assert at.sidebar.selectbox(key="w_preset").value == "book_2531"
    at.sidebar.number_input(key="w_lr").set_value(0.3).run()
    assert at.sidebar.selectbox(key="w_preset").value == "custom"
    at.sidebar.selectbox(key="w_preset").set_value("custom").run()            # "custom" changes nothing
    assert at.session_state["config"] == RunConfig(hidden=(5, 3), lr=0.3)
    at.sidebar.button(key="regenerate").click().run()
    assert at.session_state["config"].data_seed == 1 and at.session_state["config"].lr == 0.3
    assert not at.exception


def test_invalid_widget_combination_is_reported_and_defaulted():
    at = app()
    at.sidebar.number_input(key="w_train_frac").set_value(0.9).run()
    assert not at.exception
    assert at.session_state["config"].split_counts[2] >= 1
    shown = [w.value.replace("\\", "") for w in at.sidebar.warning]     # echoed values are Markdown-escaped
    assert any("dev_frac" in w or "train_frac" in w for w in shown)


@pytest.mark.parametrize("page", [p[0] for p in PAGES])
def test_every_page_runs(page):
    at = app()
    at.switch_page(page).run()
    assert not at.exception
    assert at.sidebar.number_input(key="w_lr")       # the shared sidebar is there on every page


def test_every_page_file_exists_and_is_in_the_navigation():
    assert {p[0] for p in PAGES} == {f"app_pages/{f.name}" for f in (ROOT / "app_pages").glob("*.py")}
    assert len({p[3] for p in PAGES}) == len(PAGES)


def test_a_page_opens_on_its_textbook_setting_once_but_a_link_keeps_its_values():
    at = app()
    at.switch_page("app_pages/vanishing.py").run()
    assert at.session_state["config"].hidden == (3, 3, 3, 3)          # opened on the book's 4.4.2 setting
    at.sidebar.number_input(key="w_lr").set_value(0.5).run()
    at.switch_page("app_pages/train.py").run()
    at.switch_page("app_pages/vanishing.py").run()
    assert at.session_state["config"].lr == 0.5                        # second visit keeps the student's change
    linked = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=TIMEOUT)
    linked.query_params["hidden"] = "4,4"
    linked.switch_page("app_pages/vanishing.py").run()                 # a link to the page: its values win
    assert linked.session_state["config"].hidden == (4, 4)
    linked.switch_page("app_pages/dead_relu.py").run()                 # other pages still open on their setting
    assert linked.session_state["config"].bias_init == -8.0


def test_a_run_with_no_usable_model_says_so_instead_of_showing_numbers():
    at = open_app("app_pages/train.py", weight_std="100", activation="identity", hidden=",".join(["64"] * 8),
                  epochs="5")
    at.button(key="train").click().run()
    assert not at.exception
    shown = {m.label: m.value for m in at.metric}
    assert shown["Test accuracy"] == shown["Best epoch"] == shown["Best dev accuracy"] == "—"
    assert any("No epoch produced a usable model" in e.value for e in at.error)
    assert not at.get("vega_lite_chart")                              # no empty curves, no boundary of θ0
    model = next(b for b in open_view(at, "downloads").get("download_button") if b.proto.label.startswith("Best"))
    assert model.proto.disabled


def test_a_partial_link_to_a_lesson_page_is_its_textbook_setting_with_the_link_values():
    at = open_app("app_pages/vanishing.py", epochs="500", lr="0.02")
    assert not at.exception
    assert at.session_state["config"] == preset("vanishing").replace(epochs=500, lr=0.02)
    full = preset("dead_relu").replace(seed=3)           # a share link names every field: exactly that
    at = open_app("app_pages/vanishing.py", **{k: str(v) for k, v in to_params(full).items()})
    assert at.session_state["config"] == full
