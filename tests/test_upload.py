import io
import os
import pickle
import struct
import tarfile
import tracemalloc
import warnings
import zipfile
from collections import OrderedDict

import pytest
import torch

from core import RunConfig, train
from core.data import make_splits
from core.models import build_model
from core.probes import model_from_state, probability_grid
from core.tasks import BINARY_TASK, MULTICLASS, REGRESSION, Task, infer_task
from core.upload import (
    MAX_ROWS,
    UploadError,
    check_state_dict,
    digest,
    load_state_dict,
    parse_points_csv,
    points_splits,
    read_points_csv,
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
    (b"1,2,0\n2,3,0\n", "one class"),
    (b"1,2,cat\n2,3,1\n", "the label 'cat' is not a number"),
    (b"1,2,nan\n2,3,1\n", "the label is 'nan'"),
    (b"1,2,-inf\n2,3,1\n", "the label is '-inf'"),
    (b"1,2,1e7\n2,3,1\n", "within ±1e6"),
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


def points_csv(labels) -> bytes:
    return "".join(f"{i / 10:.1f},{(i % 7) / 7:.3f},{label}\n" for i, label in enumerate(labels)).encode()


def test_zero_one_labels_are_binary_exactly_as_before():
    points = read_points_csv(GOOD)
    assert points.task == BINARY_TASK and points.labels == (0, 1) and not points.renamed
    X, y = parse_points_csv(GOOD)
    assert torch.equal(points.X, X) and torch.equal(points.y, y) and y.dtype == torch.float32
    assert y.tolist() == [0.0, 1.0, 0.0, 1.0] and points.class_counts() == [2, 2]


@pytest.mark.parametrize("labels, task, names", [
    ([1, 2, 2, 1], BINARY_TASK, (1, 2)),
    ([-1, 1, 1, -1], BINARY_TASK, (-1, 1)),
    ([1, 2, 3, 1, 3], Task(MULTICLASS, 3), (1, 2, 3)),
    ([0, 1, 2, 3, 4, 5], Task(MULTICLASS, 6), (0, 1, 2, 3, 4, 5)),
    ([10, -5, 7, 10], Task(MULTICLASS, 3), (-5, 7, 10)),
    (["2.0", "1.", "3e0", 1], Task(MULTICLASS, 3), (1, 2, 3)),        # integers however they are written
], ids=["1/2", "-1/1", "1,2,3", "6 classes", "unsorted", "written as floats"])
def test_two_to_six_integer_labels_are_classes_numbered_in_order(labels, task, names):
    points = read_points_csv(points_csv(labels))
    assert points.task == task and points.labels == names
    assert points.renamed == (names != tuple(range(len(names))))
    values = [float(v) for v in labels]
    assert points.y.tolist() == [float(sorted(set(values)).index(v)) for v in values]   # class index, in order
    assert points.label_values().tolist() == values                                    # the file's labels back
    assert points.class_counts() == [values.count(float(v)) for v in names]
    assert infer_task(points.y) == points.task                  # what a run infers from what it is given


@pytest.mark.parametrize("labels, integers", [
    ([0.5, 1, 2, 3], 0),
    ([0.25, -1.5, 3.75, 0.25], 0),
    (list(range(7)), 7),                                        # more than six classes: a count, a target
    ([-3, 0, 4, 8, 12, 15, 16, 23], 8),
], ids=["a fraction", "fractions", "7 integers", "8 integers"])
def test_fractions_or_more_than_six_integers_are_a_regression_target(labels, integers):
    points = read_points_csv(points_csv(labels))
    assert points.task == Task(REGRESSION, 0) and points.labels == () and not points.renamed
    assert points.y.tolist() == [float(v) for v in labels] and points.y.dtype == torch.float32
    assert points.distinct_integers == integers
    assert infer_task(points.y) == points.task


@pytest.mark.parametrize("labels, value", [([3, 3, 3], "3"), ([0.5, 0.5], "0.5"), ([0, 0], "0")])
def test_one_label_value_is_refused_in_both_languages(labels, value):
    with pytest.raises(UploadError) as info:
        read_points_csv(points_csv(labels))
    en, zh = info.value.message("en"), info.value.message("zh")
    assert f"Only one class present: all {len(labels)} labels are {value}." in en
    assert f"只有一个类别：全部 {len(labels)} 个标签都是 {value}。" in zh


def test_bad_cells_are_named_by_line_and_column_in_both_languages():
    cases = {
        b"x1,x2,label\n1,2,0\n3,4,setosa\n": ("Line 3: the label 'setosa' is not a number",
                                               "第 3 行：标签 'setosa' 不是数字"),
        b"1,2,0\n3,4,1\n5,6,NaN\n": ("Line 3: the label is 'NaN' (NaN or infinity)",
                                     "第 3 行：标签是 'NaN'（NaN 或无穷大）"),
        b"1,2,0\n3,4,inf\n": ("Line 2: the label is 'inf'", "第 2 行：标签是 'inf'"),
        b"1,2,0\n3,nan,1\n": ("Line 2 contains NaN or infinity: x2 is 'nan'",
                              "第 2 行包含 NaN 或无穷大：x2 是 'nan'"),
        b"1,2,0\nabc,4,1\n": ("Line 2 contains text where a number is expected: x1 is 'abc'",
                               "第 2 行在应为数字的位置出现文本：x1 是 'abc'"),
    }
    for content, (en, zh) in cases.items():
        with pytest.raises(UploadError) as info:
            read_points_csv(content)
        assert en in info.value.message("en") and zh in info.value.message("zh")


def test_points_are_split_by_the_config():
    X = torch.randn(100, 2, generator=torch.Generator().manual_seed(0))
    y = (X[:, 0] > 0).float()
    s = points_splits(X, y, RunConfig())
    assert (len(s.y_train), len(s.y_dev), len(s.y_test)) == (64, 16, 20)
    again = points_splits(X, y, RunConfig())
    assert torch.equal(s.X_train, again.X_train)
    with pytest.raises(UploadError):
        points_splits(X[:3], y[:3], RunConfig())
    assert s.task == BINARY_TASK


def labelled_csv(config: RunConfig, shift: float = 0.0) -> bytes:
    frame = make_splits(config).frame()
    return frame.assign(label=frame["label"] + shift)[["x1", "x2", "label"]].to_csv(index=False).encode()


def test_a_three_class_upload_trains_three_softmax_outputs():
    points = read_points_csv(labelled_csv(RunConfig(dataset="blobs", n_classes=3, n_samples=300), shift=1))
    assert points.task == Task(MULTICLASS, 3) and points.labels == (1, 2, 3)
    config = RunConfig(epochs=200)                  # the sidebar's moons network: its output follows the data
    splits = points_splits(points.X, points.y, config)
    assert splits.task == points.task and set(splits.frame()["label"]) == {0, 1, 2}
    result = train(config, data=splits)
    assert result.task == points.task and result.state_dict["fc2.weight"].shape == (3, 5)
    assert result.test_acc >= 0.9


def test_a_regression_upload_trains_one_linear_output_scored_by_r2():
    points = read_points_csv(labelled_csv(RunConfig(dataset="reg_plane", n_samples=300)))
    assert points.task == Task(REGRESSION, 0)
    config = RunConfig(epochs=200)
    result = train(config, data=points_splits(points.X, points.y, config))
    assert result.task == points.task and result.state_dict["fc2.weight"].shape == (1, 5)
    assert result.test_acc >= 0.9                   # R²


def test_points_cannot_feed_a_network_of_another_input_width():
    X, y = parse_points_csv(GOOD + GOOD.split(b"\n", 1)[1] * 4)
    with pytest.raises(UploadError) as info:
        points_splits(X, y, RunConfig(dataset="iris"))
    assert "2 inputs" in info.value.message("en") and "2 个输入" in info.value.message("zh")


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


# --------------------------------------------------------------------------- hostile model files
def saved(state: dict) -> bytes:
    buffer = io.BytesIO()
    torch.save(state, buffer)
    return buffer.getvalue()


def good_state(config: RunConfig | None = None) -> dict[str, torch.Tensor]:
    return build_model(config or RunConfig()).state_dict()


def upload(content: bytes, config: RunConfig | None = None) -> dict[str, torch.Tensor]:
    """What the Train page does with an uploaded model file."""
    return check_state_dict(load_state_dict(content), config or RunConfig())


def assert_clear(err: UploadError) -> None:
    en, zh = err.message("en"), err.message("zh")
    assert en and zh and en != zh and any("\u4e00" <= ch <= "\u9fff" for ch in zh)
    assert len(en) < 400 and len(zh) < 400


def odd_tensors() -> dict[str, torch.Tensor]:
    w = good_state()["fc1.weight"]
    with warnings.catch_warnings():      # quantized tensors are deprecated
        warnings.simplefilter("ignore")
        quantized = torch.quantize_per_tensor(w, 0.1, 0, torch.qint8)
        per_channel = torch.quantize_per_channel(w, torch.full((5,), 0.1), torch.zeros(5, dtype=torch.long), 0,
                                                 torch.quint8)
    return {
        "sparse_coo": w.to_sparse(), "sparse_csr": w.to_sparse_csr(), "sparse_csc": w.to_sparse_csc(),
        "sparse_bsr": w.to_sparse_bsr((1, 1)), "sparse_bsc": w.to_sparse_bsc((1, 1)),
        "meta": w.to("meta"), "quantized": quantized, "quantized_per_channel": per_channel,
        "complex64": w.to(torch.complex64), "complex128": w.to(torch.complex128),
        "float8_e4m3fn": w.to(torch.float8_e4m3fn), "float8_e5m2": w.to(torch.float8_e5m2),
        "bool": w > 0, "int64": w.long(), "uint16": w.to(torch.uint16),
    }


@pytest.mark.parametrize("kind", list(odd_tensors()))
def test_any_tensor_kind_in_a_file_ends_in_a_clear_message(kind):
    state = {**good_state(), "fc1.weight": odd_tensors()[kind]}
    with pytest.raises(UploadError) as info:
        upload(saved(state))
    assert_clear(info.value)


@pytest.mark.parametrize("kind", [*odd_tensors(), "nested"])
def test_check_state_dict_refuses_any_odd_tensor_it_is_given(kind):
    odd = torch.nested.nested_tensor([torch.ones(5), torch.ones(2)]) if kind == "nested" else odd_tensors()[kind]
    with pytest.raises(UploadError) as info:
        check_state_dict({**good_state(), "fc1.weight": odd}, RunConfig())
    assert "fc1.weight" in str(info.value)
    assert_clear(info.value)


class Storage:
    """A storage in a hand-built torch.save pickle: torch.load reads its `numel` floats from data/<key>."""

    def __init__(self, key: str, numel: int, location: str = "cpu"):
        self.key, self.numel, self.location = key, numel, location


class View:
    """A tensor in a hand-built pickle: any size and stride over a Storage, as _rebuild_tensor_v2 allows."""

    def __init__(self, storage: Storage, size: tuple[int, ...], stride: tuple[int, ...], offset: int = 0):
        self.args = (storage, offset, size, stride, False, OrderedDict())

    def __reduce__(self):
        return (torch._utils._rebuild_tensor_v2, self.args)


class Call:
    """A pickled call of `func(*args)`: what weights_only's allowlist would run on loading."""

    def __init__(self, func, *args):
        self.func, self.args = func, args

    def __reduce__(self):
        return (self.func, self.args)


class TorchPickler(pickle.Pickler):
    def persistent_id(self, obj):
        if isinstance(obj, Storage):
            return ("storage", torch.FloatStorage, obj.key, obj.location, obj.numel)
        return None


def archive(state: dict | bytes, records: dict[str, bytes | int], compression: int = zipfile.ZIP_STORED) -> bytes:
    """A zip laid out as torch.save's: archive/data.pkl (`state` pickled, or raw pickle bytes) and archive/data/<key>
    for each record; an int record is that many zero bytes, streamed in 1 MiB chunks (little memory)."""
    if isinstance(state, dict):
        buffer = io.BytesIO()
        TorchPickler(buffer, protocol=2).dump(state)
        state = buffer.getvalue()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression, compresslevel=1) as zf:
        zf.writestr("archive/data.pkl", state)
        zf.writestr("archive/byteorder", "little")
        for key, record in records.items():
            with zf.open(f"archive/data/{key}", "w", force_zip64=True) as f:
                if isinstance(record, bytes):
                    f.write(record)
                else:
                    for start in range(0, record, 1 << 20):
                        f.write(bytes(min(1 << 20, record - start)))
        zf.writestr("archive/version", "3\n")
    return out.getvalue()


