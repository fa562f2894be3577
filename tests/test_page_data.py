"""Uploads through the real app (AppTest): your own CSV data, and a saved model on the Train page."""

from __future__ import annotations

import io
import pickle

import torch
from streamlit.testing.v1 import AppTest

from core import RunConfig, train
from core.data import make_splits
from core.upload import parse_points_csv, points_splits
from tests.apptest import open_app, open_view


def app(page: str, **params: str) -> AppTest:
    return open_app(page, **params)


def csv_bytes(config: RunConfig) -> bytes:
    return make_splits(config).frame()[["x1", "x2", "label"]].to_csv(index=False).encode()


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def test_upload_csv_and_train_gives_the_solo_numbers():
    config = RunConfig(epochs=300)
    content = csv_bytes(RunConfig(dataset="circles", n_samples=400))
    at = app("app_pages/data.py", epochs="300")
    assert not at.exception
    at.file_uploader(key="data_csv").set_value(("points.csv", content, "text/csv")).run()
    assert any("400 points" in s.value for s in at.success)
    at.button(key="train").click().run()
    assert not at.exception
    solo = train(config, data=points_splits(*parse_points_csv(content), config))
    assert metric(at, "Test accuracy") == f"{solo.test_acc:.4f}"
    assert metric(at, "Test loss") == f"{solo.test_loss:.4f}"


def test_bad_csv_gets_a_message_in_the_chosen_language():
    at = app("app_pages/data.py", lang="zh")
    at.file_uploader(key="data_csv").set_value(("bad.csv", b"1,2,0\n1,2,0\n", "text/csv")).run()
    assert not at.exception
    assert any("只有一个类别" in e.value for e in at.error)
    at = app("app_pages/data.py")
    at.file_uploader(key="data_csv").set_value(("bad.csv", b"1,abc,0\n2,3,1\n", "text/csv")).run()
    assert any("text where a number is expected" in e.value for e in at.error)
    assert not at.exception


def trained_train_page(**params: str) -> AppTest:
    """The Train page after a run, on its Downloads tab (where a saved model is loaded)."""
    at = app("app_pages/train.py", **params)
    at.button(key="train").click().run()
    assert not at.exception
    return open_view(at, "downloads")


def test_model_round_trip_through_the_page():
    config = RunConfig(epochs=200)
    at = trained_train_page(epochs="200")
    buffer = io.BytesIO()
    torch.save(train(config).state_dict, buffer)       # what the download button serves (deterministic)
    at.file_uploader(key="upload_model").set_value(("best_model.pt", buffer.getvalue(), "application/octet-stream"))
    at.run()
    assert not at.exception
    assert any("identical" in s.value for s in at.success)


def test_mismatched_or_malicious_model_files_are_refused(tmp_path):
    at = trained_train_page(epochs="100")
    buffer = io.BytesIO()
    torch.save(train(RunConfig(epochs=5, hidden=(5, 3))).state_dict, buffer)
    at.file_uploader(key="upload_model").set_value(("other.pt", buffer.getvalue(), "application/octet-stream"))
    at.run()
    assert any("fc2" in e.value for e in at.error)

    marker = tmp_path / "pwned"

    class Exploit:
        def __reduce__(self):
            return (open, (str(marker), "w"))

    payload = pickle.dumps({"fc1.weight": Exploit()})
    at.file_uploader(key="upload_model").set_value(("evil.pt", payload, "application/octet-stream")).run()
    assert not at.exception
    assert any("nothing was executed" in e.value for e in at.error)
    assert not marker.exists()


def test_an_upload_cannot_get_around_the_compute_budget():
    rows = "".join(f"{i % 97 / 10:.2f},{i % 89 / 10:.2f},{i % 2}\n" for i in range(20_000)).encode()
    at = app("app_pages/data.py", n_samples="20", epochs="20000", batch_size="1", hidden="64,64,64,64")
    at.file_uploader(key="data_csv").set_value(("big.csv", rows, "text/csv")).run()
    at.button(key="train").click().run()
    assert not at.exception
    assert any("compute budget" in e.value or "optimizer steps" in e.value for e in at.error)
