"""Strings of the Vanishing gradients page (book 4.4.2) and of the gradient charts it shares with Dead ReLU."""

STRINGS: dict[str, tuple[str, str]] = {
    # ---- page text ----
    "vanishing_intro": (
        "A deep, narrow network with tiny initial weights: how much gradient reaches each layer? "
        "The chart below is the book's Figure 4.4, computed live from the sidebar setting.",
        "一个又深又窄、初始权重很小的网络：每一层能收到多少梯度？下图即书中的图 4.4，按侧边栏的设置实时计算。"),
    "vanishing_why": ("What to look at, why it happens, what fixes it", "看什么、为什么、怎么解决"),
    "vanishing_explain": (
        "**What to look at.** Each point is the L2 norm of one layer's weight gradient after a single backward "
        "pass, from fc1 (next to the input) to the output layer. The y axis is logarithmic: one grid step is a "
        "factor of ten. A line that falls steeply towards fc1 means the first layers hardly learn.\n\n"
        "**Why it happens.** Backpropagation carries the error from the output towards the input and, at every "
        "layer, multiplies it by that layer's weights and by the slope of its activation. The sigmoid's slope "
        "is never above 0.25 (with the bias at 1.0 it is about 0.2), and weights drawn with std 0.01 are small "
        "too, so each layer shrinks the signal by a factor of a few hundred. After four hidden layers almost "
        "nothing is left for fc1: its weights stay where they started, whatever the learning rate. ReLU's slope "
        "is exactly 1 for positive inputs, so only the small weights shrink the signal and the early layers "
        "keep hundreds of times more gradient.\n\n"
        "**What fixes it.** A non-saturating activation (ReLU and its variants); initial weights scaled to the "
        "layer width (He initialization); batch normalization, which re-centres and re-scales every hidden "
        "layer; an optimizer that sizes each parameter's step by its own gradient history (Adam). Gradient "
        "clipping only caps *large* gradients: it is the cure for exploding gradients and cannot enlarge small "
        "ones. Train the runs at the bottom of the page to see each remedy at work.",
        "**看什么。** 每个点是一层权重梯度在一次反向传播之后的 L2 范数，从 fc1（紧挨输入）一直到输出层。纵轴是对数"
        "坐标：每一格相差 10 倍。如果曲线朝 fc1 方向急剧下降，说明前面几层几乎学不到东西。\n\n"
        "**为什么。** 反向传播把误差从输出层一路传回输入层，每经过一层都要乘上这一层的权重和激活函数的导数。"
        "Logistic（sigmoid）函数的导数最大只有 0.25（偏置为 1.0 时约为 0.2），而标准差为 0.01 的权重也很小，"
        "所以每经过一层，信号都会缩小几百倍。穿过四个隐藏层之后，留给 fc1 的梯度几乎为零：无论学习率多大，"
        "它的权重都停在初始值附近。ReLU 在正半轴的导数恰好为 1，只剩下小权重在缩小信号，"
        "因此前几层得到的梯度要大几百倍。\n\n"
        "**怎么解决。** 使用不饱和的激活函数（ReLU 及其变种）；按层宽缩放初始权重（He 初始化）；"
        "批量规范化，把每个隐藏层的输出重新居中、缩放；使用按各参数自身梯度历史调整步长的优化器（Adam）。"
        "梯度截断只会压低*过大*的梯度：它针对的是梯度爆炸，无法把过小的梯度变大。"
        "在页面底部训练这些对比运行，就能看到每种方法的实际效果。"),
    "vanishing_acts": ("Activations to compare", "要比较的激活函数"),
    "vanishing_acts_help": (
        "Each activation gets the same network, data and initial weights; only the hidden activation differs.",
        "每个激活函数使用相同的网络、数据和初始权重，只有隐藏层的激活函数不同。"),
    "vanishing_reset": ("Reset to the textbook setting", "恢复书中的设置"),
    "vanishing_reset_help": (
        "Book 4.4.2: 5 linear layers (2-3-3-3-3-1), weights N(0, 0.01²), bias 1.0, learning rate 0.01; "
        "sigmoid vs ReLU.",
        "书 4.4.2：5 个线性层（2-3-3-3-3-1），权重 N(0, 0.01²)，偏置 1.0，学习率 0.01；比较 sigmoid 与 ReLU。"),
    "vanishing_setting": (
        "Setting: network {arch} ({n} linear layers), weight init {init} (std {std}), bias {bias}, learning rate "
        "{lr}, {epochs} epochs. Change depth, std, bias and learning rate in the sidebar.",
        "当前设置：网络 {arch}（{n} 个线性层），权重初始化 {init}（标准差 {std}），偏置 {bias}，学习率 {lr}，"
        "训练 {epochs} 轮。层数、标准差、偏置和学习率可在侧边栏修改。"),
    "vanishing_first_step": ("After the first step: gradient per layer", "第一步之后：各层的梯度"),
    "vanishing_metric_fc1": ("fc1 weight gradient — {act}", "fc1 权重梯度 —— {act}"),
    "vanishing_metric_help": ("L2 norm of the first layer's weight gradient; fc{k} (output layer) gets {last}.",
                              "第一层权重梯度的 L2 范数；输出层 fc{k} 得到的是 {last}。"),
    "vanishing_pick_one": ("Choose at least one activation to compare.", "请至少选择一个激活函数。"),
    "vanishing_series_act": ("activation", "激活函数"),
    "vanishing_table_caption": (
        "The same numbers as a table: L2 norm of each layer's weight gradient after one backward pass.",
        "同样的数据列成表：一次反向传播之后每一层权重梯度的 L2 范数。"),
    "vanishing_training": ("Over training: do the early layers ever start learning?",
                           "训练过程中：前面几层最终能学起来吗？"),
    "vanishing_training_caption": (
        "The baseline is the sidebar setting ({act}); each remedy switched on below adds one run that differs "
        "from the baseline in that remedy only. Every run records the gradient of every layer at every epoch.",
        "基线就是侧边栏的设置（{act}）；下面每打开一种改进方法，就多训练一个只在这一点上与基线不同的运行。"
        "每个运行都会记录每一轮每一层的梯度。"),
    "vanishing_remedy_refused": ("The {remedy} run is left out: {reason}.", "“{remedy}”这一组训练未运行：{reason}。"),
    "vanishing_fix_relu": ("ReLU", "ReLU 激活函数"),
    "vanishing_fix_relu_help": ("Hidden activation ReLU instead of the sidebar's.", "隐藏层改用 ReLU 激活函数。"),
    "vanishing_fix_he_init": ("He init", "He 初始化"),
    "vanishing_fix_he_init_help": ("Weights from He (Kaiming) normal: std √(2 / fan_in) instead of the sidebar's.",
                                   "权重改用 He（Kaiming）正态初始化：标准差为 √(2 / 输入维数)。"),
    "vanishing_fix_batch_norm": ("Batch norm", "批量规范化"),
    "vanishing_fix_batch_norm_help": ("BatchNorm after every hidden linear layer.",
                                      "在每个隐藏线性层之后加批量规范化。"),
    "vanishing_fix_adam": ("Adam", "Adam 优化器"),
    "vanishing_fix_adam_help": ("Adam (same learning rate) instead of plain SGD.", "用 Adam（学习率不变）代替 SGD。"),
    "vanishing_fix_clip": ("Clipping", "梯度截断"),
    "vanishing_fix_clip_help": ("Clip the total gradient L2 norm to 1.0 before each step.",
                                "每一步更新前把梯度总 L2 范数截断到 1.0。"),
    "vanishing_run_baseline": ("baseline ({act})", "基线（{act}）"),
    "vanishing_run_relu": ("+ ReLU", "+ ReLU"),
    "vanishing_run_he_init": ("+ He init", "+ He 初始化"),
    "vanishing_run_batch_norm": ("+ batch norm", "+ 批量规范化"),
    "vanishing_run_adam": ("+ Adam", "+ Adam"),
    "vanishing_run_clip": ("+ gradient clipping", "+ 梯度截断"),
    "vanishing_train_button": ("Train these {n} runs, {epochs} epochs each", "训练这 {n} 个运行，每个 {epochs} 轮"),
    "vanishing_press_train": (
        "Press the button to train these runs (one to five seconds each on a laptop); the results are cached, so "
        "coming back is instant.",
        "点击按钮训练这些运行（在笔记本电脑上每个约一到五秒）；结果会被缓存，再次打开时立即显示。"),
    "vanishing_progress": ("Run {i} / {n} ({run}) — epoch {epoch} / {epochs}", "第 {i} / {n} 个运行（{run}）—— 第 "
                                                                              "{epoch} / {epochs} 轮"),
    "vanishing_training_read": (
        "Read each panel from left to right: a row that stays dark purple never gets a usable gradient. With the "
        "baseline, fc1 stays many orders of magnitude below the output layer for the whole run. Clipping leaves "
        "the picture unchanged (the gradients are recorded before clipping, and clipping never enlarges them), "
        "while He init and batch norm lift every layer from the first epoch, and Adam makes the early layers move "
        "even though their raw gradients start tiny.",
        "每个面板从左往右看：一直保持深紫色的那一行始终没有得到可用的梯度。基线中 fc1 在整个训练过程中都比输出层"
        "小好几个数量级。梯度截断不改变这幅图（梯度在截断之前记录，而截断从不放大梯度）；He 初始化和批量规范化"
        "从第一轮起就抬高了每一层的梯度；Adam 则让前几层即使原始梯度很小也能动起来。"),
    "vanishing_summary": ("Summary of the runs", "各运行汇总"),
    # ---- charts and tables (shared with the Dead ReLU page) ----
    "vanishing_zero_exact": ("0 (exactly)", "0（精确为零）"),
    "vanishing_chart_first": ("Weight-gradient L2 norm per layer after the first step (log scale)",
                              "第一步之后各层权重梯度的 L2 范数（对数坐标）"),
    "vanishing_chart_zero_note": ("▼ on the dashed line = exactly 0 (a log axis has no 0)",
                                  "虚线上的 ▼ 表示梯度精确为 0（对数坐标无法画出 0）"),
    "vanishing_chart_zero_floor": ("gradients that are exactly 0 are drawn on this line",
                                   "精确为 0 的梯度画在这条线上"),
    "vanishing_chart_heat": ("Weight-gradient L2 norm per layer over training", "训练过程中各层权重梯度的 L2 范数"),
    "vanishing_chart_heat_sub": ("colour = log₁₀ of the norm, shared by all panels; black = exactly 0",
                                 "颜色 = 范数的 log₁₀（所有面板共用同一色标）；黑色 = 精确为 0"),
    "vanishing_chart_log10": ("log₁₀ L2 norm", "log₁₀ L2 范数"),
    "vanishing_col_run": ("run", "运行"),
    "vanishing_col_test_acc": ("test accuracy", "测试集准确率"),
    "vanishing_col_train_loss": ("final train loss", "最终训练损失"),
    "vanishing_col_fc1_first": ("fc1 gradient, first epoch", "fc1 梯度（第一轮）"),
    "vanishing_col_fc1_last": ("fc1 gradient, last epoch", "fc1 梯度（最后一轮）"),
    "vanishing_col_dead": ("dead units at the end", "训练结束时的死亡神经元"),
    "vanishing_col_diverged": ("diverged at epoch", "发散于第几轮"),
}