def hand_built(fc1_weight: View, records: dict[str, bytes | int], **kwargs) -> bytes:
    """The archive of a good RunConfig() state_dict whose fc1.weight is `fc1_weight` (storage key "0")."""
    state, data = {}, dict(records)
    for i, (name, tensor) in enumerate(good_state().items(), start=1):
        if name == "fc1.weight":
            state[name] = fc1_weight
        else:
            state[name] = View(Storage(str(i), tensor.numel()), tuple(tensor.shape), tensor.stride())
            data[str(i)] = tensor.numpy().tobytes()
    return archive(state, data, **kwargs)


@pytest.fixture
def load_calls(monkeypatch):
    """The calls of torch.load (recorded, never run): hostile files must be refused before it."""
    calls = []
    monkeypatch.setattr(torch, "load", lambda *args, **kwargs: calls.append(args) or {})
    return calls


def test_a_hand_built_archive_of_a_good_state_dict_loads():
    good = hand_built(View(Storage("0", 10), (5, 2), (2, 1)), {"0": good_state()["fc1.weight"].numpy().tobytes()})
    state = upload(good)
    assert all(torch.equal(state[k], v) for k, v in good_state().items())


def test_a_deflate_bomb_is_refused_before_torch_load_reads_it(load_calls):
    # 256 MiB of zeros compress to ~1 MB; fc1.weight is a valid view onto the start of them
    n = 64 << 20
    bomb = hand_built(View(Storage("0", n), (5, 2), (2, 1)), {"0": 4 * n}, compression=zipfile.ZIP_DEFLATED)
    assert len(bomb) < 2_000_000
    with pytest.raises(UploadError) as info:
        load_state_dict(bomb)
    assert "compressed" in str(info.value) and not load_calls
    assert_clear(info.value)


