import numpy as np
import pytest
import torch
from sklearn.datasets import make_moons as sk_make_moons

from core import RunConfig
from core.choices import DATASET_TABLE
from core.data import DATASETS, make_moons, make_splits, split


def _sorted_rows(a: np.ndarray) -> np.ndarray:
    return a[np.lexsort(a.T[::-1])]


@pytest.mark.parametrize("n", [1000, 7, 200])
def test_moons_matches_sklearn_without_noise(n):
    X, y = make_moons(n, 0.0, torch.Generator().manual_seed(0))
    Xs, ys = sk_make_moons(n_samples=n, noise=0.0, shuffle=False)
    ours = np.column_stack([X.numpy(), y.numpy()])
    theirs = np.column_stack([Xs, ys]).astype(np.float32)
    np.testing.assert_allclose(_sorted_rows(ours), _sorted_rows(theirs), atol=1e-6)


def test_moons_noise_has_the_requested_std():
    g = torch.Generator().manual_seed(3)
    clean, _ = make_moons(20000, 0.0, torch.Generator().manual_seed(3))
    noisy, _ = make_moons(20000, 0.3, g)
    # same shuffle (first draw), so the difference is the noise
    assert abs(float((noisy - clean).std()) - 0.3) < 0.01


@pytest.mark.parametrize("name", sorted(n for n in DATASETS if DATASET_TABLE[n].kind in ("binary", "classes")))
def test_every_two_class_dataset_is_balanced_seeded_and_shaped(name):
    """Two-class data (the K-class sets at their default K = 2 included); other tasks: tests/test_tasks.py."""
    gen = DATASETS[name]
    X, y = gen(301, 0.1, torch.Generator().manual_seed(1))
    assert X.shape == (301, 2) and y.shape == (301,)
    assert X.dtype == torch.float32 and y.dtype == torch.float32
    assert int((y == 0).sum()) == 150 and int((y == 1).sum()) == 151
    X2, y2 = gen(301, 0.1, torch.Generator().manual_seed(1))
    assert torch.equal(X, X2) and torch.equal(y, y2)
    X3, _ = gen(301, 0.1, torch.Generator().manual_seed(2))
    assert not torch.equal(X, X3)
    assert torch.isfinite(X).all()


def test_split_by_counts_and_fractions():
    X = torch.arange(2000.0).view(1000, 2)
    y = torch.arange(1000.0) % 2
    s = split(X, y, 640, 160)
    assert (len(s.X_train), len(s.X_dev), len(s.X_test)) == (640, 160, 200)
    assert s.y_train.shape == (640, 1)
    f = split(X, y, 0.64, 0.16)
    assert torch.equal(f.X_dev, s.X_dev) and torch.equal(f.y_test, s.y_test)
    with pytest.raises(ValueError):
        split(X, y, 900, 100)


def test_make_splits_follows_the_config():
    s = make_splits(RunConfig())
    assert (len(s.y_train), len(s.y_dev), len(s.y_test)) == (640, 160, 200)
    frame = s.frame()
    assert list(frame.columns) == ["x1", "x2", "label", "split"] and len(frame) == 1000
    assert torch.equal(make_splits(RunConfig(data_seed=5)).X_train, make_splits(RunConfig(data_seed=5)).X_train)
    assert not torch.equal(make_splits(RunConfig(data_seed=5)).X_train, s.X_train)
