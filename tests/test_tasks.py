"""Tasks beyond two classes (core.tasks): K-class softmax and regression, Iris, evaluation by steps."""

import math

import numpy as np
import pandas as pd
import pytest
import torch
import torch.nn.functional as F

from core import RunConfig, train
from core.config import ConfigError, parse_params, preset
from core.data import IRIS_CLASSES, load_iris, make_splits, task_of
from core.sweep import sweep
from core.tasks import BINARY, MULTICLASS, REGRESSION, Task, infer_task
from core.training import Trainer, class_report, confusion, evaluate
from tests.numeric import assert_same_outcome

SPIRAL3 = RunConfig(dataset="spiral", n_classes=3, epochs=60)
REG = RunConfig(dataset="reg_plane", epochs=60, activation="tanh")


# --------------------------------------------------------------------------- data
def test_iris_table_has_150_rows_50_per_species_and_the_books_preprocessing():
    X, y = load_iris()
    assert X.shape == (150, 4) and y.shape == (150,)
    assert np.bincount(y.long().numpy()).tolist() == [50, 50, 50]
    assert len(IRIS_CLASSES) == 3
    config = preset("book_iris")
    splits = make_splits(config)
    assert (len(splits.y_train), len(splits.y_dev), len(splits.y_test)) == (120, 15, 15)
    every = torch.cat([splits.X_train, splits.X_dev, splits.X_test])
    # min-max scaled per feature, no noise: each column spans exactly [0, 1]
    assert torch.allclose(every.min(dim=0).values, torch.zeros(4)) and torch.allclose(every.max(dim=0).values,
                                                                                       torch.ones(4))
    assert splits.task == Task(MULTICLASS, 3) and config.layer_sizes == (4, 6, 3)
    # shuffled by the data seed: another seed, another order; the same seed, the same order
    other = make_splits(config.replace(data_seed=1))
    assert not torch.equal(other.X_train, splits.X_train)
    assert torch.equal(make_splits(config).X_train, splits.X_train)


@pytest.mark.parametrize("dataset", ["spiral", "blobs"])
@pytest.mark.parametrize("k", [3, 4, 6])
def test_k_class_datasets_have_k_near_equal_classes(dataset, k):
    config = RunConfig(dataset=dataset, n_classes=k, n_samples=301)
    splits = make_splits(config)
    y = torch.cat([splits.y_train, splits.y_dev, splits.y_test]).view(-1).long()
    counts = np.bincount(y.numpy(), minlength=k)
    assert len(counts) == k and counts.max() - counts.min() <= 1 and counts.sum() == 301
    assert splits.task == Task(MULTICLASS, k) and config.layer_sizes[-1] == k


def test_two_class_spiral_is_the_original_binary_spiral():
    a = make_splits(RunConfig(dataset="spiral"))
    b = make_splits(RunConfig(dataset="spiral", n_classes=2))
    assert a.task == Task(BINARY, 2) and torch.equal(a.X_train, b.X_train) and torch.equal(a.y_train, b.y_train)


@pytest.mark.parametrize("dataset", ["reg_plane", "reg_gauss"])
def test_regression_datasets_have_numeric_targets_in_minus_one_to_one(dataset):
    splits = make_splits(RunConfig(dataset=dataset, noise=0.0))
    y = torch.cat([splits.y_train, splits.y_dev, splits.y_test])
    assert splits.task.kind == REGRESSION and float(y.min()) >= -1.0 and float(y.max()) <= 1.0
    assert len(torch.unique(y)) > 100          # a continuous target, not classes
    if dataset == "reg_plane":                 # (x1 + x2) / 6 exactly, without noise
        X = torch.cat([splits.X_train, splits.X_dev, splits.X_test])
        assert torch.allclose(y.view(-1), (X[:, 0] + X[:, 1]) / 6, atol=1e-6)


