"""Watch it learn and the Train page's replay for every task (core.tasks): K classes (an output node per class,
decision regions), regression (the prediction, MSE and R²), and Iris's four inputs pictured over a plane."""

from __future__ import annotations

import json

import pytest

from core.config import RunConfig
from core.training import Trainer, evaluate
from tests.apptest import open_app, open_view
from tests.test_page_playground import (
    boundary_image,
    chart_datasets,
    datasets,
    epoch_shown,
    page,
    payload,
    replay_image,
    scores,
)
from ui.i18n import class_names, input_names

CASES = {   # URL parameters -> (output nodes, the output nodes' names)
    "spiral3": ({"dataset": "spiral", "n_classes": "3"}, 3, ["class 0", "class 1", "class 2"]),
    "blobs4": ({"dataset": "blobs", "n_classes": "4"}, 4, ["class 0", "class 1", "class 2", "class 3"]),
    "reg_plane": ({"dataset": "reg_plane"}, 1, []),
    "iris": ({"dataset": "iris"}, 3, ["setosa", "versicolor", "virginica"]),
}
ZH_NAMES = {"spiral3": ["类别 0", "类别 1", "类别 2"], "iris": class_names("iris", 3, "zh")}
IRIS_INPUTS = list(input_names("iris", 4, "en"))       # sepal length, ... petal width


def output_nodes(at, replay: bool = False) -> list[dict]:
    nodes = (chart_datasets if replay else datasets)(at, 0)["nodes"]
    return nodes[nodes["x"] == nodes["x"].max()].to_dict("records")


def out_labels(at, replay: bool = False) -> list[str]:
    network = (chart_datasets if replay else datasets)(at, 0)
    return network["out_labels"]["text"].tolist() if "out_labels" in network else []


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("case", ["spiral3", "reg_plane", "iris"])
def test_opens_and_steps_for_every_task(case, lang):
    params, k, names = CASES[case]
    at = page(**params, lang=lang)
    assert not at.exception
    assert epoch_shown(at) == ("0 of 3,000" if lang == "en" else "第 0 轮 / 共 3,000 轮")
    assert len(output_nodes(at)) == k
    assert out_labels(at) == (names if lang == "en" else ZH_NAMES.get(case, []))
    before = boundary_image(at)
    at.button(key="pg_step").click().run()
    assert not at.exception
    assert epoch_shown(at) == ("1 of 3,000" if lang == "en" else "第 1 轮 / 共 3,000 轮")
    assert boundary_image(at) != before                      # the picture moved with the weights
    assert len(output_nodes(at)) == k


def test_k_classes_scores_are_the_networks_own_by_its_task():
    at = page(dataset="blobs", n_classes="4")
    assert len(output_nodes(at)) == 4 and out_labels(at) == CASES["blobs4"][2]
    at.segmented_control(key="p_pg_step").set_value(10).run()
    at.button(key="pg_step").click().run()
    reference = Trainer(RunConfig(dataset="blobs", n_classes=4))
    reference.run(10)
    data = reference.data
    loss, _ = evaluate(reference.model, data.X_train, data.y_train, data.task)      # softmax cross-entropy
    _, acc = evaluate(reference.model, data.X_dev, data.y_dev, data.task)           # argmax accuracy
    shown = scores(at)
    assert shown["Train loss"] == f"{loss:.4f}" and shown["Dev accuracy"] == f"{acc:.4f}"
    assert any("4 classes" in c.value for c in at.caption)
    points = datasets(at, 1)["points"]
    assert set(points["cls"]) == {"0", "1", "2", "3"}


def test_regression_says_mse_and_r2_and_draws_the_prediction():
    at = page(dataset="reg_plane")
    at.segmented_control(key="p_pg_step").set_value(10).run()
    at.button(key="pg_step").click().run()
    shown = scores(at)
    assert list(shown)[1:] == ["Train MSE", "Train R²", "Dev MSE", "Dev R²"]
    reference = Trainer(RunConfig(dataset="reg_plane"))
    reference.run(10)
    data = reference.data
    mse, r2 = evaluate(reference.model, data.X_dev, data.y_dev, data.task)
    assert shown["Dev MSE"] == f"{mse:.4f}" and shown["Dev R²"] == f"{r2:.4f}"
    assert at.toggle(key="p_pg_discrete").disabled                    # no classes to discretize
    points = datasets(at, 1)["points"]
    assert "value" in points and "cls" not in points
    zh = page(dataset="reg_plane", lang="zh")
    assert list(scores(zh))[1:] == ["训练集均方误差", "训练集 R²", "验证集均方误差", "验证集 R²"]


def test_iris_is_pictured_over_a_plane_the_user_picks():
    at = page(dataset="iris")
    assert datasets(at, 0)["labels"]["text"].tolist() == IRIS_INPUTS
    assert "principal components" in payload(at)["note"]
    spec = json.dumps(payload(at)["specs"]["boundary"], ensure_ascii=False)
    assert '"PC1"' in spec and '"PC2"' in spec
    pca_inputs = datasets(at, 0)["nodes"].query("x == 0")["url"].tolist()
    at.selectbox(key="p_pg_plane").set_value("f:2,3").run()
    assert not at.exception
    assert "petal length and petal width" in payload(at)["note"]
    assert '"petal length"' in json.dumps(payload(at)["specs"]["boundary"], ensure_ascii=False)
    assert datasets(at, 0)["nodes"].query("x == 0")["url"].tolist() != pca_inputs     # inputs over another plane
    assert len(output_nodes(at)) == 3
    zh = page(dataset="iris", lang="zh")
    assert "主成分" in payload(zh)["note"]


@pytest.mark.parametrize("params, names, caption", [
    ({"dataset": "spiral", "n_classes": "3"}, ["class 0", "class 1", "class 2"], "train accuracy"),
    ({"dataset": "reg_plane"}, [], "train R²"),
])
def test_replay_of_other_tasks(params, names, caption):
    at = open_app(**params, epochs="100")
    at.button(key="train").click().run()
    at = open_view(at, "replay")
    assert not at.exception
    slider = at.select_slider(key="view_replay_en")
    assert slider.value == 100
    assert out_labels(at, True) == names and len(output_nodes(at, True)) == max(1, len(names))
    last = replay_image(at)
    slider.set_value(6).run()
    assert not at.exception and replay_image(at) != last
    assert any(c.value.startswith("Epoch 6:") and caption in c.value for c in at.caption)
    curves = at.get("vega_lite_chart")[-1].proto.spec
    assert ("Mean squared error" in curves) is (not names) and ("Loss (cross-entropy)" in curves) is bool(names)
    assert "binary" not in curves


def test_replay_of_iris_is_drawn_over_the_plane_picked_in_the_tab():
    at = open_app(dataset="iris", epochs="60")
    at.button(key="train").click().run()
    at = open_view(at, "replay")
    assert not at.exception
    assert chart_datasets(at, 0)["labels"]["text"].tolist() == IRIS_INPUTS and out_labels(at, True) == CASES["iris"][2]
    assert any("principal components" in c.value for c in at.caption)
    at.selectbox(key="p_replay_plane").set_value("f:2,3").run()
    assert not at.exception and any("petal length and petal width" in c.value for c in at.caption)
    assert '"petal width"' in at.get("vega_lite_chart")[1].proto.spec