def test_a_torch_save_archive_repacked_with_compression_is_refused(load_calls):
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(saved(good_state()))) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            dst.writestr(info.filename, src.read(info), zipfile.ZIP_DEFLATED)
    with pytest.raises(UploadError) as info:
        load_state_dict(out.getvalue())
    assert "compressed" in str(info.value) and not load_calls


def patch_sizes(content: bytes, name: bytes, size: int, compressed: int | None = None) -> bytes:
    """The archive with the central directory entry of `name` declaring other sizes (a lie)."""
    at = content.index(b"PK\x01\x02")                               # the first directory entry
    while content[at + 46:at + 46 + len(name)] != name:
        at = content.index(b"PK\x01\x02", at + 4)
    sizes = struct.pack("<LL", size if compressed is None else compressed, size)
    return content[:at + 20] + sizes + content[at + 28:]


@pytest.mark.parametrize("compression", [zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED])
def test_a_huge_declared_size_is_refused_before_torch_load_reads_it(load_calls, compression):
    good = hand_built(View(Storage("0", 10), (5, 2), (2, 1)), {"0": bytes(40)}, compression=compression)
    compressed = None if compression == zipfile.ZIP_STORED else 20
    liar = patch_sizes(good, b"archive/data/0", 4_000_000_000, compressed)
    with pytest.raises(UploadError) as info:
        load_state_dict(liar)
    assert not load_calls
    assert_clear(info.value)


