"""Benchmark: core.train vs the straightforward per-epoch loop a student writes from the book.

Both start from the same data and initial weights (1 torch thread). Prints both times, their
ratio (target <= 0.55) and the max abs difference of the loss histories (target < 1e-5).

    python -m bench.bench_train [--epochs 3000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import copy
import time

import torch

from core import RunConfig, train
from core.data import make_splits
from core.models import build_model


def straightforward_loop(config: RunConfig) -> dict:
    """The book's RunnerV2_2.train, written plainly (also the reference tests/test_training.py compares
    core.train with): train_losses, dev_losses, dev_accs (per epoch), best_state (first best dev accuracy),
    test_acc (of the best model)."""
    data = make_splits(config)
    model = build_model(config)
    optimizer = torch.optim.SGD(model.parameters(), lr=config.lr)
    loss_fn = torch.nn.BCEWithLogitsLoss()
    train_losses, dev_losses, dev_accs, best_score, best_state = [], [], [], -1.0, None
    for _ in range(config.epochs):
        model.train()
        logits = model(data.X_train)
        loss = loss_fn(logits, data.y_train)
        train_losses.append(loss.item())
        ((logits >= 0).float() == data.y_train).float().mean().item()
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
        model.eval()
        with torch.no_grad():
            dev_logits = model(data.X_dev)
            dev_losses.append(loss_fn(dev_logits, data.y_dev).item())
            dev_score = ((dev_logits >= 0).float() == data.y_dev).float().mean().item()
        dev_accs.append(dev_score)
        if dev_score > best_score:
            best_score = dev_score
            best_state = copy.deepcopy(model.state_dict())
    model.load_state_dict(best_state)
    with torch.no_grad():
        test_acc = ((model(data.X_test) >= 0).float() == data.y_test).float().mean().item()
    return {"train_losses": train_losses, "dev_losses": dev_losses, "dev_accs": dev_accs, "best_state": best_state,
            "test_acc": test_acc}


def best_of(fn, repeat: int) -> tuple[float, object]:
    best, out = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - start)
    return best, out


def timing_args(description: str) -> argparse.Namespace:
    """--epochs (default 3000) and --repeat (best of, default 3), with torch on one thread as in the app."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--epochs", type=int, default=3000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    torch.set_num_threads(1)
    return args


def main() -> None:
    args = timing_args(__doc__.splitlines()[0])
    config = RunConfig(epochs=args.epochs)
    t_loop, loop = best_of(lambda: straightforward_loop(config), args.repeat)
    t_core, result = best_of(lambda: train(config), args.repeat)
    h = result.history
    diff = max(max(abs(a - b) for a, b in zip(loop["train_losses"], h["train_loss"])),
               max(abs(a - b) for a, b in zip(loop["dev_losses"], h["dev_loss"])))
    print(f"config: {config.label()}")
    print(f"straightforward loop: {t_loop:.3f} s  (test acc {loop['test_acc']:.4f})")
    print(f"core.train:           {t_core:.3f} s  (test acc {result.test_acc:.4f})")
    print(f"ratio core/loop:      {t_core / t_loop:.3f}  (target <= 0.55)")
    print(f"max |loss diff|:      {diff:.2e}  (target < 1e-5)")


if __name__ == "__main__":
    main()
