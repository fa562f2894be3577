"""Strings of the "Autograd vs manual" page (book 4.2 hand-written backprop vs 4.3 autograd)."""

STRINGS = {
    # ---- top
    "manual_intro": (
        "Section 4.2 of the book works out every derivative of the network on paper and codes the backward pass "
        "by hand; section 4.3 leaves it to PyTorch's **autograd**. Here both run on the same training data and "
        "start from the same initial weights (the sidebar's network and initialization), so you can check that "
        "they are one and the same computation — and see what autograd spares you.",
        "书中 4.2 节在纸上推导网络的每一个导数，并手工编写反向传播；4.3 节则交给 PyTorch 的**自动微分（autograd）**。"
        "本页让两者使用同一份训练数据、从同一组初始参数出发（即侧边栏中的网络结构与参数初始化），"
        "从而验证它们是同一个计算过程，并看清自动微分替我们省掉了什么。"),
    "manual_explain_title": ("What to look at, why it happens, what can go wrong",
                             "看什么、为什么、哪里会出问题"),
    "manual_explain": (
        "**What to look at.** (1) The two gradient columns agree to about 1e-16: that is rounding, not a different "
        "method. (2) A centred finite difference, which knows nothing about the chain rule, confirms the "
        "hand-written gradients to about 1e-9. (3) The two training curves lie exactly on top of each other. "
        "(4) The code at the bottom: every `backward` on the left is work that `loss.backward()` does on the right.\n\n"
        "**Why.** Backpropagation is the chain rule applied from the loss back to fc1, one layer at a time: "
        "a linear layer turns δ into dW = δᵀX, db = Σδ and passes δW back; an activation multiplies δ by its "
        "derivative. Autograd records the forward operations as a graph and applies exactly these local "
        "derivatives in reverse order, so the numbers coincide. What it saves is effort and mistakes, not "
        "accuracy: no derivation per new layer or loss, no forgotten transpose.\n\n"
        "**What can go wrong — numerically, not conceptually.** When an output saturates (ŷ rounds to 0 or 1) the "
        "book's loss gradient −(y/ŷ − (1−y)/(1−ŷ))/N divides by zero or loses its digits; fusing the output "
        "sigmoid with the loss gives (ŷ − y)/N, which is what autograd's `binary_cross_entropy_with_logits` "
        "computes — tick the fused option below to do the same by hand. At a ReLU kink (pre-activation exactly 0) "
        "finite differences average the two one-sided slopes while backprop takes one of them: a large "
        "relative error there is expected. When gradients vanish, the finite differences drown in rounding noise.",
        "**看什么。** (1) 两列梯度相差约 1e-16：这只是舍入误差，而不是算法不同。(2) 中心差分完全不知道链式法则，"
        "它也以约 1e-9 的精度证实了手写的梯度。(3) 两条训练曲线完全重合。"
        "(4) 页面底部的代码：左边每一个 `backward`，就是右边一行 `loss.backward()` 替你完成的工作。\n\n"
        "**为什么。** 反向传播就是从损失出发、逐层回到 fc1 的链式法则：线性层由误差项 δ 得到 dW = δᵀX、"
        "db = Σδ，并把 δW 传给前一层；激活函数则把 δ 乘以自身的导数。自动微分在前向计算时把运算记录成计算图，"
        "再按相反顺序套用同样的局部导数，因此结果逐位一致。它省下的是推导与出错的机会，而不是精度："
        "新增一层或换一个损失函数都不必重新推导，也不会漏掉一个转置。\n\n"
        "**哪里会出问题 —— 数值上，而非原理上。** 当输出饱和（ŷ 舍入成 0 或 1）时，书中损失的梯度 "
        "−(y/ŷ − (1−y)/(1−ŷ))/N 会除以零或丢失有效数字；把输出层的 Logistic 函数与损失合并，梯度化简为 "
        "(ŷ − y)/N，这正是自动微分所用的 `binary_cross_entropy_with_logits` —— 勾选下方的合并选项即可手工做到同样的事。"
        "在 ReLU 的折点处（净输入恰为 0），中心差分取两侧斜率的平均，而反向传播只取其中一侧，"
        "此时相对误差大是正常的。梯度消失时，差分结果会被舍入噪声淹没。"),
    "manual_task_multiclass": (
        "This data has {k} classes, so the output layer has {k} units, a softmax turns their logits z into "
        "probabilities and the loss is the mean cross-entropy (the book's 4.5). By hand its backward is one line, "
        "dL/dz = (softmax(z) − onehot(y)) / N: the K-class form of the fused sigmoid + BCE step (ŷ − y)/N.",
        "这份数据有 {k} 个类别，因此输出层有 {k} 个神经元，用 Softmax 把净输出 z 变成概率，"
        "损失为平均交叉熵（书中 4.5 节）。手写时它的反向计算只有一行：dL/dz = (softmax(z) − onehot(y)) / N，"
        "即合并 Logistic 与二分类交叉熵的 (ŷ − y)/N 在 K 类时的形式。"),
    "manual_task_regression": (
        "This data asks for a number, not a class, so the output is one linear unit z and the loss is the mean "
        "squared error L = Σ (z − y)² / N. By hand its backward is one line: dL/dz = 2 (z − y) / N.",
        "这份数据要预测的是一个数值而不是类别，因此输出层是一个线性神经元 z，损失为均方误差 L = Σ (z − y)² / N。"
        "手写时它的反向计算只有一行：dL/dz = 2 (z − y) / N。"),
    "manual_reset": ("Reset to the textbook setting (2-5-1 sigmoid, lr 0.2)",
                     "恢复书中的设置（2-5-1 Logistic，学习率 0.2）"),
    "manual_ignored": (
        "The hand-written network trains with plain full-batch gradient descent on the data loss at learning "
        "rate {lr}; both sides do so here. These sidebar settings are not used on this page: {fields}.",
        "手写网络只实现了对数据损失的全批量梯度下降（学习率 {lr}），本页两边都这样训练。"
        "以下侧边栏设置在本页不起作用：{fields}。"),
    "manual_bn": ("Batch norm is not part of the hand-written network: both sides run without it here.",
                  "手写网络没有批量规范化：本页两边都不使用它。"),
    "manual_fused": ("Fuse the output sigmoid with the loss: dL/dz = (ŷ − y)/N",
                     "合并输出层 Logistic 与损失：dL/dz = (ŷ − y)/N"),
    "manual_fused_help": (
        "Off: the book's two steps, dL/dŷ = −(y/ŷ − (1−y)/(1−ŷ))/N, then times ŷ(1−ŷ). On: one step, exact even "
        "when ŷ rounds to 0 or 1 (what autograd's loss does).",
        "关闭：书中的两步，先求 dL/dŷ = −(y/ŷ − (1−y)/(1−ŷ))/N，再乘以 ŷ(1−ŷ)。"
        "开启：一步得到结果，即使 ŷ 舍入为 0 或 1 也准确（自动微分所用的损失就是这样）。"),
    "manual_running": ("Computing…", "计算中……"),
    # ---- 1 gradients
    "manual_sec_grads": ("1 · Gradients at the initial weights", "1 · 初始参数处的梯度"),
    "manual_grads_caption": (
        "One forward and backward pass over the {n} training rows, in float64, by hand and by autograd.",
        "在 {n} 个训练样本上各做一次前向与反向计算（float64），一边手写，一边用自动微分。"),
    "manual_metric_loss_manual": ("Loss, hand-written", "损失（手写）"),
    "manual_metric_loss_autograd": ("Loss, autograd", "损失（自动微分）"),
    "manual_metric_max_diff": ("Largest |difference| of any entry", "所有梯度分量的最大 |差值|"),
    "manual_grads_ok": ("Every gradient entry agrees to within {tol:.0e}: same chain rule, only rounding differs.",
                        "每个梯度分量的差都小于 {tol:.0e}：同一个链式法则，只有舍入误差不同。"),
    "manual_grads_bad": ("The largest difference, {diff:.2e}, is above {tol:.0e}.",
                         "最大差值 {diff:.2e} 超过了 {tol:.0e}。"),
    "manual_saturated": (
        "{n} training rows have an output ŷ that rounds to exactly 0 or 1. There the book's formula would divide "
        "by zero; the hand-written loss clamps ŷ (as `torch.nn.BCELoss` does), so those rows add a capped loss and "
        "no gradient, "
        "while autograd still gets (ŷ − y)/N. Tick the fused option above to get the exact gradient by hand too.",
        "有 {n} 个训练样本的输出 ŷ 恰好舍入为 0 或 1。书中的公式在这些样本上会除以零；手写的损失像 "
        "`torch.nn.BCELoss` 一样截断 ŷ，因此这些样本的损失被封顶、也不产生梯度，而自动微分仍得到 (ŷ − y)/N。"
        "勾选上方的合并选项，手写版本也能得到准确的梯度。"),
    "manual_col_param": ("parameter", "参数"),
    "manual_col_shape": ("shape", "形状"),
    "manual_col_manual_grad_l2": ("‖g‖ hand-written", "‖g‖ 手写"),
    "manual_col_autograd_grad_l2": ("‖g‖ autograd", "‖g‖ 自动微分"),
    "manual_col_max_abs_diff": ("max |difference|", "最大 |差值|"),
    "manual_col_rel_diff": ("relative difference", "相对差值"),
    "manual_col_status": ("check", "检验"),
    "manual_chart_grads": ("Gradient L2 norm per parameter: hand-written vs autograd",
                           "各参数的梯度 L2 范数：手写 vs 自动微分"),
    "manual_axis_grad_l2": ("gradient L2 norm", "梯度 L2 范数"),
    "manual_axis_param": ("parameter", "参数"),
    "manual_impl": ("implementation", "实现方式"),
    "manual_impl_manual": ("hand-written", "手写"),
    "manual_impl_autograd": ("autograd", "自动微分"),
    # ---- 2 finite differences
    "manual_sec_fd": ("2 · Finite-difference check", "2 · 数值梯度检验（有限差分）"),
    "manual_fd_caption": (
        "Each checked entry θᵢ is nudged by ε = 1e-6 both ways: g_fd = (L(θ + ε eᵢ) − L(θ − ε eᵢ)) / 2ε, "
        "with no chain rule involved. Up to {k} entries per parameter are checked (all of them when there are "
        "fewer). Relative error ‖g − g_fd‖ / (‖g‖ + ‖g_fd‖): a right gradient typically gives about 1e-9; the "
        "table calls anything below 1e-6 agreement (a wrong one is off by far more).",
        "把每个被检验的参数分量 θᵢ 向两边各挪动 ε = 1e-6：g_fd = (L(θ + ε eᵢ) − L(θ − ε eᵢ)) / 2ε，"
        "完全不用链式法则。每个参数最多检验 {k} 个分量（不足时全部检验）。相对误差 "
        "‖g − g_fd‖ / (‖g‖ + ‖g_fd‖)：正确的梯度通常在 1e-9 左右；表中小于 1e-6 即算一致（错误的梯度会相差大得多）。"),
    "manual_col_entries_checked": ("entries checked", "检验分量数"),
    "manual_col_grad_l2": ("‖g‖ hand-written", "‖g‖ 手写"),
    "manual_col_fd_grad_l2": ("‖g_fd‖ differences", "‖g_fd‖ 差分"),
    "manual_col_rel_error": ("relative error", "相对误差"),
    "manual_col_fd_noise_l2": ("rounding noise of g_fd", "g_fd 的舍入噪声"),
    "manual_col_near_kink": ("inputs at a ReLU kink", "ReLU 折点处的净输入"),
    "manual_status_ok": ("agrees", "一致"),
    "manual_status_zero": ("both exactly 0", "两者都恰为 0"),
    "manual_status_noise": ("below the noise", "低于噪声"),
    "manual_status_kink": ("ReLU kink", "ReLU 折点"),
    "manual_status_mismatch": ("differs", "不一致"),
    "manual_fd_legend": (
        "**agrees**: relative error < {tol:.0e}, or ‖g − g_fd‖ within the rounding noise of the differences "
        "(which grows with the loss). **both exactly 0**: no gradient reaches this parameter (e.g. "
        "dead ReLUs). **below the noise**: the gradient is smaller than the rounding noise of the differences, so "
        "the relative error means nothing (vanishing gradients). **ReLU kink**: some pre-activation of this or a "
        "later layer is 0, where the slope jumps; differences average both sides, backprop takes one — expected.",
        "**一致**：相对误差 < {tol:.0e}，或 ‖g − g_fd‖ 不超过差分的舍入噪声（损失越大，噪声越大）。"
        "**两者都恰为 0**：没有梯度传到这个参数（例如死亡 ReLU）。"
        "**低于噪声**：梯度比差分的舍入噪声还小，相对误差没有意义（梯度消失）。**ReLU 折点**：本层或其后某层的"
        "某个净输入恰为 0，斜率在此跳变；差分取两侧平均，反向传播只取一侧 —— 这是预期的。"),
    "manual_fd_mismatch": (
        "Some parameters differ more than expected. With outputs near 0 or 1 the book's loss formula computes "
        "log(1 − ŷ) from a rounded ŷ and loses digits, so its finite differences are noisy: try the fused option.",
        "有参数的差异超出预期。当输出接近 0 或 1 时，书中的损失公式用已舍入的 ŷ 计算 log(1 − ŷ)，"
        "丢失了有效数字，差分因此带噪声：试试合并选项。"),
    "manual_fd_button": ("Run the finite-difference check", "运行数值梯度检验"),
    "manual_big": ("This network and dataset are large, so this part waits for a click (a few seconds).",
                   "当前网络和数据规模较大，这一部分需点击按钮后运行（需要几秒钟）。"),
    # ---- 3 training
    "manual_sec_train": ("3 · Training curves", "3 · 训练曲线"),
    "manual_train_caption": (
        "{epochs} epochs of full-batch gradient descent at learning rate {lr} from the same initial weights "
        "(the sidebar asks for {total}; this page stops at {epochs} to stay quick). Float64.",
        "从同一组初始参数出发，以学习率 {lr} 做 {epochs} 轮全批量梯度下降（侧边栏设置为 {total} 轮，"
        "为保持页面流畅，本页只算前 {epochs} 轮）。float64。"),
    "manual_train_caption_all": (
        "All {epochs} epochs of full-batch gradient descent at learning rate {lr} from the same initial weights. "
        "Float64.",
        "从同一组初始参数出发，以学习率 {lr} 做全部 {epochs} 轮全批量梯度下降。float64。"),
    "manual_metric_final_manual": ("Final training loss, hand-written", "最终训练损失（手写）"),
    "manual_metric_final_autograd": ("Final training loss, autograd", "最终训练损失（自动微分）"),
    "manual_metric_curve_diff": ("Largest |loss difference| over all epochs", "所有轮次中损失的最大 |差值|"),
    "manual_train_button": ("Train both", "训练两个版本"),
    "manual_chart_train": ("Training loss: hand-written (wide line) and autograd (dashed) overlaid",
                           "训练损失：手写（粗线）与自动微分（虚线）叠加"),
    # ---- 4 timing
    "manual_sec_time": ("4 · Time per training step", "4 · 每步训练用时"),
    "manual_time_caption": (
        "One full-batch step (forward, backward, update) on {rows} random rows in float32, for networks from "
        "the book's 2-5-1 up to 2-256-256-1 plus yours, {activation} hidden units. Every network first runs "
        "{warmup} untimed warm-up steps with both implementations (the very first calls are slow: setup, not "
        "arithmetic). Then {repeats} rounds each time {steps} steps of every network, hand-written and autograd "
        "in turn, so a change of load on this server hits all of them alike. Shown: the median of the {repeats} "
        "samples and their middle half (from the lower to the upper quartile: in brackets in the table, error bars "
        "in the chart). {clock} Each "
        "press measures afresh. For the tiny nets the time is set by the number of layers (a fixed cost per "
        "operation), not by the number of parameters.",
        "在 {rows} 行随机数据上做一次全批量训练步（前向、反向、更新），float32；网络从书中的 2-5-1 到 "
        "2-256-256-1，另加当前网络，隐藏层激活函数为 {activation}。每个网络先用两种实现各做 {warmup} "
        "步不计时的预热（最初几次调用很慢：那是初始化开销，不是计算）。随后进行 {repeats} 轮，每轮对每个网络"
        "轮流用手写和自动微分各计时 {steps} 步，这样服务器负载的变化对所有网络的影响相同。图表显示 {repeats} "
        "个样本的中位数及其中间一半（从下四分位数到上四分位数：表中括号内的范围，图中的误差棒）。{clock}每次点击都会重新测量。"
        "对很小的网络，用时取决于层数（每个运算有固定开销），而不是参数个数。"),
    "manual_time_binary": (
        "Whatever the data, the timing uses two-class networks with these hidden layers: 2 inputs, one sigmoid "
        "output and the BCE loss, on random points.",
        "无论数据是什么，计时都使用带这些隐藏层的二分类网络：2 个输入、一个 Logistic 输出、二分类交叉熵损失，"
        "数据为随机点。"),
    "manual_time_button": ("Measure (a few seconds)", "开始测量（需要几秒钟）"),
    "manual_time_clock_thread": (
        "Times are the CPU time of the thread doing the steps, so other work on this server barely changes them.",
        "计时用的是执行训练步的线程所占用的 CPU 时间，因此服务器上的其他任务对结果影响很小。"),
    "manual_time_clock_wall": ("Times are wall-clock time, so they also depend on the load of this server.",
                               "计时用的是实际经过的时间，因此也取决于服务器的负载。"),
    "manual_time_warmup": ("Warming up every network…", "正在预热所有网络……"),
    "manual_time_progress": ("Round {done} of {total}: every network, both implementations…",
                             "第 {done} / {total} 轮：所有网络，两种实现……"),
    "manual_time_summary": (
        "For your network ({hidden}): {manual:.3f} ms by hand (middle half {manual_iqr}), {autograd:.3f} ms with "
        "autograd ({autograd_iqr}) per step; hand-written / autograd = {ratio:.2f} (middle half {ratio_iqr}).",
        "当前网络（{hidden}）：手写每步 {manual:.3f} 毫秒（中间一半 {manual_iqr}），自动微分每步 {autograd:.3f} 毫秒"
        "（{autograd_iqr}）；手写 / 自动微分 = {ratio:.2f}（中间一半 {ratio_iqr}）。"),
    "manual_time_col_params": ("parameters", "参数个数"),
    "manual_time_col_ms": ("{impl}: ms per step", "{impl}：每步毫秒数"),
    "manual_time_col_ratio": ("hand-written / autograd", "手写 / 自动微分"),
    "manual_time_median": ("median ms per step", "每步毫秒数（中位数）"),
    "manual_time_iqr": ("middle half of the samples (quartiles), ms", "样本的中间一半（四分位数），毫秒"),
    "manual_time_extremes": ("fastest – slowest sample, ms", "最快 – 最慢样本，毫秒"),
    "manual_chart_time": ("Milliseconds per training step vs network size", "每步训练用时（毫秒）与网络规模"),
    "manual_axis_params": ("parameters (log scale)", "参数个数（对数坐标）"),
    "manual_axis_ms": ("ms per step (log scale)", "每步毫秒数（对数坐标）"),
    "manual_hidden": ("hidden layers", "隐藏层"),
    # ---- 5 code
    "manual_sec_code": ("5 · The code, side by side", "5 · 两份代码对照"),
    "manual_code_caption": (
        "The real functions this page ran (read with `inspect`). Left: every operation with its backward next to "
        "its forward, the chain-rule loop and the update. Right: the same training with autograd.",
        "本页实际运行的函数（用 `inspect` 读取）。左边：每个运算的反向计算紧挨着前向计算，"
        "外加链式法则的循环与参数更新。"
        "右边：同样的训练，交给自动微分。"),
    "manual_code_manual": ("Hand-written backprop — {n} lines of code", "手写反向传播 —— {n} 行代码"),
    "manual_code_autograd": ("Autograd — {n} lines of code", "自动微分 —— {n} 行代码"),
    "manual_code_note": ("Lines counted without blank lines, comments and docstrings.",
                         "行数不含空行、注释和文档字符串。"),
}
