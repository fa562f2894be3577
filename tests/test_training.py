import math
import threading

import numpy as np
import pytest
import torch

from bench.bench_train import straightforward_loop
from core import RunConfig, train
from core.data import make_splits
from core.probes import symmetric_units
from core.training import HISTORY_COLUMNS


@pytest.fixture(scope="module")
def default_run():
    return train(RunConfig())


def test_default_config_learns_moons(default_run):
    r = default_run
    assert r.test_acc >= 0.85
    assert list(r.history.columns) == HISTORY_COLUMNS and len(r.history) == 3000
    assert r.history["train_loss"].iloc[-1] < r.history["train_loss"].iloc[0]
    assert r.diverged_at is None and not r.stopped


def test_best_epoch_is_first_maximum_of_dev_acc(default_run):
    h = default_run.history
    assert default_run.best_epoch == int(h["dev_acc"].idxmax())
    assert default_run.best_dev_acc == pytest.approx(h["dev_acc"].max())
    # accuracies are exact fractions of the split sizes
    assert np.allclose(h["dev_acc"] * 160, np.round(h["dev_acc"] * 160))


def test_history_matches_a_plain_loop_and_test_uses_best_model(default_run):
    """Replays the book's runner with autograd: same train/dev losses, same test score."""
    config = RunConfig(epochs=300)
    result = train(config)
    loop = straightforward_loop(config)         # the plain loop bench/bench_train.py times core.train against
    np.testing.assert_allclose(result.history["train_loss"], loop["train_losses"], atol=1e-5)
    np.testing.assert_allclose(result.history["dev_loss"], loop["dev_losses"], atol=1e-5)
    assert result.best_epoch == int(np.argmax(loop["dev_accs"]))
    assert result.test_acc == pytest.approx(loop["test_acc"])
    for k, v in loop["best_state"].items():
        torch.testing.assert_close(result.state_dict[k], v, atol=1e-5, rtol=0)


def test_grad_norms_and_snapshots(default_run):
    r = default_run
    assert set(r.grad_norms.columns) == {"epoch", "layer", "param", "grad_l2"}
    assert len(r.grad_norms) == 3000 * 4
    first = r.grad_norms[r.grad_norms["epoch"] == 0].set_index(["layer", "param"])["grad_l2"]
    table = r.grads_first.set_index(["layer", "param"])["grad_l2"]
    for key in table.index:
        assert first[key] == pytest.approx(table[key], rel=1e-4)
    assert sorted(r.weight_snapshots["step"].unique()) == [0, 1, 2, 3, 4, 5]
    assert len(r.weight_snapshots[r.weight_snapshots["step"] == 0]) == 21


def test_zero_init_keeps_hidden_units_symmetric():
    config = RunConfig(weight_init="zeros", epochs=5, data_seed=1)
    assert float(make_splits(config).y_train.mean()) != 0.5   # else fc2's bias gradient is exactly 0
    r = train(config)
    w = r.weight_snapshots
    for step in (1, 2):
        fc1 = w[(w.step == step) & (w.layer == "fc1") & (w.param == "weight")].pivot(index="row", columns="col",
                                                                                      values="value")
        assert symmetric_units(torch.tensor(fc1.to_numpy())) == 5      # every hidden row identical
        assert fc1.abs().to_numpy().max() > 0 or step == 1
    fc2_w = w[(w.step == 1) & (w.layer == "fc2") & (w.param == "weight")]["value"]
    fc2_b = w[(w.step == 1) & (w.layer == "fc2") & (w.param == "bias")]["value"].iloc[0]
    assert fc2_b != 0
    np.testing.assert_allclose(fc2_w, fc2_b / 2, rtol=1e-6)   # hidden activations are all sigmoid(0) = 0.5
    assert abs(r.test_acc - 0.5) < 0.1


def test_absurd_learning_rate_is_reported_not_raised():
    r = train(RunConfig(hidden=(8, 8, 8), activation="identity", weight_std=10.0, lr=100.0, epochs=2000))
    assert r.diverged_at is not None and r.diverged_at < 2000
    assert len(r.history) == r.diverged_at + 1
    assert np.isfinite(r.history["train_loss"].iloc[:-1]).all()
    assert np.isfinite(r.test_loss) or r.best_epoch == -1


