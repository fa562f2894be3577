"""Every user-facing string that is not a config field (those live in core.config.FIELDS), in en and zh.

Chinese terms follow the book: 隐藏层, 学习率, 参数初始化, 梯度消失, 死亡 ReLU, 验证集 ...
"""

from __future__ import annotations

import re

from core.choices import ACTIVATION_TABLE, DATASET_TABLE, FEATURE_TABLE, INIT_TABLE
from core.config import OPTIMIZER_LABELS

LANGS = ("en", "zh")
LANG_NAMES = {"en": "English", "zh": "中文"}

CHOICE_LABELS: dict[str, dict[str, tuple[str, str]]] = {   # (en, zh): core.choices, core.config.OPTIMIZER_LABELS
    "dataset": {name: (row.en, row.zh) for name, row in DATASET_TABLE.items()},
    "activation": {name: (row.en, row.zh) for name, row in ACTIVATION_TABLE.items()},
    "weight_init": {name: (row.en, row.zh) for name, row in INIT_TABLE.items()},
    "optimizer": OPTIMIZER_LABELS,
    "features": {name: (row.en, row.zh) for name, row in FEATURE_TABLE.items()},    # one label per feature
}

STRINGS: dict[str, tuple[str, str]] = {
    # shell
    "app_title": ("NNDL ch.4 — feed-forward networks", "NNDL 第 4 章 —— 前馈神经网络"),
    "language": ("Language", "语言"),
    "page_train": ("Train", "训练"),
    "page_init": ("Initialization", "参数初始化"),
    "page_vanishing": ("Vanishing gradients", "梯度消失"),
    "page_dead_relu": ("Dead ReLU", "死亡 ReLU"),
    "page_manual": ("Autograd vs manual", "自动微分 vs 手写反向传播"),
    "page_grid": ("Grid search", "超参数网格搜索"),
    "page_data": ("Your data", "自己的数据"),
    "page_iris": ("Iris (4.5)", "鸢尾花分类（4.5）"),
    "group_data": ("Data", "数据"),
    "group_network": ("Network", "网络结构"),
    "group_init": ("Initialization", "参数初始化"),
    "group_training": ("Training", "训练"),
    "n_hidden_layers": ("Number of hidden layers", "隐藏层层数"),
    "layer_width": ("Neurons in hidden layer {k}", "第 {k} 个隐藏层的神经元个数"),
    "features_keep_one": ("The network needs at least one input feature.", "网络至少需要一个输入特征。"),
    "regenerate": ("New data (next seed)", "重新生成数据（下一个种子）"),
    "preset": ("Preset", "预设"),
    "choose_activations": ("Choose activations", "选择激活函数"),
    "choose_schemes": ("Choose initializations", "选择初始化方法"),
    "preset_help": ("The book's settings, by section: 4.3.1 2-5-1 sigmoid, lr 0.2, 3000 epochs (and with a second "
                    "hidden layer of 3); 4.4.1 zero initialization; 4.4.2 four hidden layers of 3, N(0, 0.01²) "
                    "weights, biases 1; 4.4.3 the same with ReLU and biases −8; 4.5 Iris, 4-6-3 with softmax, "
                    "mini-batches of 16, the dev set every 50 steps; beyond the book, a 3-class spiral that a 16-16 "
                    "tanh network learns with Adam. Choosing one applies it at once; "
                    "the box says “custom” when the settings match no preset.",
                    "书中各节的设置：4.3.1 2-5-1 sigmoid、学习率 0.2、3000 轮（以及再加一个 3 个神经元的隐藏层）；"
                    "4.4.1 全零初始化；4.4.2 四个 3 个神经元的隐藏层、N(0, 0.01²) 权重、偏置 1；4.4.3 同上但用 ReLU、"
                    "偏置 −8；4.5 鸢尾花，4-6-3 网络加 softmax，批大小 16，每 50 步在验证集上评价；课外：三类螺旋，"
                    "用 Adam 训练 16-16 的 tanh 网络即可学会。选择一项会立即应用；"
                    "当设置与任何预设都不同时，这里显示“自定义”。"),
    "preset_custom": ("custom", "自定义"),
    "preset_book_251": ("4.3.1 · 2-5-1 (book default)", "4.3.1 · 2-5-1（书中默认）"),
    "preset_book_2531": ("4.3.1 · 2-5-3-1", "4.3.1 · 2-5-3-1"),
    "preset_zero_init": ("4.4.1 · zero initialization", "4.4.1 · 全零初始化"),
    "preset_vanishing": ("4.4.2 · vanishing gradients", "4.4.2 · 梯度消失"),
    "preset_dead_relu": ("4.4.3 · dead ReLU", "4.4.3 · 死亡 ReLU"),
    "preset_book_iris": ("4.5 · Iris, 4-6-3 softmax", "4.5 · 鸢尾花，4-6-3 softmax"),
    "preset_spiral_3": ("beyond the book · 3-class spiral", "课外 · 三类螺旋"),
    "param_ignored": ("URL parameter ignored — {msg}", "链接参数已忽略 —— {msg}"),
    "config_invalid": ("Settings adjusted — {msg}", "设置已调整 —— {msg}"),
    "failed_view": ("Something went wrong while drawing this view; the rest of the app still works. Try other "
                    "settings, or reload the page. (The details are in the server log.)",
                    "绘制这一部分时出错；应用的其余部分仍可使用。请换一组设置，或刷新页面。（详细信息记录在服务器日志中。）"),
    "page_param_ignored": ("This page cannot use {name}={value} from the link; its default is used instead.",
                           "本页无法使用链接中的 {name}={value}；已改用默认值。"),
    "unknown_page": ("There is no page “{page}”: this is the Train page.", "没有名为“{page}”的页面：这里是训练页面。"),
    "share_link": ("Link to these exact settings", "当前设置的分享链接"),
    "share_help": ("Copy this link: it reproduces this run on any machine.",
                   "复制此链接：在任何机器上都能复现这次运行。"),
    "uploader_button": ("Upload", "上传"),
    "uploader_limit": ("{mb} MB per file", "每个文件不超过 {mb} MB"),
    # train page
    "training_progress": ("Training… epoch {epoch} / {epochs}", "训练中…… 第 {epoch} / {epochs} 轮"),
    "run_i_of_n": ("Run {i} / {n} ({run}) — {line}", "第 {i} / {n} 个运行（{run}）—— {line}"),
    "metric_test_acc": ("Test accuracy", "测试集准确率"),
    "metric_test_loss": ("Test loss", "测试集损失"),
    "metric_best_dev": ("Best dev accuracy", "验证集最佳准确率"),
    "metric_best_epoch": ("Best epoch", "最佳轮次"),
    "lesson_too_slow": ("These runs are too slow for one button: {reason}.", "这些训练对一次点击来说太慢：{reason}。"),
    "diverged": ("Training diverged at epoch {epoch} (loss or weights became NaN/inf). "
                 "Try a smaller learning rate or gradient clipping.",
                 "训练在第 {epoch} 轮发散（损失或参数变为 NaN/inf）。请减小学习率或开启梯度截断。"),
    "stopped": ("Training was stopped at epoch {epoch}.", "训练在第 {epoch} 轮被停止。"),
    "chart_loss": ("Loss (binary cross-entropy)", "损失（二分类交叉熵）"),
    "chart_acc": ("Accuracy", "准确率"),
    "chart_boundary": ("Decision boundary: predicted probability of class 1", "决策边界：预测为类别 1 的概率"),
    "chart_grad_norms": ("Weight-gradient L2 norm per layer over training (log scale)",
                         "训练过程中各层权重梯度的 L2 范数（对数坐标）"),
    "epoch": ("epoch", "轮次"),
    "loss": ("loss", "损失"),
    "accuracy": ("accuracy", "准确率"),
    "split": ("split", "数据集"),
    "train": ("train", "训练集"),
    "dev": ("dev", "验证集"),
    "test": ("test", "测试集"),
    "layer": ("layer", "层"),
    "grad_l2": ("gradient L2 norm", "梯度 L2 范数"),
    "label": ("class", "类别"),
    "best_epoch_rule": ("best epoch", "最佳轮次"),
    "col_layer": ("layer", "层"), "col_param": ("parameter", "参数"), "col_shape": ("shape", "形状"),
    "col_grad_l2": ("L2 norm", "L2 范数"), "col_grad_mean_abs": ("mean |g|", "平均 |g|"),
    "col_grad_max_abs": ("max |g|", "最大 |g|"), "col_dead_units": ("dead units", "死亡神经元"),
    "col_vanishing": ("vanishing", "梯度消失"), "col_exploding": ("exploding", "梯度爆炸"),
    "col_flag": ("flag", "标记"),
    "param_weight": ("weight", "权重"), "param_bias": ("bias", "偏置"),
    "run": ("run", "运行"),
    "none": ("—", "—"),
}


