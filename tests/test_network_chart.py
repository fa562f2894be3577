"""ui.charts.network: the Watch-it-learn diagram and the image decision boundary as Vega-Lite dicts."""

from __future__ import annotations

import base64
import io
import json

import altair as alt
import numpy as np
import pandas as pd
import pytest
import torch
from PIL import Image

from core.config import RunConfig, preset
from core.data import make_splits
from core.models import MLP, build_model
from core.neurons import NeuronPictures, link_frame, neuron_grid, unit_marks
from ui.charts import network
from ui.charts.base import AXIS_LABEL_SIZE, CLASS_COLORS


def valid(spec: dict) -> dict:
    """The spec passes Vega-Lite's JSON schema (altair's) and is strict JSON (no NaN)."""
    alt.Chart.from_dict(spec)
    json.dumps(spec, allow_nan=False)
    return spec


def decode(url: str) -> Image.Image:
    assert url.startswith("data:image/png;base64,")
    return Image.open(io.BytesIO(base64.b64decode(url.split(",", 1)[1]))).convert("RGB")


def colours(url: str) -> set[tuple[int, int, int]]:
    return {c for _, c in decode(url).getcolors(maxcolors=10_000)}


def parts(config: RunConfig, n: int = 16, model: MLP | None = None):
    model = model if model is not None else build_model(config)
    data = make_splits(config)
    weights, biases = link_frame(model)
    pictures = neuron_grid(model, config.features, n=n)
    return model, data, pictures, unit_marks(model, data.X_train), weights, biases


def layer_of(spec: dict, dataset: str, mark: str) -> dict:
    found = [layer for layer in spec["layer"] if layer["data"]["name"] == dataset
             and (layer["mark"]["type"] if isinstance(layer["mark"], dict) else layer["mark"]) == mark]
    assert len(found) == 1, (dataset, mark)
    return found[0]


# --------------------------------------------------------------------------- pictures
def test_png_decodes_to_the_grid_size_with_its_colours():
    x1 = np.tile(np.linspace(-3.0, 3.0, 41, dtype=np.float32), (17, 1))      # 17 rows, 41 columns
    image = decode(network.picture_url(x1))
    assert image.size == (41, 17)
    left, mid, right = image.getpixel((0, 5)), image.getpixel((20, 5)), image.getpixel((40, 5))
    assert left == network.NEG_COLOR and mid == (255, 255, 255) and right == network.POS_COLOR
    assert colours(network.picture_url(np.zeros((8, 8)))) == {(255, 255, 255)}     # a dead unit: white
    assert colours(network.picture_url(np.full((4, 4), np.nan))) == {(255, 255, 255)}


def test_probability_picture_and_discretize_gives_two_colours():
    p = np.tile(np.linspace(0.0, 1.0, 30, dtype=np.float32), (30, 1))
    smooth = colours(network.probability_url(p))
    assert len(smooth) > 10 and network.P_LINE in smooth
    two = colours(network.probability_url(p, discretize=True))
    assert two == {network.P_LOW, network.P_HIGH}
    image = decode(network.probability_url(p, discretize=True))
    assert image.size == (30, 30)
    assert image.getpixel((0, 0)) == network.P_LOW and image.getpixel((29, 0)) == network.P_HIGH
    assert colours(network.probability_url(np.full((6, 6), 0.5))) == {(255, 255, 255)}    # no boundary: no line


# --------------------------------------------------------------------------- the diagram
def test_diagram_is_valid_with_one_image_per_node():
    config = RunConfig(hidden=(5, 3), activation="tanh")
    _, _, pictures, marks, weights, biases = parts(config)
    spec = valid(network.network_spec(pictures, marks, weights, biases, "en"))
    image = layer_of(spec, "nodes", "image")
    assert image["encoding"]["url"]["field"] == "url"
    nodes = spec["datasets"]["nodes"]
    assert len(nodes) == 2 + 5 + 3 + 1
    for node in nodes:
        assert decode(node["url"]).size == (16, 16)
    assert len(spec["datasets"]["links"]) == 2 * 5 + 5 * 3 + 3
    assert len(spec["datasets"]["biases"]) == 5 + 3 + 1
    assert [c["text"] for c in spec["datasets"]["captions"]] == ["input", "fc1", "fc2", "output"]
    assert [lab["text"] for lab in spec["datasets"]["labels"]] == ["x₁", "x₂"]
    assert spec["width"] == "container" and spec["autosize"]["type"] == "fit-x"


