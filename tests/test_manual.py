import math

import pytest
import torch

from core import RunConfig, manual_checks, train
from core.config import ACTIVATIONS as SPEC_ACTIVATIONS
from core.config import preset
from core.data import make_splits, task_of
from core.manual import (
    ACTIVATIONS,
    BCELoss,
    Linear,
    ManualMLP,
    MSELoss,
    Sigmoid,
    SigmoidBCE,
    SoftmaxCrossEntropy,
    make_activation,
    train_autograd,
    train_manual,
)
from core.manual_checks import (
    compare_gradients,
    compare_training,
    finite_difference_check,
    step_time_ratios,
    step_time_samples,
    summarize_step_times,
    time_per_step,
)
from core.models import build_model
from core.tasks import MULTICLASS, REGRESSION, Task

F64 = torch.float64
DEPTHS = [(5,), (5, 3), (4, 4, 4), (3, 3, 3, 3)]


def _randn(*shape, seed=0):
    return torch.randn(shape, generator=torch.Generator().manual_seed(seed), dtype=F64)


# ----------------------------------------------------------------------------- single ops
def test_every_activation_of_the_table_has_an_op_class():
    assert list(ACTIVATIONS) == list(SPEC_ACTIVATIONS)      # core.choices.ACTIVATION_TABLE, in its order


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_each_activation_backward_matches_autograd(name):
    z = _randn(7, 4).requires_grad_()
    delta = _randn(7, 4, seed=1)
    op = make_activation(name, leaky_slope=0.1)
    out = op.forward(z.detach())
    expected = torch.autograd.grad((op.forward(z) * delta).sum(), z)[0]
    assert torch.allclose(op.backward(delta), expected, rtol=0, atol=1e-14)
    assert out.shape == z.shape


def test_linear_backward_uses_torch_layout():
    W, b, X = _randn(3, 2), _randn(3, seed=1), _randn(6, 2, seed=2)
    delta = _randn(6, 3, seed=3)
    layer = Linear(W, b)
    assert torch.allclose(layer.forward(X), torch.nn.functional.linear(X, W, b))
    dX = layer.backward(delta)
    assert layer.grad_weight.shape == W.shape == (3, 2) and layer.grad_bias.shape == (3,)
    Wg, bg, Xg = (t.clone().requires_grad_() for t in (W, b, X))
    gW, gb, gX = torch.autograd.grad((torch.nn.functional.linear(Xg, Wg, bg) * delta).sum(), (Wg, bg, Xg))
    for mine, ref in ((layer.grad_weight, gW), (layer.grad_bias, gb), (dX, gX)):
        assert torch.allclose(mine, ref, rtol=0, atol=1e-14)


def test_book_loss_path_equals_fused_path():
    z, y = _randn(9, 1), (_randn(9, 1, seed=1) > 0).to(F64)
    book_loss, sig = BCELoss(), Sigmoid()
    fused = SigmoidBCE()
    assert torch.allclose(book_loss.forward(sig.forward(z), y), fused.forward(z, y), rtol=1e-14)
    assert torch.allclose(sig.backward(book_loss.backward()), fused.backward(), rtol=0, atol=1e-16)


# ----------------------------------------------------------------------------- the network vs autograd
@pytest.mark.parametrize("activation", ["sigmoid", "relu"])
@pytest.mark.parametrize("hidden", DEPTHS)
def test_manual_gradients_equal_autograd(hidden, activation):
    table = compare_gradients(RunConfig(hidden=hidden, activation=activation), dtype=F64)
    k = len(hidden) + 1
    assert list(table["layer"]) == [f"fc{i}" for i in range(1, k + 1) for _ in range(2)]
    assert list(table["param"]) == ["weight", "bias"] * k
    assert table["max_abs_diff"].max() < 1e-10
    assert (table["autograd_grad_l2"] > 0).any()
    assert (table["manual_grad_l2"] - table["autograd_grad_l2"]).abs().max() < 1e-10
    assert abs(table["loss_manual"][0] - table["loss_autograd"][0]) < 1e-12
    assert (table["saturated_rows"] == 0).all()


@pytest.mark.parametrize("activation", ["tanh", "leaky_relu", "elu", "gelu", "identity"])
def test_other_activations_and_logistic_regression(activation):
    assert compare_gradients(RunConfig(hidden=(5, 3), activation=activation))["max_abs_diff"].max() < 1e-10
    assert compare_gradients(RunConfig(hidden=(), activation=activation))["max_abs_diff"].max() < 1e-10


