"""The one config spec: every knob of a run, its type, bounds, default and zh/en label.

`FIELDS` is the single source of truth (like TF Playground's PROPS table): the sidebar is built
from it, `RunConfig` validates against it, the URL is (de)serialized through it and the cache is
keyed by the resulting frozen `RunConfig`.
"""

from __future__ import annotations

import contextlib
import contextvars
import dataclasses
import itertools
import math
import re
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from . import budget as _budget
from .budget import MAX_SECONDS
from .choices import ACTIVATION_TABLE, DATASET_TABLE, FEATURE_TABLE, INIT_TABLE, RAW_FEATURES

DATASETS = tuple(DATASET_TABLE)          # the names of the choice tables (core.choices), in their order
ACTIVATIONS = tuple(ACTIVATION_TABLE)
INITS = tuple(INIT_TABLE)
FEATURES = tuple(FEATURE_TABLE)
CLASS_DATASETS = tuple(n for n, row in DATASET_TABLE.items() if row.kind == "classes")    # n_classes applies
SIZED_DATASETS = tuple(n for n, row in DATASET_TABLE.items() if not row.rows)             # n_samples applies
PLANE_DATASETS = tuple(n for n, row in DATASET_TABLE.items() if row.inputs == 2)          # features apply
OPTIMIZER_LABELS: dict[str, tuple[str, str]] = {    # torch.optim name -> (en, zh) choice label
    "sgd": ("SGD", "SGD（随机梯度下降）"), "adagrad": ("Adagrad", "AdaGrad"), "adadelta": ("Adadelta", "AdaDelta"),
    "rmsprop": ("RMSprop", "RMSprop"), "adam": ("Adam", "Adam"), "adamax": ("Adamax", "Adamax"),
    "nadam": ("NAdam", "NAdam"),
}
OPTIMIZERS = tuple(OPTIMIZER_LABELS)

MAX_LAYERS = 8
MAX_WIDTH = 64
MAX_TEXT = 200          # longest URL/CLI value we even try to parse
# The compute budget bounds a run's estimated wall time (core.budget: a cost model of train(),
# calibrated by bench/bench_budget.py); RunConfig refuses configs estimated above MAX_SECONDS.
BUDGET_FIELDS = ("epochs", "batch_size", "n_samples", "train_frac", "dev_frac", "hidden", "optimizer",
                 "momentum", "weight_decay", "batch_norm", "clip_norm", "l1",
                 "features")     # what the estimate depends on


