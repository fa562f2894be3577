"""Every chart builder at the largest sizes the app allows: it serializes (Altair raises MaxRowsError in
to_dict() for a dataset over 5,000 rows) and ships a bounded number of rows, and what it leaves out for
display leaves the picture intact (first/last/best epoch, spikes, exact zeros, every split and class).

Large frames are synthesized in the exact layout core produces (checked against a tiny real run):
8 hidden layers x 64 units (+ batch norm), 20,000 samples, 20,000 epochs, 200-config grids.
"""

from __future__ import annotations

import itertools
import json

import numpy as np
import pandas as pd
import pytest

from core.config import MAX_LAYERS, MAX_WIDTH, RunConfig
from core.data import make_splits
from core.gradients import REMEDIES, epoch_grid
from core.grid import summarize
from core.initialization import COMPARE_SCHEMES, HISTOGRAM_SCHEMES, init_histograms
from core.sweep import MAX_CONFIGS
from core.training import train
from tests.apptest import open_app, open_view
from ui import charts
from ui.charts import data as data_charts
from ui.charts import gradients as grad_charts
from ui.charts import grid as grid_charts
from ui.charts import init as init_charts
from ui.charts import manual as manual_charts
from ui.charts.base import text_px

MAX_EPOCHS = 20_000
MAX_SAMPLES = 20_000
ROW_BOUND = 5_000          # rows a whole chart may ship (Altair's own limit is 5,000 per dataset)
N_LAYERS = MAX_LAYERS + 1  # fc1..fc9
HISTORY_COLUMNS = ["epoch", "train_loss", "train_acc", "dev_loss", "dev_acc"]
GRAD_COLUMNS = ["epoch", "layer", "param", "grad_l2"]


# --------------------------------------------------------------------------- frames in core's layout
@pytest.fixture(scope="module")
def tiny():
    """A real (tiny) run with batch norm: the column layout the synthesized frames copy."""
    return train(RunConfig(hidden=(3, 3), batch_norm=True, batch_size=64, epochs=3))


def history_frame(epochs: int = MAX_EPOCHS, seed: int = 0) -> pd.DataFrame:
    """RunResult.history of a long run: smooth loss with noise, accuracy in steps of 1/n."""
    rng = np.random.default_rng(seed)
    e = np.arange(epochs)
    loss = 0.7 * np.exp(-e / (epochs / 6)) + 0.05 + 0.01 * rng.random(epochs)
    return pd.DataFrame({"epoch": e, "train_loss": loss, "train_acc": np.round(1 - loss / 1.5, 3),
                         "dev_loss": loss * 1.1, "dev_acc": np.round(1 - loss / 1.4, 3)})


def grad_norm_frame(epochs: int = MAX_EPOCHS, hidden: int = MAX_LAYERS, batch_norm: bool = True,
                    seed: int = 0) -> pd.DataFrame:
    """RunResult.grad_norms: per epoch, fc1..fc{K} then bn1..bn{K-1}, each weight then bias."""
    rng = np.random.default_rng(seed)
    layers = [f"fc{k}" for k in range(1, hidden + 2)] + ([f"bn{k}" for k in range(1, hidden + 1)] if batch_norm
                                                         else [])
    per_epoch = 2 * len(layers)
    return pd.DataFrame({
        "epoch": np.repeat(np.arange(epochs), per_epoch),
        "layer": np.tile(np.repeat(layers, 2), epochs),
        "param": np.tile(["weight", "bias"], epochs * len(layers)),
        "grad_l2": 10.0 ** rng.uniform(-9, 1, epochs * per_epoch),
    })


def spec_rows(spec: dict) -> int:
    """Data rows a Vega-Lite spec carries: its top-level datasets plus any inline data values."""
    def inline(node) -> int:
        if isinstance(node, dict):
            own = node["data"].get("values") if isinstance(node.get("data"), dict) else None
            return (len(own) if isinstance(own, list) else 0) + sum(inline(v) for k, v in node.items()
                                                                    if k != "datasets")
        if isinstance(node, list):
            return sum(inline(v) for v in node)
        return 0

    return sum(len(v) for v in spec.get("datasets", {}).values()) + inline(spec)


def dataset_of(spec: dict, layer: dict) -> list[dict]:
    return spec["datasets"][layer["data"]["name"]]


