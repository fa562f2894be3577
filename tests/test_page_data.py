"""Uploads through the real app (AppTest): your own CSV data, and a saved model on the Train page."""

from __future__ import annotations

import io
import pickle

import pytest
import torch
from streamlit.testing.v1 import AppTest

from core import RunConfig, train
from core.data import make_splits
from core.upload import parse_points_csv, points_splits
from tests.apptest import metrics, open_app, open_view


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
    assert [s.value for s in at.success] == ["400 points loaded: 200 of class 0, 200 of class 1."]    # as before
    assert at.info[0].value == ("Task: 2 classes (labels 0, 1) → one sigmoid output, binary cross-entropy; "
                                "scored by accuracy.")
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
    at = app("app_pages/data.py", lang="zh")
    at.file_uploader(key="data_csv").set_value(("bad.csv", b"x1,x2,label\n1,2,a\n2,3,b\n", "text/csv")).run()
    assert any("第 2 行：标签 'a' 不是数字" in e.value.replace("\\", "") for e in at.error)   # shown literally
    at.file_uploader(key="data_csv").set_value(("bad.csv", b"1,2,0\n2,3,inf\n", "text/csv")).run()
    assert any("第 2 行：标签是 'inf'（NaN 或无穷大）" in e.value.replace("\\", "") for e in at.error)
    assert not at.exception


THREE_CLASSES = {     # labels 1, 2, 3: the page names the file's labels and trains classes 0, 1, 2
    "en": ("300 points loaded: 100 of class 1, 100 of class 2, 100 of class 3.",
           "Task: 3 classes (labels 1, 2, 3) → softmax output (3 units), cross-entropy; scored by accuracy. "
           "The network numbers the labels 1, 2, 3 as classes 0, 1, 2.", "Test accuracy", "Test loss"),
    "zh": ("已加载 300 个数据点：类别 1 有 100 个，类别 2 有 100 个，类别 3 有 100 个。",
           "任务：3 个类别（标签 1、2、3）→ softmax 输出（3 个神经元），交叉熵损失；以准确率评分。"
           "网络把标签 1、2、3 依次记为类别 0、1、2。", "测试集准确率", "测试集损失"),
}
REGRESSION = {
    "en": ("Task: numeric target (not every label is an integer) → regression: one linear output, mean squared "
           "error; scored by R²", "Test R²", "Test MSE"),
    "zh": ("任务：数值目标（并非所有标签都是整数）→ 回归：一个线性输出，均方误差损失；以 R² 评分",
           "测试集 R²", "测试集均方误差"),
}


def upload_and_train(content: bytes, lang: str) -> AppTest:
    at = app("app_pages/data.py", epochs="200", lang=lang)
    at.file_uploader(key="data_csv").set_value(("points.csv", content, "text/csv")).run()
    assert not at.exception and not at.error
    return at


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_three_class_upload_says_its_task_and_trains(lang):
    frame = make_splits(RunConfig(dataset="blobs", n_classes=3, n_samples=300)).frame()
    content = frame.assign(label=frame["label"] + 1)[["x1", "x2", "label"]].to_csv(index=False).encode()
    loaded, task, acc, loss = THREE_CLASSES[lang]
    at = upload_and_train(content, lang)
    assert [s.value for s in at.success] == [loaded]
    assert at.info[0].value == task
    at.button(key="train").click().run()
    assert not at.exception and not at.error
    config = RunConfig(epochs=200)
    solo = train(config, data=points_splits(*parse_points_csv(content), config))
    assert solo.state_dict["fc2.weight"].shape == (3, 5) and solo.test_acc >= 0.9
    shown = metrics(at)
    assert shown[acc] == f"{solo.test_acc:.4f}" and shown[loss] == f"{solo.test_loss:.4f}"


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_regression_upload_says_its_task_and_trains(lang):
    content = csv_bytes(RunConfig(dataset="reg_plane", n_samples=300))
    task, r2, mse = REGRESSION[lang]
    at = upload_and_train(content, lang)
    assert at.success[0].value.startswith("300 points loaded: the target runs from" if lang == "en"
                                          else "已加载 300 个数据点：目标值从")
    assert at.info[0].value.startswith(task)
    at.button(key="train").click().run()
    assert not at.exception and not at.error
    config = RunConfig(epochs=200)
    solo = train(config, data=points_splits(*parse_points_csv(content), config))
    assert solo.state_dict["fc2.weight"].shape == (1, 5) and solo.test_acc >= 0.9     # test_acc is R² here
    shown = metrics(at)
    assert shown[r2] == f"{solo.test_acc:.4f}" and shown[mse] == f"{solo.test_loss:.4f}"


def test_more_than_six_integer_labels_are_read_as_a_target():
    rows = "".join(f"{i / 10:.1f},{(i % 7) / 7:.3f},{i % 9}\n" for i in range(90)).encode()
    at = upload_and_train(rows, "en")
    assert "(9 different integer labels, more than 6 classes) → regression" in at.info[0].value
    at = upload_and_train(rows, "zh")
    assert "（9 种不同的整数标签，多于 6 个类别）→ 回归" in at.info[0].value


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