def test_no_checkpoint_after_divergence_whatever_the_chunking():
    config = RunConfig(epochs=200, activation="elu", hidden=(8, 8, 8), weight_std=10.0, lr=100.0)
    runs = [train(config, progress_every=k) for k in (0, 1, 7, 50)]
    assert runs[0].diverged_at is not None
    for r in runs:
        assert r.diverged_at == runs[0].diverged_at and r.best_epoch == runs[0].best_epoch
        assert r.best_epoch <= r.diverged_at
        assert r.test_loss == runs[0].test_loss


def test_same_config_is_bit_identical_across_threads():
    configs = [RunConfig(epochs=400, seed=s, hidden=(6, 4), activation=a)
               for s, a in ((0, "relu"), (1, "tanh"), (2, "sigmoid"), (3, "gelu"))]
    alone = [train(c) for c in configs]
    together: list = [None] * 4

    def work(i):
        together[i] = train(configs[i])

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for a, b in zip(alone, together):
        assert a.history.equals(b.history)
        for k in a.state_dict:
            assert torch.equal(a.state_dict[k], b.state_dict[k])
            assert torch.equal(a.final_state_dict[k], b.final_state_dict[k])


@pytest.mark.parametrize("changes", [
    {"batch_size": 64}, {"batch_norm": True}, {"optimizer": "adam", "lr": 0.01},
    {"optimizer": "sgd", "momentum": 0.9, "nesterov": True, "lr": 0.05}, {"optimizer": "adagrad"},
    {"optimizer": "adadelta", "lr": 1.0}, {"optimizer": "rmsprop", "lr": 0.01}, {"optimizer": "adamax", "lr": 0.01},
    {"optimizer": "nadam", "lr": 0.01}, {"weight_decay": 0.001}, {"l1": 0.001}, {"clip_norm": 0.05},
])
def test_every_training_option_runs_and_learns(changes):
    r = train(RunConfig(epochs=300, **changes))
    assert len(r.history) == 300 and r.diverged_at is None
    assert r.history["train_loss"].iloc[-1] < r.history["train_loss"].iloc[0]
    assert r.test_acc > 0.7


def test_l1_shrinks_weights_and_clipping_bounds_the_step():
    plain = train(RunConfig(epochs=300))
    l1 = train(RunConfig(epochs=300, l1=0.01))
    norm = lambda sd: sum(float(sd[k].abs().sum()) for k in sd if k.endswith("weight"))  # noqa: E731
    assert norm(l1.final_state_dict) < norm(plain.final_state_dict)
    clipped = train(RunConfig(epochs=1, lr=1.0, clip_norm=0.01, weight_std=3.0))
    start = train(RunConfig(epochs=1, lr=0.0 + 1e-6, weight_std=3.0))
    step = torch.cat([(clipped.final_state_dict[k] - start.final_state_dict[k]).view(-1)
                      for k in clipped.final_state_dict])
    assert float(step.norm()) <= 0.01 * 1.0 + 1e-4


def test_progress_callback_streams_and_can_stop():
    seen = []

    def on_progress(epoch, partial):
        seen.append((epoch, len(partial)))
        return epoch >= 300

    r = train(RunConfig(epochs=1000), on_progress=on_progress, progress_every=100)
    assert [e for e, _ in seen] == [100, 200, 300]
    assert all(n <= e for e, n in seen)
    assert r.stopped and len(r.history) == 300
    assert np.isfinite(r.history["dev_loss"]).all()
    assert 0 <= r.best_epoch < 300


def test_dead_units_reported_for_relu_with_negative_bias():
    r = train(RunConfig(hidden=(3, 3, 3, 3), activation="relu", weight_std=0.01, bias_init=-8.0, epochs=10, lr=0.01))
    assert list(r.dead_units["dead_init"]) == [3, 3, 3, 3]
    assert list(r.dead_units["dead_final"]) == [3, 3, 3, 3]