@dataclass(frozen=True)
class Field:
    """One knob: how it is typed, bounded, grouped, shown and explained."""

    name: str
    kind: str                     # "int" | "float" | "choice" | "bool" | "layers" | "features" (a subset of choices)
    default: Any
    group: str                    # "data" | "network" | "init" | "training"
    en: str
    zh: str
    lo: float | None = None
    hi: float | None = None
    choices: tuple = ()
    help_en: str = ""
    help_zh: str = ""
    log: bool = False             # widgets use a log-scale step
    step: float | None = None
    show_if: tuple[str, tuple] | None = None   # (field, values) that make this one relevant

    def label(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en

    def help(self, lang: str) -> str:
        return self.help_zh if lang == "zh" else self.help_en

    def allowed(self, lang: str = "en") -> str:
        """Human text for the allowed values, used in every error message."""
        if self.kind == "choice":
            return ", ".join(map(str, self.choices))
        if self.kind == "bool":
            return "true/false" if lang != "zh" else "true/false（或 1/0）"
        if self.kind == "layers":
            if lang == "zh":
                return f"0–{MAX_LAYERS} 个隐藏层，每层 1–{MAX_WIDTH} 个神经元，如 5,3"
            return f"0–{MAX_LAYERS} comma-separated layer widths, each 1–{MAX_WIDTH}, e.g. 5,3"
        if self.kind == "features":
            names = ", ".join(self.choices)
            if lang == "zh":
                return f"从 {names} 中选一个或多个，用逗号分隔，如 x1,x2,x1x2"
            return f"one or more of {names}, comma-separated, e.g. x1,x2,x1x2"
        return f"[{_fmt(self.lo)}, {_fmt(self.hi)}]"


def _fmt(x: float | None) -> str:
    if x is None:
        return "?"
    return str(int(x)) if float(x).is_integer() and abs(x) < 1e15 else f"{x:g}"


_OPT_MOMENTUM = ("sgd", "rmsprop")
_OPT_BETAS = ("adam", "adamax", "nadam")

FIELDS: tuple[Field, ...] = (
    # ---- data ----
    Field("dataset", "choice", "moons", "data", "Dataset", "数据集", choices=DATASETS,
          help_en="2-D toy data with two classes.", help_zh="二维两类玩具数据。"),
    Field("n_classes", "int", 2, "data", "Classes", "类别数", 2, 6, step=1,
          show_if=("dataset", CLASS_DATASETS),
          help_en="How many classes (arms of the spiral, clusters of the blobs); 3 or more trains K softmax "
                  "outputs with cross-entropy.",
          help_zh="类别个数（螺旋的臂数、高斯团的个数）；3 类及以上时输出层有 K 个神经元，用 softmax 和交叉熵损失。"),
    Field("n_samples", "int", 1000, "data", "Samples", "样本数", 20, 20_000, step=10,
          show_if=("dataset", SIZED_DATASETS),
          help_en="Total points before the train/dev/test split.",
          help_zh="划分训练/验证/测试集之前的样本总数。"),
    Field("noise", "float", 0.1, "data", "Noise (std)", "噪声标准差", 0.0, 2.0, step=0.01,
          show_if=("dataset", SIZED_DATASETS),
          help_en="Std of the Gaussian noise added to every point.",
          help_zh="加到每个点上的高斯噪声的标准差。"),
    Field("train_frac", "float", 0.64, "data", "Train fraction", "训练集比例", 0.05, 0.9, step=0.01,
          help_en="Share of samples used for training (book: 640 of 1000).",
          help_zh="用于训练的样本比例（书中 1000 个里取 640 个）。"),
    Field("dev_frac", "float", 0.16, "data", "Dev fraction", "验证集比例", 0.05, 0.5, step=0.01,
          help_en="Share used for the dev (validation) set; the rest is the test set.",
          help_zh="验证集比例；剩余的是测试集。"),
    Field("data_seed", "int", 0, "data", "Data seed", "数据随机种子", 0, 2**31 - 1,
          help_en="Seed of the dataset (points, noise, shuffle).", help_zh="生成数据（点、噪声、打乱）的随机种子。"),
    # ---- network ----
    Field("features", "features", RAW_FEATURES, "network", "Input features", "输入特征", choices=FEATURES,
          show_if=("dataset", PLANE_DATASETS),
          help_en="What the input layer sees, computed from each point (x1, x2), as in TensorFlow Playground: "
                  "one input unit per feature. x1, x2 (the book) are the point itself; x1², x2², x1·x2 and sin "
                  "let a network without hidden layers draw curved boundaries.",
          help_zh="输入层看到的特征，由每个点 (x1, x2) 计算得到（同 TensorFlow Playground）：每个特征一个输入神经元。"
                  "x1、x2（书中做法）就是点本身；x1²、x2²、x1·x2 和 sin 能让没有隐藏层的网络画出弯曲的决策边界。"),
    Field("hidden", "layers", (5,), "network", "Hidden layers", "隐藏层",
          help_en="Neurons per hidden layer, e.g. 5 or 5,3 (empty = logistic regression).",
          help_zh="每个隐藏层的神经元个数，如 5 或 5,3（留空即 Logistic 回归）。"),
    Field("activation", "choice", "sigmoid", "network", "Activation", "激活函数", choices=ACTIVATIONS,
          help_en="Activation of every hidden layer; the output unit is always a sigmoid.",
          help_zh="所有隐藏层的激活函数；输出神经元始终是 Logistic（sigmoid）函数。"),
    Field("leaky_slope", "float", 0.01, "network", "Leaky slope", "Leaky ReLU 斜率", 0.0, 1.0, step=0.01,
          show_if=("activation", ("leaky_relu",)),
          help_en="Slope of Leaky ReLU for negative inputs.", help_zh="Leaky ReLU 在负半轴的斜率。"),
    Field("batch_norm", "bool", False, "network", "Batch norm", "批量规范化",
          help_en="BatchNorm after each hidden linear layer.", help_zh="在每个隐藏线性层之后加批量规范化。"),
    # ---- initialization ----
    Field("weight_init", "choice", "normal", "init", "Weight init", "权重初始化", choices=INITS,
          help_en="How weights are drawn (torch.nn.init, seeded per run).",
          help_zh="权重的初始化方式（torch.nn.init，每次运行单独设种子）。"),
    Field("weight_mean", "float", 0.0, "init", "Mean", "均值", -10.0, 10.0, step=0.1,
          show_if=("weight_init", ("normal",)), help_en="Mean of the normal init.", help_zh="正态初始化的均值。"),
    Field("weight_std", "float", 1.0, "init", "Std", "标准差", 0.0, 100.0, step=0.01,
          show_if=("weight_init", ("normal",)),
          help_en="Std of the normal init (book: 1.0; 0.01 for vanishing gradients).",
          help_zh="正态初始化的标准差（书中为 1.0；梯度消失实验为 0.01）。"),
    Field("weight_low", "float", -1.0, "init", "Low", "下界", -100.0, 100.0, step=0.1,
          show_if=("weight_init", ("uniform",)), help_en="Lower bound of the uniform init.",
          help_zh="均匀初始化的下界。"),
    Field("weight_high", "float", 1.0, "init", "High", "上界", -100.0, 100.0, step=0.1,
          show_if=("weight_init", ("uniform",)), help_en="Upper bound of the uniform init.",
          help_zh="均匀初始化的上界。"),
    Field("weight_value", "float", 0.0, "init", "Constant", "常数值", -100.0, 100.0, step=0.1,
          show_if=("weight_init", ("constant",)), help_en="Value of the constant init.",
          help_zh="常数初始化的取值。"),
    Field("bias_init", "float", 0.0, "init", "Bias constant", "偏置初始值", -20.0, 20.0, step=0.1,
          help_en="Every bias starts at this value (book: 0, 1.0, -8.0).",
          help_zh="所有偏置的初始值（书中用过 0、1.0、-8.0）。"),
    # ---- training ----
    Field("optimizer", "choice", "sgd", "training", "Optimizer", "优化器", choices=OPTIMIZERS,
          help_en="torch.optim optimizer.", help_zh="torch.optim 中的优化器。"),
    Field("lr", "float", 0.2, "training", "Learning rate", "学习率", 1e-6, 100.0, log=True,
          help_en="Step size (book: 0.2).", help_zh="步长（书中为 0.2）。"),
    Field("momentum", "float", 0.0, "training", "Momentum", "动量", 0.0, 0.999, step=0.01,
          show_if=("optimizer", _OPT_MOMENTUM), help_en="Momentum (SGD, RMSprop).", help_zh="动量（SGD、RMSprop）。"),
    Field("nesterov", "bool", False, "training", "Nesterov", "Nesterov 动量",
          show_if=("optimizer", ("sgd",)), help_en="Nesterov momentum (needs momentum > 0).",
          help_zh="Nesterov 加速梯度（需要动量 > 0）。"),
    Field("beta1", "float", 0.9, "training", "beta1", "beta1", 0.0, 0.999, step=0.001,
          show_if=("optimizer", _OPT_BETAS), help_en="Decay of the first moment.", help_zh="一阶矩的衰减率。"),
    Field("beta2", "float", 0.999, "training", "beta2", "beta2", 0.0, 0.9999, step=0.0001,
          show_if=("optimizer", _OPT_BETAS), help_en="Decay of the second moment.", help_zh="二阶矩的衰减率。"),
    Field("epochs", "int", 3000, "training", "Epochs", "训练轮数", 1, 20_000, step=100,
          help_en="Passes over the training set (book: 3000).", help_zh="遍历训练集的轮数（书中为 3000）。"),
    Field("batch_size", "int", 0, "training", "Batch size", "批大小", 0, 20_000,
          help_en="Mini-batch size; 0 = full batch (book).", help_zh="小批量大小；0 表示全批量（书中做法）。"),
    Field("eval_steps", "int", 0, "training", "Evaluate every n steps", "每 n 步评价一次", 0, 100_000,
          help_en="0 = evaluate the dev set after every epoch (4.3); n > 0 = every n optimizer steps and at the last "
                  "step, as the book's RunnerV3 does (4.5); the best dev model is kept either way.",
          help_zh="0 表示每轮结束后在验证集上评价（4.3 节做法）；n > 0 表示每 n 个优化步及最后一步评价一次，"
                  "同书中 RunnerV3（4.5 节）；两种方式都保留验证集上最好的模型。"),
    Field("weight_decay", "float", 0.0, "training", "L2 weight decay", "L2 权重衰减", 0.0, 1.0, step=0.0001,
          help_en="L2 penalty through the optimizer.", help_zh="通过优化器施加的 L2 正则。"),
    Field("l1", "float", 0.0, "training", "L1 penalty", "L1 正则系数", 0.0, 1.0, step=0.0001,
          help_en="Adds l1 * sum|W| (weights only) to the loss.", help_zh="在损失上加 l1 * Σ|W|（仅权重）。"),
    Field("clip_norm", "float", 0.0, "training", "Gradient clip (norm)", "梯度截断（范数）", 0.0, 1000.0, step=0.1,
          help_en="Clip the total gradient L2 norm to this value; 0 = off.",
          help_zh="把梯度总 L2 范数截断到此值；0 表示不截断。"),
    Field("seed", "int", 0, "training", "Seed", "随机种子", 0, 2**31 - 1,
          help_en="Seed of the initialization and the mini-batch shuffle.",
          help_zh="参数初始化和小批量打乱的随机种子。"),
)

FIELD_BY_NAME: dict[str, Field] = {f.name: f for f in FIELDS}
GROUPS = ("data", "network", "init", "training")


class ConfigError(ValueError):
    """A config value outside what the spec allows; names the field, the value and the allowed range."""

    def __init__(self, field: str, value: Any, allowed: str, reason: str = "", reason_zh: str = "",
                 related: tuple[str, ...] = (), allowed_zh: str = ""):
        self.field, self.value, self.allowed = field, value, allowed
        self.reason, self.reason_zh = reason, reason_zh
        spec = FIELD_BY_NAME.get(field)
        if not allowed_zh and spec is not None and allowed == spec.allowed("en"):
            allowed_zh = spec.allowed("zh")
        self.allowed_zh = allowed_zh or allowed
        self.related = related          # other fields that take part in a cross-field rule
        super().__init__(self.message("en"))

    def message(self, lang: str = "en") -> str:
        shown = _short(self.value)
        if lang == "zh":
            extra = f"（{self.reason_zh or self.reason}）" if (self.reason_zh or self.reason) else ""
            spec = FIELD_BY_NAME.get(self.field)
            name = f"{spec.zh}（{self.field}）" if spec is not None else self.field
            return f"参数 {name} 的值 {shown} 无效{extra}；允许：{self.allowed_zh}"
        extra = f" ({self.reason})" if self.reason else ""
        return f"{self.field}={shown} is invalid{extra}; allowed: {self.allowed}"


def _label_zh(name: str) -> str:
    """A field as a Chinese message names it: 学习率（lr）; unknown names as given (cut)."""
    spec = FIELD_BY_NAME.get(name)
    return f"{spec.zh}（{name}）" if spec is not None else _short(name, quote=False)


def _short(value: Any, quote: bool = True) -> str:
    """A value as shown in a message: repr (or str), cut to 40 characters."""
    text = repr(value) if quote else str(value)
    return text if len(text) <= 40 else text[:37] + "..."


# --------------------------------------------------------------------------- coercion
def _coerce(field: Field, value: Any) -> Any:
    """Turn a Python value (or string) into the field's type, or raise ConfigError."""
    if isinstance(value, str):
        if len(value) > MAX_TEXT:
            raise ConfigError(field.name, value, field.allowed(), "too long", "过长")
        return _parse_text(field, value.strip())
    if field.kind == "layers":
        if not isinstance(value, (tuple, list)):
            raise ConfigError(field.name, value, field.allowed())
        return tuple(_coerce_width(field, v) for v in value)
    if field.kind == "features":
        if not isinstance(value, (tuple, list, set, frozenset)) or not all(isinstance(v, str) for v in value):
            raise ConfigError(field.name, value, field.allowed())
        return _feature_subset(field, value, value)
    wrong_choice = field.kind == "choice" and value not in field.choices
    if wrong_choice or (field.kind == "bool" and not isinstance(value, bool)):
        raise ConfigError(field.name, value, field.allowed())
    if field.kind in ("choice", "bool"):
        return value
    return _coerce_number(field, value)


def _coerce_number(field: Field, value: Any) -> int | float:
    """An int or float field's value from a Python number (bools, NaN ints and fractions refused)."""
    bad = ConfigError(field.name, value, field.allowed())
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise bad
    if field.kind == "int":
        if isinstance(value, float) and not (math.isfinite(value) and value.is_integer()):
            raise bad
        return int(value)
    try:
        return float(value)
    except OverflowError:          # an int beyond float range, e.g. 10**400
        raise ConfigError(field.name, value, field.allowed(), "out of range", "超出范围") from None


def _coerce_width(field: Field, v: Any) -> int:
    if isinstance(v, bool) or not isinstance(v, (int, float)) or not float(v).is_integer():
        raise ConfigError(field.name, v, field.allowed())
    return int(v)


_DIGITS = re.compile(r"[0-9]{1,9}")


def _parse_text(field: Field, text: str) -> Any:
    """Parse a URL/CLI value. Full-width digits and punctuation (a Chinese input method's ５，３ or ０．２)
    read as their ASCII forms in every field, so every field accepts the same digits."""
    text = unicodedata.normalize("NFKC", text)
    bad = ConfigError(field.name, text, field.allowed())
    if field.kind in ("layers", "features"):
        return _parse_list(field, text)
    if field.kind == "choice":
        if text not in field.choices:
            raise ConfigError(field.name, text, field.allowed(), "unknown value", "未知取值")
        return text
    if field.kind == "bool":
        low = text.lower()
        if low in ("1", "true", "yes", "on"):
            return True
        if low in ("0", "false", "no", "off"):
            return False
        raise bad
    try:
        number = float(text)
    except ValueError:
        raise ConfigError(field.name, text, field.allowed(), "not a number", "不是数字") from None
    if field.kind == "int":
        if not math.isfinite(number) or not number.is_integer():
            raise ConfigError(field.name, text, field.allowed(), "not an integer", "不是整数")
        return int(number)
    return number


def _parse_list(field: Field, text: str) -> tuple:
    """A comma-separated URL/CLI value: hidden layer widths ('5,3', '' or 'none': no hidden layer) or input
    features ('x1,x2,x1x2')."""
    if field.kind == "features":
        return _feature_subset(field, [p.strip().lower() for p in text.split(",")], text)
    if text in ("", "none", "0"):
        return ()
    parts = text.replace(" ", "").split(",")
    if any(not _DIGITS.fullmatch(p) for p in parts):
        raise ConfigError(field.name, text, field.allowed(), "not a list of positive integers", "不是正整数列表")
    return tuple(int(p) for p in parts)


def _feature_subset(field: Field, names: Any, shown: Any) -> tuple[str, ...]:
    """A features value: the chosen names in the table's order, each once; ConfigError naming unknown ones."""
    names = [n for n in names if n != ""]
    unknown = list(dict.fromkeys(n for n in names if n not in field.choices))
    if unknown:
        listed = ", ".join(_short(n, quote=False) for n in unknown[:3]) + (", ..." if len(unknown) > 3 else "")
        raise ConfigError(field.name, shown, field.allowed(), f"unknown feature {listed}", f"未知特征 {listed}")
    if not names:
        raise ConfigError(field.name, shown, field.allowed(), "no feature chosen", "未选择任何特征")
    return tuple(n for n in field.choices if n in names)


def _check_bounds(field: Field, value: Any) -> None:
    if field.kind == "layers":
        if len(value) > MAX_LAYERS:
            raise ConfigError(field.name, value, field.allowed(), "too many layers", "层数过多")
        if any(w < 1 or w > MAX_WIDTH for w in value):
            raise ConfigError(field.name, value, field.allowed(), "width out of range", "神经元个数超出范围")
        return
    if field.kind in ("int", "float"):
        if isinstance(value, int) and not (-2**53 <= value <= 2**53):    # huge ints: no float compare
            raise ConfigError(field.name, value, field.allowed(), "out of range", "超出范围")
        if not math.isfinite(value):
            raise ConfigError(field.name, value, field.allowed(), "not finite", "不是有限数")
        if value < field.lo or value > field.hi:
            raise ConfigError(field.name, value, field.allowed(), "out of range", "超出范围")


# --------------------------------------------------------------------------- RunConfig
def n_params(layer_sizes: tuple[int, ...]) -> int:
    """Weights and biases of an MLP with these layer widths, e.g. 21 for (2, 5, 1)."""
    return sum((a + 1) * b for a, b in itertools.pairwise(layer_sizes))



def _d(name: str) -> Any:
    """The spec's default for a field: RunConfig takes its defaults from FIELDS, nowhere else."""
    return FIELD_BY_NAME[name].default


@dataclass(frozen=True)
class RunConfig:
    """Every knob of one training run; validated on construction (raises ConfigError).

    Defaults are the book's 4.3.1 setting: 2-5-1 sigmoid MLP, N(0, 1) weights, zero bias,
    SGD lr 0.2, 3000 full-batch epochs on moons (1000 samples, noise 0.1, 640/160/200).
    """

    dataset: str = _d("dataset")
    n_classes: int = _d("n_classes")
    n_samples: int = _d("n_samples")
    noise: float = _d("noise")
    train_frac: float = _d("train_frac")
    dev_frac: float = _d("dev_frac")
    data_seed: int = _d("data_seed")
    features: tuple[str, ...] = _d("features")
    hidden: tuple[int, ...] = _d("hidden")
    activation: str = _d("activation")
    leaky_slope: float = _d("leaky_slope")
    batch_norm: bool = _d("batch_norm")
    weight_init: str = _d("weight_init")
    weight_mean: float = _d("weight_mean")
    weight_std: float = _d("weight_std")
    weight_low: float = _d("weight_low")
    weight_high: float = _d("weight_high")
    weight_value: float = _d("weight_value")
    bias_init: float = _d("bias_init")
    optimizer: str = _d("optimizer")
    lr: float = _d("lr")
    momentum: float = _d("momentum")
    nesterov: bool = _d("nesterov")
    beta1: float = _d("beta1")
    beta2: float = _d("beta2")
    epochs: int = _d("epochs")
    batch_size: int = _d("batch_size")
    eval_steps: int = _d("eval_steps")
    weight_decay: float = _d("weight_decay")
    l1: float = _d("l1")
    clip_norm: float = _d("clip_norm")
    seed: int = _d("seed")

    def __post_init__(self) -> None:
        for f in FIELDS:
            value = _coerce(f, getattr(self, f.name))
            _check_bounds(f, value)
            object.__setattr__(self, f.name, value)
        _check_cross_fields(self)

    # -- derived sizes -------------------------------------------------------------
    @property
    def split_counts(self) -> tuple[int, int, int]:
        """(n_train, n_dev, n_test) rows, e.g. (640, 160, 200) for the defaults (Iris: 120, 15, 15 of 150)."""
        n = self.rows
        n_train = round(n * self.train_frac)
        n_dev = round(n * self.dev_frac)
        return n_train, n_dev, n - n_train - n_dev

    @property
    def rows(self) -> int:
        """Points in the dataset: n_samples, or a fixed table's size (Iris: 150)."""
        return DATASET_TABLE[self.dataset].rows or self.n_samples

    @property
    def n_classes_out(self) -> int:
        """Classes the data has (2 for binary, K >= 3 for multi-class, 0 for regression): see core.tasks."""
        return DATASET_TABLE[self.dataset].n_classes(self.n_classes)

    @property
    def n_inputs(self) -> int:
        """Input units: one per feature (2-D data), or the table's columns (Iris: 4)."""
        row = DATASET_TABLE[self.dataset]
        return len(self.features) if row.inputs == 2 else row.inputs

    @property
    def layer_sizes(self) -> tuple[int, ...]:
        """Widths from input to output, e.g. (2, 5, 1): one input unit per feature, K outputs for K >= 3 classes."""
        k = self.n_classes_out
        return (self.n_inputs, *self.hidden, k if k >= 3 else 1)

    @property
    def n_params(self) -> int:
        return n_params(self.layer_sizes)

    @property
    def steps_per_epoch(self) -> int:
        n_train = self.split_counts[0]
        if self.batch_size <= 0 or self.batch_size >= n_train:
            return 1
        return math.ceil(n_train / self.batch_size)

    @property
    def work(self) -> float:
        """Compute budget units: epochs x training rows x parameters."""
        return float(self.epochs) * self.split_counts[0] * self.n_params

    def replace(self, **changes: Any) -> RunConfig:
        return dataclasses.replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in FIELDS}

    def label(self, lang: str = "en") -> str:
        """Short human description: '2-5-1 sigmoid, normal, sgd lr=0.2, 3000 ep' (en), or in the zh choice
        labels '2-5-1 Logistic（sigmoid），正态分布（高斯）初始化，SGD 学习率 0.2，3000 轮' (zh)."""
        arch = "-".join(map(str, self.layer_sizes))
        if self.features != RAW_FEATURES:
            arch += f" ({','.join(self.features)})"
        if lang != "zh":
            return f"{arch} {self.activation}, {self.weight_init}, {self.optimizer} lr={self.lr:g}, {self.epochs} ep"
        init = INIT_TABLE[self.weight_init].zh
        init = init if init.endswith("初始化") else f"{init}初始化"
        optimizer = OPTIMIZER_LABELS[self.optimizer][0]
        return (f"{arch} {ACTIVATION_TABLE[self.activation].zh}，{init}，{optimizer} 学习率 {self.lr:g}，"
                f"{self.epochs} 轮")