def test_forward_names_and_dtype_match_the_model():
    config = RunConfig(hidden=(5, 3))
    model = build_model(config)
    X = make_splits(config).X_train
    net = ManualMLP.from_model(model, dtype=F64)
    assert [n for n, _ in net.named_parameters()] == [n for n, _ in model.named_parameters()]
    assert all(p.dtype == F64 for _, p in net.named_parameters())
    with torch.no_grad():
        expected = torch.sigmoid(model.double()(X.double()))
    assert torch.allclose(net.forward(X.double()), expected, rtol=0, atol=1e-15)
    net.loss(X.double(), make_splits(config).y_train.double())
    net.backward()
    grads = net.gradients()
    assert list(grads) == [n for n, _ in model.named_parameters()]
    assert all(grads[n].shape == p.shape for n, p in model.named_parameters())


def test_manual_network_owns_copies_of_the_weights():
    config = RunConfig()
    model = build_model(config)
    before = {k: v.clone() for k, v in model.state_dict().items()}
    net = ManualMLP.from_state_dict(model.state_dict(), "sigmoid")
    data = make_splits(config)
    net.loss(data.X_train, data.y_train)
    net.backward()
    net.step(0.5)
    assert all(torch.equal(before[k], v) for k, v in model.state_dict().items())
    assert not torch.equal(net.linears[0].weight, before["fc1.weight"])


def test_saturated_outputs_book_path_loses_gradient_fused_path_does_not():
    config = RunConfig(hidden=(64, 64), activation="identity", weight_std=30.0)   # logits in the thousands
    book = compare_gradients(config)
    assert (book["saturated_rows"] > 0).all()
    assert book["max_abs_diff"].max() > 1e-3                  # documented: those rows get 0 gradient by hand
    fused = compare_gradients(config, fused=True)
    assert (fused["rel_diff"] < 1e-12).all()
    assert abs(fused["loss_manual"][0] - fused["loss_autograd"][0]) < 1e-9 * fused["loss_autograd"][0]


def test_batch_norm_is_refused():
    with pytest.raises(ValueError, match="batch norm"):
        compare_gradients(RunConfig(batch_norm=True))


# ----------------------------------------------------------------------------- finite differences
@pytest.mark.parametrize("hidden, activation", [((5,), "sigmoid"), ((5, 3), "relu"), ((4, 4, 4), "tanh"),
                                                ((3, 3, 3, 3), "sigmoid"), ((5, 3), "leaky_relu")])
def test_finite_differences_agree(hidden, activation):
    table = finite_difference_check(RunConfig(hidden=hidden, activation=activation), eps=1e-6, dtype=F64)
    n_params = RunConfig(hidden=hidden).n_params
    assert table["entries_checked"].sum() == n_params
    assert (table["near_kink"] == 0).all() and (table["saturated_rows"] == 0).all()
    assert table["rel_error"].max() < 1e-6
    assert (table["grad_l2"] > 100 * table["fd_noise_l2"]).all()


def test_finite_differences_flag_relu_kinks():
    # with zero biases, rows whose inputs to fc3 are all 0 (dead upstream) sit exactly on fc3's kink
    table = finite_difference_check(RunConfig(hidden=(3, 3, 3, 3), activation="relu")).set_index("layer")
    assert table.loc["fc3", "near_kink"].min() > 0
    kink_free = table[table["near_kink"] == 0]
    assert kink_free.loc[["fc5"], "rel_error"].max() < 1e-6


def test_finite_differences_sample_entries():
    config = RunConfig(hidden=(16, 16))
    a = finite_difference_check(config, max_entries=4, seed=3)
    b = finite_difference_check(config, max_entries=4, seed=3)
    assert list(a["entries_checked"]) == [4, 4, 4, 4, 4, 1]
    assert a.equals(b) and a["rel_error"].max() < 1e-6


# ----------------------------------------------------------------------------- training curves
@pytest.mark.parametrize("kwargs", [{}, {"hidden": (5, 3), "activation": "relu", "lr": 1.0},
                                    {"hidden": (3, 3, 3, 3), "lr": 2.0}])