def _merge_page_strings() -> None:
    from ui.strings import collect

    for key, pair in collect().items():
        if key in STRINGS:
            raise ValueError(f"string key {key!r} defined in ui/i18n.py and in ui/strings/")
        STRINGS[key] = pair


_merge_page_strings()


def t(key: str, lang: str, **fmt: object) -> str:
    """The string `key` in `lang` ('en' or 'zh'), formatted with `fmt`."""
    en, zh = STRINGS[key]
    text = zh if lang == "zh" else en
    return text.format(**fmt) if fmt else text


PARAM_WORDS = ("weight", "bias")       # a layer's parameters as torch names them; text: param_<word>
_PARAM_WORD = re.compile(r"(\.?)\b(" + "|".join(PARAM_WORDS) + r")\b")


def param_label(name: str, lang: str) -> str:
    """A parameter as tables and charts show it: torch's name in English ('fc1.weight'), its word translated
    in Chinese ('weight' -> '权重', 'fc1.bias' -> 'fc1 偏置', 'fc1.weight[i,0]' -> 'fc1 权重[i,0]')."""
    if lang != "zh":
        return str(name)
    return _PARAM_WORD.sub(lambda m: (" " if m.group(1) else "") + t(f"param_{m.group(2)}", lang), str(name))


def list_text(items, lang: str) -> str:
    """Items as a list in running text: 'a, b' (en), 'a、b' (zh)."""
    return ("、" if lang == "zh" else ", ").join(map(str, items))