def test_wide_layer_draws_what_fits_and_a_gap():
    config = RunConfig(hidden=(12,), activation="relu")
    _, _, pictures, marks, weights, biases = parts(config, n=8)
    spec = valid(network.network_spec(pictures, marks, weights, biases, "en", width=400, height=300))
    assert len(spec["datasets"]["nodes"]) == 2 + 8 + 1                   # 7 units, "⋮ +4", the last unit
    assert [g["text"] for g in spec["datasets"]["gaps"]] == ["⋮ +4"]
    assert len(spec["datasets"]["links"]) == 2 * 8 + 8
    tips = " ".join(link["tip"] for link in spec["datasets"]["links"])
    assert "unit 12" in tips and "unit 8 " not in tips and "unit 11" not in tips     # counted from 1 on screen
    assert spec["width"] == 400 and spec["height"] == 300


def test_link_width_and_colour_follow_the_weight():
    model = MLP(hidden=(4,), activation="tanh")
    with torch.no_grad():
        model.fc1.weight.copy_(torch.tensor([[0.0, 0.1], [-0.5, 1.0], [2.0, -2.5], [-7.0, 10.0]]))
        model.fc1.bias.copy_(torch.tensor([0.0, 1.0, -1.0, 5.0]))
        model.fc2.weight.copy_(torch.tensor([[0.2, -0.2, 0.3, -0.3]]))
        model.fc2.bias.zero_()
    pictures = neuron_grid(model, ("x1", "x2"), n=8)
    weights, biases = link_frame(model)
    spec = valid(network.network_spec(pictures, None, weights, biases, "en"))
    links = spec["datasets"]["links"]
    w = weights["weight"].to_numpy()
    assert len(links) == len(w)
    width = np.array([link["width"] for link in links])
    a = np.abs(w)
    for i in range(len(w)):
        for j in range(len(w)):
            if a[i] < a[j]:                                            # thicker with |w| ...
                assert width[i] < width[j] or a[i] >= network.W_CAP
    capped = a >= network.W_CAP                                        # ... up to W_CAP
    assert capped.sum() == 2 and set(width[capped]) == {width.max()}
    pos, neg = ("#{:02x}{:02x}{:02x}".format(*c) for c in (network.POS_COLOR, network.NEG_COLOR))
    assert [link["color"] for link in links] == [network.ZERO_GREY if v == 0 else pos if v > 0 else neg for v in w]
    assert links[3]["tip"] == "fc1: x₂ → unit 2, w = 1.000"
    assert spec["datasets"]["links"][-1]["tip"] == "fc2: unit 4 → output, w = -0.300"
    assert [b["color"] for b in spec["datasets"]["biases"]][:3] == [network.ZERO_GREY, pos, neg]