def test_synthesized_frames_have_core_layout(tiny):
    assert list(tiny.history.columns) == HISTORY_COLUMNS == list(history_frame(5).columns)
    assert list(tiny.grad_norms.columns) == GRAD_COLUMNS == list(grad_norm_frame(5).columns)
    fake = grad_norm_frame(3, hidden=2)
    assert list(tiny.grad_norms["layer"]) == list(fake["layer"])
    assert list(tiny.grad_norms["param"]) == list(fake["param"])
    assert list(tiny.grad_norms["epoch"]) == list(fake["epoch"])


# --------------------------------------------------------------------------- every builder at its largest
ACTS = ["sigmoid", "tanh", "relu", "leaky_relu", "elu", "gelu", "identity"]
EXTENT = (-np.pi, np.pi, -np.pi, np.pi)
MAX_FAN = 256          # the largest fan-in / fan-out the Initialization page's histograms accept


def largest_points() -> pd.DataFrame:
    return make_splits(RunConfig(n_samples=MAX_SAMPLES, train_frac=0.9, dev_frac=0.05)).frame()


def heatmap_frame(runs: list[str]) -> pd.DataFrame:
    """ui.gradient_runs.heatmap_frame of runs at maximum depth and epochs (core.gradients.epoch_grid)."""
    return pd.concat([epoch_grid(grad_norm_frame(batch_norm=False, seed=i)).assign(run=name)
                      for i, name in enumerate(runs)], ignore_index=True)


def first_step_frame() -> pd.DataFrame:
    ks = np.arange(1, N_LAYERS + 1)
    return pd.DataFrame({"series": np.repeat(ACTS, N_LAYERS), "k": np.tile(ks, len(ACTS)),
                         "grad_l2": np.tile(10.0 ** -ks, len(ACTS))})


def slope_frame() -> pd.DataFrame:
    ks, slopes = np.arange(1, N_LAYERS + 1), [0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 0.05]
    return pd.DataFrame({"slope": np.repeat(slopes, N_LAYERS), "layer": [f"fc{k}" for k in ks] * len(slopes),
                         "k": np.tile(ks, len(slopes)), "grad_l2": 10.0 ** -np.tile(ks, len(slopes))})


def histograms():
    hist, stats = init_histograms(RunConfig(), HISTOGRAM_SCHEMES, MAX_FAN, MAX_FAN)
    return init_charts.histogram_chart(hist, stats, "en")


def sweep_frame() -> pd.DataFrame:
    """A sweep result of MAX_CONFIGS configs (core.sweep.sweep's columns): 10 layouts x 10 lr x 2 seeds."""
    hidden = [tuple([8] * k) for k in range(1, 9)] + [(64,), (64, 64)]
    lrs = [0.01 * 2 ** i for i in range(10)]
    rows = [{"hidden": h, "lr": lr, "seed": s} for h in hidden for lr in lrs for s in (0, 1)]
    assert len(rows) == MAX_CONFIGS
    frame = pd.DataFrame(rows)
    rng = np.random.default_rng(0)
    frame["test_acc"] = rng.uniform(0.5, 1.0, len(frame))
    frame["test_loss"] = rng.uniform(0.0, 1.0, len(frame))
    frame["best_dev_acc"] = rng.uniform(0.5, 1.0, len(frame))
    frame["best_epoch"] = 100
    frame["diverged"] = False
    frame["diverged_at"] = pd.array([pd.NA] * len(frame), dtype="Int64")
    frame["seconds"] = 0.1
    frame["batched"] = True
    return frame


def manual_grads() -> pd.DataFrame:
    layers = [f"fc{k}" for k in range(1, N_LAYERS + 1)]
    return pd.DataFrame({"layer": np.repeat(layers, 2), "param": ["weight", "bias"] * N_LAYERS,
                         "manual_grad_l2": 1.0, "autograd_grad_l2": 1.0})


def overlay_frame() -> pd.DataFrame:
    """core.manual_checks.compare_training's columns, for the longest run (the page caps it at 500 epochs)."""
    loss = history_frame()["train_loss"]
    return pd.concat([pd.DataFrame({"epoch": np.arange(MAX_EPOCHS), "implementation": impl, "train_loss": loss})
                      for impl in ("manual", "autograd")], ignore_index=True)


