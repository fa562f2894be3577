"""Files from users: a CSV of 2-D points with 0/1 labels, and a saved model (state_dict .pt).

Both are untrusted. A CSV is parsed as text with strict checks; a model file is loaded with
``torch.load(..., weights_only=True)`` (no arbitrary pickle code runs) and its keys and shapes
are checked against the architecture of the current config before use.
"""

from __future__ import annotations

import csv
import hashlib
import io
import math
import warnings

import torch

from .config import RunConfig
from .data import Splits, split
from .models import build_model

MAX_ROWS = 20_000
MAX_BYTES = 2_000_000          # a 20,000-row CSV of three numbers is well under 1 MB
MAX_MODEL_BYTES = 5_000_000


class UploadError(ValueError):
    """A rejected file; `message(lang)` says what is wrong in English or Chinese."""

    def __init__(self, en: str, zh: str):
        super().__init__(en)
        self.en, self.zh = en, zh

    def message(self, lang: str = "en") -> str:
        return self.zh if lang == "zh" else self.en


def digest(content: bytes) -> str:
    """Short content hash: the cache key of an uploaded file."""
    return hashlib.sha256(content).hexdigest()[:16]


# --------------------------------------------------------------------------- CSV points
def parse_points_csv(content: bytes, max_rows: int = MAX_ROWS) -> tuple[torch.Tensor, torch.Tensor]:
    """(X float32 [N, 2], y float32 [N]) from CSV bytes: two numeric feature columns and a 0/1 label.

    A header row is optional (detected when its cells are not numbers). Raises UploadError for
    anything else: empty, too large, not UTF-8, not CSV, wrong column count, text or NaN/inf in
    numbers, labels other than 0/1, a single class.
    """
    if not content or not content.strip():
        raise UploadError("The file is empty.", "文件是空的。")
    if len(content) > MAX_BYTES:
        raise UploadError(f"The file is larger than {MAX_BYTES // 1000} kB.", f"文件超过 {MAX_BYTES // 1000} kB。")
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UploadError("The file is not UTF-8 text (is it a CSV file?).",
                          "文件不是 UTF-8 文本（是 CSV 文件吗？）。") from None
    if "\x00" in text:
        raise UploadError("The file is not a text CSV file.", "文件不是文本 CSV 文件。")
    try:
        rows = [r for r in csv.reader(io.StringIO(text)) if any(cell.strip() for cell in r)]
    except csv.Error as err:
        raise UploadError(f"Not a readable CSV file ({err}).", f"无法按 CSV 读取（{err}）。") from None
    if rows and not _is_number(rows[0][0].strip()):
        rows = rows[1:]                           # header
    if not rows:
        raise UploadError("The file has no data rows.", "文件没有数据行。")
    if len(rows) > max_rows:
        raise UploadError(f"Too many rows: {len(rows)} (at most {max_rows}).",
                          f"行数过多：{len(rows)}（最多 {max_rows} 行）。")
    values = []
    for line, row in enumerate(rows, start=1):
        if len(row) != 3:
            raise UploadError(f"Row {line} has {len(row)} columns; expected 3: x1, x2, label.",
                              f"第 {line} 行有 {len(row)} 列；应为 3 列：x1, x2, label。")
        try:
            x1, x2, label = (float(cell) for cell in row)
        except ValueError:
            raise UploadError(f"Row {line} contains text where a number is expected: {row!r:.60}.",
                              f"第 {line} 行在应为数字的位置出现文本：{row!r:.60}。") from None
        if not (math.isfinite(x1) and math.isfinite(x2) and math.isfinite(label)):
            raise UploadError(f"Row {line} contains NaN or infinity.", f"第 {line} 行包含 NaN 或无穷大。")
        if label not in (0.0, 1.0):
            raise UploadError(f"Row {line}: the label must be 0 or 1, not {label:g}.",
                              f"第 {line} 行：标签必须是 0 或 1，而不是 {label:g}。")
        if abs(x1) > 1e6 or abs(x2) > 1e6:
            raise UploadError(f"Row {line}: feature values must lie within ±1e6.",
                              f"第 {line} 行：特征值须在 ±1e6 之内。")
        values.append((x1, x2, label))
    data = torch.tensor(values, dtype=torch.float64)
    y = data[:, 2]
    if y.min() == y.max():
        raise UploadError("Only one class present: a classifier needs both labels 0 and 1.",
                          "只有一个类别：分类需要同时有标签 0 和 1。")
    return data[:, :2].float(), y.float()


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def points_splits(X: torch.Tensor, y: torch.Tensor, config: RunConfig) -> Splits:
    """Shuffle uploaded points with the config's data_seed and split them by its fractions."""
    n = X.shape[0]
    n_train = int(round(n * config.train_frac))
    n_dev = int(round(n * config.dev_frac))
    if n_train < 2 or n_dev < 1 or n - n_train - n_dev < 1:
        raise UploadError(f"{n} rows are too few for the train/dev/test split.",
                          f"{n} 行数据不足以划分训练集/验证集/测试集。")
    perm = torch.randperm(n, generator=torch.Generator().manual_seed(config.data_seed))
    return split(X[perm], y[perm], n_train, n_dev)