def test_batch_norm_with_a_one_row_last_batch_trains():
    r = train(RunConfig(batch_norm=True, batch_size=639, epochs=3))      # 640 train rows: 639 + 1
    assert len(r.history) == 3 and r.diverged_at is None


def test_data_passed_in_is_held_to_the_compute_budget():
    config = RunConfig(n_samples=20, epochs=2000, batch_size=1, hidden=(64,) * 4)   # valid for 20 rows
    X = torch.randn(20000, 2, generator=torch.Generator().manual_seed(0))
    y = (X[:, 0] > 0).float()
    from core.config import ConfigError
    from core.upload import points_splits

    with pytest.raises(ConfigError) as info:
        train(config, data=points_splits(X, y, config))
    assert info.value.field == "epochs" and "lower" in str(info.value)


def test_a_run_that_diverges_at_epoch_0_has_no_model_to_test():
    config = RunConfig(weight_std=100.0, activation="identity", hidden=(64,) * 8, epochs=5)
    result = train(config)
    assert result.diverged_at == 0 and result.best_epoch == -1
    assert math.isnan(result.best_dev_acc) and math.isnan(result.test_acc) and math.isnan(result.test_loss)


@pytest.mark.parametrize("config", [RunConfig(hidden=(64,) * 8, epochs=200, n_samples=2000), RunConfig(epochs=20_000)],
                         ids=["8x64", "20000-epochs"])
def test_a_cached_result_stays_small(config):
    """Results are cached per config for every user of a server (README, 'Caching and many users')."""
    import pickle

    result = train(config)
    assert len(pickle.dumps(result)) < 3_000_000
    assert set(result.grad_norms["layer"]) == {f"fc{k}" for k in range(1, len(config.hidden) + 2)}


# --------------------------------------------------------------------------- cancellation
def test_a_cancel_from_another_thread_acts_within_one_step_of_a_long_epoch():
    """One epoch is 12,800 optimizer steps (batch size 1 on 20,000 samples), seconds long: the cancel is
    seen before the next step, not at the end of the epoch."""
    config = RunConfig(n_samples=20_000, batch_size=1, epochs=2)
    cancel, running = threading.Event(), threading.Event()
    polls = {"before": 0, "after": 0}

    def should_stop() -> bool:
        if cancel.is_set():
            polls["after"] += 1
            return True
        polls["before"] += 1
        if polls["before"] == 100:
            running.set()
        return False

    out = {}
    worker = threading.Thread(target=lambda: out.setdefault("result", train(config, should_stop=should_stop)))
    worker.start()
    assert running.wait(60)
    cancel.set()
    steps_at_cancel = polls["before"]
    worker.join(60)                      # generous: it returns after at most one more step
    assert not worker.is_alive()
    result = out["result"]
    assert result.stopped and result.epochs_run == 0                 # the first epoch never completed
    assert polls["before"] - steps_at_cancel <= 1 and polls["after"] == 1   # at most the step under way
    assert steps_at_cancel < 12_800


def test_should_stop_is_polled_before_every_full_batch_epoch():
    calls = []

    def stop_at_10() -> bool:
        calls.append(1)
        return len(calls) >= 10

    result = train(RunConfig(epochs=3000), should_stop=stop_at_10)
    assert result.stopped and result.epochs_run == 9 and len(calls) == 10
    assert len(result.history) == 9 and result.history["dev_loss"].notna().all()
    assert 0 <= result.best_epoch < 9
    for batch_size in (0, 64):                  # stopped before the first step: nothing trained, a valid result
        nothing = train(RunConfig(epochs=50, batch_size=batch_size), should_stop=lambda: True)
        assert nothing.stopped and nothing.epochs_run == 0 and nothing.best_epoch == -1


def test_should_stop_mid_epoch_keeps_the_complete_epochs():
    calls = []

    def stop_at_25() -> bool:                # 10 steps per epoch: the 25th is epoch 2's fifth step
        calls.append(1)
        return len(calls) >= 25

    result = train(RunConfig(batch_size=64, epochs=100), should_stop=stop_at_25)
    assert result.stopped and result.epochs_run == 2 and len(calls) == 25
    assert result.history[["train_loss", "dev_loss"]].notna().all().all()