def test_training_curves_are_identical(kwargs):
    config = RunConfig(**kwargs)
    curves = compare_training(config, epochs=50, dtype=F64)
    assert list(curves.columns) == ["epoch", "implementation", "train_loss"]
    wide = curves.pivot(index="epoch", columns="implementation", values="train_loss")
    assert len(wide) == 50 and wide.notna().all().all()
    assert (wide["manual"] - wide["autograd"]).abs().max() < 1e-10
    assert wide["manual"].iloc[-1] < wide["manual"].iloc[0]


def test_training_matches_core_train_history():
    config = RunConfig(epochs=60)
    history = train(config).history
    manual = train_manual(config, dtype=torch.float32)
    assert list(manual["epoch"]) == list(history["epoch"])
    assert (manual["train_loss"] - history["train_loss"]).abs().max() < 1e-5
    assert len(train_autograd(config, epochs=7)) == 7


def test_no_global_random_state_is_touched():
    state = torch.get_rng_state()
    compare_gradients(RunConfig())
    finite_difference_check(RunConfig(hidden=(8,)), max_entries=2)
    time_per_step([(3,)], n_rows=20, repeats=1, steps=1, warmup=1)
    assert torch.equal(state, torch.get_rng_state())


# ----------------------------------------------------------------------------- timing
def test_time_per_step_frame():
    frame = time_per_step([(5,), (16, 16)], n_rows=100, repeats=3, steps=2, warmup=1)
    assert list(frame.columns) == ["implementation", "hidden", "params", "seconds_per_step", "q1", "q3", "min", "max",
                                   "samples"]
    assert list(frame["implementation"]) == ["manual", "autograd"] * 2
    assert list(frame["hidden"].unique()) == ["5", "16,16"]
    assert list(frame.drop_duplicates("hidden")["params"]) == [21, 337]
    assert ((frame["seconds_per_step"] > 0) & (frame["seconds_per_step"] < 1.0)).all()
    assert (frame["samples"] == 3).all()


# No timed assertions (how fast anything is depends on the machine and its load): only what holds on any CPU.
def test_step_time_samples_warm_up_every_net_then_interleave_rounds():
    progress = []
    sizes = [(5,), (5, 3), (16, 16)]
    samples = step_time_samples(sizes, n_rows=40, repeats=5, steps=2, warmup=2,
                                on_progress=lambda done, total: progress.append((done, total)))
    assert progress == [(r, 5) for r in range(1, 6)]
    assert list(samples.columns) == ["phase", "round", "implementation", "hidden", "params", "seconds_per_step",
                                     "clock"]
    assert (samples["seconds_per_step"] > 0).all()
    assert (samples["clock"] == manual_checks.timing_clock()).all()
    counts = samples.groupby(["phase", "hidden", "implementation"]).size()
    assert (counts["warmup"] == 2).all() and (counts["timed"] == 5).all() and len(counts) == 2 * 3 * 2
    # rows are in the order they were measured: all the warm-up first, then round after round, and every round
    # holds every network with both implementations (so load drift hits all of them alike)
    assert list(samples["phase"]) == ["warmup"] * 12 + ["timed"] * 30
    timed = samples[samples["phase"] == "timed"]
    assert timed["round"].is_monotonic_increasing
    assert (timed.groupby("round").size() == 6).all()
    assert all(set(zip(g["hidden"], g["implementation"])) == {(h, i) for h in ("5", "5,3", "16,16")
                                                               for i in ("manual", "autograd")}
               for _, g in timed.groupby("round"))
    firsts = timed.groupby("round").first()
    assert set(firsts["implementation"]) == {"manual", "autograd"}       # who goes first alternates
    assert set(firsts["hidden"]) == {"5", "16,16"}                        # and so does the order of the networks
    wall = step_time_samples([(5,)], n_rows=40, repeats=2, steps=1, warmup=0, clock="wall")
    assert list(wall["clock"]) == ["wall"] * 4 and list(wall["phase"]) == ["timed"] * 4
    for bad in ({"repeats": 0}, {"steps": 0}, {"warmup": -1}, {"clock": "sundial"}):
        with pytest.raises(ValueError):
            step_time_samples([(5,)], **bad)