TIMING_SIZES = ["5", "5,3", "3,3,3,3", "16,16", "64,64", "64,64,64,64", "256,256", ",".join(["64"] * MAX_LAYERS)]


def timing_frame() -> pd.DataFrame:
    n = len(TIMING_SIZES)
    return pd.DataFrame({"implementation": np.repeat(["manual", "autograd"], n), "hidden": TIMING_SIZES * 2,
                         "params": list(range(10, 10 + n)) * 2, "seconds_per_step": 1e-3, "q1": 9e-4, "q3": 1.1e-3,
                         "min": 8e-4, "max": 2e-3})


# every Altair chart builder, at the largest sizes its page can hand it
LARGEST = {
    "curves": lambda: charts.curves_chart(history_frame(), "en", 123),
    "compare 5 runs": lambda: charts.compare_chart({f"run {i}": history_frame(seed=i) for i in range(5)}, "en"),
    "grad norms 8x64 + batch norm": lambda: charts.grad_norm_chart(grad_norm_frame(), "en"),
    "grad norms 8 layers 600 epochs": lambda: charts.grad_norm_chart(grad_norm_frame(600, batch_norm=False), "en"),
    "grad norms 8 layers 3000 epochs": lambda: charts.grad_norm_chart(grad_norm_frame(3000, batch_norm=False), "en"),
    "boundary 20,000 points": lambda: charts.boundary_chart(np.full((200, 200), 0.5), EXTENT, largest_points(), "en"),
    "data preview 20,000 rows": lambda: data_charts.points_chart(largest_points()[["x1", "x2", "label"]], "en"),
    "heatmap 6 runs (vanishing)": lambda: grad_charts.grad_heatmap(heatmap_frame(["baseline", *REMEDIES]), "en"),
    "heatmap 7 runs (dead ReLU)": lambda: grad_charts.grad_heatmap(heatmap_frame(ACTS), "en", ACTS),
    "first-step chart": lambda: grad_charts.layer_norm_chart(first_step_frame(), "en", "activation"),
    "slope chart": lambda: grad_charts.slope_chart(slope_frame(), "en", 0.05),
    "init histograms": histograms,
    "init comparison curves": lambda: init_charts.compare_curves_chart(
        {name: history_frame(seed=i) for i, name in enumerate(COMPARE_SCHEMES)}, "en", "dev"),
    "init test scores": lambda: init_charts.test_scores_chart(
        pd.DataFrame({"scheme": list(COMPARE_SCHEMES), "test_acc": np.linspace(0.5, 1, len(COMPARE_SCHEMES))}), "en"),
    "grid heatmap 200 configs": lambda: grid_charts.heatmap_chart(summarize(sweep_frame(), ["hidden", "lr"]),
                                                                  "lr", "hidden", "en"),
    "grid spread 200 configs": lambda: grid_charts.spread_chart(sweep_frame(), "lr", "hidden", "en"),
    "manual gradient bars": lambda: manual_charts.grad_compare_chart(manual_grads(), "en"),
    "manual overlay": lambda: manual_charts.training_overlay_chart(overlay_frame(), "en"),
    "manual step time": lambda: manual_charts.step_time_chart(timing_frame(), "en", TIMING_SIZES[-1]),
}


@pytest.mark.parametrize("name", list(LARGEST))
def test_every_chart_serializes_with_bounded_rows_at_the_largest_sizes(name):
    spec = LARGEST[name]().to_dict()          # raises altair's MaxRowsError for a dataset over 5,000 rows
    assert 0 < spec_rows(spec) <= ROW_BOUND
    json.dumps(spec)


def test_live_curves_stay_small_for_the_longest_run():
    spec = charts.live_curves_spec(history_frame(), "zh")
    assert 0 < spec_rows(spec) <= 1000
    assert {v["epoch"] for v in spec["data"]["values"]} >= {0, MAX_EPOCHS - 1}


