"""AppTest: the Loss landscape page through the real app script, in English and Chinese."""

from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

from core import landscape as ls
from core.config import RunConfig
from core.training import train
from tests.apptest import metrics, open_app

PAGE = "app_pages/landscape.py"
SHORT = {"epochs": "300"}                # the book's run, shorter


def page(**params) -> AppTest:
    return open_app(PAGE, **params)


def charts(at: AppTest) -> list:
    return at.get("vega_lite_chart")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_train_then_every_view_is_drawn_with_the_runs_numbers(lang):
    at = page(lang=lang, **SHORT)
    assert not at.exception
    title = {"en": "Loss landscape", "zh": "损失曲面"}[lang]
    assert at.title[0].value == title
    assert not charts(at) and at.info                         # nothing before the run is trained
    at.button(key="landscape_train").click().run()
    assert not at.exception and not at.error
    assert len(charts(at)) == 3                               # line, slice, path; the race waits for its button
    shown = metrics(at)
    result = train(RunConfig(epochs=300))
    line = ls.interpolation(result)
    at_best = float(line[(line["alpha"] == 1.0) & (line["split"] == "train")]["loss"].iloc[0])
    best_label = {"en": "Train loss at θ*", "zh": "θ* 处的训练集损失"}[lang]
    centre_label = {"en": "Loss at θ* (centre)", "zh": "θ*（中心）处的损失"}[lang]
    assert shown[best_label] == f"{at_best:.4f}" == shown[centre_label]
    pc1 = {"en": "PC1 explains", "zh": "PC1 解释的方差"}[lang]
    explained = ls.training_path(result, grid=41).explained
    assert shown[pc1] == f"{100 * explained[0]:.1f} %"

    race = at.button(key="landscape_race")
    assert race.label == {"en": "Train these 3 runs, 300 epochs each", "zh": "训练这 3 个运行，每个 300 轮"}[lang]
    race.click().run()
    assert not at.exception and not at.error
    assert len(charts(at)) == 5                               # + the race's plane and its loss curves
    race_spec = json.dumps(json.loads(charts(at)[3].spec), ensure_ascii=False)
    assert "PC1" in race_spec and ("Momentum, lr 0.2" if lang == "en" else "动量法，学习率 0.2") in race_spec


def test_controls_come_from_the_link_and_bad_values_are_refused():
    at = page(p_grid="21", p_span="0.5", p_race=["adam", "rmsprop"], p_lr_adam="0.05", **SHORT)
    assert not at.exception
    at.button(key="landscape_train").click().run()                    # the controls come with the views
    assert not at.exception and len(charts(at)) == 3
    assert at.select_slider(key="p_grid").value == 21 and at.number_input(key="p_span").value == 0.5
    assert at.multiselect(key="p_race").value == ["adam", "rmsprop"]
    assert at.number_input(key="p_lr_adam").value == 0.05 and at.number_input(key="p_lr_rmsprop").value == 0.01
    assert "21 × 21" in " ".join(c.value for c in at.caption)
    at.multiselect(key="p_race").set_value([]).run()
    assert not at.exception and any("at least one optimizer" in i.value for i in at.info)


def test_a_landscape_over_its_budget_says_so_and_the_page_goes_on():
    at = page(hidden="64,64,64", n_samples="8000", epochs="20", p_grid="101")
    at.button(key="landscape_train").click().run()
    assert not at.exception
    errors = " ".join(e.value.replace("\\", "") for e in at.error)
    assert "smaller grid" in errors and "Something went wrong" not in errors
    assert len(charts(at)) >= 1                               # the 1-D line is still drawn


def test_the_largest_grid_is_drawn_within_the_chart_row_bound():
    from ui.charts import landscape as charts_
    from ui.landscape_runs import MAX_SHOWN_SIDE

    result = train(RunConfig(epochs=50))
    view = ls.training_path(result, grid=ls.MAX_GRID)
    shown = charts_.shown_grid(view.surface, MAX_SHOWN_SIDE)
    assert shown["a"].nunique() <= MAX_SHOWN_SIDE and shown["b"].nunique() <= MAX_SHOWN_SIDE
    assert shown["a"].min() == view.surface["a"].min() and shown["a"].max() == view.surface["a"].max()
    spec = charts_.surface_chart(shown, charts_.surface_contours(shown), view.marks, view.paths, "en", "t",
                                 ("PC1", "PC2")).to_dict()                    # Altair refuses a dataset > 5,000 rows
    rows = sum(len(v) for v in spec["datasets"].values())
    assert rows < 5_000 and len(shown) <= MAX_SHOWN_SIDE ** 2