def test_summaries_leave_out_the_warm_up_and_bracket_their_medians():
    samples = step_time_samples([(5,), (8, 8)], n_rows=40, repeats=7, steps=1, warmup=2)
    summary, ratios = summarize_step_times(samples), step_time_ratios(samples)
    assert list(summary["samples"]) == [7] * 4 and list(ratios["samples"]) == [7, 7]
    assert list(summary["hidden"]) == ["5", "5", "8,8", "8,8"] and list(ratios["hidden"]) == ["5", "8,8"]
    assert list(ratios["params"]) == [21, 105]
    for lo, mid, hi in [("min", "q1", "seconds_per_step"), ("q1", "seconds_per_step", "q3"), ("seconds_per_step",
                                                                                              "q3", "max")]:
        assert (summary[lo] <= summary[mid]).all() and (summary[mid] <= summary[hi]).all()
    assert ((ratios["ratio_min"] <= ratios["ratio_q1"]) & (ratios["ratio_q1"] <= ratios["ratio"])
            & (ratios["ratio"] <= ratios["ratio_q3"]) & (ratios["ratio_q3"] <= ratios["ratio_max"])).all()
    timed = samples[samples["phase"] == "timed"]
    for row in summary.itertuples():
        mine = timed[(timed["hidden"] == row.hidden) & (timed["implementation"] == row.implementation)]
        assert row.seconds_per_step == mine["seconds_per_step"].median()
        assert (row.min, row.max) == (mine["seconds_per_step"].min(), mine["seconds_per_step"].max())
    # the ratio pairs the two implementations of the same round
    wide = timed.pivot_table(index=["hidden", "round"], columns="implementation", values="seconds_per_step")
    assert ratios.set_index("hidden")["ratio"]["8,8"] == (wide["manual"] / wide["autograd"]).loc["8,8"].median()
    # warm-up samples play no part, however slow they were
    slow = samples.copy()
    slow.loc[slow["phase"] == "warmup", "seconds_per_step"] = 1e6
    assert summarize_step_times(slow).equals(summary) and step_time_ratios(slow).equals(ratios)
    assert summarize_step_times(timed).equals(summary)


# ----------------------------------------------------------------------------- K classes and regression
# the hand-written backprop of every task the app has: softmax + cross-entropy (K outputs) and MSE (one linear output)
SPIRAL_3 = RunConfig(dataset="spiral", n_classes=3)
IRIS = manual_checks.manual_config(preset("book_iris"))[0]      # full batch: batch_size 16 and eval_steps 50 unused
REG_PLANE = RunConfig(dataset="reg_plane")
TASK_CONFIGS = {"spiral_3": SPIRAL_3, "book_iris": IRIS, "reg_plane": REG_PLANE}


def test_softmax_cross_entropy_op_is_f_cross_entropy_and_its_backward_is_p_minus_onehot_over_n():
    z = _randn(8, 4)
    y = torch.tensor([0, 3, 1, 2, 2, 0, 3, 1], dtype=F64).view(-1, 1)      # class indices as float [N, 1]
    op = SoftmaxCrossEntropy()
    zg = z.clone().requires_grad_()
    expected = torch.nn.functional.cross_entropy(zg, y.view(-1).long())
    assert torch.allclose(op.forward(z, y), expected, rtol=1e-14, atol=0)
    delta = op.backward()
    assert torch.allclose(delta, torch.autograd.grad(expected, zg)[0], rtol=0, atol=1e-16)
    onehot = torch.nn.functional.one_hot(y.view(-1).long(), 4).to(F64)
    assert torch.allclose(delta, (torch.softmax(z, dim=1) - onehot) / 8, rtol=0, atol=1e-16)
    # huge logits: no overflow, the loss of a confidently wrong row is its logit gap, the gradient stays exact
    big = torch.tensor([[1000.0, 0.0, -1000.0]], dtype=F64)
    loss = op.forward(big, torch.tensor([[2.0]], dtype=F64))
    assert float(loss) == 2000.0
    assert torch.equal(op.backward(), torch.tensor([[1.0, 0.0, -1.0]], dtype=F64))


def test_mse_op_is_f_mse_loss_and_its_backward_is_two_errors_over_n():
    z, y = _randn(9, 1), _randn(9, 1, seed=1)
    op = MSELoss()
    zg = z.clone().requires_grad_()
    expected = torch.nn.functional.mse_loss(zg, y)
    assert torch.allclose(op.forward(z, y), expected, rtol=1e-14, atol=0)
    delta = op.backward()
    assert torch.equal(delta, 2 * (z - y) / 9)
    assert torch.allclose(delta, torch.autograd.grad(expected, zg)[0], rtol=0, atol=1e-16)