def test_dead_and_identical_marks_appear_exactly_for_the_marked_units():
    config = RunConfig(hidden=(4, 3), activation="relu")
    _, _, pictures, _, weights, biases = parts(config, n=8)
    marks = pd.DataFrame({"layer": ["fc1"] * 4 + ["fc2"] * 3, "unit": [0, 1, 2, 3, 0, 1, 2],
                          "dead": [False, True, False, True, False, False, True],
                          "group": [0, 1, 0, 2, 0, 0, 1], "group_size": [2, 1, 2, 1, 2, 2, 1],
                          "identical": [True, False, True, False, True, True, False]})
    spec = valid(network.network_spec(pictures, marks, weights, biases, "en"))
    dead = {(d["x"], d["unit"]) for d in spec["datasets"]["dead"]}
    assert dead == {(1, 1), (1, 3), (2, 2)}
    badges = {(b["x"], b["unit"]): b["letter"] for b in spec["datasets"]["badges"]}
    assert badges == {(1, 0): "A", (1, 2): "A", (2, 0): "A", (2, 1): "A"}
    assert "units 1, 3 are identical" in spec["datasets"]["badges"][0]["tip"]
    strokes = {(n["x"], n["y"]): n["stroke"] for n in spec["datasets"]["nodes"]}
    assert sum(s == network.DEAD_COLOR for s in strokes.values()) == 3
    assert layer_of(spec, "dead", "text")["mark"]["text"] == "✕"
    key = "".join(spec["title"]["text"])
    assert "dead" in key and "identical" in key


def test_real_dead_and_zero_init_nets():
    _, _, pictures, marks, weights, biases = parts(preset("dead_relu"), n=8)
    spec = valid(network.network_spec(pictures, marks, weights, biases, "en"))
    assert len(spec["datasets"]["dead"]) == 12 and not spec["datasets"]["badges"]
    _, _, pictures, marks, weights, biases = parts(preset("zero_init"), n=8)
    spec = valid(network.network_spec(pictures, marks, weights, biases, "en"))
    assert not spec["datasets"]["dead"]
    assert {b["letter"] for b in spec["datasets"]["badges"]} == {"A"} and len(spec["datasets"]["badges"]) == 5


def test_chinese_labels():
    config = RunConfig(hidden=(3,), activation="relu", **({"features": ("x1", "x2", "x1sq")}
                                                          if "features" in RunConfig.__dataclass_fields__ else {}))
    _, _, pictures, marks, weights, biases = parts(config, n=8)
    spec = valid(network.network_spec(pictures, marks, weights, biases, "zh", list(config.features)))
    ds = spec["datasets"]
    assert [c["text"] for c in ds["captions"]] == ["输入", "fc1", "输出"]
    assert all("权重" in link["tip"] and "unit" not in link["tip"] for link in ds["links"])
    assert all("偏置" in b["tip"] for b in ds["biases"])
    assert "死亡" in "".join(spec["title"]["text"]) and "相同" in "".join(spec["title"]["text"])
    if len(pictures.features) == 3:
        assert [lab["text"] for lab in ds["labels"]] == ["x₁", "x₂", "x₁²"]
    en = network.network_spec(pictures, marks, weights, biases, "en", ["a", "b", "c"][:len(pictures.features)])
    assert [lab["text"] for lab in en["datasets"]["labels"]] == ["a", "b", "c"][:len(pictures.features)]


def test_frames_of_one_network_differ_in_their_data_only():
    """Streamlit updates a chart's named datasets in place when nothing else in the spec changed."""
    config = RunConfig(hidden=(4, 4), activation="tanh")
    model, data, pictures, marks, weights, biases = parts(config, n=8)
    first = network.network_spec(pictures, marks, weights, biases, "en")
    with torch.no_grad():
        model.fc1.weight.mul_(-2.0)
        model.fc2.bias.fill_(-50.0)
    weights, biases = link_frame(model)
    second = network.network_spec(neuron_grid(model, ("x1", "x2"), n=8), unit_marks(model, data.X_train),
                                  weights, biases, "en")
    assert first["datasets"] != second["datasets"]
    assert {k: v for k, v in first.items() if k != "datasets"} == {k: v for k, v in second.items() if k != "datasets"}


def test_a_diverged_network_still_draws():
    config = RunConfig(hidden=(3,), activation="tanh")
    model = build_model(config)
    with torch.no_grad():
        model.fc1.weight.fill_(float("nan"))
        model.fc2.bias.fill_(float("inf"))
    _, _, pictures, marks, weights, biases = parts(config, n=8, model=model)
    valid(network.network_spec(pictures, marks, weights, biases, "en"))


