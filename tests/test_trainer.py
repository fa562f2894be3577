"""core.training.Trainer: one engine, resumable; train() is a Trainer run to the end; the replay records."""

from __future__ import annotations

import pytest
import torch

from core.config import RunConfig
from core.training import REPLAY_FRAMES, Trainer, replay_epochs, train

SETTINGS = {
    "sgd": RunConfig(epochs=300),
    "momentum": RunConfig(epochs=300, momentum=0.9, nesterov=True),
    "adam": RunConfig(epochs=300, optimizer="adam", lr=0.01),
    "minibatch": RunConfig(epochs=300, batch_size=64, n_samples=400),
    "batch_norm": RunConfig(epochs=300, hidden=(5, 3), batch_norm=True, n_samples=400),
}


def same_state(a: dict, b: dict) -> bool:
    return a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)


def same_optimizer_state(a: dict | None, b: dict | None) -> bool:
    if a is None or b is None:
        return a is b
    sa, sb = a["state"], b["state"]
    return sa.keys() == sb.keys() and all(
        sa[i].keys() == sb[i].keys() and all(torch.equal(torch.as_tensor(sa[i][k]), torch.as_tensor(sb[i][k]))
                                              for k in sa[i]) for i in sa)


@pytest.mark.parametrize("name", list(SETTINGS))
@pytest.mark.parametrize("chunks", [(1, 1, 98), (100,), (37, 63)], ids=["1+1+98", "100", "37+63"])
def test_stepping_in_chunks_equals_one_run_of_that_many_epochs(name, chunks):
    config = SETTINGS[name]
    trainer = Trainer(config)
    for n in chunks:
        assert trainer.run(n) == n
    assert trainer.epoch == 100 and not trainer.finished
    reference = Trainer(config.replace(epochs=100))
    reference.run(100)
    assert same_state(trainer.state_dict(), reference.state_dict())
    assert same_optimizer_state(trainer.optimizer_state(), reference.optimizer_state())
    assert trainer.history.equals(reference.history)
    mine, theirs = trainer.result(), train(config.replace(epochs=100))
    assert mine.history.equals(theirs.history)
    assert mine.best_epoch == theirs.best_epoch and mine.test_loss == theirs.test_loss
    assert same_state(mine.state_dict, theirs.state_dict) and same_state(mine.final_state_dict, theirs.final_state_dict)
    assert mine.grad_norms.equals(theirs.grad_norms)


@pytest.mark.parametrize("name", ["sgd", "minibatch"])
def test_run_to_the_end_in_small_steps_is_train(name):
    config = SETTINGS[name]
    trainer = Trainer(config)
    while not trainer.finished:
        trainer.run(7)
    assert trainer.epoch == config.epochs and trainer.run(5) == 0        # stops by itself at config.epochs
    mine, theirs = trainer.result(), train(config)
    assert mine.history.equals(theirs.history) and mine.best_epoch == theirs.best_epoch
    assert same_state(mine.state_dict, theirs.state_dict)
    with pytest.raises(RuntimeError):
        trainer.run(1)                                               # result() closes the run


def test_a_paused_history_has_every_epoch_done_and_matches_the_shorter_run():
    trainer = Trainer(RunConfig(epochs=50))
    trainer.run(10)
    history = trainer.history
    assert list(history["epoch"]) == list(range(10)) and history.notna().all().all()
    assert history.equals(train(RunConfig(epochs=10)).history)


def test_divergence_stops_the_trainer_and_says_where():
    config = RunConfig(hidden=(8, 8, 8), activation="identity", weight_std=10.0, lr=100.0, epochs=2000)
    trainer = Trainer(config)
    while not trainer.finished:
        trainer.run(10)
    assert trainer.diverged_at is not None and trainer.epoch < 2000
    assert trainer.history["epoch"].max() == trainer.diverged_at
    assert trainer.result().diverged_at == train(config).diverged_at


def test_replay_records_the_parameters_of_chosen_epochs():
    config = RunConfig(epochs=300)
    result = train(config)
    epochs = result.replay_epochs
    assert epochs[0] == 0 and epochs[-1] == 300 and len(epochs) == REPLAY_FRAMES
    assert result.replay_params.shape == (len(epochs), 21)            # 2-5-1: 15 + 6 values
    for s in (0, epochs[7], 300):
        trainer = Trainer(config)
        trainer.run(s)
        assert same_state(result.model_at(s).state_dict(), trainer.state_dict())
    between = (epochs[3] + epochs[4]) // 2                             # the nearest recorded epoch before it
    assert same_state(result.model_at(between).state_dict(), result.model_at(epochs[3]).state_dict())


def test_replay_keeps_big_networks_small():
    assert len(replay_epochs(3000, 21)) == REPLAY_FRAMES
    assert 2 <= len(replay_epochs(200, 29_377)) <= 6
    assert replay_epochs(1, 21) == (0, 1)


@pytest.mark.parametrize("name", [*SETTINGS, "iris_steps"])
def test_a_fork_steps_on_exactly_as_the_run_it_was_taken_from(name):
    config = SETTINGS.get(name) or RunConfig(dataset="iris", epochs=300, batch_size=16, eval_steps=50)
    trainer = Trainer(config)
    trainer.run(37)                     # mid-chunk: the fork carries the buffered chunk too
    twin = trainer.fork()
    assert twin.epoch == 37 and twin.data is trainer.data
    trainer.run(63)
    assert twin.epoch == 37 and not same_state(twin.state_dict(), trainer.state_dict())   # independent
    twin.run(63)
    reference = Trainer(config)
    reference.run(100)
    for run in (trainer, twin):
        assert same_state(run.state_dict(), reference.state_dict())
        assert same_optimizer_state(run.optimizer_state(), reference.optimizer_state())
        assert run.history.equals(reference.history)
    mine, theirs = twin.result(), reference.result()
    assert mine.best_epoch == theirs.best_epoch and mine.test_loss == theirs.test_loss
    assert same_state(mine.state_dict, theirs.state_dict) and mine.grad_norms.equals(theirs.grad_norms)
    assert all(torch.equal(a, b) for a, b in zip(twin.recorded()[1], reference.recorded()[1]))