def _check_cross_fields(c: RunConfig) -> None:
    if DATASET_TABLE[c.dataset].inputs != 2 and c.features != RAW_FEATURES:
        raise ConfigError("features", ",".join(c.features), "x1,x2 (the table's own columns) for this dataset",
                          f"feature crosses are made from 2-D points; {c.dataset} has "
                          f"{DATASET_TABLE[c.dataset].inputs} inputs of its own",
                          f"特征组合由二维的点计算；{c.dataset} 数据自带 {DATASET_TABLE[c.dataset].inputs} 个输入特征",
                          related=("dataset",), allowed_zh="x1,x2（即使用数据自己的各列）")
    n_train, n_dev, n_test = c.split_counts
    if n_train < 2 or n_dev < 1 or n_test < 1:
        raise ConfigError("dev_frac", c.dev_frac, "train_frac + dev_frac < 1 with at least one test row",
                          "no rows left for the test set", "测试集没有样本", related=("train_frac", "n_samples"),
                          allowed_zh="训练集比例 + 验证集比例 < 1，且测试集至少 1 个样本")
    if c.weight_init == "uniform" and c.weight_low > c.weight_high:
        raise ConfigError("weight_low", c.weight_low, f"<= weight_high ({c.weight_high:g})",
                          "low above high", "下界大于上界", related=("weight_high",),
                          allowed_zh=f"<= 上界 weight_high（{c.weight_high:g}）")
    if c.batch_norm and 0 < c.batch_size < 2:
        raise ConfigError("batch_size", c.batch_size, ">= 2 with batch norm (or 0 = full batch)",
                          "batch norm needs at least 2 rows per batch", "批量规范化每批至少需要 2 个样本",
                          related=("batch_norm",), allowed_zh=">= 2（使用批量规范化时；0 表示全批量）")
    if _BUDGET_CHECKED.get():
        check_budget(c, c.split_counts[0])