def test_node_size_follows_the_plot():
    config = RunConfig(hidden=(8, 8, 8), activation="tanh")
    _, _, pictures, marks, weights, biases = parts(config, n=8)
    spec = network.network_spec(pictures, marks, weights, biases, "en")
    assert spec["params"][0]["name"] == "node" and "width" in spec["params"][0]["expr"]
    assert layer_of(spec, "nodes", "image")["mark"]["width"] == {"expr": "node"}
    assert spec["height"] >= 46 * 8


# --------------------------------------------------------------------------- the boundary
@pytest.mark.parametrize("show_test, discretize", [(True, False), (False, True)])
def test_boundary_image(show_test, discretize):
    config = RunConfig(hidden=(5,), activation="tanh")
    model = build_model(config)
    data = make_splits(config)
    pictures = neuron_grid(model, ("x1", "x2"), n=30)
    points = data.frame()
    spec = valid(network.boundary_image_spec(pictures.output, pictures.extent, points, "en", show_test=show_test,
                                             discretize=discretize, size=300))
    shown = spec["datasets"]["points"]
    expected = points if show_test else points[points["split"] != "test"]
    assert len(shown) == len(expected)
    assert ({p["split_name"] for p in shown} == {"train", "dev", "test"}) is show_test
    (box,) = spec["datasets"]["boundary"]
    image = decode(box["url"])
    assert image.size == (30, 30)
    assert (len(colours(box["url"])) == 2) is discretize
    half = (pictures.extent[1] - pictures.extent[0]) / 29 / 2                # pixels centred on grid points
    assert box["x"] == pytest.approx(pictures.extent[0] - half) and box["y"] == pytest.approx(pictures.extent[3] + half)
    assert spec["width"] == 356 and spec["height"] == 300
    points_layer = spec["layer"][1]
    assert points_layer["encoding"]["color"]["scale"]["range"] == list(CLASS_COLORS)
    assert points_layer["encoding"]["shape"]["scale"]["range"][:2] == ["circle", "triangle-up"]
    x = spec["layer"][0]["encoding"]["x"]
    assert x["axis"]["labelFontSize"] >= AXIS_LABEL_SIZE >= 13 and x["title"] == "x1"


def test_boundary_from_pictures_or_a_url_in_chinese():
    config = RunConfig(hidden=(5,), activation="tanh")
    pictures = neuron_grid(build_model(config), ("x1", "x2"), n=10)
    points = make_splits(config).frame()
    spec = valid(network.boundary_image_spec(pictures, None, points, "zh"))
    assert spec["datasets"]["boundary"][0]["x"] < pictures.extent[0]
    assert {p["split_name"] for p in spec["datasets"]["points"]} == {"训练集", "验证集", "测试集"}
    assert "决策边界" in "".join(spec["title"]["text"])
    url = network.probability_url(pictures.output, discretize=True)
    spec = valid(network.boundary_image_spec(url, pictures.extent, points, "zh", title=""))
    assert spec["datasets"]["boundary"][0]["url"] == url and spec["datasets"]["boundary"][0]["x"] == pictures.extent[0]
    assert "title" not in spec


def test_boundary_samples_a_large_set():
    config = RunConfig(hidden=(5,), activation="tanh")
    pictures = neuron_grid(build_model(config), ("x1", "x2"), n=10)
    points = make_splits(config).frame()
    spec = valid(network.boundary_image_spec(pictures, None, points, "en", max_points=200))
    assert len(spec["datasets"]["points"]) <= 210 and spec["title"]["subtitle"]


def test_input_labels():
    assert network.input_labels(("x1", "x1sq", "sinx2"), "en") == ["x₁", "x₁²", "sin(x₂)"]
    assert network.input_labels(("x1", "already a label"), "zh") == ["x₁", "already a label"]
    assert isinstance(NeuronPictures, type)


