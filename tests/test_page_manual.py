"""The "Autograd vs manual" page: AppTest of the real app, plus its pure helpers and chart builders."""

from __future__ import annotations

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from core import manual_checks
from core.config import RunConfig, preset
from core.manual_checks import compare_gradients, compare_training, finite_difference_check
from tests.apptest import metrics, open_app
from ui import manual_runs
from ui.charts import manual as charts
from ui.i18n import t

PAGE = "app_pages/manual.py"


def page(**params: str) -> AppTest:
    at = open_app(PAGE, **params)
    assert not at.exception
    return at


def tables(at: AppTest) -> list[pd.DataFrame]:
    return [d.value for d in at.dataframe]


# ----------------------------------------------------------------------------- the app
def test_default_view_shows_the_book_net_agreeing_everywhere():
    at = page()
    assert at.session_state["config"] == RunConfig()          # the book's 2-5-1 sigmoid net, lr 0.2
    assert at.title[0].value == "Autograd vs manual"
    shown = metrics(at)
    assert abs(float(shown["Loss, hand-written"]) - float(shown["Loss, autograd"])) < 1e-9
    assert abs(float(shown["Loss, autograd"]) - 0.78172675) < 1e-7   # the 10th digit depends on the CPU
    assert float(shown["Largest |difference| of any entry"]) < 1e-10
    assert "agrees to within 1e-10" in at.success[0].value
    grads, fd = tables(at)
    assert list(grads["parameter"]) == ["fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"]
    assert (grads["max |difference|"] < 1e-10).all() and grads["check"].str.contains("agrees").all()
    assert list(fd["entries checked"]) == [10, 5, 5, 1]         # every entry of the 21 parameters
    assert (fd["relative error"] < 1e-8).all() and fd["check"].str.contains("agrees").all()
    assert "inputs at a ReLU kink" not in fd.columns             # sigmoid: no kinks to report
    # training curves: 500 of the 3000 epochs, identical to the last digit shown
    assert any("stops at 500" in c.value for c in at.caption)
    assert abs(float(shown["Final training loss, hand-written"]) - float(shown["Final training loss, autograd"])) < 1e-9
    assert abs(float(shown["Final training loss, autograd"]) - 0.27606082) < 1e-6
    assert float(shown["Largest |loss difference| over all epochs"]) < 1e-12
    assert len(at.get("vega_lite_chart")) == 2            # gradient bars, training overlay
    by_hand, by_autograd = (c.value for c in at.main.get("code") if c.language == "python")
    assert "def backward" in by_hand and "class BCELoss" in by_hand and "gradient_descent_step" in by_hand
    assert "loss.backward()" in by_autograd and "def backward" not in by_autograd
    assert at.sidebar.number_input(key="w_lr")                  # the shared sidebar is there


def test_sidebar_changes_the_network_compared():
    at = page()
    at.sidebar.number_input(key="w_hidden_n").set_value(2).run()
    at.sidebar.selectbox(key="w_activation").set_value("relu").run()
    assert not at.exception
    assert at.session_state["config"].hidden == (5, 5)
    grads, fd = tables(at)
    assert list(grads["parameter"])[-2:] == ["fc3.weight", "fc3.bias"]
    assert (grads["max |difference|"] < 1e-10).all()
    assert "inputs at a ReLU kink" in fd.columns
    by_hand = at.main.get("code")[0].value
    assert "class ReLU" in by_hand and "class Sigmoid" in by_hand                   # hidden + output ops


def test_unsupported_settings_are_named_and_left_out():
    at = page(batch_norm="true", optimizer="adam", l1="0.01")
    notes = " ".join(i.value for i in at.info)
    assert "Batch norm is not part of the hand-written network" in notes
    assert "Optimizer" in notes and "L1 penalty" in notes and "learning rate 0.2" in notes
    # plain GD from the same initial weights: the same numbers as the book's default view
    assert abs(float(metrics(at)["Loss, hand-written"]) - 0.78172675) < 1e-7
    assert float(metrics(at)["Largest |difference| of any entry"]) < 1e-10