def test_the_largest_tables_build():
    """Tables are not Altair charts, but their size is fixed by the network, not by the run."""
    config = RunConfig(hidden=(MAX_WIDTH,) * MAX_LAYERS, epochs=5)
    from core.initialization import first_steps_table

    table = first_steps_table(train(config).weight_snapshots, layer=MAX_LAYERS - 1)
    assert len(table) == 6 * MAX_WIDTH
    styled = init_charts.weights_table(table, "en")
    assert styled.data.shape == (6 * MAX_WIDTH, 2 + 2 * MAX_WIDTH + 1 + 1)


# --------------------------------------------------------------------------- what thinning keeps
def _values_by(spec: dict, mark_filter) -> list[dict]:
    layers = spec.get("layer") or [p for panel in spec.get("hconcat", []) for p in panel.get("layer", [panel])]
    out = []
    for layer in layers:
        if mark_filter(layer) and "data" in layer:
            out += dataset_of(spec, layer)
    return out


def test_curves_keep_first_last_best_epoch_and_spikes():
    history = history_frame()
    history.loc[13_337, "train_loss"] = 5.0         # a one-epoch spike off every regular grid
    history.loc[7_777, "dev_acc"] = 0.0              # a one-epoch dip
    best = 12_345
    spec = charts.curves_chart(history, "en", best).to_dict()
    rows = [r for name, values in spec["datasets"].items() for r in values if "split" in r]
    assert len(rows) <= 2 * 700
    for split, spike_epoch in (("train", 13_337), ("dev", 7_777)):
        epochs = {r["epoch"] for r in rows if r["split"] == split}
        assert {0, best, MAX_EPOCHS - 1, spike_epoch} <= epochs
    spike = [r for r in rows if r["split"] == "train" and r["epoch"] == 13_337]
    assert spike[0]["loss"] == 5.0
    assert max(r["loss"] for r in rows) == 5.0 and min(r["accuracy"] for r in rows if r["split"] == "dev") == 0.0


def test_compare_keeps_every_run_whole_and_bounded():
    """Current run + 4 pins (the most the Compare tab holds), of very different lengths."""
    runs = {"current": history_frame(MAX_EPOCHS), "pinned 1": history_frame(100, seed=1),
            **{f"pinned {i}": history_frame(3000, seed=i) for i in range(2, 5)}}
    runs["current"].loc[13_337, "train_loss"] = 9.0                                  # a spike off the grid
    spec = charts.compare_chart(runs, "en", "loss").to_dict()
    rows = next(iter(spec["datasets"].values()))
    assert len(rows) <= ROW_BOUND
    for run, history in runs.items():
        epochs = {r["epoch"] for r in rows if r["run"] == run}
        assert {0, len(history) - 1} <= epochs
    assert {r["epoch"] for r in rows if r["run"] == "pinned 1"} == set(range(100))   # short runs stay whole
    assert {r["epoch"] for r in rows if r["run"] == "current" and r["value"] == 9.0} == {13_337}