def test_the_network_takes_its_output_layer_from_the_task():
    for config, kind, outputs in ((SPIRAL_3, MULTICLASS, 3), (IRIS, MULTICLASS, 3), (REG_PLANE, REGRESSION, 1)):
        task = task_of(config)
        assert task.kind == kind and task.n_outputs == outputs
        model = build_model(config)
        net = ManualMLP.from_model(model, dtype=F64, task=task)
        X = make_splits(config).X_train.double()
        with torch.no_grad():
            logits = model.double()(X)
        assert net.linears[0].weight.shape[1] == config.n_inputs            # Iris: 4 inputs
        assert torch.allclose(net.logits(X), logits, rtol=0, atol=1e-15)
        expected = torch.softmax(logits, dim=1) if kind == MULTICLASS else logits
        assert torch.allclose(net.forward(X), expected, rtol=0, atol=1e-15)
    with pytest.raises(ValueError, match="3 output units"):
        ManualMLP.from_model(build_model(RunConfig()), task=Task(MULTICLASS, 3))


@pytest.mark.parametrize("name", sorted(TASK_CONFIGS))
def test_softmax_and_mse_gradients_equal_autograd(name):
    config = TASK_CONFIGS[name]
    table = compare_gradients(config, dtype=F64)
    sizes = config.layer_sizes                                   # (2, 5, 3), (4, 6, 3), (2, 5, 1)
    assert list(table["shape"]) == [f"{sizes[1]}×{sizes[0]}", f"{sizes[1]}", f"{sizes[2]}×{sizes[1]}", f"{sizes[2]}"]
    assert table["max_abs_diff"].max() < 1e-12 and table["rel_diff"].max() < 1e-12
    assert (table["autograd_grad_l2"] > 0).all()
    assert abs(table["loss_manual"][0] - table["loss_autograd"][0]) < 1e-12
    assert (table["saturated_rows"] == 0).all()
    # the loss is the task's: K classes start near log K (small weights: Iris 1.0987 vs log 3 = 1.0986)
    if name == "book_iris":
        assert abs(table["loss_autograd"][0] - math.log(3)) < 1e-3
    # `fused` only concerns the two-class sigmoid: the same numbers with it
    assert compare_gradients(config, dtype=F64, fused=True).equals(table)


@pytest.mark.parametrize("name", sorted(TASK_CONFIGS))
def test_softmax_and_mse_gradients_agree_with_finite_differences(name):
    config = TASK_CONFIGS[name]
    table = finite_difference_check(config, eps=1e-6, dtype=F64)
    assert table["entries_checked"].sum() == config.n_params     # every entry (at most 25 per tensor)
    assert (table["grad_l2"] > 1e4 * table["fd_noise_l2"]).all()  # gradients far above the differences' noise
    # Iris' fc1 bias gradient is small (6e-5): its rel_error is ~2e-6, ||g - g_fd|| within the noise
    assert table["rel_error"].max() < 1e-5 and table["max_abs_diff"].max() < 1e-9
    diff_l2 = table["rel_error"] * (table["grad_l2"] + table["fd_grad_l2"])
    assert ((table["rel_error"] < 1e-6) | (diff_l2 <= 10 * table["fd_noise_l2"])).all()


@pytest.mark.parametrize("name", sorted(TASK_CONFIGS))
def test_softmax_and_mse_training_curves_are_identical(name):
    curves = compare_training(TASK_CONFIGS[name], epochs=50, dtype=F64)
    wide = curves.pivot(index="epoch", columns="implementation", values="train_loss")
    assert len(wide) == 50 and (wide["manual"] - wide["autograd"]).abs().max() < 1e-12
    assert wide["manual"].iloc[-1] < wide["manual"].iloc[0]


@pytest.mark.parametrize("name", ["spiral_3", "reg_plane"])
def test_softmax_and_mse_training_matches_core_train_history(name):
    config = TASK_CONFIGS[name].replace(epochs=60)
    history = train(config).history
    manual = train_manual(config, dtype=torch.float32)
    assert (manual["train_loss"] - history["train_loss"]).abs().max() < 1e-5