def test_a_small_view_onto_a_large_storage_is_refused():
    # a stored (uncompressed) 4 MB storage fits under the file size cap; fc1.weight views 10 floats of it
    big = hand_built(View(Storage("0", 1_000_000), (5, 2), (2, 1), offset=123), {"0": 4_000_000})
    state = load_state_dict(big)
    assert state["fc1.weight"].untyped_storage().nbytes() == 4_000_000
    with pytest.raises(UploadError) as info:
        check_state_dict(state, RunConfig())
    assert "fc1.weight" in str(info.value) and "4000000 bytes" in str(info.value)
    assert_clear(info.value)


def test_a_huge_zero_stride_shape_is_refused_and_a_small_one_copied_compact():
    huge = hand_built(View(Storage("0", 1), (10**6, 10**6), (0, 0)), {"0": bytes(4)})
    with pytest.raises(UploadError) as info:
        upload(huge)
    assert "(1000000, 1000000)" in str(info.value)
    broadcast = upload(hand_built(View(Storage("0", 1), (5, 2), (0, 0)), {"0": struct.pack("<f", 0.5)}))
    weight = broadcast["fc1.weight"]
    assert weight.stride() == (2, 1) and weight.untyped_storage().nbytes() == 40 and (weight == 0.5).all()


def test_only_compact_copies_of_the_expected_tensors_are_kept():
    config = RunConfig(hidden=(5, 3), batch_norm=True)
    floats = {k: v for k, v in good_state(config).items() if v.is_floating_point()}
    flat = torch.arange(sum(v.numel() for v in floats.values()), dtype=torch.float64) / 100
    state, offset = dict(good_state(config)), 0
    for name, tensor in floats.items():                  # float64 views into one shared storage
        state[name] = flat[offset:offset + tensor.numel()].view(tensor.shape)
        offset += tensor.numel()
    loaded = load_state_dict(saved(state))
    kept = check_state_dict(loaded, config)
    assert list(kept) == list(good_state(config))
    pointers = {t.untyped_storage().data_ptr() for t in loaded.values()}
    for name, tensor in kept.items():
        want = good_state(config)[name]
        assert tensor.dtype == want.dtype and tensor.is_contiguous() and type(tensor) is torch.Tensor
        assert tensor.untyped_storage().nbytes() == tensor.numel() * tensor.element_size()
        assert tensor.untyped_storage().data_ptr() not in pointers
        assert torch.equal(tensor, loaded[name].to(want.dtype))