def test_bad_n_classes_and_feature_crosses_on_iris_are_refused_with_a_message():
    for bad in ("1", "7", "three"):
        with pytest.raises(ConfigError, match="n_classes"):
            parse_params({"dataset": "spiral", "n_classes": bad})
    with pytest.raises(ConfigError, match="feature crosses"):
        RunConfig(dataset="iris", features=("x1", "x2", "x1x2"))


def test_infer_task_reads_the_labels():
    assert infer_task(torch.tensor([0.0, 1.0, 1.0])) == Task(BINARY, 2)
    assert infer_task(torch.tensor([0.0, 2.0, 1.0])) == Task(MULTICLASS, 3)
    assert infer_task(torch.tensor([0.5, 1.0])).kind == REGRESSION
    assert infer_task(torch.tensor([-1.0, 1.0])).kind == REGRESSION


# --------------------------------------------------------------------------- the loss and its gradient
def test_softmax_cross_entropy_gradient_written_out_equals_autograd():
    """The fused path's d(mean CE)/dz = (softmax(z) - onehot) / n on train rows, 0 on dev rows."""
    gen = torch.Generator().manual_seed(0)
    z = torch.randn(3, 10, generator=gen, dtype=torch.float64, requires_grad=True)     # [K, N] feature-major
    y = torch.tensor([0, 2, 1, 1, 0, 2, 2, 1, 0, 1], dtype=torch.float64)
    task = Task(MULTICLASS, 3)
    n_train = 7
    weight = torch.cat([torch.full((n_train,), 1 / n_train), torch.zeros(3)]).to(torch.float64).view(1, -1)
    F.cross_entropy(z[:, :n_train].t(), y[:n_train].long()).backward()
    by_hand = task.out_grad(z.detach(), task.targets(y), weight)
    assert torch.allclose(by_hand, z.grad, atol=1e-12)


def test_mse_gradient_written_out_equals_autograd():
    gen = torch.Generator().manual_seed(1)
    z = torch.randn(1, 8, generator=gen, dtype=torch.float64, requires_grad=True)
    y = torch.randn(8, generator=gen, dtype=torch.float64)
    task = Task(REGRESSION, 0)
    weight = torch.full((1, 8), 1 / 8, dtype=torch.float64)
    F.mse_loss(z[0], y).backward()
    assert torch.allclose(task.out_grad(z.detach(), task.targets(y), weight), z.grad, atol=1e-12)


def test_row_stats_give_the_mean_loss_accuracy_and_r2():
    gen = torch.Generator().manual_seed(2)
    logits = torch.randn(4, 50, generator=gen, dtype=torch.float64)
    y = torch.randint(0, 4, (50,), generator=gen).double()
    sums = Task(MULTICLASS, 4).row_stats(logits, y)
    assert math.isclose(float(sums[0]) / 50, float(F.cross_entropy(logits.t(), y.long())), rel_tol=1e-12)
    assert float(sums[1]) == float((logits.argmax(0) == y).sum())
    pred, target = torch.randn(1, 50, generator=gen, dtype=torch.float64), torch.randn(50, generator=gen).double()
    sums = Task(REGRESSION, 0).row_stats(pred, target)
    sse = float((pred[0] - target).square().sum())
    sst = float((target - target.mean()).square().sum())
    assert math.isclose(float(sums[0]), sse, rel_tol=1e-12)
    assert math.isclose(float(sums[1]) / 50, 1 - sse / sst, rel_tol=1e-9)


# --------------------------------------------------------------------------- training
@pytest.mark.parametrize("config", [SPIRAL3, REG, SPIRAL3.replace(batch_size=64),
                                    preset("book_iris").replace(epochs=20)],
                         ids=["spiral3", "regression", "spiral3-minibatch", "iris-steps"])
def test_chunked_stepping_equals_one_run_for_every_task(config):
    whole = train(config)
    trainer = Trainer(config)
    for k in (1, 2, 7, 100):
        trainer.run(k)
    parts = trainer.result()
    pd.testing.assert_frame_equal(whole.history, parts.history)
    for name in whole.state_dict:
        assert torch.equal(whole.state_dict[name], parts.state_dict[name])
    assert (whole.best_epoch, whole.best_step) == (parts.best_epoch, parts.best_step)


