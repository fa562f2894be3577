"""Strings of the Dead ReLU page (book 4.4.3)."""

STRINGS: dict[str, tuple[str, str]] = {
    "dead_relu_intro": (
        "The vanishing-gradient network again, but every bias starts at a large negative value. ReLU units that "
        "output 0 for every input pass back no gradient at all: compare ReLU with Leaky ReLU and ELU.",
        "仍是梯度消失实验中的网络，但所有偏置都初始化为一个很大的负数。对所有输入都输出 0 的 ReLU 神经元"
        "完全传不回梯度：把 ReLU 与 Leaky ReLU 和 ELU 放在一起比较。"),
    "dead_relu_why": ("What to look at, why it happens, what fixes it", "看什么、为什么、怎么解决"),
    "dead_relu_explain": (
        "**What to look at.** With biases at −8 and weights of about 0.01, every hidden unit receives a "
        "pre-activation close to −8 for every training point. The table lists each layer's gradient after one "
        "backward pass. For ReLU the weight gradients are not small, they are *exactly* 0 (the table says so "
        "and the chart marks them ▼ on a separate line); for Leaky ReLU they are tiny but non-zero.\n\n"
        "**Why it happens.** ReLU outputs 0 for a negative input and its derivative there is 0. A unit that is "
        "negative on every input is *dead*: it sends nothing forward and lets nothing back. With all hidden units "
        "dead, only the output layer's bias gets a gradient; gradient descent never changes any other parameter, "
        "so the units stay dead for the whole run.\n\n"
        "**What fixes it.** Leaky ReLU keeps a small slope α for negative inputs, so each dead-looking layer still "
        "passes back α times the signal. fc1's gradient crosses every hidden layer and picks up one factor α at "
        "each: with {n} hidden layers it grows like α^{n}, so raising α from 0.01 to 0.1 makes it about {gain} times "
        "larger (see the slope chart). ELU's slope at −8 is e⁻⁸ ≈ 0.0003, smaller than 0.01, so its early layers "
        "get even less. A bias closer to 0 (the slider) brings ReLU itself back to life.",
        "**看什么。** 偏置为 −8、权重约为 0.01 时，每个隐藏神经元在每个训练样本上的净输入都接近 −8。表中列出一次反向"
        "传播后每一层的梯度。对 ReLU 来说，权重梯度不是“很小”，而是*精确为 0*（表中直接写明，图中用单独一条线上的 ▼ "
        "标出）；Leaky ReLU 的梯度很小，但不为 0。\n\n"
        "**为什么。** ReLU 在输入为负时输出 0，导数也是 0。在所有输入上都为负的神经元就“死亡”了：它既不向前传递信息，"
        "也不向后传递梯度。所有隐藏神经元都死亡时，只有输出层的偏置能得到梯度；梯度下降再也不会改变其他任何参数，"
        "这些神经元在整个训练过程中都不会复活。\n\n"
        "**怎么解决。** Leaky ReLU 在负半轴保留一个小斜率 α，于是每一层仍能把 α 倍的信号传回去。fc1 的梯度要穿过"
        "所有隐藏层，每穿过一层就乘上一个 α：有 {n} 个隐藏层时大约按 α^{n} 变化，所以把 α 从 0.01 调到 0.1，"
        "梯度会变大约 {gain} 倍（见斜率图）。ELU 在 −8 处的导数是 e⁻⁸ ≈ 0.0003，比 0.01 还小，"
        "所以它前几层的梯度更小。把偏置调得更接近 0（滑块）也能让 ReLU 本身恢复。"),
    "dead_relu_bias": ("Bias init (every layer)", "偏置初始值（所有层）"),
    "dead_relu_bias_help": ("The same value as 'Bias constant' in the sidebar (book: −8).",
                            "与侧边栏中的“偏置初始值”相同（书中为 −8）。"),
    "dead_relu_slope": ("Leaky ReLU slope α", "Leaky ReLU 斜率 α"),
    "dead_relu_slope_help": ("Slope of Leaky ReLU for negative inputs (PyTorch default 0.01); the same value as "
                             "in the sidebar.", "Leaky ReLU 在负半轴的斜率（PyTorch 默认 0.01）；与侧边栏中的值相同。"),
    "dead_relu_acts": ("Activations to compare", "要比较的激活函数"),
    "dead_relu_acts_help": ("Same network, data and initial weights; only the hidden activation differs.",
                            "相同的网络、数据和初始权重，只有隐藏层的激活函数不同。"),
    "dead_relu_reset": ("Reset to the textbook setting", "恢复书中的设置"),
    "dead_relu_reset_help": ("Book 4.4.3: 2-3-3-3-3-1, weights N(0, 0.01²), bias −8, learning rate 0.01; "
                             "ReLU vs Leaky ReLU (0.01) vs ELU.",
                             "书 4.4.3：2-3-3-3-3-1，权重 N(0, 0.01²)，偏置 −8，学习率 0.01；"
                             "比较 ReLU、Leaky ReLU（0.01）与 ELU。"),
    "dead_relu_first_step": ("After the first step", "第一步之后"),
    "dead_relu_metric_dead": ("Dead units — {act}", "死亡神经元 —— {act}"),
    "dead_relu_metric_dead_help": ("Hidden units that output exactly 0 on every training point, out of all "
                                   "hidden units.", "在所有训练样本上输出都精确为 0 的隐藏神经元数 / 隐藏神经元总数。"),
    "dead_relu_metric_fc1": ("fc1 weight gradient — {act}", "fc1 权重梯度 —— {act}"),
    "dead_relu_table_caption": (
        "L2 norm of every parameter's gradient after one backward pass. \"0 (exactly)\" is a true zero, not a "
        "rounded small number.",
        "一次反向传播之后每个参数梯度的 L2 范数。“0（精确为零）”是真正的 0，而不是四舍五入后的小数。"),
    "dead_relu_dead_caption": ("Dead units per hidden layer at initialization (dead / layer width).",
                               "初始化时每个隐藏层的死亡神经元（死亡数 / 该层神经元数）。"),
    "dead_relu_slope_title": ("Why a larger slope helps", "为什么斜率大一些更好"),
    "dead_relu_slope_caption": (
        "First-step gradients of the Leaky ReLU network for several slopes (everything else as above). On log-log "
        "axes each line is straight: the earliest layers have the steepest lines, since their gradient carries "
        "one factor α per hidden layer it crosses.",
        "不同斜率下 Leaky ReLU 网络第一步的梯度（其余设置同上）。在双对数坐标下每条线都是直线：越靠前的层线越陡，"
        "因为它的梯度每穿过一个隐藏层就多乘一个 α。"),
    "dead_relu_chart_slope": ("First-step weight-gradient L2 norm vs Leaky ReLU slope (log-log)",
                              "第一步权重梯度 L2 范数与 Leaky ReLU 斜率的关系（双对数坐标）"),
    "dead_relu_slope_axis": ("Leaky ReLU slope α", "Leaky ReLU 斜率 α"),
    "dead_relu_slope_now": ("current slope", "当前斜率"),
    "dead_relu_training": ("After training", "训练之后"),
    "dead_relu_training_caption": (
        "One run per activation with the sidebar setting ({epochs} epochs). Does any unit come back to life? "
        "Do the early layers ever get a usable gradient?",
        "每个激活函数各训练一次，使用侧边栏的设置（{epochs} 轮）。有神经元复活吗？前几层最终得到可用的梯度了吗？"),
    "dead_relu_metric_test_acc": ("Test accuracy — {act}", "测试集准确率 —— {act}"),
    "dead_relu_training_read": (
        "ReLU at a strongly negative bias: every cell is black (exactly 0) at every epoch, the units stay dead "
        "and the test accuracy stays at chance level. Leaky ReLU keeps every unit alive, but with α = 0.01 the "
        "first layers' gradients stay far too small to matter; try α = 0.3.",
        "偏置为很大的负数时的 ReLU：每一轮每一格都是黑色（精确为 0），神经元始终处于死亡状态，测试准确率停留在随机"
        "猜测的水平。Leaky ReLU 让所有神经元都保持活跃，但 α = 0.01 时前几层的梯度始终太小，起不了作用；"
        "试试 α = 0.3。"),
    "dead_relu_layers": ("Per layer: dead units and weight gradients, before and after training",
                         "逐层：训练前后的死亡神经元与权重梯度"),
    "dead_relu_col_dead_init": ("dead units at init", "初始死亡神经元"),
    "dead_relu_col_dead_final": ("dead units at the end", "结束时死亡神经元"),
    "dead_relu_col_grad_first": ("gradient, first step", "梯度（第一步）"),
    "dead_relu_col_grad_last": ("gradient, final weights", "梯度（最终参数）"),
}
