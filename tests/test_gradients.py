"""core.gradients (book 4.4.2 / 4.4.3 experiments) and the chart builders of ui.charts.gradients."""

from __future__ import annotations

import json
import math

import pandas as pd
import pytest

from core.config import preset
from core.gradients import (
    BASELINE,
    REMEDIES,
    dead_unit_table,
    epoch_grid,
    first_step_by_activation,
    layer_index,
    layer_summary,
    norm_table,
    remedy_configs,
    run_summary,
    slope_sweep,
)
from core.training import train
from ui.charts import gradients as charts

VANISHING = preset("vanishing")
DEAD = preset("dead_relu")


def fc_weights(long: pd.DataFrame, activation: str) -> pd.Series:
    rows = long[(long["activation"] == activation) & (long["param"] == "weight")]
    return rows.set_index("layer")["grad_l2"]


def test_figure_4_4_sigmoid_vanishes_relu_keeps_more():
    long = first_step_by_activation(VANISHING, ["sigmoid", "relu"])
    assert list(long.columns) == ["activation", "layer", "k", "param", "shape", "grad_l2", "grad_max_abs",
                                  "dead_units", "is_zero"]
    sig, relu = fc_weights(long, "sigmoid"), fc_weights(long, "relu")
    assert list(sig.index) == ["fc1", "fc2", "fc3", "fc4", "fc5"]
    # sigmoid: each layer towards the input gets at least 100x less; fc1 almost nothing
    assert all(sig.iloc[i] * 100 < sig.iloc[i + 1] for i in range(4))
    assert sig["fc1"] < 1e-10
    assert relu["fc1"] > 100 * sig["fc1"]
    assert not long["is_zero"].any()


def test_first_step_uses_the_same_initial_weights_for_every_activation():
    # with bias 1.0 every pre-activation is positive: ReLU, Leaky ReLU and ELU are the identity there
    long = first_step_by_activation(VANISHING, ["relu", "leaky_relu", "elu", "relu"])
    assert list(dict.fromkeys(long["activation"])) == ["relu", "leaky_relu", "elu"]     # duplicates dropped
    relu, leaky, elu = (fc_weights(long, a) for a in ("relu", "leaky_relu", "elu"))
    pd.testing.assert_series_equal(relu, leaky)
    pd.testing.assert_series_equal(relu, elu)


def test_dead_relu_gradients_are_exact_zeros_and_leaky_ones_are_not():
    long = first_step_by_activation(DEAD, ["relu", "leaky_relu", "elu"])
    relu = long[long["activation"] == "relu"].set_index(["layer", "param"])
    assert relu["is_zero"].drop(("fc5", "bias")).all()          # every weight and hidden bias: exactly 0.0
    assert relu.loc[("fc5", "bias"), "grad_l2"] > 0.1           # only the output bias learns
    for act in ("leaky_relu", "elu"):
        g = fc_weights(long, act)
        assert (g > 0).all() and g["fc1"] < 1e-12
    assert fc_weights(long, "elu")["fc1"] < fc_weights(long, "leaky_relu")["fc1"]      # e^-8 < 0.01
    dead = dead_unit_table(long)
    assert list(dead.index) == ["fc1", "fc2", "fc3", "fc4"]
    assert (dead["relu"] == 3).all() and (dead["leaky_relu"] == 0).all() and (dead["elu"] == 0).all()


def test_unknown_activation_raises():
    with pytest.raises(ValueError, match="swish"):
        first_step_by_activation(VANISHING, ["swish"])


def test_norm_table_orders_layers_and_columns():
    long = first_step_by_activation(DEAD, ["leaky_relu", "relu"])
    wide = norm_table(long)
    assert list(wide.columns) == ["leaky_relu", "relu"] and list(wide.index) == ["fc1", "fc2", "fc3", "fc4", "fc5"]
    both = norm_table(long, params=("weight", "bias"))
    assert list(both.index[:3]) == ["fc1.weight", "fc1.bias", "fc2.weight"]
    assert both.loc["fc5.bias", "relu"] > 0 and both.loc["fc5.weight", "relu"] == 0
    assert layer_index("fc10") == 10


def test_remedy_configs_change_one_thing_each():
    runs = remedy_configs(VANISHING, list(REMEDIES))
    assert list(runs) == [BASELINE, *REMEDIES]
    for name, config in runs.items():
        changed = {f for f, v in config.to_dict().items() if v != VANISHING.to_dict()[f]}
        assert changed == (set() if name == BASELINE else set(REMEDIES[name]))
    assert runs["he_init"].weight_init == "kaiming_normal" and runs["adam"].optimizer == "adam"
    # a remedy the base already has is not a separate run
    assert "relu" not in remedy_configs(VANISHING.replace(activation="relu"), ["relu", "adam"])
    with pytest.raises(ValueError, match="unknown remedy"):
        remedy_configs(VANISHING, ["dropout"])