def test_a_three_class_spiral_is_learned_with_the_suggested_setting():
    result = train(preset("spiral_3"))
    assert result.task == Task(MULTICLASS, 3)
    assert result.test_acc >= 0.9
    matrix = confusion(result)
    assert int(matrix["count"].sum()) == preset("spiral_3").split_counts[2]
    assert len(matrix) == 9 and set(matrix["true"]) == {0, 1, 2}
    hits = int(matrix.loc[matrix["true"] == matrix["pred"], "count"].sum())
    assert math.isclose(hits / int(matrix["count"].sum()), result.test_acc, abs_tol=1e-9)
    report = class_report(result)
    assert report["support"].sum() == matrix["count"].sum()
    assert ((report["precision"] >= 0) & (report["precision"] <= 1)).all()


def test_reg_plane_reaches_r2_of_at_least_095():
    config = RunConfig(dataset="reg_plane", hidden=(5,), activation="tanh", lr=0.1, epochs=500)
    result = train(config)
    assert result.task.kind == REGRESSION and result.test_acc >= 0.95       # the "accuracy" of regression is R²
    model = result.model_at(config.epochs)
    splits = make_splits(config)
    mse, r2 = evaluate(model, splits.X_test, splits.y_test, result.task)
    assert mse >= 0 and r2 <= 1
    assert confusion(result).empty


def test_evaluation_by_steps_follows_runner_v3():
    config = preset("book_iris")
    result = train(config)
    steps_per_epoch = math.ceil(120 / 16)
    total = config.epochs * steps_per_epoch
    steps = result.step_history
    # every eval_steps steps and at the last step
    expected = list(range(config.eval_steps, total + 1, config.eval_steps))
    expected += [total] if total % config.eval_steps else []
    assert steps["step"].tolist() == expected
    # the best model is the first evaluation with the highest dev accuracy (strictly better replaces)
    first_best = int(steps["dev_acc"].idxmax())
    assert result.best_step == steps["step"][first_best]
    assert math.isclose(result.best_dev_acc, steps["dev_acc"][first_best], rel_tol=1e-9)
    assert result.best_epoch == steps["epoch"][first_best]


@pytest.mark.parametrize("base, grid", [
    (SPIRAL3, {"lr": [0.2, 1.0], "optimizer": ["sgd", "adam"]}),
    (RunConfig(dataset="blobs", n_classes=4, hidden=(), epochs=80), {"lr": [0.1, 0.5]}),      # softmax regression
    (REG, {"lr": [0.05, 0.2], "momentum": [0.0, 0.9]}),
], ids=["spiral3", "blobs4-no-hidden", "regression"])
def test_the_batched_sweep_trains_every_task_as_its_solo_runs(base, grid):
    """K softmax outputs and the MSE go through the batched engine too, and each row is the solo run (up to
    float32 rounding where the batched products round differently: tests/numeric.py)."""
    rows = sweep(base, grid)
    assert rows["batched"].all()
    for row in rows.itertuples():
        config = base.replace(**{field: getattr(row, field) for field in grid})
        solo = train(config)
        assert_same_outcome(config, test_loss=row.test_loss, test_acc=row.test_acc, best_dev_acc=row.best_dev_acc,
                            diverged_at=row.diverged_at if not pd.isna(row.diverged_at) else None, other=solo)


def test_task_of_follows_the_config():
    assert task_of(RunConfig()) == Task(BINARY, 2)
    assert task_of(RunConfig(dataset="blobs", n_classes=5)) == Task(MULTICLASS, 5)
    assert task_of(RunConfig(dataset="reg_gauss")).kind == REGRESSION
    assert task_of(preset("book_iris")) == Task(MULTICLASS, 3)