@pytest.mark.parametrize("location", ["cuda:0", "meta", "mps", "xla:3", "../../etc/passwd"])
def test_a_device_claimed_by_a_storage_is_mapped_to_the_cpu_or_refused(location):
    weight = good_state()["fc1.weight"]
    content = hand_built(View(Storage("0", 10, location), (5, 2), (2, 1)), {"0": weight.numpy().tobytes()})
    try:
        state = upload(content)
    except UploadError as err:
        assert_clear(err)
    else:
        assert state["fc1.weight"].device.type == "cpu" and torch.equal(state["fc1.weight"], weight)


@pytest.mark.parametrize("payload", [
    Call(bytearray, 1 << 40),                              # torch's weights_only allows bytearray(n): 1 TiB
    Call(torch.UntypedStorage, 1 << 40),
    Call(torch._utils._rebuild_device_tensor_from_cpu_tensor, None, torch.float64, "meta", False),
], ids=["bytearray", "UntypedStorage", "device tensor"])
def test_globals_that_allocate_on_loading_are_refused_before_torch_load(load_calls, payload):
    with pytest.raises(UploadError) as info:
        load_state_dict(archive({"fc1.weight": payload}, {}))
    assert not load_calls and "nothing was executed" in str(info.value)
    assert_clear(info.value)


def test_a_long_global_name_is_not_echoed_whole(load_calls):
    raw = b"\x80\x02c" + b"m" * 100_000 + b"\nf\n)R."            # GLOBAL m...m f, call it
    with pytest.raises(UploadError) as info:
        load_state_dict(archive(raw, {}))
    assert not load_calls and "mmm" in str(info.value) and "…" in str(info.value)
    assert_clear(info.value)


@pytest.mark.parametrize("legacy", ["pickle", "legacy torch.save", "tar"])
def test_formats_other_than_torch_zip_are_refused_before_loading(load_calls, legacy):
    if legacy == "pickle":
        content = pickle.dumps({"fc1.weight": [1.0]})
    elif legacy == "legacy torch.save":
        buffer = io.BytesIO()
        torch.save(good_state(), buffer, _use_new_zipfile_serialization=False)
        content = buffer.getvalue()
    else:
        buffer = io.BytesIO()
        with tarfile.open(fileobj=buffer, mode="w") as tar:
            info = tarfile.TarInfo("pickle")
            info.size = 3
            tar.addfile(info, io.BytesIO(b"abc"))
        content = buffer.getvalue()
    with pytest.raises(UploadError) as info:
        load_state_dict(content)
    assert "zip" in str(info.value) and not load_calls
    assert_clear(info.value)


def repacked(extra: dict[str, bytes], rename: dict[str, str] | None = None) -> bytes:
    """A torch.save archive copied entry by entry (stored), some renamed, with `extra` entries added."""
    out = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)                 # zipfile warns about duplicate names
        with zipfile.ZipFile(io.BytesIO(saved(good_state()))) as src, zipfile.ZipFile(out, "w") as dst:
            for info in src.infolist():
                dst.writestr((rename or {}).get(info.filename, info.filename), src.read(info))
            for name, data in extra.items():
                dst.writestr(name, data)
    return out.getvalue()