def features_text(names, lang: str) -> str:
    """A set of input features as shown: their labels, 'x₁², x₂²'."""
    return ", ".join(choice_label("features", name, lang) for name in names)


def class_names(dataset: str, k: int, lang: str) -> list[str]:
    """What the classes of a dataset are called: a table's own (Iris's species, in `lang`), else 0 .. K-1."""
    names = DATASET_TABLE[dataset].class_names if dataset in DATASET_TABLE else ()
    if len(names) == k:
        return [t(f"class_{name}", lang) for name in names]
    return [str(i) for i in range(k)]


def input_names(dataset: str, d: int, lang: str) -> tuple[str, ...]:
    """What the inputs of a dataset are called: a table's own columns (Iris's measurements, in `lang`), else
    x1 .. xD."""
    names = DATASET_TABLE[dataset].input_names if dataset in DATASET_TABLE else ()
    if len(names) == d:
        return tuple(t(f"input_{name}", lang) for name in names)
    return tuple(f"x{j + 1}" for j in range(d))


def choice_label(field: str, value: str, lang: str) -> str:
    """Display label of a choice value (falls back to the value itself)."""
    pair = CHOICE_LABELS.get(field, {}).get(value)
    if pair is None:
        return str(value)
    return pair[1] if lang == "zh" else pair[0]