def test_stamped_datasets_change_their_columns_exactly_when_their_values_change():
    """Streamlit's browser replaces a named dataset only when its shape, columns or byte size change: the stamp
    column makes a changed weight of the same size a changed dataset, and leaves an unchanged one alone."""
    a = network.stamped({"links": [{"w": 0.25}, {"w": -1.0}], "empty": []})
    b = network.stamped({"links": [{"w": 0.5}, {"w": -1.0}], "empty": []})
    again = network.stamped({"links": [{"w": 0.25}, {"w": -1.0}], "empty": []})
    assert set(a["links"][0]) != set(b["links"][0]) and a == again
    assert a["empty"] == [] and [row["w"] for row in a["links"]] == [0.25, -1.0]


# --------------------------------------------------------------------------- K classes, regression, a plane
def task_parts(config: RunConfig, n: int = 16):
    """parts() for any task: the pictures with the data's task."""
    model = build_model(config)
    data = make_splits(config)
    weights, biases = link_frame(model)
    pictures = neuron_grid(model, config.features, n=n, task=data.task)
    return data, pictures, unit_marks(model, data.X_train), weights, biases


def test_k_classes_draw_an_output_node_per_class_in_its_colour():
    from ui.charts.base import class_colors

    _, pictures, marks, weights, biases = task_parts(RunConfig(dataset="spiral", n_classes=3, hidden=(5,)))
    spec = valid(network.network_spec(pictures, marks, weights, biases, "en"))
    nodes = spec["datasets"]["nodes"]
    outputs = [node for node in nodes if node["x"] == 2]
    assert len(nodes) == 2 + 5 + 3 and len(outputs) == 3
    assert [lab["text"] for lab in spec["datasets"]["out_labels"]] == ["class 0", "class 1", "class 2"]
    assert [lab["color"] for lab in spec["datasets"]["out_labels"]] == class_colors(3)
    assert [node["tip"] for node in outputs] == [f"output: P(class {k}), white 0 → its colour 1" for k in range(3)]
    for k, node in enumerate(outputs):                      # white (P = 0) to the class's colour (P = 1)
        ramp = {tuple(c) for c in network._ramp(network.WHITE, network.WHITE, network._rgb(class_colors(3)[k]))}
        assert colours(node["url"]) <= ramp
        assert node["url"] == network.class_url(pictures.output[k], class_colors(3)[k])
    assert any("→ class 2" in link["tip"] for link in spec["datasets"]["links"])
    assert layer_of(spec, "out_labels", "text")["mark"]["align"] == "left"
    assert spec["datasets"]["labels"][0]["text"] == "x₁"
    zh = valid(network.network_spec(pictures, marks, weights, biases, "zh", class_names=["甲", "乙", "丙"]))
    assert [lab["text"] for lab in zh["datasets"]["out_labels"]] == ["甲", "乙", "丙"]
    assert "类别 0" in network.network_spec(pictures, marks, weights, biases, "zh")["datasets"]["out_labels"][0]["text"]


def test_the_binary_diagram_names_no_output_classes():
    _, pictures, marks, weights, biases = task_parts(RunConfig(hidden=(3,)))
    spec = network.network_spec(pictures, marks, weights, biases, "en")
    assert "out_labels" not in spec["datasets"]
    assert all(layer["data"]["name"] != "out_labels" for layer in spec["layer"])
    assert spec["datasets"]["nodes"][-1]["url"] == network.probability_url(pictures.output)


def test_regression_output_is_the_prediction_on_the_targets_scale():
    _, pictures, marks, weights, biases = task_parts(RunConfig(dataset="reg_plane", hidden=(4,)))
    spec = valid(network.network_spec(pictures, marks, weights, biases, "en", value_range=1.0))
    (output,) = [node for node in spec["datasets"]["nodes"] if node["x"] == 2]
    assert output["url"] == network.value_url(pictures.output, 1.0) and "predicted value" in output["tip"]
    assert "out_labels" not in spec["datasets"]
    values = np.array([[-1.0, 0.0, 1.0, 5.0]], dtype=np.float32)
    image = decode(network.value_url(values, 1.0))
    assert [image.getpixel((i, 0)) for i in range(4)] == [network.VALUE_LOW, network.WHITE, network.VALUE_HIGH,
                                                          network.VALUE_HIGH]       # clipped beyond the range


