"""The Iris page (book 4.5) and the Train page on tasks of more than two classes and on regression (AppTest)."""

import json

import pytest

from core import train
from core.config import preset, to_params
from tests.apptest import metrics, open_app, open_view
from ui.i18n import t

IRIS_PAGE = "app_pages/iris.py"


def text_of(element) -> str:
    """Every string of a chart's Vega-Lite spec run together without spaces: a title wrapped into lines
    (ui.charts.base.wrap) is found as one piece."""
    strings: list[str] = []

    def walk(node) -> None:
        if isinstance(node, str):
            strings.append(node)
        elif isinstance(node, dict):
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(json.loads(element.proto.spec))
    return "".join(strings).replace(" ", "")


def has(element, text: str) -> bool:
    return text.replace(" ", "") in text_of(element)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_iris_page_opens_on_the_book_setting_and_trains_it(lang):
    at = open_app(IRIS_PAGE, lang=lang)
    assert not at.exception
    config = at.session_state["config"]
    assert config == preset("book_iris")
    at.button(key="iris_train").click().run()
    assert not at.exception and not at.error
    shown = metrics(at)
    solo = train(preset("book_iris"))
    assert shown[t("metric_test_acc", lang)] == f"{solo.test_acc:.4f}"
    assert shown[t("metric_best_step", lang)] == f"{solo.best_step:,}"
    assert shown[t("iris_book_metric", lang)] == "0.7333"
    charts = at.get("vega_lite_chart")
    assert len(charts) == 4                # loss and dev score by step, the confusion matrix, the regions
    assert has(charts[2], t("chart_confusion", lang)) and has(charts[3], t("chart_regions", lang))
    report = at.dataframe[0].value
    species = {"en": ["setosa", "versicolor", "virginica"], "zh": ["山鸢尾", "变色鸢尾", "维吉尼亚鸢尾"]}[lang]
    assert list(report[t("col_class", lang)]) == species
    assert all(has(charts[3], name) for name in species)            # the regions' legend names the species
    assert int(report[t("col_support", lang)].sum()) == 15


def test_iris_page_regions_follow_the_plane_picker():
    at = open_app(IRIS_PAGE)
    at.button(key="iris_train").click().run()
    assert has(at.get("vega_lite_chart")[-1], "PC1")
    at.selectbox(key="p_iris_plane").set_value("f:2,3").run()
    assert not at.exception
    features = at.get("vega_lite_chart")[-1]
    assert has(features, "petal length") and has(features, "petal width") and not has(features, "PC1")
    assert at.query_params["p_iris_plane"] in ("f:2,3", ["f:2,3"])   # the link keeps the picture


def test_a_link_opens_the_iris_regions_on_its_plane_and_a_bad_one_on_the_default():
    at = open_app(IRIS_PAGE, p_iris_plane="f:0,3", lang="zh")
    at.button(key="iris_train").click().run()
    assert not at.exception
    regions = at.get("vega_lite_chart")[-1]
    assert has(regions, "萼片长度") and has(regions, "花瓣宽度") and not has(regions, "主成分 1")
    bad = open_app(IRIS_PAGE, p_iris_plane="f:9,9")
    bad.button(key="iris_train").click().run()
    assert not bad.exception and has(bad.get("vega_lite_chart")[-1], "PC1")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_train_page_runs_a_three_class_spiral_with_its_test_tab(lang):
    params = to_params(preset("spiral_3").replace(epochs=200), only_changed=True)
    at = open_app(lang=lang, **params)
    at.button(key="train").click().run()
    assert not at.exception
    assert any(t("task_multiclass", lang, k=3) in c.value for c in at.caption)
    assert float(metrics(at)[t("metric_test_acc", lang)]) > 0.5
    boundary = open_view(at, "boundary", lang)
    assert not boundary.exception and has(boundary.get("vega_lite_chart")[0], t("chart_regions", lang))
    test_tab = open_view(at, "test", lang)
    assert not test_tab.exception
    assert has(test_tab.get("vega_lite_chart")[0], t("chart_confusion", lang))
    assert int(test_tab.dataframe[0].value[t("col_support", lang)].sum()) == preset("spiral_3").split_counts[2]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_train_page_runs_a_regression_with_r2(lang):
    at = open_app(lang=lang, dataset="reg_plane", epochs="300", activation="tanh")
    at.button(key="train").click().run()
    assert not at.exception
    shown = metrics(at)
    assert t("metric_test_r2", lang) in shown and t("metric_test_mse", lang) in shown
    assert t("metric_test_acc", lang) not in shown
    assert float(shown[t("metric_test_r2", lang)]) > 0.9
    boundary = open_view(at, "boundary", lang)
    assert has(boundary.get("vega_lite_chart")[0], t("chart_prediction", lang))
    test_tab = open_view(at, "test", lang)
    assert has(test_tab.get("vega_lite_chart")[0], t("reg_scatter", lang))