@pytest.mark.parametrize("extra, rename", [
    ({"archive/constants.pkl": b"x"}, None),                         # would dispatch to torch.jit.load
    ({"../evil": b"x"}, None),
    ({"/etc/evil": b"x"}, None),
    ({"other/data/0": b"x"}, None),
    ({"archive/data/../../x": b"x"}, None),
    ({"archive/data/0": bytes(40)}, None),                           # a second entry of the same name
    ({}, {"archive/data.pkl": "archive/../data.pkl"}),
    ({f"archive/data/{i}": b"" for i in range(300)}, None),          # too many entries
])
def test_archive_path_tricks_are_refused_before_loading(load_calls, extra, rename):
    with pytest.raises(UploadError) as info:
        load_state_dict(repacked(extra, rename))
    assert not load_calls
    assert_clear(info.value)


def test_a_plain_repack_is_accepted():
    assert upload(repacked({})).keys() == good_state().keys()


def test_trailing_or_leading_bytes_around_the_archive_are_refused(load_calls):
    good = saved(good_state())
    for content in (good + b"junk", b"junk" + good, good[:-2] + b"\x04\x00junk"):
        with pytest.raises(UploadError):
            load_state_dict(content)
    assert not load_calls


def test_a_long_key_name_is_not_echoed_whole():
    name = "k" * 100_000
    with pytest.raises(UploadError) as info:
        upload(saved({**good_state(), name: torch.zeros(1)}))
    for lang in ("en", "zh"):
        message = info.value.message(lang)
        assert "kkkk" in message and "…" in message and len(message) < 250


# --------------------------------------------------------------------------- CSV at its limits
def test_a_long_csv_cell_is_not_echoed_whole():
    with pytest.raises(UploadError) as info:
        parse_points_csv(b"1," + b"a" * 100_000 + b",0\n2,3,1\n")
    for lang in ("en", "zh"):
        message = info.value.message(lang)
        assert "aaaa" in message and "…" in message and len(message) < 200


@pytest.mark.parametrize("content, words", [
    (b"1," + b"7" * 300_000 + b",0\n", "readable"),                  # one cell over csv's field limit
    (b"1," * 900_000 + b"0\n", "900001 columns"),
    (b" , ,\n" * 380_000, "no data rows"),
    (b"1,2,0\n" * 300_000, "Too many rows: 300000"),
], ids=["long cell", "many columns", "blank rows", "many rows"])
def test_csv_at_its_limits_gets_a_short_clear_message(content, words):
    with pytest.raises(UploadError) as info:
        parse_points_csv(content)
    assert words in info.value.message("en") and len(info.value.message("en")) < 200
    assert_clear(info.value)


def test_a_csv_with_too_many_rows_is_counted_not_held():
    content = b"0.25,0.5,1\n" * 120_000                  # 1.3 MB: under MAX_BYTES, 6x MAX_ROWS rows
    tracemalloc.start()
    try:
        with pytest.raises(UploadError, match="Too many rows"):
            parse_points_csv(content)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 20_000_000            # holding every row as a list of 3 strings took 31 MB


# --------------------------------------------------------------------------- the shared store
def test_the_upload_store_is_bounded_in_bytes_least_recently_used_first():
    from ui.runs import UploadStore

    store = UploadStore(max_items=100, max_bytes=1000)
    for name in "abc":
        assert store.put(name, (torch.zeros(50), torch.zeros(50)))      # 400 bytes each
    assert store.get("a") is None and store.get("b") is not None and store.total_bytes == 800
    assert store.put("d", {"w": torch.zeros(100)})                       # b was used last, c goes
    assert store.get("c") is None and store.get("b") is not None and store.get("d") is not None
    assert store.total_bytes <= 1000
    assert not store.put("big", torch.zeros(1000)) and store.get("big") is None
    view = torch.zeros(10_000)[:10]                                       # a view counts its whole storage
    assert UploadStore.size_of(view) == 40_000 and not store.put("view", view)
    assert store.total_bytes <= 1000 and store.get("b") is not None


def test_the_upload_store_still_bounds_items():
    from ui.runs import UploadStore

    store = UploadStore(max_items=3)
    for i in range(5):
        store.put(str(i), torch.zeros(1))
    assert [store.get(str(i)) is not None for i in range(5)] == [False, False, True, True, True]


def test_a_bad_row_is_named_by_its_line_in_the_file():
    with pytest.raises(UploadError) as info:
        parse_points_csv(b"x1,x2,label\n1,2,0\n\n3,abc,1\n")
    assert "Line 4 " in info.value.message("en") and "第 4 行" in info.value.message("zh")