_BUDGET_CHECKED: contextvars.ContextVar[bool] = contextvars.ContextVar("budget_checked", default=True)


@contextlib.contextmanager
def budget_unchecked() -> Iterator[None]:
    """Within this block (this thread / context only) RunConfig does not check the compute budget.

    For what does not train (the CLI's grads and data commands, estimates of refused configs):
    train() always checks the budget itself.
    """
    token = _BUDGET_CHECKED.set(False)
    try:
        yield
    finally:
        _BUDGET_CHECKED.reset(token)


# what to change, per part of the estimate (core.budget.parts): (fields, en, zh)
_BUDGET_ADVICE = {
    "steps": (("epochs", "batch_size", "n_samples", "train_frac"),
              "lower epochs or raise batch_size (0 = full batch: one step per epoch)",
              "减少训练轮数或增大批大小（0 表示全批量：每轮一步）"),
    "optimizer": (("optimizer", "momentum", "weight_decay", "epochs", "batch_size"),
                  "use plain SGD (optimizer sgd, momentum 0, weight_decay 0), or fewer steps",
                  "改用普通 SGD（优化器 sgd、动量 0、权重衰减 0），或减少优化步数"),
    "batch_norm": (("batch_norm", "batch_size", "epochs"), "switch batch_norm off or raise batch_size",
                   "关闭批量规范化或增大批大小"),
    "penalties": (("clip_norm", "l1", "batch_size", "epochs"), "set clip_norm and l1 to 0, or use fewer steps",
                  "把梯度截断和 L1 正则设为 0，或减少优化步数"),
    "arithmetic": (("n_samples", "hidden", "epochs", "train_frac", "dev_frac"),
                   "lower n_samples, the number or width of hidden layers, or epochs",
                   "减少样本数、隐藏层的层数或宽度，或训练轮数"),
}


