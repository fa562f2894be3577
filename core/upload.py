"""Files from users: a CSV of 2-D points with labels, and a saved model (state_dict .pt).

Both are untrusted. A CSV is parsed as text with strict checks, row by row; its labels say the task
(read_points_csv): 2 to MAX_CLASSES distinct integers are classes (binary for two, softmax for more), any other
numbers a regression target. A model file must be the zip
archive torch.save writes: before torch.load reads anything, the archive's layout and every global its pickle
names are checked, so that loading allocates no more than the file holds; it is then loaded with
``torch.load(..., weights_only=True)`` (no arbitrary pickle code runs), and its keys, shapes, dtypes and data
sizes are checked against the architecture of the current config. Only fresh compact copies of the expected
tensors are kept. A message shows at most SHOWN_CHARS characters of anything taken from the file.
"""

from __future__ import annotations

import csv
import hashlib
import io
import math
import pickletools
import re
import struct
import warnings
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

import torch

from . import choices
from .config import RunConfig
from .data import Splits, split
from .models import build_model
from .tasks import BINARY_TASK, MAX_CLASSES, MULTICLASS, REGRESSION, Task, infer_task

MAX_ROWS = 20_000
MAX_BYTES = 2_000_000          # a 20,000-row CSV of three numbers is well under 1 MB
MAX_MODEL_BYTES = 5_000_000
MAX_ENTRIES = 256              # torch.save writes 6 entries + 1 per tensor; the largest network has 58 tensors
MAX_DIRECTORY_BYTES = 256_000  # the zip's central directory (4 kB for the largest network)
MAX_PICKLE_BYTES = 256_000     # data.pkl (5 kB for the largest network)
SHOWN_CHARS = 60               # at most this many characters from the file appear in a message

FLOAT_DTYPES = (torch.float32, torch.float64, torch.float16, torch.bfloat16)
INT_DTYPES = (torch.int64, torch.int32, torch.int16, torch.int8, torch.uint8)   # num_batches_tracked

# The only globals data.pkl may name: what torch.save writes for dense tensors and nn.Parameters. A storage type
# only tells torch.load a dtype (odd dtypes are refused by name after loading). All else torch's weights_only
# unpickler accepts is refused: some of it allocates whatever the pickle asks before any check could run
# (bytearray(n), torch.Tensor(*sizes), UntypedStorage(n), quantized tensors, copies to a device).
_SAFE_GLOBALS = frozenset({
    "collections OrderedDict", "torch._utils _rebuild_tensor_v2", "torch._utils _rebuild_parameter",
    *(f"torch {kind}Storage" for kind in ("Float", "Double", "Half", "BFloat16", "Long", "Int", "Short", "Char",
                                          "Byte", "Bool", "ComplexFloat", "ComplexDouble")),
})
_REFUSED_KINDS = {   # refused globals that stand for a kind of tensor, in words
    "torch._utils _rebuild_sparse_tensor": ("a sparse tensor", "稀疏张量"),
    "torch._utils _rebuild_qtensor": ("a quantized tensor", "量化张量"),
    "torch._utils _rebuild_meta_tensor_no_storage": ("a meta tensor (without data)", "meta 张量（没有数据）"),
    "torch._utils _rebuild_nested_tensor": ("a nested tensor", "嵌套张量"),
    "torch._utils _rebuild_tensor_v3": ("a tensor of an unusual data type", "特殊数据类型的张量"),
    "torch._utils _rebuild_wrapper_subclass": ("a tensor subclass", "张量子类"),
    "torch._tensor _rebuild_from_type_v2": ("a tensor subclass or a tensor with attributes", "张量子类或带属性的张量"),
    "torch._utils _rebuild_device_tensor_from_cpu_tensor": ("a tensor for another device", "其他设备上的张量"),
    "torch._utils _rebuild_device_tensor_from_numpy": ("a tensor for another device", "其他设备上的张量"),
}
_IMPORTING_OPCODES = ("GLOBAL", "STACK_GLOBAL", "INST", "EXT1", "EXT2", "EXT4")
# Entries of a torch.save archive below its top folder (versions 1.6 to 2.x).
_ENTRY = re.compile(r"data\.pkl|version|byteorder|\.format_version|\.storage_alignment"
                    r"|\.data/(?:version|serialization_id)|data/\d{1,9}")


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