# --------------------------------------------------------------------------- model files
def load_state_dict(content: bytes) -> dict[str, torch.Tensor]:
    """A state_dict from .pt bytes, loaded with weights_only=True: pickles that would run code are refused."""
    if len(content) > MAX_MODEL_BYTES:
        raise UploadError(f"The model file is larger than {MAX_MODEL_BYTES // 1_000_000} MB.",
                          f"模型文件超过 {MAX_MODEL_BYTES // 1_000_000} MB。")
    try:
        with warnings.catch_warnings():   # torch warns about pickle protocols of files it then refuses
            warnings.simplefilter("ignore", UserWarning)
            state = torch.load(io.BytesIO(content), map_location="cpu", weights_only=True)
    except Exception as err:  # noqa: BLE001 - any failure to load is the file's fault
        raise UploadError(f"Not a safe PyTorch state_dict file ({type(err).__name__}); nothing was executed.",
                          f"不是安全的 PyTorch state_dict 文件（{type(err).__name__}）；未执行任何代码。") from None
    if not isinstance(state, dict) or not all(isinstance(k, str) and isinstance(v, torch.Tensor)
                                              for k, v in state.items()):
        raise UploadError("The file does not hold a state_dict (a mapping of names to tensors).",
                          "文件中不是 state_dict（参数名到张量的映射）。")
    return state


def check_state_dict(state: dict[str, torch.Tensor], config: RunConfig) -> None:
    """Raise UploadError naming the first key or layer whose shape differs from the config's MLP."""
    expected = build_model(config).state_dict()
    arch = "-".join(map(str, config.layer_sizes))
    for key, tensor in expected.items():         # shapes first: "fc2.weight is 3x5, needs 1x5" says most
        got = state.get(key)
        if got is not None and got.shape != tensor.shape:
            raise UploadError(f"Layer {key} has shape {tuple(got.shape)}, the current network "
                              f"({arch}) needs {tuple(tensor.shape)}.",
                              f"参数 {key} 的形状是 {tuple(got.shape)}，当前网络"
                              f"（{arch}）需要 {tuple(tensor.shape)}。")
    missing = [k for k in expected if k not in state]
    extra = [k for k in state if k not in expected]
    if missing or extra:
        layer = (missing or extra)[0]
        raise UploadError(
            f"The model does not match the current network ({arch}): "
            f"{'missing' if missing else 'unexpected'} parameter {layer}.",
            f"模型与当前网络（{arch}）不匹配：{'缺少' if missing else '多出'}参数 {layer}。")
    for key in expected:
        got = state[key]
        if not torch.is_floating_point(got) and key.split(".")[-1] != "num_batches_tracked":
            raise UploadError(f"Layer {key} is not a floating-point tensor.", f"参数 {key} 不是浮点张量。")
        if torch.is_floating_point(got) and not bool(torch.isfinite(got).all()):
            raise UploadError(f"Layer {key} contains NaN or infinity.", f"参数 {key} 包含 NaN 或无穷大。")