def test_regions_follow_region_image_and_discretize_to_one_strength():
    from ui.charts.base import class_colors, region_image

    x = np.linspace(-2, 2, 24, dtype=np.float32)
    logits = np.stack([np.add.outer(-x, x), np.add.outer(x, x), np.add.outer(x, -2 * x)])     # [3, 24, 24]
    probs = np.exp(logits) / np.exp(logits).sum(axis=0)
    mine = np.asarray(decode(network.regions_url(probs)), dtype=int)
    base = np.asarray(decode(region_image(np.moveaxis(probs, 0, -1), "multiclass")), dtype=int)
    line = (mine == network.P_LINE).all(axis=2) | (base == network.P_LINE).all(axis=2)   # drawn a pixel apart
    assert 0 < line.mean() < 0.2
    assert np.abs(mine - base)[~line].max() <= 6           # the Train page's colours, in 16 lightness steps
    flat = colours(network.regions_url(probs, discretize=True))
    assert len(flat) == 3 + 1 and network.P_LINE in flat    # one colour a class and the line between regions
    assert {c for c in flat if c != network.P_LINE} == {tuple(np.rint(
        255 + (np.array(network._rgb(c)) - 255) * (0.25 + 0.55 * network.FLAT_LEVEL / (network.STRENGTHS - 1)))
        .astype(int)) for c in class_colors(3)}


def test_boundary_of_k_classes_shows_regions_and_k_class_colours():
    from ui.charts.base import class_colors

    data, pictures, *_ = task_parts(RunConfig(dataset="blobs", n_classes=4, hidden=(5,)), n=20)
    points = data.frame()
    spec = valid(network.boundary_image_spec(pictures, None, points, "en"))
    colour = spec["layer"][1]["encoding"]["color"]
    assert colour["scale"] == {"domain": ["0", "1", "2", "3"], "range": class_colors(4)}
    assert {p["cls"] for p in spec["datasets"]["points"]} == {"0", "1", "2", "3"}
    assert spec["datasets"]["boundary"][0]["url"] == network.regions_url(pictures.output)
    assert decode(spec["datasets"]["boundary"][0]["url"]).size == (20, 20)
    assert "Decision regions" in "".join(spec["title"]["text"])
    named = valid(network.boundary_image_spec(pictures, None, points, "zh", discretize=True,
                                              class_names=["a", "b", "c", "d"], axis_titles=("PC1", "PC2")))
    assert {p["cls"] for p in named["datasets"]["points"]} == {"a", "b", "c", "d"}
    assert named["layer"][0]["encoding"]["x"]["title"] == "PC1" and named["layer"][1]["encoding"]["y"]["title"] == "PC2"
    assert named["datasets"]["boundary"][0]["url"] == network.regions_url(pictures.output, discretize=True)
    assert "决策区域" in "".join(named["title"]["text"])


def test_boundary_of_a_regression_colours_points_by_target():
    data, pictures, *_ = task_parts(RunConfig(dataset="reg_gauss", hidden=(5,)), n=20)
    points = data.frame()
    spec = valid(network.boundary_image_spec(pictures, None, points, "en", discretize=True))
    top = float(np.abs(points["label"]).max())
    colour = spec["layer"][1]["encoding"]["color"]
    assert colour["field"] == "value" and colour["type"] == "quantitative"
    assert colour["scale"]["domain"] == [-top, top]
    shown = spec["datasets"]["points"]
    assert len(shown) == len(points) and "cls" not in shown[0]
    assert sorted(p["value"] for p in shown) == pytest.approx(sorted(points["label"].round(4)), abs=1e-4)
    assert spec["datasets"]["boundary"][0]["url"] == network.value_url(pictures.output, top)   # no discretizing
    assert "Prediction" in "".join(spec["title"]["text"])
