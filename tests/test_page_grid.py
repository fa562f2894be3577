"""Grid search page: grid parsing/validation, the time estimate, summaries, charts, and the page itself (AppTest)."""

from __future__ import annotations

import json
import math

import pandas as pd
import pytest
from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df
from streamlit.testing.v1 import AppTest

from core import grid as rules
from core.budget import estimate_seconds
from core.config import ConfigError, RunConfig
from core.sweep import MAX_CONFIGS, estimate_sweep_seconds, sweep, sweep_time_cap
from tests.apptest import metrics, open_app
from ui import grid_runs as gr
from ui.charts import grid as charts

TINY = {"p_hidden": "4;4,3", "p_lr": "0.5,2", "p_seeds": "0,1", "p_epochs": "60"}


# --------------------------------------------------------------------------- parsing and validation
def test_default_texts_are_the_seed_table_with_three_seeds():
    grid, configs = rules.parse_grid(RunConfig(lr=0.3, epochs=10), gr.DEFAULT_TEXTS)
    assert grid == {"hidden": [(5,), (5, 3)], "lr": [0.01, 1.0, 5.0], "seed": [0, 1, 2], "epochs": [3000]}
    assert len(configs) == 18
    assert configs[0] == RunConfig(hidden=(5,), lr=0.01, seed=0, epochs=3000)
    assert [c.hidden for c in configs[:9]] == [(5,)] * 9 and configs[-1].hidden == (5, 3)


def test_blank_items_duplicates_and_empty_boxes():
    base = RunConfig(epochs=7, activation="tanh")
    texts = {"hidden": " 5 ;; none; 3, 3 ", "lr": "1, 1.0; 0.5", "seed": "", "epochs": ""}
    grid, configs = rules.parse_grid(base, texts)
    assert grid == {"hidden": [(5,), (), (3, 3)], "lr": [1.0, 0.5]}
    assert len(configs) == 6 and {c.epochs for c in configs} == {7} and {c.activation for c in configs} == {"tanh"}
    grid, configs = rules.parse_grid(base, {"activation": "sigmoid,relu"})
    assert grid == {"activation": ["sigmoid", "relu"]} and len(configs) == 2


@pytest.mark.parametrize(("texts", "field", "shown"), [
    ({"lr": "0.1,abc"}, "lr", "abc"),
    ({"hidden": "5;5,70"}, "hidden", "70"),
    ({"seed": "0,-1"}, "seed", "-1"),
    ({"activation": "relu,swish"}, "activation", "swish"),
    ({"epochs": "3000,0"}, "epochs", "0"),
])
def test_bad_values_name_the_field_and_the_value(texts, field, shown):
    with pytest.raises(ConfigError) as err:
        rules.parse_grid(RunConfig(), texts)
    assert err.value.field == field
    assert shown in err.value.message("en") and shown in err.value.message("zh")
    assert "无效" in err.value.message("zh")