def _shown(value: object, limit: int = SHOWN_CHARS) -> str:
    """`value` as one line of plain text for a message, cut to `limit` characters with an ellipsis."""
    text = str(value)[:limit + 1]
    text = "".join(ch if ch.isprintable() else "\ufffd" for ch in text)
    return text if len(text) <= limit else text[:limit - 1] + "…"


# --------------------------------------------------------------------------- CSV points
MAX_LABEL = 1e6                # |label| at most this: a regression target's squared errors stay finite in float32


@dataclass(frozen=True)
class UploadedPoints:
    """A CSV of points as read: X float32 [N, 2]; y float32 [N], the class index 0..K-1 (0/1 for two classes)
    or the regression target; the task the labels ask for; and for classes the file's own label of each
    class index, in increasing order (labels 1, 2, 3 are classes 0, 1, 2)."""

    X: torch.Tensor
    y: torch.Tensor
    task: Task
    labels: tuple[int, ...] = ()          # () for regression

    @property
    def renamed(self) -> bool:
        """True when the file's labels are not already the class indices 0..K-1."""
        return self.task.classifies and self.labels != tuple(range(len(self.labels)))

    @property
    def distinct_integers(self) -> int:
        """How many different labels there are when every label is an integer, else 0 (why a target is one:
        more than MAX_CLASSES integers, or fractions)."""
        values = torch.unique(self.label_values())
        return len(values) if bool(torch.all(values == values.round())) else 0

    def class_counts(self) -> list[int]:
        """Points of each class index (classes only)."""
        return torch.bincount(self.y.long(), minlength=len(self.labels)).tolist()

    def label_values(self) -> torch.Tensor:
        """Each point's label as the file wrote it: the class's own label, or the target (float64 [N])."""
        if not self.task.classifies:
            return self.y.double()
        return torch.tensor(self.labels, dtype=torch.float64)[self.y.long()]


def points_task(y: torch.Tensor) -> tuple[torch.Tensor, Task, tuple[int, ...]]:
    """(labels to train on, task, the file's label of each class) for float32 labels y [N] (finite).

    2 to MAX_CLASSES distinct integers are classes, numbered 0..K-1 in increasing order (exactly two: binary;
    labels 0/1 stay as they are); any other labels (a fraction, or more than MAX_CLASSES distinct integers) are a
    regression target, kept as they are. One distinct value is refused (UploadError): nothing to tell apart.
    Decided on the float32 values that are trained on, so core.tasks.infer_task of what comes back agrees.
    """
    values = torch.unique(y)                    # sorted
    if len(values) == 1:
        label = f"{float(values[0]):g}"
        raise UploadError(
            f"Only one class present: all {len(y)} labels are {label}. Classes need at least two different "
            "labels (0 and 1 for two classes), and a regression target must vary.",
            f"只有一个类别：全部 {len(y)} 个标签都是 {label}。分类至少需要两种不同的标签（两类时为 0 和 1），"
            "回归的目标值也必须有变化。")
    integral = bool(torch.all(values == values.round()))
    if not integral or len(values) > MAX_CLASSES:
        return y, Task(REGRESSION, 0), ()
    labels = tuple(int(v) for v in values.tolist())
    if labels != tuple(range(len(labels))):
        y = torch.searchsorted(values, y).float()
    task = BINARY_TASK if len(labels) == 2 else Task(MULTICLASS, len(labels))
    return y.contiguous(), task, labels


def read_points_csv(content: bytes, max_rows: int = MAX_ROWS) -> UploadedPoints:
    """The points of CSV bytes: two numeric feature columns and a numeric label, and the task the labels ask for
    (points_task).

    A header row is optional (detected when its cells are not numbers). Raises UploadError for
    anything else: empty, too large, not UTF-8, not CSV, wrong column count, text or NaN/inf in
    numbers (saying which column of which line), a single label value. Rows are read one at a time: past
    `max_rows` the rest is only counted.
    """
    rows = _data_rows(_csv_text(content))
    values = []
    try:
        for count, (line, row) in enumerate(rows, start=1):
            if count > max_rows:
                total = count + sum(1 for _ in rows)
                raise UploadError(f"Too many rows: {total} (at most {max_rows}).",
                                  f"行数过多：{total}（最多 {max_rows} 行）。")
            values.append(_point(line, row))
    except csv.Error as err:
        raise UploadError(f"Not a readable CSV file ({_shown(err)}).", f"无法按 CSV 读取（{_shown(err)}）。") from None
    if not values:
        raise UploadError("The file has no data rows.", "文件没有数据行。")
    data = torch.tensor(values, dtype=torch.float64)
    y, task, labels = points_task(data[:, 2].float().contiguous())
    return UploadedPoints(data[:, :2].float().contiguous(), y, task, labels)