def test_saturated_outputs_are_explained_and_the_fused_option_fixes_them():
    at = page(weight_std="40")
    assert "rounds to exactly 0 or 1" in at.warning[0].value
    assert float(metrics(at)["Largest |difference| of any entry"]) > 1e-3
    assert at.error                                              # the book's two-step formula misses those rows
    at.checkbox(key="p_fused").check().run()
    assert not at.exception
    assert float(metrics(at)["Largest |difference| of any entry"]) < 1e-10
    assert not at.warning and not at.error
    # the option is shareable: a link carrying p_fused opens with it ticked
    assert page(weight_std="40", p_fused="true").checkbox(key="p_fused").value is True


def test_a_link_keeps_its_setting_and_reset_restores_the_textbook_one():
    at = page(hidden="8", lr="1")
    assert at.session_state["config"].hidden == (8,)            # a link's values win over the page preset
    at.button(key="manual_reset").click().run()
    assert not at.exception
    assert at.session_state["config"] == RunConfig()
    assert abs(float(metrics(at)["Loss, hand-written"]) - 0.78172675) < 1e-7


def test_timing_runs_on_click_stays_on_return_and_measures_afresh_on_every_press():
    at = page()
    assert len(at.get("vega_lite_chart")) == 2
    assert manual_runs.TIMING_RUNS not in at.session_state
    at.button(key="manual_time_run").click().run()
    assert not at.exception
    assert len(at.get("vega_lite_chart")) == 3
    assert at.session_state[manual_runs.TIMING_RUNS] == 1
    assert any(m.value.startswith("For your network (5):") and "middle half" in m.value for m in at.markdown)
    sizes = manual_checks.timing_sizes(RunConfig())
    table = tables(at)[-1]
    assert list(table["hidden layers"]) == [",".join(map(str, h)) for h in sizes]
    assert list(table.columns[2:]) == ["hand-written: ms per step", "autograd: ms per step", "hand-written / autograd"]
    assert table["autograd: ms per step"].str.fullmatch(r"\d+\.\d{3} \(\d+\.\d{3}–\d+\.\d{3}\)").all()
    assert table["hand-written / autograd"].str.fullmatch(r"\d+\.\d{2} \(\d+\.\d{2}–\d+\.\d{2}\)").all()
    first = at.session_state[manual_runs.TIMINGS][manual_runs.timing_key(RunConfig())]
    timed = first[first["phase"] == "timed"]
    assert (timed.groupby(["hidden", "implementation"]).size() == manual_checks.TIMING_REPEATS).all()
    assert (first[first["phase"] == "warmup"].groupby(["hidden", "implementation"]).size()
            == manual_checks.TIMING_WARMUP).all()
    at.run()                                                     # a rerun shows the same measurement again
    assert not at.exception and len(at.get("vega_lite_chart")) == 3
    assert at.session_state[manual_runs.TIMING_RUNS] == 1
    assert tables(at)[-1].equals(table)
    at.button(key="manual_time_run").click().run()               # a second press measures again: not a cache hit
    assert not at.exception
    assert at.session_state[manual_runs.TIMING_RUNS] == 2
    second = at.session_state[manual_runs.TIMINGS][manual_runs.timing_key(RunConfig())]
    assert not second["seconds_per_step"].equals(first["seconds_per_step"])
    assert len(at.get("vega_lite_chart")) == 3


def test_larger_network_trains_on_click():
    at = page(hidden="32,32", n_samples="2000")
    assert any("waits for a click" in i.value for i in at.info)
    assert "Final training loss, autograd" not in metrics(at)
    at.button(key="manual_train_run").click().run()
    assert not at.exception
    shown = metrics(at)
    assert abs(float(shown["Final training loss, hand-written"]) - float(shown["Final training loss, autograd"])) < 1e-9