def check_budget(c: RunConfig, n_train: int, n_dev: int | None = None) -> float:
    """Raise ConfigError if training `c` on n_train (and n_dev) rows is estimated to take more than
    MAX_SECONDS on the reference machine (core.budget); else return the estimate in seconds.

    RunConfig checks it for its own dataset; train() checks it again for the data it is given
    (an uploaded CSV can have far more rows than the config's n_samples).
    """
    seconds = _budget.estimate_seconds(c, n_train, n_dev)
    if seconds <= MAX_SECONDS:
        return seconds
    shares = _budget.parts(c, n_train, n_dev)
    ranked = [k for k in sorted(shares, key=shares.get, reverse=True) if shares[k] >= 0.15 * seconds][:2]
    fields = list(dict.fromkeys(f for k in ranked for f in _BUDGET_ADVICE[k][0]))
    en = "; or ".join(_BUDGET_ADVICE[k][1] for k in ranked)
    zh = "；或".join(_BUDGET_ADVICE[k][2] for k in ranked)
    # epochs scales every part, so it is the field named first, unless even one epoch is too long
    with budget_unchecked():
        one_epoch = _budget.estimate_seconds(dataclasses.replace(c, epochs=1), n_train, n_dev)
    if one_epoch > MAX_SECONDS:
        fields = [f for f in fields if f != "epochs"] or ["batch_size"]
    else:
        fields = ["epochs", *fields]
    related = tuple(dict.fromkeys([*fields, *BUDGET_FIELDS]))
    field = related[0]
    raise ConfigError(field, getattr(c, field), f"an estimated training time <= {MAX_SECONDS:.0f} s",
                      f"estimated {seconds:,.0f} s of training, above the {MAX_SECONDS:.0f} s compute budget: {en}",
                      f"预计训练约 {seconds:,.0f} 秒，超过 {MAX_SECONDS:.0f} 秒的计算时间预算：请{zh}",
                      related=related[1:], allowed_zh=f"预计训练时间 <= {MAX_SECONDS:.0f} 秒")


