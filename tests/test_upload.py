import io
import os
import pickle

import pytest
import torch

from core import RunConfig, train
from core.probes import model_from_state, probability_grid
from core.upload import (
    MAX_ROWS,
    UploadError,
    check_state_dict,
    digest,
    load_state_dict,
    parse_points_csv,
    points_splits,
)

GOOD = b"x1,x2,label\n0.1,0.2,0\n1.5,-0.3,1\n-0.7,0.9,0\n2.0,0.1,1\n"


def test_good_csv_with_and_without_header():
    X, y = parse_points_csv(GOOD)
    assert X.shape == (4, 2) and y.tolist() == [0.0, 1.0, 0.0, 1.0]
    X2, y2 = parse_points_csv(GOOD.split(b"\n", 1)[1])
    assert torch.equal(X, X2) and torch.equal(y, y2)
    X3, _ = parse_points_csv("\ufeffa,b,c\r\n1,2,0\r\n3,4,1\r\n".encode())
    assert X3.tolist() == [[1.0, 2.0], [3.0, 4.0]]


@pytest.mark.parametrize("content, words", [
    (b"", "empty"),
    (b"   \n\n", "empty"),
    (b"x1,x2,label\n", "no data rows"),
    (b"1,2\n3,4\n", "columns"),
    (b"1,2,0,5\n", "columns"),
    (b"1,abc,0\n2,3,1\n", "text"),
    (b"1,nan,0\n2,3,1\n", "NaN"),
    (b"1,inf,0\n2,3,1\n", "NaN"),
    (b"1,2,2\n2,3,1\n", "label"),
    (b"1,2,0\n2,3,0\n", "one class"),
    ("1,2,0\n".encode("utf-16"), "UTF-8"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "UTF-8"),
    (b"1,2,0\n" * (MAX_ROWS + 1), "Too many rows"),
    (b"1,2,0\n" * 400_000, "larger than"),
    (b"1e300,2,0\n2,3,1\n", "1e6"),
])
def test_bad_csv_files_get_a_clear_message(content, words):
    with pytest.raises(UploadError) as info:
        parse_points_csv(content)
    assert words.lower() in info.value.message("en").lower()
    assert info.value.message("zh") and info.value.message("zh") != info.value.message("en")


def test_points_are_split_by_the_config():
    X = torch.randn(100, 2, generator=torch.Generator().manual_seed(0))
    y = (X[:, 0] > 0).float()
    s = points_splits(X, y, RunConfig())
    assert (len(s.y_train), len(s.y_dev), len(s.y_test)) == (64, 16, 20)
    again = points_splits(X, y, RunConfig())
    assert torch.equal(s.X_train, again.X_train)
    with pytest.raises(UploadError):
        points_splits(X[:3], y[:3], RunConfig())


def test_model_round_trip_gives_the_identical_boundary():
    config = RunConfig(epochs=50)
    result = train(config)
    buffer = io.BytesIO()
    torch.save(result.state_dict, buffer)
    state = load_state_dict(buffer.getvalue())
    check_state_dict(state, config)
    before = probability_grid(model_from_state(config, result.state_dict))
    after = probability_grid(model_from_state(config, state))
    assert (before == after).all()


def test_mismatched_model_names_the_layer():
    state = train(RunConfig(epochs=5, hidden=(5, 3))).state_dict
    with pytest.raises(UploadError) as info:
        check_state_dict(state, RunConfig(hidden=(5, 4)))
    assert "fc2.weight" in str(info.value)
    with pytest.raises(UploadError) as info:
        check_state_dict(state, RunConfig(hidden=(5,)))
    assert "fc2.weight" in str(info.value) and "(3, 5)" in str(info.value)
    with pytest.raises(UploadError) as info:
        check_state_dict({k: v for k, v in state.items() if k != "fc1.bias"}, RunConfig(hidden=(5, 3)))
    assert "missing parameter fc1.bias" in str(info.value)
    with pytest.raises(UploadError) as info:
        check_state_dict({**state, "fc4.weight": torch.zeros(1)}, RunConfig(hidden=(5, 3)))
    assert "unexpected parameter fc4.weight" in str(info.value)
    with pytest.raises(UploadError) as info:
        check_state_dict({**state, "fc1.bias": torch.full((5,), float("nan"))}, RunConfig(hidden=(5, 3)))
    assert "NaN" in str(info.value)


class _Exploit:
    """Unpickling this would create a file: the classic code-execution pickle."""

    def __init__(self, path: str):
        self.path = path

    def __reduce__(self):
        return (open, (self.path, "w"))


def test_a_pickle_that_would_run_code_is_refused_and_nothing_runs(tmp_path):
    marker = tmp_path / "pwned"
    payload = pickle.dumps({"fc1.weight": _Exploit(str(marker))})
    with pytest.raises(UploadError) as info:
        load_state_dict(payload)
    assert "nothing was executed" in str(info.value)
    assert not marker.exists()
    # the same payload inside torch's zip format is refused too
    buffer = io.BytesIO()
    torch.save({"fc1.weight": _Exploit(str(marker))}, buffer, _use_new_zipfile_serialization=True)
    assert not marker.exists()
    with pytest.raises(UploadError):
        load_state_dict(buffer.getvalue())
    assert not marker.exists() and not os.path.exists(marker)


def test_non_state_dict_files_are_refused():
    for obj in ([1, 2, 3], {"fc1.weight": [1.0]}, torch.zeros(3)):
        buffer = io.BytesIO()
        torch.save(obj, buffer)
        with pytest.raises(UploadError):
            load_state_dict(buffer.getvalue())
    with pytest.raises(UploadError):
        load_state_dict(b"not a model at all")


def test_digest_is_stable_and_content_based():
    assert digest(GOOD) == digest(bytes(GOOD)) and digest(GOOD) != digest(GOOD + b"\n")