def test_grad_norms_at_depth_keep_every_exact_zero_stretch_marked():
    """The reported crash (8 hidden layers, 600 epochs) and the default 3,000 epochs at maximum depth;
    exact zeros keep their ▼ wherever they happen, also off the thinning grid."""
    for epochs in (600, 3000, MAX_EPOCHS):
        frame = grad_norm_frame(epochs, batch_norm=False)
        weight = frame["param"] == "weight"
        frame.loc[weight & (frame["layer"] == "fc2") & (frame["epoch"] == epochs - 223), "grad_l2"] = 0.0
        frame.loc[weight & (frame["layer"] == "fc5") & (frame["epoch"] >= epochs // 2), "grad_l2"] = 0.0   # dies
        spec = charts.grad_norm_chart(frame, "en").to_dict()
        assert spec_rows(spec) <= ROW_BOUND
        zeros = _values_by(spec, lambda layer: layer.get("mark", {}).get("shape") == "triangle-down")
        marked = {(z["layer"], z["epoch"]) for z in zeros}
        assert ("fc2", epochs - 223) in marked                              # a lone zero is never thinned away
        fc5 = sorted(e for layer, e in marked if layer == "fc5")
        assert fc5[0] == epochs // 2 and fc5[-1] == epochs - 1               # the whole dead stretch is marked
        assert max(np.diff(fc5)) <= max(1, epochs // 2 // 50)               # ... densely
        assert {z["grad_l2"] for z in zeros} == {charts.log_floor(frame.loc[weight, "grad_l2"])}
        lines = _values_by(spec, lambda layer: layer.get("mark", {}).get("type") == "line")
        for k in range(1, N_LAYERS + 1):
            epochs_k = {r["epoch"] for r in lines if r["layer"] == f"fc{k}"}
            assert 0 in epochs_k and (epochs - 1 in epochs_k or k == 5)
        assert all(r["grad_l2"] > 0 for r in lines)


def test_grad_norm_zero_markers_say_when_they_are_thinned():
    frame = grad_norm_frame(MAX_EPOCHS, batch_norm=False)
    frame.loc[frame["layer"] == "fc1", "grad_l2"] = 0.0
    spec = charts.grad_norm_chart(frame, "zh").to_dict()
    assert "为便于显示已精简" in "".join(spec["title"]["subtitle"])      # broken into lines that fit a phone
    small = charts.grad_norm_chart(grad_norm_frame(50, hidden=2).assign(grad_l2=0.0), "en").to_dict()
    assert " ".join(small["title"]) == "Weight-gradient L2 norm per layer over training (log scale)"


def _stratum_counts(rows: list[dict]) -> dict[tuple[str, int], int]:
    return pd.DataFrame(rows).groupby(["split", "label"]).size().to_dict()


def test_boundary_points_are_a_stratified_sample_with_a_caption():
    config = RunConfig(n_samples=MAX_SAMPLES, train_frac=0.9, dev_frac=0.05)
    points = make_splits(config).frame()
    probs = np.full((200, 200), 0.5)
    extent = (-np.pi, np.pi, -np.pi, np.pi)
    spec = charts.boundary_chart(probs, extent, points, "en").to_dict()
    dots = _values_by(spec, lambda layer: layer.get("mark", {}).get("type") == "point")
    assert 2_990 <= len(dots) <= 3_010
    full = points.groupby(["split", "label"]).size().to_dict()
    shown = _stratum_counts(dots)
    assert set(shown) == set(full) == {(s, c) for s in ("train", "dev", "test") for c in (0, 1)}
    for stratum, n in full.items():
        assert abs(shown[stratum] - n * len(dots) / len(points)) <= 2      # every split and class keeps its share
    subtitle = spec["title"]["subtitle"]          # two short lines: one long line was cut at 420 px
    assert len(subtitle) == 2 and all(len(line) <= 60 for line in subtitle)
    assert "showing 3,000 of 20,000 points" in subtitle[0] and "sampled for display" in subtitle[0]
    zh = charts.boundary_chart(probs, extent, points, "zh").to_dict()
    assert "20,000" in zh["title"]["subtitle"][0] and "抽样" in zh["title"]["subtitle"][0]
    # the same data draws the same sample; a selection that fits is drawn whole, without caption
    again = _values_by(charts.boundary_chart(probs, extent, points, "en").to_dict(),
                       lambda layer: layer.get("mark", {}).get("type") == "point")
    assert again == dots
    test_only = charts.boundary_chart(probs, extent, points, "en", splits=("test",)).to_dict()
    assert len(_values_by(test_only, lambda layer: layer.get("mark", {}).get("type") == "point")) == \
        config.split_counts[2]
    assert " ".join(test_only["title"]) == "Decision boundary: predicted probability of class 1"


def test_data_preview_samples_both_classes_of_a_sorted_upload():
    rng = np.random.default_rng(0)
    points = pd.DataFrame({"x1": rng.normal(size=MAX_SAMPLES), "x2": rng.normal(size=MAX_SAMPLES),
                           "label": np.repeat([0, 1], [15_000, 5_000])})      # sorted by class, as CSVs often are
    spec = data_charts.points_chart(points, "en").to_dict()
    rows = next(iter(spec["datasets"].values()))
    assert len(rows) <= 3_010
    counts = pd.Series([r["cls"] for r in rows]).value_counts()
    assert abs(counts["1"] / len(rows) - 0.25) < 0.01
    assert " ".join(spec["title"]["subtitle"]) == "showing 3,000 of 20,000 points, sampled for display"
    small = data_charts.points_chart(points.iloc[::100], "zh").to_dict()
    assert small["title"] == "你的数据点" and len(next(iter(small["datasets"].values()))) == 200


def test_data_preview_names_the_files_classes_and_shades_a_target():
    rng = np.random.default_rng(0)
    xy = {"x1": rng.normal(size=MAX_SAMPLES), "x2": rng.normal(size=MAX_SAMPLES)}
    three = data_charts.points_chart(pd.DataFrame({**xy, "label": rng.choice([1, 2, 3], MAX_SAMPLES)}), "en").to_dict()
    scale = three["encoding"]["color"]["scale"]
    assert scale["domain"] == ["1", "2", "3"] and scale["range"] == charts.class_colors(3)
    two = data_charts.points_chart(pd.DataFrame({**xy, "label": rng.choice([0, 1], MAX_SAMPLES)}), "en").to_dict()
    assert two["encoding"]["color"]["scale"] == {"domain": ["0", "1"], "range": list(charts.CLASS_COLORS)}
    target = pd.DataFrame({**xy, "label": rng.normal(size=MAX_SAMPLES) * 3})       # every value its own
    spec = data_charts.points_chart(target, "zh").to_dict()
    assert len(next(iter(spec["datasets"].values()))) <= 3_010                     # sampled, not one per value
    color = spec["encoding"]["color"]
    assert color["type"] == "quantitative" and color["title"] == "目标值"
    reach = float(target["label"].abs().max())
    assert color["scale"]["domain"] == [-reach, reach]


def test_heatmap_bins_epochs_and_keeps_exact_zeros_black():
    runs = []
    for i, name in enumerate(["ReLU", "Leaky ReLU (0.01)", "ELU", "GELU", "Tanh", "Sigmoid", "Identity"]):
        norms = grad_norm_frame(MAX_EPOCHS, batch_norm=False, seed=i)
        if name == "ReLU":
            norms.loc[norms["layer"] != "fc9", "grad_l2"] = 0.0                      # dead from the start
            norms.loc[(norms["layer"] == "fc1") & (norms["epoch"] < 4000), "grad_l2"] = 1e-3
        runs.append(epoch_grid(norms).assign(run=name))
    frame = pd.concat(runs, ignore_index=True)
    spec = grad_charts.grad_heatmap(frame, "en").to_dict()
    cells = next(iter(spec["datasets"].values()))
    assert len(cells) <= ROW_BOUND
    relu = [c for c in cells if c["run"] == "ReLU"]
    assert all(c["grad_l2"] == 0 for c in relu if c["layer"] in {f"fc{k}" for k in range(2, 9)})   # black rows
    # a zero cell's colour field is a number: Vega-Lite drops marks with a null quantitative colour (the ReLU
    # panel was blank, not black)
    assert all(isinstance(c["log10"], float) and isinstance(c["log10_edge"], float) for c in cells if c["grad_l2"] == 0)
    fc1 = sorted((c["epoch"], c["epoch_end"], c["grad_l2"]) for c in relu if c["layer"] == "fc1")
    assert fc1[0][0] == 0 and fc1[-1][1] == MAX_EPOCHS                       # cells tile every epoch
    assert all(a[1] == b[0] for a, b in itertools.pairwise(fc1))
    assert fc1[0][2] == pytest.approx(1e-3) and fc1[-1][2] == 0               # alive, then exactly 0
    assert "each cell spans about" in json.dumps(spec["title"])
    tooltip = {t.get("title") for t in spec["vconcat"][0]["encoding"]["tooltip"]}
    assert "exactly 0" in tooltip
    small = epoch_grid(grad_norm_frame(40, hidden=2, batch_norm=False)).assign(run="one")
    exact = next(iter(grad_charts.grad_heatmap(small, "en").to_dict()["datasets"].values()))
    assert len(exact) == 40 * 3                                               # few epochs: every cell as recorded


def test_init_and_manual_curves_keep_first_and_last_epoch():
    schemes = {name: history_frame(seed=i) for i, name in enumerate(COMPARE_SCHEMES)}
    spec = init_charts.compare_curves_chart(schemes, "en").to_dict()
    rows = next(iter(spec["datasets"].values()))
    assert len(rows) <= ROW_BOUND and {r["epoch"] for r in rows} >= {0, MAX_EPOCHS - 1}
    assert len({r["scheme"] for r in rows}) == len(COMPARE_SCHEMES)
    overlay = next(iter(manual_charts.training_overlay_chart(overlay_frame(), "en").to_dict()["datasets"].values()))
    for impl in ("manual", "autograd"):
        epochs = [r["epoch"] for r in overlay if r["implementation"] == impl]
        assert {0, MAX_EPOCHS - 1} <= set(epochs) and len(epochs) <= 700


# --------------------------------------------------------------------------- the pages
def test_train_page_with_7900_points_draws_every_view():
    at = open_app("app_pages/train.py", n_samples="7900", epochs="20")
    at.button(key="train").click().run()
    assert not at.exception
    specs = []
    for view in ("curves", "boundary", "gradients"):            # only the open tab is drawn
        specs += [json.loads(chart.proto.spec) for chart in open_view(at, view).get("vega_lite_chart")]
        assert not at.exception
    assert len(specs) == 4                                      # loss, accuracy, decision boundary, gradient norms
    titles = [json.dumps(s.get("title", ""), ensure_ascii=False) for s in specs]
    assert any("showing 3,000 of 7,900 points, sampled for display" in title for title in titles)   # line 1
    assert any(i.value == "No pinned runs yet." for i in open_view(at, "compare").info)
    assert len(open_view(at, "downloads").get("download_button")) == 3


def test_data_page_with_5001_uploaded_rows_trains_and_draws():
    content = make_splits(RunConfig(n_samples=5001)).frame()[["x1", "x2", "label"]].to_csv(index=False).encode()
    at = open_app("app_pages/data.py", epochs="20", lang="zh")
    at.file_uploader(key="data_csv").set_value(("points.csv", content, "text/csv")).run()
    assert not at.exception
    at.button(key="train").click().run()
    assert not at.exception
    titles = [json.dumps(json.loads(c.proto.spec).get("title", ""), ensure_ascii=False)
              for c in open_view(at, "boundary", "zh").get("vega_lite_chart")]
    assert sum("显示 5,001 个数据点中的 3,000 个" in title for title in titles) == 2     # preview + boundary


# --------------------------------------------------------------------------- readable on every screen (issue 11)
def _views(spec: dict) -> list[dict]:
    """The single or layered views of a spec: itself, or each panel of a vertical stack."""
    return spec.get("vconcat", [spec])


@pytest.mark.parametrize("name", [n for n in LARGEST if not n.startswith("boundary")])
def test_every_chart_fills_its_container_with_readable_labels(name):
    """Full width (st.*_chart(width="stretch") and a "container" width), stacked rather than side by side, the
    plot's own height (fit-x: a legend below never squeezes the plot), legends below the plot, labels >= 13 px."""
    spec = LARGEST[name]().to_dict()
    assert "hconcat" not in spec and "concat" not in spec and "facet" not in spec
    assert spec["autosize"] == {"type": "fit-x", "contains": "padding"}
    assert all(view["width"] == "container" for view in _views(spec)), name
    config = spec["config"]
    assert config["axis"]["labelFontSize"] >= 13 and config["axis"]["titleFontSize"] >= 13
    assert config["legend"]["orient"] == "bottom" and config["legend"]["labelLimit"] == 0


def test_the_boundary_is_a_large_square_with_readable_ticks():
    spec = charts.boundary_chart(np.full((50, 50), 0.5), EXTENT, largest_points().iloc[:500], "en").to_dict()
    assert spec["height"] >= 450 and spec["width"] >= spec["height"]    # plot + y axis: shown at this pixel width
    assert spec["config"]["axis"]["labelFontSize"] >= 13


def test_long_titles_break_into_lines_that_fit_a_phone():
    spec = charts.grad_norm_chart(grad_norm_frame(50, hidden=2), "en").to_dict()
    assert isinstance(spec["title"], list) and len(spec["title"]) == 2
    assert all(text_px(line, 15) <= 360 for line in spec["title"])
    assert charts.wrap("Accuracy") == "Accuracy"
    zh = charts.wrap("训练过程中各层权重梯度的 L2 范数（对数坐标）" * 2)
    assert len(zh) == 2 and "".join(zh) == "训练过程中各层权重梯度的 L2 范数（对数坐标）" * 2


def test_compare_runs_get_short_names_in_distinct_colours():
    runs = {charts.run_letter(i): history_frame(200, seed=i) for i in range(5)}
    assert list(runs) == ["A", "B", "C", "D", "E"]
    spec = charts.compare_chart(runs, "zh", "acc").to_dict()
    color = spec["encoding"]["color"]
    assert color["scale"] == {"domain": ["A", "B", "C", "D", "E"], "scheme": "tableau10"}   # categorical hues
    assert color["title"] == "运行" and spec["encoding"]["strokeDash"]["scale"]["domain"] == ["训练集", "验证集"]
    assert spec["encoding"]["strokeDash"]["scale"]["range"][0] == [1, 0]          # train solid, dev dashed


@pytest.fixture(scope="module")
def two_runs():
    """Run A = 2-5-3-1 at lr 1 (the current one, also pinned), run B = 2-5-1 at lr 0.2 (pinned)."""
    from core.training import compare_runs

    a = train(RunConfig(hidden=(5, 3), lr=1.0, epochs=30))
    b = train(RunConfig(epochs=30))
    return compare_runs({"A": a, "B": b}), a, b


def test_the_compare_table_core_is_language_neutral(two_runs):
    table, _, _ = two_runs
    assert list(table.columns) == ["run", "layers", "lr", "test_acc", "test_loss", "best_dev_acc", "best_epoch",
                                   "seconds"]
    assert list(table["layers"]) == ["2-5-3-1", "2-5-1"] and list(table["lr"]) == [1.0, 0.2]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_compare_table_speaks_the_page_language_and_rounds_like_the_metrics(two_runs, lang):
    from ui.i18n import t

    table, a, b = two_runs
    styler = charts.compare_table(table, {"A": ("current", "pinned"), "B": ("pinned",)}, lang)
    shown = styler.data
    expected = [t(k, lang) for k in ("run", "compare_col_role", "compare_col_layers")] + [
        "学习率" if lang == "zh" else "Learning rate"] + [t(k, lang) for k in (
            "metric_test_acc", "metric_test_loss", "metric_best_dev", "metric_best_epoch", "metric_seconds")]
    assert list(shown.columns) == expected
    assert not {"test_acc", "best_dev_acc", "layers", "lr"} & set(shown.columns)          # no raw names
    assert list(shown[t("compare_col_layers", lang)]) == ["2-5-3-1", "2-5-1"]
    assert list(shown[t("compare_col_role", lang)]) == [("当前、已固定" if lang == "zh" else "current, pinned"),
                                                        t("pinned", lang)]
    html = styler.to_html()
    for r in (a, b):           # the table shows exactly what the metric above the tabs shows
        assert charts.score_text(r.test_acc) in html and charts.score_text(r.best_dev_acc) in html
        assert t("seconds_fmt", lang, s=r.seconds) in html


def test_one_rounding_for_metrics_and_tables():
    """0.90625 is exact in float32: Python rounds it to 0.9062, a browser's toFixed to 0.9063. One function
    formats both the metric and the table, so they cannot disagree."""
    value = float(np.float32(0.90625))
    assert charts.score_text(value) == "0.9062" == f"{value:.4f}"
    assert charts.score_text(float("nan")) == "—"


def test_heatmaps_carry_a_colour_scale():
    spec = grad_charts.grad_heatmap(heatmap_frame(["baseline", "+ ReLU"]), "en").to_dict()
    panel = spec["vconcat"][0]["encoding"]
    color = panel["color"]                       # black where exactly 0, else the log10 scale with its legend
    assert color["field"] == "log10" and color["legend"]["orient"] == "bottom"
    assert color["condition"]["value"] == grad_charts.ZERO_COLOR
    stroke = panel["stroke"]
    assert (stroke.get("field") or stroke["condition"].get("field")) == "log10_edge"       # not merged with it
    assert spec["resolve"]["scale"]["color"] == "shared"
    grid = grid_charts.heatmap_chart(summarize(sweep_frame(), ["hidden", "lr"]), "lr", "hidden", "en").to_dict()
    cells = next(layer for layer in grid["layer"] if layer["mark"]["type"] == "rect")
    assert cells["encoding"]["color"]["field"] == "test_acc_mean"
    assert cells["encoding"]["color"]["legend"]["orient"] == "bottom"
    assert grid["width"] == "container"                        # 10 columns share the width: the legend stays inside