def test_epoch_grid_thins_to_fc_weights_and_covers_every_epoch():
    result = train(VANISHING.replace(epochs=700, batch_norm=True))
    grid = epoch_grid(result.grad_norms, max_epochs=100)
    assert set(grid["layer"]) == {"fc1", "fc2", "fc3", "fc4", "fc5"}           # no bn1.., no biases
    epochs = sorted(grid["epoch"].unique())
    assert len(epochs) <= 101 and epochs[0] == 0 and epochs[-1] == 699
    spans = grid.drop_duplicates("epoch").sort_values("epoch")
    assert (spans["epoch_end"].to_numpy()[:-1] == spans["epoch"].to_numpy()[1:]).all()   # cells tile the run
    assert spans["epoch_end"].iloc[-1] == 700
    full = result.grad_norms.set_index(["epoch", "layer", "param"])["grad_l2"]
    row = grid.iloc[7]
    assert row["grad_l2"] == full[(row["epoch"], row["layer"], "weight")]


def test_dead_relu_stays_dead_through_training():
    result = train(DEAD.replace(epochs=60))
    grid = epoch_grid(result.grad_norms)
    assert (grid["grad_l2"] == 0).all() and len(grid) == 60 * 5              # zeros are kept, not dropped
    summary = layer_summary(result.grads_first, result.grads_last, result.dead_units)
    assert list(summary["layer"]) == ["fc1", "fc2", "fc3", "fc4", "fc5"]
    assert list(summary["dead_final"].iloc[:4]) == [3, 3, 3, 3] and pd.isna(summary["dead_final"].iloc[4])
    assert (summary["grad_l2_first"] == 0).all() and (summary["grad_l2_last"] == 0).all()
    table = run_summary({"ReLU": result})
    assert table.loc[0, "dead_final"] == 12 and table.loc[0, "fc1_grad_last"] == 0.0
    assert pd.isna(table.loc[0, "diverged_at"])


def test_slope_sweep_fc1_grows_like_slope_to_the_number_of_hidden_layers():
    sweep = slope_sweep(DEAD, [0.1, 0.01, 0.3])
    fc1 = sweep[sweep["layer"] == "fc1"].set_index("slope")["grad_l2"]
    assert list(fc1.index) == [0.01, 0.1, 0.3]
    assert fc1.is_monotonic_increasing
    assert math.isclose(fc1[0.1] / fc1[0.01], 10.0 ** len(DEAD.hidden), rel_tol=0.02)
    assert (sweep["dead_units"].dropna() == 0).all()


# ---- chart builders --------------------------------------------------------------------------------------------
def test_sci_text_and_floor():
    assert charts.sci_text(1.90397e-11, "en") == "1.904e-11"
    assert charts.sci_text(0.0, "en") == "0 (exactly)" and charts.sci_text(0.0, "zh") == "0（精确为零）"
    assert charts.log_floor(pd.Series([0.0, 3e-9, 0.2])) == pytest.approx(1e-11)
    assert charts.log_floor(pd.Series([0.0, 0.0])) == 1e-12


def test_layer_chart_draws_exact_zeros_on_a_floor_line():
    long = first_step_by_activation(DEAD, ["relu", "leaky_relu"])
    weights = long[long["param"] == "weight"].assign(series=lambda d: d["activation"])
    spec = charts.layer_norm_chart(weights, "en", "activation").to_dict()
    text = json.dumps(spec)
    assert "triangle-down" in text and "0 (exactly)" in text and "exactly 0" in text
    zero_layers = [layer for layer in spec["layer"] if layer.get("mark", {}).get("shape") == "triangle-down"]
    values = spec["datasets"][zero_layers[0]["data"]["name"]]
    assert len(values) == 5 and {v["series"] for v in values} == {"relu"}     # all five ReLU weights, none dropped
    assert all(v["grad_l2"] < 1e-16 for v in values)                        # below every non-zero value
    no_zeros = charts.layer_norm_chart(weights[weights["grad_l2"] > 0], "zh", "激活函数").to_dict()
    assert "triangle-down" not in json.dumps(no_zeros)
    assert "第一步之后各层权重梯度" in json.dumps(no_zeros, ensure_ascii=False)


def test_heatmap_and_tables_render_zeros():
    result = train(DEAD.replace(epochs=20))
    frame = epoch_grid(result.grad_norms).assign(run="ReLU")
    spec = charts.grad_heatmap(frame, "en").to_dict()
    assert [panel["title"]["text"] for panel in spec["vconcat"]] == ["ReLU"] and charts.ZERO_COLOR in json.dumps(spec)
    table = charts.sci_table(norm_table(first_step_by_activation(DEAD, ["relu"])), "en")
    assert list(table.columns) == ["layer", "relu"] and (table["relu"] == "0 (exactly)").all()
    shown = charts.layer_table({"ReLU": layer_summary(result.grads_first, result.grads_last, result.dead_units)},
                               "en")
    assert list(shown["dead units at the end"][:4]) == ["3 / 3"] * 4
    assert charts.summary_table(run_summary({"ReLU": result}), "en").iloc[0]["dead units at the end"] == "12"
    sweep = charts.slope_chart(slope_sweep(DEAD, [0.01, 0.1]), "en", current_slope=0.01).to_dict()
    assert "current slope" in json.dumps(sweep)