def test_chinese_labels():
    at = page(lang="zh")
    assert at.title[0].value == "自动微分 vs 手写反向传播"
    assert next(h.value for h in at.header) == "1 · 初始参数处的梯度"
    assert "损失（手写）" in metrics(at)
    grads, fd = tables(at)
    assert "参数" in grads.columns and "相对误差" in fd.columns
    assert grads["检验"].str.contains("一致").all()
    assert at.button(key="manual_reset").label.startswith("恢复书中的设置")


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("params, loss_class, backward, outputs", [
    ({"dataset": "spiral", "n_classes": "3"}, "SoftmaxCrossEntropy", "(softmax(z) − onehot(y)) / N", 3),
    ({"dataset": "reg_plane"}, "MSELoss", "2 (z − y) / N", 1),
])
def test_k_classes_and_regression_are_checked_by_hand(lang, params, loss_class, backward, outputs):
    at = page(**params, lang=lang)
    config = at.session_state["config"]
    assert config.dataset == params["dataset"] and config.layer_sizes == (2, 5, outputs)
    assert any(backward in i.value for i in at.info)                   # the task and its one-line backward
    shown = list(metrics(at).values())                                 # loss by hand, by autograd, largest diff
    assert shown[0] == shown[1] and float(shown[2]) < 1e-10
    assert at.success[0].value == t("manual_grads_ok", lang, tol=charts.GRAD_TOL) and not at.error
    grads, fd = tables(at)
    assert list(grads.iloc[:, 1]) == ["5×2", "5", f"{outputs}×5", f"{outputs}"]      # K output units, or one
    assert grads.iloc[:, -1].str.contains(t("manual_status_ok", lang)).all()
    assert fd.iloc[:, -1].str.contains(t("manual_status_ok", lang)).all()
    assert shown[3] == shown[4] and float(shown[5]) < 1e-12            # training curves: final losses, largest diff
    assert not [c for c in at.checkbox if c.key == "p_fused"]         # nothing to fuse: one loss op on the logits
    by_hand, by_autograd = (c.value for c in at.main.get("code") if c.language == "python")
    assert f"class {loss_class}" in by_hand and "class BCELoss" not in by_hand and "class SigmoidBCE" not in by_hand
    assert "loss.backward()" in by_autograd and "def backward" not in by_autograd


# ----------------------------------------------------------------------------- helpers
def test_manual_config_and_budgets():
    config, ignored = manual_checks.manual_config(RunConfig(batch_norm=True, momentum=0.9, weight_decay=0.1))
    assert not config.batch_norm and ignored == ["batch_norm", "momentum", "weight_decay"]
    assert manual_checks.manual_config(RunConfig()) == (RunConfig(), [])
    assert manual_checks.overlay_epochs(RunConfig()) == 500 and manual_checks.overlay_epochs(RunConfig(epochs=40)) == 40
    big = RunConfig(hidden=(64,) * 8, n_samples=20_000, train_frac=0.9, dev_frac=0.05, epochs=50)
    assert 1 <= manual_checks.overlay_epochs(big) < 50 and not manual_checks.overlay_is_cheap(big)
    assert manual_checks.fd_entries(RunConfig()) == 25 and manual_checks.fd_is_cheap(RunConfig())
    assert not manual_checks.fd_is_cheap(big)
    sizes = manual_checks.timing_sizes(RunConfig(hidden=(7, 7)))
    assert (7, 7) in sizes and sizes[0] == (5,) and sizes[-1] == (256, 256)
    assert [manual_checks.n_params(h) for h in ((5,), (5, 3))] == [RunConfig().n_params, 37]
    assert manual_checks.timing_steps() <= manual_checks.TIMING_MAX_STEPS
    assert manual_checks.TIMING_WARMUP >= 1 and manual_checks.TIMING_REPEATS >= 5


def test_code_lines_skip_docstrings_comments_and_blanks():
    source = 'def f(x):\n    """Doc\n    more."""\n\n    # note\n    return x  # trailing\n'
    assert manual_runs.code_lines(source) == 2
    by_hand, by_autograd = manual_runs.code_pair("sigmoid")
    assert manual_runs.code_lines(by_hand) > 3 * manual_runs.code_lines(by_autograd)
    assert "class SigmoidBCE" in manual_runs.code_pair("relu", fused=True)[0]
    softmax = manual_runs.code_pair("relu", task="multiclass")[0]
    assert "class SoftmaxCrossEntropy" in softmax and "class Sigmoid:" not in softmax and "class BCELoss" not in softmax
    assert "class MSELoss" in manual_runs.code_pair("tanh", fused=True, task="regression")[0]