def check_runs_time(configs: list[RunConfig], field: str = "epochs") -> None:
    """Raise ConfigError (naming `field`) if the runs one lesson button trains take longer, all
    together, than a sweep may (SWEEP_FACTOR * MAX_SECONDS, estimated on the reference machine)."""
    total = sum(_budget.estimate_seconds(c) for c in configs)
    cap = _budget.SWEEP_FACTOR * MAX_SECONDS
    if total > cap:
        value = getattr(configs[0], field)
        raise ConfigError(field, value, f"an estimated {cap:.0f} s for all {len(configs)} runs together",
                          f"the {len(configs)} runs would take about {total:,.0f} s together: lower epochs, "
                          f"samples or layer widths, or choose fewer runs",
                          f"{len(configs)} 次训练预计共需约 {total:,.0f} 秒：请减少训练轮数、样本数或每层神经元个数，"
                          f"或少选几项", allowed_zh=f"所有 {len(configs)} 次训练合计预计 <= {cap:.0f} 秒")


# --------------------------------------------------------------------------- URL / text
def format_value(field: Field, value: Any) -> str:
    """Serialize one field value for a URL or CLI flag."""
    if field.kind in ("layers", "features"):
        return ",".join(map(str, value))
    if field.kind == "bool":
        return "1" if value else "0"
    if field.kind == "float":
        return repr(float(value)).removesuffix(".0") if float(value).is_integer() else repr(float(value))
    return str(value)