def parse_points_csv(content: bytes, max_rows: int = MAX_ROWS) -> tuple[torch.Tensor, torch.Tensor]:
    """(X float32 [N, 2], y float32 [N]) of read_points_csv: what a run trains on (points_splits)."""
    points = read_points_csv(content, max_rows)
    return points.X, points.y


def _csv_text(content: bytes) -> str:
    """The CSV file as text: not empty, not larger than MAX_BYTES, UTF-8, no NUL characters."""
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
    return text


def _data_rows(text: str) -> Iterator[tuple[int, list[str]]]:
    """(line of the file, row) of the non-blank CSV rows, without a header row (a first row whose
    first cell is not a number). Lines count as a text editor or spreadsheet shows them (from 1)."""
    reader = csv.reader(io.StringIO(text))
    rows = ((reader.line_num, row) for row in reader if any(cell.strip() for cell in row))
    first = next(rows, None)
    if first is not None and _is_number(first[1][0].strip()):
        yield first
    yield from rows


COLUMNS = ("x1", "x2", "label")


def _point(line: int, row: list[str]) -> tuple[float, float, float]:
    """(x1, x2, label) of the row on line `line` of the file, or UploadError saying what is wrong with it."""
    if len(row) != 3:
        raise UploadError(f"Line {line} has {len(row)} columns; expected 3: x1, x2, label.",
                          f"第 {line} 行有 {len(row)} 列；应为 3 列：x1, x2, label。")
    numbers = []
    for name, cell in zip(COLUMNS, row):
        try:
            numbers.append(float(cell))
        except ValueError:
            raise _not_a_number(line, name, cell) from None
        if not math.isfinite(numbers[-1]):
            raise _not_finite(line, name, cell)
    x1, x2, label = numbers
    if abs(x1) > 1e6 or abs(x2) > 1e6:
        raise UploadError(f"Line {line}: feature values must lie within ±1e6.",
                          f"第 {line} 行：特征值须在 ±1e6 之内。")
    if abs(label) > MAX_LABEL:
        raise UploadError(f"Line {line}: the label {label:g} is too large: labels must lie within ±1e6.",
                          f"第 {line} 行：标签 {label:g} 过大：标签须在 ±1e6 之内。")
    return x1, x2, label


def _not_a_number(line: int, column: str, cell: str) -> UploadError:
    shown = f"'{_shown(cell.strip())}'"
    if column != "label":
        return UploadError(f"Line {line} contains text where a number is expected: {column} is {shown}.",
                           f"第 {line} 行在应为数字的位置出现文本：{column} 是 {shown}。")
    return UploadError(
        f"Line {line}: the label {shown} is not a number. Labels must be numbers: 2 to {MAX_CLASSES} different "
        "integers for classes (e.g. 0, 1, 2: give text classes such as names a number each), or any numbers "
        "for a regression target.",
        f"第 {line} 行：标签 {shown} 不是数字。标签必须是数字：分类用 2 到 {MAX_CLASSES} 种不同的整数"
        "（如 0、1、2：名称等文字类别请各编一个号），回归用任意数值作为目标。")