def test_grid_size_and_compute_budget_are_capped():
    seeds = ",".join(map(str, range(MAX_CONFIGS // 2 + 1)))
    with pytest.raises(ConfigError) as err:
        rules.parse_grid(RunConfig(), {"hidden": "5;5,3", "seed": seeds})
    assert f"at most {MAX_CONFIGS}" in err.value.message("en") and "网格共有" in err.value.message("zh")
    with pytest.raises(ConfigError) as err:        # each config fits MAX_SECONDS (~25 s), the sweep does not
        rules.parse_grid(RunConfig(), {"hidden": "64,64,64", "epochs": "10000", "seed": ",".join(map(str, range(20)))})
    assert "budget" in err.value.message("en") and "时间预算" in err.value.message("zh")
    with pytest.raises(ConfigError):
        rules.parse_grid(RunConfig(), {"lr": "1," * 600})            # longer than a text box holds


def test_time_estimate_and_time_cap():
    _, book = rules.parse_grid(RunConfig(), gr.DEFAULT_TEXTS)
    seconds = estimate_sweep_seconds(book)
    assert 0.1 < seconds < 10                                   # measured ~2 s on the 2-core dev machine
    assert rules.n_batched_groups(book) == (2, 0)
    _, longer = rules.parse_grid(RunConfig(), {**gr.DEFAULT_TEXTS, "epochs": "6000"})
    assert 1.3 * seconds < estimate_sweep_seconds(longer) < 2 * seconds       # setup + epochs
    _, adam = rules.parse_grid(RunConfig(optimizer="adam"), gr.DEFAULT_TEXTS)
    assert rules.n_batched_groups(adam) == (2, 0)                     # full-batch Adam is batched too
    _, rmsprop = rules.parse_grid(RunConfig(optimizer="rmsprop"), gr.DEFAULT_TEXTS)
    assert rules.n_batched_groups(rmsprop) == (0, 18) and estimate_sweep_seconds(rmsprop) > 5 * seconds
    assert rules.check_time(book) == seconds
    # a grid the sweep allows (< core.sweep's cap) but the page does not (> MAX_TIME_S)
    one = estimate_seconds(RunConfig(optimizer="rmsprop", epochs=20000))
    n = math.ceil(1.1 * rules.MAX_TIME_S / one)
    assert n * one < sweep_time_cap()
    seeds = ",".join(map(str, range(n)))
    _, slow = rules.parse_grid(RunConfig(optimizer="rmsprop"), {"epochs": "20000", "seed": seeds})
    with pytest.raises(ConfigError) as err:
        rules.check_time(slow)
    assert f"{rules.MAX_TIME_S:.0f} s" in err.value.message("en") and "秒" in err.value.message("zh")


def test_the_estimate_is_cores_single_run_estimate_for_configs_trained_one_by_one():
    """The page's estimate was ~13x too low for slow fallback configs; now it is core.budget's, and a grid of
    such configs that would run for minutes is refused."""
    base = RunConfig(hidden=(1,) * 8, optimizer="nadam", clip_norm=1.0, l1=0.001, batch_size=1, epochs=3)
    _, configs = rules.parse_grid(base, {"seed": "0,1"})
    assert rules.n_batched_groups(configs) == (0, 2)
    assert estimate_sweep_seconds(configs) == pytest.approx(sum(estimate_seconds(c) for c in configs))
    with pytest.raises(ConfigError) as err:                      # 10 configs x ~20 s of NAdam steps
        rules.check_time(rules.parse_grid(base.replace(epochs=10), {"seed": ",".join(map(str, range(10)))})[1])
    assert "budget" in err.value.message("en") or "would take" in err.value.message("en")


def test_grid_key_round_trip_and_csv():
    grid, _configs = rules.parse_grid(RunConfig(), {"hidden": "5;5,3", "lr": "0.01,1"})
    key = rules.grid_key(grid)
    assert json.loads(key) == {"hidden": ["5", "5,3"], "lr": ["0.01", "1"]}
    assert rules.parse_grid(RunConfig(), {f: ";".join(v) for f, v in rules.grid_of(key).items()})[0] == grid
    frame = pd.DataFrame({"hidden": [(5,), (5, 3)], "lr": [0.01, 1.0], "test_acc": [0.5, 0.75]})
    assert rules.csv_text(frame, ["hidden", "lr"]).splitlines() == ["hidden,lr,test_acc", "5,0.01,0.5", '"5,3",1,0.75']


# --------------------------------------------------------------------------- summaries and the best config
def _runs() -> pd.DataFrame:
    """A hand-made sweep frame: 2 layouts x 2 lr x 2 seeds; (5,3) lr 1 wins on dev, (5,) lr 1 on test."""
    rows = []
    dev = {((5,), 0.1): (0.80, 0.82), ((5,), 1.0): (0.90, 0.92),
           ((5, 3), 0.1): (0.70, 0.60), ((5, 3), 1.0): (0.99, 0.97)}
    test = {((5,), 0.1): (0.81, 0.83), ((5,), 1.0): (0.99, 0.99),
            ((5, 3), 0.1): (0.65, 0.55), ((5, 3), 1.0): (0.90, 0.98)}
    for (hidden, lr), devs in dev.items():
        for seed in (0, 1):
            rows.append({"hidden": hidden, "lr": lr, "seed": seed, "test_acc": test[hidden, lr][seed],
                         "test_loss": 0.1, "best_dev_acc": devs[seed], "diverged": lr > 5})
    return pd.DataFrame(rows)


def test_summarize_means_spread_and_order():
    summary = rules.summarize(_runs(), ["hidden", "lr"])
    assert list(summary.columns) == ["hidden", "lr", *rules.SUMMARY_COLUMNS]
    assert list(zip(summary["hidden"], summary["lr"])) == [((5,), 0.1), ((5,), 1.0), ((5, 3), 0.1), ((5, 3), 1.0)]
    row = summary.iloc[3]
    assert row.runs == 2 and row.test_acc_mean == pytest.approx(0.94) and row.dev_acc_mean == pytest.approx(0.98)
    assert row.test_acc_std == pytest.approx(0.08 / math.sqrt(2))
    assert (row.test_acc_min, row.test_acc_max) == (0.9, 0.98)
    overall = rules.summarize(_runs(), [])
    assert len(overall) == 1 and overall.iloc[0].runs == 8


def test_best_config_is_chosen_on_the_dev_set():
    frame = _runs()
    best = rules.best_row(frame, ["hidden", "lr", "seed"])
    assert (frame.loc[best, "hidden"], frame.loc[best, "lr"], frame.loc[best, "seed"]) == ((5, 3), 1.0, 0)
    row = rules.combo_row(rules.summarize(frame, ["hidden", "lr"]), {"hidden": (5, 3), "lr": 1.0})
    assert row.test_acc_mean == pytest.approx(0.94)
    assert rules.best_row(frame.iloc[:0], ["hidden"]) is None


# --------------------------------------------------------------------------- charts
def test_heatmap_and_spread_charts_are_labelled_in_the_language():
    frame = _runs()
    cell = rules.summarize(frame, ["hidden", "lr"])
    spec = charts.heatmap_chart(cell, "lr", "hidden", "zh", best={"hidden": (5, 3), "lr": 1.0}).to_dict()
    assert spec["title"] == "测试集平均准确率（对随机种子及其他维度取平均）"
    data = next(iter(spec["datasets"].values()))
    assert [d["is_best"] for d in data] == [False, False, False, True]
    assert [d["hidden_label"] for d in data] == ["5", "5", "5,3", "5,3"]
    rect = spec["layer"][0]["encoding"]
    assert rect["x"]["title"] == "学习率" and rect["y"]["title"] == "隐藏层"
    assert {t["title"] for t in rect["tooltip"]} >= {"标准差", "最小值", "最大值"}
    row_only = charts.heatmap_chart(rules.summarize(frame, ["hidden"]), None, "hidden", "en").to_dict()
    assert "x" not in row_only["layer"][0]["encoding"]
    spread = charts.spread_chart(frame, "lr", "hidden", "en").to_dict()
    assert spread["layer"][0]["mark"]["type"] == "errorbar" and spread["layer"][0]["mark"]["extent"] == "stdev"
    scale = spread["layer"][0]["encoding"]["y"]["scale"]
    assert scale["domainMax"] == 1 and scale["clamp"]          # a mean + std bar stops at accuracy 1
    assert charts.value_label("hidden", (), "zh") == "无" and charts.value_label("activation", "relu", "en") == "ReLU"


# --------------------------------------------------------------------------- cancel: nothing cached
class _Interrupt(BaseException):
    """Stands in for Streamlit's StopException raised in the script thread."""


def test_a_stopped_sweep_caches_nothing():
    grid, configs = rules.parse_grid(RunConfig(), {"hidden": "3", "lr": "0.5", "seed": "0,1", "epochs": "20000"})
    base_key, key = gr.base_key_of(configs), rules.grid_key(grid)

    def interrupt(_progress):
        raise _Interrupt

    with pytest.raises(_Interrupt):
        gr.sweep_live(base_key, key, interrupt)      # the first progress report interrupts it
    assert gr.cached_result(base_key, key) is None          # waits for the worker, which stopped early


# --------------------------------------------------------------------------- the page
def page(**params: str) -> AppTest:
    return open_app("app_pages/grid.py", **params)


def heatmap_cells(at: AppTest) -> list[dict]:
    """The heatmap's data rows (Streamlit ships chart data as Arrow datasets beside the spec)."""
    for chart in at.get("vega_lite_chart"):
        spec = json.loads(chart.proto.spec)
        if spec.get("layer", [{}])[0].get("mark", {}).get("type") == "rect":
            frame = convert_arrow_bytes_to_pandas_df(chart.proto.datasets[0].data.data)
            return frame.to_dict("records")
    raise AssertionError("no heatmap on the page")


def test_textbook_grid_default_view_and_run():
    gr.cached_sweep.clear()
    at = page()
    assert not at.exception
    assert at.session_state["config"] == RunConfig()          # the book's 4.3.1 setting
    assert {w.key: w.value for w in at.text_input if w.key in TINY} == {
        "p_hidden": "5;5,3", "p_lr": "0.01,1,5", "p_seeds": "0,1,2", "p_epochs": "3000"}
    shown = metrics(at)
    assert (shown["Configs to train"], shown["Batched groups"], shown["Trained one by one"]) == ("18", "2", "0")
    assert shown["Estimated time"].startswith("≈") and shown["Estimated time"].endswith(" s")
    assert "18 configs" in at.info[0].value
    at.button(key="grid_run").click().run()
    assert not at.exception
    cells = {(c["hidden_label"], c["lr_label"]): c for c in heatmap_cells(at)}
    assert len(cells) == 6 and all(c["runs"] == 3 for c in cells.values())
    assert cells["5,3", "1"]["test_acc_mean"] >= 0.98 and cells["5,3", "5"]["test_acc_mean"] >= 0.98
    assert cells["5", "0.01"]["test_acc_mean"] < 0.9 and cells["5,3", "0.01"]["test_acc_mean"] < 0.9
    assert sum(c["is_best"] for c in cells.values()) == 1
    assert len(at.dataframe[0].value) == 6                  # the summary: one row per layout x lr
    at.run()                                                # a rerun is served from the cache, no click
    assert not at.exception and len(heatmap_cells(at)) == 6 and not [b for b in at.button if b.key == "grid_run"]


def test_tiny_grid_runs_loads_the_best_config_and_matches_sweep():
    at = page()
    for key, value in TINY.items():
        at.text_input(key=key).set_value(value).run()
    assert metrics(at)["Configs to train"] == "8" and not at.error
    at.button(key="grid_run").click().run()
    assert not at.exception
    direct = sweep(RunConfig(), {"hidden": ["4", "4,3"], "lr": ["0.5", "2"], "seed": ["0", "1"], "epochs": ["60"]})
    expected = rules.summarize(direct, ["hidden", "lr", "epochs"])
    cells = heatmap_cells(at)
    assert [c["test_acc_mean"] for c in cells] == pytest.approx(list(expected["test_acc_mean"]))
    assert len(at.dataframe[1].value) == 8                  # every run
    best = direct.loc[rules.best_row(direct, ["hidden", "lr", "seed", "epochs"])]
    assert f"seed {best.seed}" in " ".join(m.value for m in at.markdown)
    assert {b.key for b in at.get("download_button")} == {"grid_dl_runs", "grid_dl_summary"}
    at.button(key="grid_load_best").click().run()
    assert not at.exception
    config = at.session_state["config"]
    assert (config.hidden, config.lr, config.seed, config.epochs) == (best.hidden, best.lr, best.seed, 60)
    assert at.success and at.get("page_link")[0].proto.label == "Open the Train page"
    assert len(heatmap_cells(at)) == 4                      # same grid, same cached result
    at.switch_page("app_pages/train.py").run()              # the Train page opens on the loaded config
    assert not at.exception
    assert at.session_state["config"] == config


def test_invalid_grids_show_a_message_and_no_run_button():
    at = page()
    at.text_input(key="p_lr").set_value("0.1,fast").run()
    assert not at.exception
    assert "lr" in at.error[0].value and "fast" in at.error[0].value
    assert not [b for b in at.button if b.key == "grid_run"] and not at.metric
    at.text_input(key="p_lr").set_value("0.1").run()
    at.text_input(key="p_seeds").set_value(",".join(map(str, range(MAX_CONFIGS)))).run()
    assert f"at most {MAX_CONFIGS}" in at.error[0].value
    at.button(key="grid_reset").click().run()
    assert not at.error and metrics(at)["Configs to train"] == "18"


def test_chinese_labels_and_link_parameters():
    at = page(lang="zh", p_lr="0.5,2", p_epochs="40", p_axis="activation", p_values="sigmoid,tanh")
    assert not at.exception
    assert at.title[0].value == "超参数网格搜索"
    assert at.text_input(key="p_lr").label == "学习率（用逗号分隔）" and at.text_input(key="p_lr").value == "0.5,2"
    assert at.selectbox(key="p_axis").value == "activation"
    assert metrics(at)["待训练的配置数"] == str(2 * 2 * 3 * 2)
    at.button(key="grid_run").click().run()
    assert not at.exception
    assert at.subheader[0].value == "最佳配置"
    assert "热力图的行" in {s.label for s in at.selectbox}
    spec = json.loads(at.get("vega_lite_chart")[0].proto.spec)
    assert spec["title"].startswith("测试集平均准确率")


def test_a_long_list_from_a_link_is_counted_as_given():
    at = open_app("app_pages/grid.py", p_hidden=";".join(["5"] * 600))
    errors = " ".join(e.value.replace("\\", "") for e in at.error)
    assert "600 values" in errors and "500 values" not in errors


def test_input_features_as_the_extra_axis():
    at = page(dataset="circles", p_hidden="none", p_lr="1", p_seeds="0,1", p_epochs="300", p_axis="features",
              p_values="x1,x2;x1sq,x2sq")
    assert not at.exception and not at.error
    assert metrics(at)["Configs to train"] == "4"
    at.button(key="grid_run").click().run()
    assert not at.exception
    summary = at.dataframe[0].value
    shown = summary.astype(str).to_string()
    assert "x₁², x₂²" in shown and "x₁, x₂" in shown
    at.button(key="grid_load_best").click().run()
    assert at.session_state["config"].features == ("x1sq", "x2sq")     # the squares separate the circles