def to_params(config: RunConfig, only_changed: bool = False) -> dict[str, str]:
    """Config -> {url key: text}; with only_changed, fields equal to the default are left out."""
    out = {}
    for f in FIELDS:
        value = getattr(config, f.name)
        if only_changed and value == f.default:
            continue
        out[f.name] = format_value(f, value)
    return out


@dataclass(frozen=True)
class ParamWarning:
    """A URL/CLI parameter that was not used as given; says which one, with the value the user gave.

    error None: an unknown parameter (ignored). repeated > 1: the key appeared that many times and the
    last value was used. Otherwise the value broke the spec, alone (error.field == field) or together
    with other settings (a cross-field rule or the compute budget), and the default was used instead.
    """

    field: str
    value: str
    error: ConfigError | None = None
    repeated: int = 0

    def message(self, lang: str = "en") -> str:
        zh = lang == "zh"
        field = _short(self.field, quote=False)
        if self.repeated > 1:
            return (f"参数 {_label_zh(self.field)} 出现了 {self.repeated} 次（{self.value}）；使用最后一个值" if zh
                    else f"{field} is given {self.repeated} times ({self.value}); the last value is used")
        if self.error is None:
            return f"未知参数 {field} 已忽略" if zh else f"unknown parameter {field} ignored"
        suffix = "；已改用默认值" if zh else "; the default is used instead"
        err = self.error
        if err.field == self.field:
            return err.message(lang) + suffix
        # a cross-field rule: the error describes the rule (possibly with another field's default value)
        reason = (err.reason_zh or err.reason) if zh else err.reason
        if zh:
            return (f"参数 {_label_zh(self.field)} 的值 {self.value} 未被采用：与其他设置一起不满足"
                    f"{_label_zh(err.field)}的规则（{reason}；允许：{err.allowed_zh}）{suffix}")
        return (f"{field}={self.value} is not used: together with the other settings it breaks the rule on "
                f"{err.field} ({reason}; allowed: {err.allowed}){suffix}")