def _not_finite(line: int, column: str, cell: str) -> UploadError:
    shown = f"'{_shown(cell.strip())}'"
    if column != "label":
        return UploadError(f"Line {line} contains NaN or infinity: {column} is {shown}.",
                           f"第 {line} 行包含 NaN 或无穷大：{column} 是 {shown}。")
    return UploadError(f"Line {line}: the label is {shown} (NaN or infinity): every label must be a finite number, "
                       "a class or a target value.",
                       f"第 {line} 行：标签是 {shown}（NaN 或无穷大）：每个标签都必须是有限的数，即类别或目标值。")


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def points_splits(X: torch.Tensor, y: torch.Tensor, config: RunConfig, task: Task | None = None) -> Splits:
    """Shuffle uploaded points with the config's data_seed and split them by its fractions; the splits carry
    `task` (default: what the labels ask for, core.tasks.infer_task, which for read_points_csv's y is its task)."""
    if choices.dataset(config.dataset).inputs != 2:
        name = config.dataset
        raise UploadError(f"The points have 2 inputs (x1, x2), but the sidebar's dataset '{name}' gives the network "
                          f"{config.n_inputs}: choose a 2-D dataset in the sidebar.",
                          f"数据点有 2 个输入（x1、x2），但侧边栏的数据集 '{name}' 使网络有 {config.n_inputs} 个输入："
                          "请在侧边栏选择一个二维数据集。")
    n = X.shape[0]
    n_train = round(n * config.train_frac)
    n_dev = round(n * config.dev_frac)
    if n_train < 2 or n_dev < 1 or n - n_train - n_dev < 1:
        raise UploadError(f"{n} rows are too few for the train/dev/test split.",
                          f"{n} 行数据不足以划分训练集/验证集/测试集。")
    perm = torch.randperm(n, generator=torch.Generator().manual_seed(config.data_seed))
    return split(X[perm], y[perm], n_train, n_dev, infer_task(y) if task is None else task)


# --------------------------------------------------------------------------- model files
def load_state_dict(content: bytes) -> dict[str, torch.Tensor]:
    """A state_dict from .pt bytes, loaded with weights_only=True: pickles that would run code are refused.

    Before torch.load runs, the file must be a zip archive as torch.save writes it whose pickle names only
    the globals of dense tensors: then loading allocates no more than the file's size.
    """
    if len(content) > MAX_MODEL_BYTES:
        raise UploadError(f"The model file is larger than {MAX_MODEL_BYTES // 1_000_000} MB.",
                          f"模型文件超过 {MAX_MODEL_BYTES // 1_000_000} MB。")
    _check_globals(_archive_pickle(content))
    try:
        with warnings.catch_warnings():   # torch warns about pickle protocols of files it then refuses
            warnings.simplefilter("ignore", UserWarning)
            state = torch.load(io.BytesIO(content), map_location="cpu", weights_only=True)
    except Exception as err:
        name = _shown(type(err).__name__)
        raise UploadError(f"Not a safe PyTorch state_dict file ({name}); nothing was executed.",
                          f"不是安全的 PyTorch state_dict 文件（{name}）；未执行任何代码。") from None
    if not isinstance(state, dict) or not all(isinstance(k, str) and isinstance(v, torch.Tensor)
                                              for k, v in state.items()):
        raise UploadError("The file does not hold a state_dict (a mapping of names to tensors).",
                          "文件中不是 state_dict（参数名到张量的映射）。")
    return state


def _refused(en: str, zh: str) -> UploadError:
    """A model file refused before loading: the reason, and that nothing in it ran."""
    return UploadError(f"{en}; nothing was executed.", f"{zh}；未执行任何代码。")


def _bad_archive(en: str, zh: str) -> UploadError:
    return _refused(f"The model file is not an archive as torch.save writes it ({en})",
                    f"模型文件不是 torch.save 写出的压缩包（{zh}）")


def _archive_pickle(content: bytes) -> bytes:
    """data.pkl of a torch.save zip archive, once its entries are known to hold no more than the file's bytes."""
    if not content.startswith(b"PK\x03\x04"):
        raise _refused("Not a PyTorch model file: torch.save (PyTorch 1.6 or later) writes a zip archive, "
                       "and this file is not one",
                       "不是 PyTorch 模型文件：torch.save（PyTorch 1.6 及以后）写出的是 zip 压缩包，而此文件不是")
    _check_zip_end(content)
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except Exception:
        raise _bad_archive("an unreadable zip directory", "zip 目录无法读取") from None
    prefix = _check_entries(archive.infolist(), len(content))
    try:
        if archive.testzip() is None:      # reads every entry once: local headers and checksums agree
            return archive.read(f"{prefix}/data.pkl")
    except Exception:
        pass
    raise _bad_archive("a damaged entry", "有损坏的条目")