def test_fd_status_tells_kinks_noise_and_dead_units_apart():
    assert set(charts.fd_status(finite_difference_check(RunConfig()))) == {"ok"}
    dead = charts.fd_status(finite_difference_check(preset("dead_relu")))
    assert dead == ["zero"] * 9 + ["ok"]                          # only the output bias gets a gradient
    vanishing = charts.fd_status(finite_difference_check(preset("vanishing")))
    assert vanishing[:2] == ["noise", "noise"] and vanishing[-4:] == ["ok"] * 4
    kinks = charts.fd_status(finite_difference_check(RunConfig(activation="relu", hidden=(3, 3, 3, 3))))
    assert "kink" in kinks and "mismatch" not in kinks
    fake = pd.DataFrame({"layer": ["fc1"], "param": ["weight"], "grad_l2": [1.0], "fd_grad_l2": [2.0],
                         "rel_error": [1 / 3], "fd_noise_l2": [1e-10], "near_kink": [0]})
    assert charts.fd_status(fake) == ["mismatch"]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_chart_builders_label_in_the_language(lang):
    grads = compare_gradients(RunConfig())
    curves = compare_training(RunConfig(), epochs=20)
    samples = pd.DataFrame({"phase": ["warmup"] * 4 + ["timed"] * 12, "round": [0] * 4 + [0] * 4 + [1] * 4 + [2] * 4,
                            "implementation": ["manual", "autograd"] * 8, "hidden": ["5", "5", "5,3", "5,3"] * 4,
                            "params": [21, 21, 37, 37] * 4,
                            "seconds_per_step": [9e-3] * 4 + [1e-4, 2e-4, 1.5e-4, 2.5e-4] * 3})
    times, ratios = manual_checks.summarize_step_times(samples), manual_checks.step_time_ratios(samples)
    assert list(times["seconds_per_step"]) == [1e-4, 2e-4, 1.5e-4, 2.5e-4]      # the warm-up's 9e-3 left out
    table = charts.step_time_table(times, ratios, lang)
    assert list(table.iloc[:, 0]) == ["5", "5,3"] and table.shape == (2, 5)
    assert list(table.iloc[:, 2]) == ["0.100 (0.100–0.100)", "0.150 (0.150–0.150)"]
    assert list(table.iloc[:, -1]) == ["0.50 (0.50–0.50)", "0.60 (0.60–0.60)"]
    headers = " ".join(table.columns)
    assert all(word in headers for word in {"en": ["hidden layers", "hand-written", "autograd", "ms per step"],
                                            "zh": ["隐藏层", "手写", "自动微分", "每步毫秒数"]}[lang])
    assert charts.step_time_figures(times, ratios, "5,3") == {
        "manual": 0.15, "manual_iqr": "0.150–0.150", "autograd": 0.25, "autograd_iqr": "0.250–0.250",
        "ratio": 0.6, "ratio_iqr": "0.60–0.60"}
    specs = [charts.grad_compare_chart(grads, lang).to_dict(), charts.training_overlay_chart(curves, lang).to_dict(),
             charts.step_time_chart(times, lang, "5").to_dict()]
    text = str(specs)
    expected = {"en": ["hand-written", "autograd", "gradient L2 norm", "ms per step"],
                "zh": ["手写", "自动微分", "梯度 L2 范数", "每步毫秒数"]}[lang]
    assert all(word in text for word in expected)
    assert len(charts.step_time_chart(times, lang, "5").layer) == 3          # error bars, medians, your network ringed
    assert len(charts.step_time_chart(times, lang).layer) == 2
    assert specs[2]["layer"][0]["mark"]["type"] == "errorbar"
    styled = charts.gradient_table(grads, lang).data
    assert len(styled) == 4 and styled.iloc[:, -1].str.startswith("✓").all()