def parse_params(params: Mapping[str, Any]) -> RunConfig:
    """Strict parse of text/typed values (CLI, presets): the first bad one raises ConfigError."""
    values = {}
    for key, raw in params.items():
        field = FIELD_BY_NAME.get(key)
        if field is None:
            raise ConfigError(str(key)[:MAX_TEXT], raw, ", ".join(FIELD_BY_NAME), "unknown parameter", "未知参数")
        value = _coerce(field, raw)
        _check_bounds(field, value)
        values[key] = value
    return RunConfig(**values)


def from_params(params: Mapping[str, Any], ignore: tuple[str, ...] = ()) -> tuple[RunConfig, list[ParamWarning]]:
    """Parse URL-style parameters; never raises.

    Each bad value is replaced by its default and reported as a ParamWarning. If the combination
    is still invalid (cross-field rules, compute budget), the offending fields fall back to their
    defaults one at a time until the config is valid.
    """
    values: dict[str, Any] = {}
    given: dict[str, str] = {}          # the text the user gave for each field, for messages
    warnings: list[ParamWarning] = []
    for key, raw in params.items():
        key = str(key)[:MAX_TEXT]
        if key in ignore:
            continue
        if isinstance(raw, list):  # repeated query keys: the last one wins, and the user is told
            if len(raw) > 1 and key in FIELD_BY_NAME:
                warnings.append(ParamWarning(key, _short(" | ".join(map(str, raw)), quote=False), repeated=len(raw)))
            raw = raw[-1] if raw else ""
        field = FIELD_BY_NAME.get(key)
        if field is None:
            warnings.append(ParamWarning(key, _short(raw)))
            continue
        try:
            value = _coerce(field, raw)
            _check_bounds(field, value)
        except ConfigError as err:
            warnings.append(ParamWarning(key, _short(raw), err))
            continue
        values[key] = value
        given[key] = _short(raw, quote=not isinstance(raw, str))
    for _ in range(len(FIELDS) + 1):
        try:
            return RunConfig(**values), warnings
        except ConfigError as err:
            culprit = next((name for name in (err.field, *err.related) if name in values), None)
            if culprit is None:  # pragma: no cover - defaults are always valid
                raise
            values.pop(culprit)
            warnings.append(ParamWarning(culprit, given[culprit], err))
    return RunConfig(), warnings  # pragma: no cover


# --------------------------------------------------------------------------- presets
# Each preset is a full setting: applied over the defaults, not over the current config.
PRESETS: dict[str, dict[str, Any]] = {
    "book_251": {},                                            # 4.3.1: 2-5-1 sigmoid, lr 0.2, 3000 epochs
    "book_2531": {"hidden": (5, 3)},                           # 4.3.1: a second hidden layer of 3 neurons
    "zero_init": {"weight_init": "zeros", "epochs": 5},        # 4.4.1: symmetric weights
    "vanishing": {"hidden": (3, 3, 3, 3), "weight_std": 0.01, "bias_init": 1.0, "lr": 0.01},   # 4.4.2
    "dead_relu": {"hidden": (3, 3, 3, 3), "weight_std": 0.01, "bias_init": -8.0, "lr": 0.01,   # 4.4.3
                  "activation": "relu"},
    "book_iris": {"dataset": "iris", "train_frac": 0.8, "dev_frac": 0.1, "hidden": (6,),   # 4.5: 4-6-3
                  "weight_std": 0.01, "bias_init": 1.0, "lr": 0.2, "batch_size": 16, "epochs": 150,
                  "eval_steps": 50},
    "spiral_3": {"dataset": "spiral", "n_classes": 3, "hidden": (16, 16), "activation": "tanh",  # beyond the book:
                 "optimizer": "adam", "lr": 0.02, "epochs": 1000},                              # 3 softmax outputs
}


def preset(name: str) -> RunConfig:
    """The RunConfig of a named preset (see PRESETS)."""
    return RunConfig(**PRESETS[name])