def _check_zip_end(content: bytes) -> None:
    """The archive ends as torch.save ends it: [ZIP64 record, ZIP64 locator,] an end record without comment,
    right after a central directory of at most MAX_DIRECTORY_BYTES. Then Python's zipfile and torch's reader
    find the same entries, and reading the directory costs little."""
    end = len(content) - 22
    if end < 0 or content[end:end + 4] != b"PK\x05\x06" or content[-2:] != b"\0\0":
        raise _bad_archive("no plain end record", "没有普通的结束记录")
    size, offset = struct.unpack_from("<LL", content, end + 12)
    if end >= 20 and content[end - 20:end - 16] == b"PK\x06\x07":          # ZIP64 locator
        record = end - 20 - 56                      # the ZIP64 end record, right before the locator
        (located,) = struct.unpack_from("<Q", content, end - 12)
        if record < 0 or located != record or content[record:record + 4] != b"PK\x06\x06":
            raise _bad_archive("a misplaced ZIP64 record", "ZIP64 记录位置不对")
        size64, offset64 = struct.unpack_from("<QQ", content, record + 40)
        if (size, offset) not in ((size64, offset64), (0xFFFFFFFF, 0xFFFFFFFF)):
            raise _bad_archive("contradicting end records", "结束记录相互矛盾")
        size, offset, end = size64, offset64, record
    if size > MAX_DIRECTORY_BYTES or offset + size != end:
        raise _bad_archive("an oversized or misplaced directory", "目录过大或位置不对")


def _check_entries(infos: list[zipfile.ZipInfo], file_size: int) -> str:
    """The archive's top folder, after checking its entries: few, uniquely named, the names torch.save
    writes, stored uncompressed and unencrypted, and together no larger than the file."""
    names = [info.filename for info in infos]
    if not names or len(names) > MAX_ENTRIES or len(set(names)) != len(names):
        raise _bad_archive(f"{len(names)} entries, or repeated names", f"{len(names)} 个条目，或名称重复")
    prefix = names[0].split("/", 1)[0]
    if not prefix or not prefix.isprintable() or prefix in (".", "..") or "\\" in prefix:
        raise _bad_archive(f"folder {_shown(prefix)}", f"文件夹 {_shown(prefix)}")
    for info in infos:
        name = _shown(info.filename)
        if not (info.filename.startswith(prefix + "/") and _ENTRY.fullmatch(info.filename[len(prefix) + 1:])):
            raise _bad_archive(f"unexpected entry {name}", f"意外的条目 {name}")
        if info.compress_type != zipfile.ZIP_STORED or info.file_size != info.compress_size or info.flag_bits & 1:
            raise _bad_archive(f"compressed or encrypted entry {name}", f"条目 {name} 被压缩或加密")
    if sum(info.file_size for info in infos) > file_size:
        raise _bad_archive("entries larger than the file", "条目大于文件本身")
    pickle = next((info for info in infos if info.filename == f"{prefix}/data.pkl"), None)
    if pickle is None or pickle.file_size > MAX_PICKLE_BYTES:
        raise _bad_archive("no data.pkl, or a too large one", "没有 data.pkl，或其过大")
    return prefix


def _check_globals(pickle: bytes) -> None:
    """Refuse a pickle that names any global but those torch.save writes for dense tensors (read, never run)."""
    try:
        named = [arg if op.name == "GLOBAL" else op.name for op, arg, _ in pickletools.genops(pickle)
                 if op.name in _IMPORTING_OPCODES]
    except Exception:
        raise _bad_archive("an unreadable data.pkl", "data.pkl 无法读取") from None
    refused = [name for name in named if name not in _SAFE_GLOBALS]
    if refused:
        name = next((name for name in refused if name in _REFUSED_KINDS), refused[0])
        shown = f"'{_shown(str(name).replace(' ', '.'))}'"
        en, zh = _REFUSED_KINDS.get(name, (shown, shown))
        raise _refused(f"The file holds {en}: only ordinary dense tensors of floating-point numbers, "
                       "as torch.save(model.state_dict()) writes them, can be uploaded",
                       f"文件中有{zh}：只能上传普通的稠密浮点张量（即 torch.save(model.state_dict()) 写出的）")


def check_state_dict(state: dict[str, torch.Tensor], config: RunConfig) -> dict[str, torch.Tensor]:
    """The parameters of the config's MLP taken from `state`, as fresh compact tensors of the network's dtypes.

    Raises UploadError naming the first key or layer that is not a plain dense CPU tensor of a floating-point
    dtype (integer for num_batches_tracked), whose shape differs from the config's MLP, or that views more data
    than the whole network needs; for missing or unexpected keys; for NaN or infinity. Nothing is allocated
    from the file's tensors before those checks passed, and what is returned shares no memory with `state`.
    """
    expected = build_model(config).state_dict()
    arch = "-".join(map(str, config.layer_sizes))
    needed = sum(t.numel() for t in expected.values()) * max(d.itemsize for d in FLOAT_DTYPES)
    for key, want in expected.items():       # shapes first: "fc2.weight is 3x5, needs 1x5" says most
        if key in state:
            _check_tensor(key, state[key], want, arch, needed, config.features)
    missing = [k for k in expected if k not in state]
    extra = [k for k in state if k not in expected]
    if missing or extra:
        layer = _shown((missing or extra)[0])
        raise UploadError(
            f"The model does not match the current network ({arch}): "
            f"{'missing' if missing else 'unexpected'} parameter {layer}.",
            f"模型与当前网络（{arch}）不匹配：{'缺少' if missing else '多出'}参数 {layer}。")
    storages = {state[k].untyped_storage().data_ptr(): state[k].untyped_storage().nbytes() for k in expected}
    if sum(storages.values()) > needed:
        raise UploadError(f"The tensors hold {sum(storages.values())} bytes of data, more than the whole network "
                          f"({arch}) needs ({needed} bytes): save copies (tensor.clone()).",
                          f"这些张量共含 {sum(storages.values())} 字节数据，多于整个网络（{arch}）所需"
                          f"（{needed} 字节）：请保存副本（tensor.clone()）。")
    clean = {key: torch.empty_like(want).copy_(state[key].detach()) for key, want in expected.items()}
    for key, tensor in clean.items():
        if tensor.is_floating_point() and not bool(torch.isfinite(tensor).all()):
            raise UploadError(f"Layer {key} contains NaN or infinity.", f"参数 {key} 包含 NaN 或无穷大。")
    return clean


def _check_tensor(key: str, got: torch.Tensor, want: torch.Tensor, arch: str, needed: int,
                  features: tuple[str, ...] = ("x1", "x2")) -> None:
    """UploadError unless `got` is a plain dense CPU tensor of a usable dtype, of want's shape, and views at
    most `needed` bytes. Reads only metadata: nothing is allocated. A first layer with another number of
    inputs is told that those are the input features (RunConfig.features)."""
    if type(got) not in (torch.Tensor, torch.nn.Parameter) or got.layout != torch.strided or got.is_nested:
        kind = _shown(got.layout if isinstance(got, torch.Tensor) else type(got).__name__)
        raise UploadError(f"Layer {key} is not an ordinary dense tensor ({kind}).",
                          f"参数 {key} 不是普通的稠密张量（{kind}）。")
    if got.device.type != "cpu":
        raise UploadError(f"Layer {key} has its data on device '{_shown(got.device)}', not in the file.",
                          f"参数 {key} 的数据在设备 '{_shown(got.device)}' 上，不在文件中。")
    floating = want.is_floating_point()
    if got.dtype not in (FLOAT_DTYPES if floating else INT_DTYPES):
        kind, kind_zh = ("floating-point", "浮点") if floating else ("integer", "整数")
        raise UploadError(f"Layer {key} is not a {kind} tensor (its data type is {_shown(got.dtype)}).",
                          f"参数 {key} 不是{kind_zh}张量（其数据类型为 {_shown(got.dtype)}）。")
    if got.shape != want.shape:
        shape = _shown(tuple(got.shape))
        en = f"Layer {key} has shape {shape}, the current network ({arch}) needs {tuple(want.shape)}."
        zh = f"参数 {key} 的形状是 {shape}，当前网络（{arch}）需要 {tuple(want.shape)}。"
        if key == "fc1.weight" and got.dim() == 2 and got.shape[1] != want.shape[1]:
            names = ", ".join(features)
            en += (f" Its {got.shape[1]} columns are the input features the model was trained on; this network has "
                   f"{len(features)} ({names}): choose the same input features in the sidebar.")
            zh += (f"它的 {got.shape[1]} 列对应训练时的输入特征；当前网络有 {len(features)} 个（{names}）："
                   f"请在侧边栏选择相同的输入特征。")
        raise UploadError(en, zh)
    size = got.untyped_storage().nbytes()
    if size > needed:
        raise UploadError(f"Layer {key} is a view into {size} bytes of data, more than the whole network "
                          f"({arch}) needs ({needed} bytes): save copies (tensor.clone()).",
                          f"参数 {key} 是 {size} 字节数据的视图，多于整个网络（{arch}）所需"
                          f"（{needed} 字节）：请保存副本（tensor.clone()）。")
