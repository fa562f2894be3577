"""Strings of the Loss landscape page (book 4.4, optimization problems) and its charts: {key: (en, zh)}."""

STRINGS: dict[str, tuple[str, str]] = {
    "page_landscape": ("Loss landscape", "损失曲面"),
    "landscape_intro": (
        "Training moves the network's parameters downhill on the loss. This page shows that hill for the "
        "sidebar's run: the loss along the straight line from the initial weights θ₀ to the best weights θ*, a "
        "slice of the surface around θ*, the path training actually took, and several optimizers racing from "
        "the same θ₀. Every point is the exact loss of the network with those weights on the training set.",
        "训练就是让网络参数沿着损失“下山”。本页把侧边栏这次训练的“山”画出来："
        "从初始参数 θ₀ 到最佳参数 θ* 的直线上的损失、"
        "θ* 周围曲面的一个切片、训练实际走过的路径，以及几种优化器从同一个 θ₀ 出发的比赛。每个点都是网络取这组参数时在"
        "训练集上的真实损失。"),
    "landscape_why": ("What to look at, and how it connects to section 4.4", "看什么，以及与 4.4 节的联系"),
    "landscape_explain": (
        "**Plateaus of saturated sigmoids.** With N(0, 1) weights many sigmoid units start far in their flat "
        "tails, where the slope is close to 0 (at most 0.25 anywhere). The loss then hardly changes in any "
        "direction: the 1-D curve is flat near θ₀, and the path's first points crawl while the loss curve "
        "stays level. Once the units leave the tails the path speeds up and the loss falls.\n\n"
        "**Why lr 5 jumps across valleys.** A gradient step has the length lr × |gradient|. In a narrow valley "
        "(tightly packed contour lines) a large step overshoots the valley floor and lands high on the other "
        "side, so the path zig-zags from wall to wall or is thrown into another basin; the loss curve is "
        "jagged and may diverge. Try lr 5 in the sidebar and look at the path, or race SGD with lr 5 against "
        "lr 0.2.\n\n"
        "**Why Adam's path differs.** SGD and momentum step along the gradient, so their paths follow the "
        "steepest descent (momentum smooths and speeds it up). Adam and RMSprop divide each parameter's step "
        "by the running size of its own gradient: every parameter moves about lr per step whatever its "
        "gradient, which pushes along the flat directions that SGD hardly moves in. They leave the plateau "
        "early and head for another part of the surface.\n\n"
        "**How the pictures are made.** The 2-D slice uses two random directions with filter normalization "
        "(Li et al. 2018): each row of each weight matrix is scaled to the norm of the same row of θ*, biases "
        "and batch-norm parameters stay fixed, so 1 on an axis means “changed by as much as the weights "
        "themselves”. The path plane is spanned by the two principal directions (PCA) of the recorded "
        "parameters; the percentages say how much of the path's spread they hold. A path's points are drawn "
        "where they project: their own loss is in the tooltip and can differ from the surface underneath, "
        "which shows the loss on the plane. Batch-norm networks are evaluated in eval mode with θ*'s running "
        "statistics.",
        "**sigmoid 饱和造成的平台。** 用 N(0, 1) 初始化权重时，很多 sigmoid 神经元一开始就落在两端平坦的区域，"
        "斜率接近 0（任何地方都不超过 0.25）。此时朝哪个方向走损失都几乎不变：一维曲线在 θ₀ 附近是平的，"
        "路径最初的几个点爬得很慢，"
        "损失曲线也几乎水平。一旦神经元离开饱和区，路径就加速，损失开始下降。\n\n"
        "**为什么学习率 5 会跳过山谷。** 一次梯度更新的步长是 学习率 × |梯度|。在狭窄的山谷里（等高线很密），"
        "大步长会越过谷底落到对面较高的谷壁上，于是路径在两壁之间来回震荡，甚至被甩进另一个盆地；损失曲线呈锯齿状，"
        "还可能发散。可以在侧边栏把学习率设为 5 看看路径，或者让学习率 5 的 SGD 和学习率 0.2 的 SGD 比赛。\n\n"
        "**为什么 Adam 的路径不一样。** SGD 和动量法沿梯度方向前进，所以路径沿着最陡下降方向"
        "（动量法让它更平滑、更快）。"
        "Adam 和 RMSprop 用每个参数自己梯度大小的滑动平均去除它的步长：不论梯度大小，每个参数每步大约移动一个学习率，"
        "这会推动参数沿 SGD 几乎不动的平坦方向前进。它们更早离开平台，走向曲面的另一部分。\n\n"
        "**图是怎么画的。** 二维切片使用两个带滤波器归一化（filter normalization，Li 等人 2018）的随机方向："
        "每个权重矩阵的每一行被缩放到 θ* 对应行的范数，偏置和批量规范化参数保持不变，因此坐标轴上的 1 表示"
        "“改变量和权重本身一样大”。路径平面由记录下来的参数的两个主方向（主成分分析 PCA）张成；百分比表示它们各占路径"
        "离散程度的多少。路径上的点画在它的投影位置：提示框里是它自己的损失，可能与下面曲面的颜色不同，曲面显示的是平面上的"
        "损失。使用批量规范化的网络在评估模式下计算，使用 θ* 的滑动统计量。"),
    "landscape_setting": ("Run: {label}", "本次训练：{label}"),
    "landscape_press_train": (
        "Press **Train** to train this configuration (the same run as on the Train page; a run trained there "
        "shows here at once). The landscape is computed from it in well under a second.",
        "点击 **开始训练** 训练当前配置（与训练页面是同一次训练；在那里训练过的会立即显示）。"
        "随后计算损失曲面只需不到一秒。"),
    "landscape_no_model": (
        "No epoch of this run had a finite loss, so there is no best model: the pictures show the surface "
        "around the initial weights.",
        "这次训练没有任何一轮的损失是有限值，因此没有最佳模型：下面的图显示的是初始参数周围的曲面。"),
    "landscape_diverged": ("Training diverged at epoch {epoch}: the path ends there.",
                           "训练在第 {epoch} 轮发散：路径在那里结束。"),
    "landscape_refused": ("This view is not drawn: {reason}", "未绘制这一部分：{reason}"),
    # ---- 1-D
    "landscape_line_title": ("1. The straight line from θ₀ to θ*", "1. 从 θ₀ 到 θ* 的直线"),
    "landscape_line_caption": (
        "Loss and accuracy at θ(α) = (1 − α)·θ₀ + α·θ* for α from −0.5 to 1.5 (Goodfellow, Vinyals & Saxe 2015): "
        "α = 0 is the initial network, α = 1 the best one (epoch {epoch}).",
        "θ(α) = (1 − α)·θ₀ + α·θ* 处的损失和准确率，α 从 −0.5 到 1.5（Goodfellow、Vinyals 和 Saxe 2015）："
        "α = 0 是初始网络，α = 1 是最佳网络（第 {epoch} 轮）。"),
    "landscape_metric_start": ("Train loss at θ₀", "θ₀ 处的训练集损失"),
    "landscape_metric_best": ("Train loss at θ*", "θ* 处的训练集损失"),
    "landscape_metric_bump": ("Highest loss between them", "两者之间的最高损失"),
    "landscape_metric_bump_help": (
        "The largest train loss on the line for α between 0 and 1. Above the loss at θ₀ means a hill between "
        "the start and the solution; usually the line goes downhill all the way.",
        "α 在 0 到 1 之间时直线上的最大训练集损失。若高于 θ₀ 处的损失，说明起点和解之间隔着一座“山”；"
        "通常这条直线一路下坡。"),
    "landscape_line_read": (
        "A flat stretch next to α = 0 is the plateau of saturated units; beyond α = 1 the loss usually rises "
        "again (θ* is near the bottom along this line).",
        "α = 0 附近的平坦段就是饱和神经元造成的平台；α 超过 1 后损失通常又会上升（沿这条直线 θ* 接近谷底）。"),
    # ---- 2-D slice
    "landscape_slice_title": ("2. A slice of the surface around θ*", "2. θ* 周围曲面的切片"),
    "landscape_span": ("Span (filter norms)", "范围（滤波器范数）"),
    "landscape_span_help": (
        "The slice covers θ* + a·d₁ + b·d₂ for a and b from −span to +span; 1 moves every weight row by its own "
        "length.", "切片覆盖 θ* + a·d₁ + b·d₂，a 和 b 从 −范围 到 +范围；1 表示每一行权重移动它自身的长度。"),
    "landscape_grid": ("Grid (points per side)", "网格（每边的点数）"),
    "landscape_grid_help": (
        "All grid points are evaluated at once, as one batched computation. Larger grids are drawn at most "
        "{cells} cells per side.", "所有网格点作为一次批量计算同时求值。较大的网格最多按每边 {cells} 个格子绘制。"),
    "landscape_slice_caption": (
        "Train loss on a {grid} × {grid} grid (colour, log scale; lines of equal loss), d₁ and d₂ random "
        "directions drawn with the run's seed ({seed}). ◆ is θ*, ✚ the lowest point of the grid.",
        "{grid} × {grid} 网格上的训练集损失（颜色为对数刻度；线为等损失线），d₁ 和 d₂ 是用本次训练的随机种子（{seed}）"
        "生成的随机方向。◆ 是 θ*，✚ 是网格上的最低点。"),
    "landscape_metric_centre": ("Loss at θ* (centre)", "θ*（中心）处的损失"),
    "landscape_metric_min": ("Lowest loss on the slice", "切片上的最低损失"),
    "landscape_metric_max": ("Highest loss on the slice", "切片上的最高损失"),
    # ---- path
    "landscape_path_title": ("3. The path training took", "3. 训练走过的路径"),
    "landscape_path_caption": (
        "The {n} recorded parameter vectors θ₀ … θ{last} projected on the plane of their two principal "
        "directions, θ* at the origin; the surface is the train loss on that plane. ● is θ₀, ◆ θ*, ✚ the lowest "
        "point of the grid. Hover a point for its epoch and its own loss.",
        "记录下来的 {n} 组参数 θ₀ … θ{last} 投影到它们的两个主方向张成的平面上，θ* 位于原点；"
        "曲面是该平面上的训练集损失。● 是 θ₀，◆ 是 θ*，✚ 是网格上的最低点。"
        "把鼠标移到点上可以看到它的轮次和它自己的损失。"),
    "landscape_metric_pc1": ("PC1 explains", "PC1 解释的方差"),
    "landscape_metric_pc2": ("PC2 explains", "PC2 解释的方差"),
    "landscape_metric_pc_help": (
        "Share of the variance of the recorded parameters along this direction: together, how flat the path is "
        "(100 % = it lies in the plane).",
        "记录下来的参数沿该方向的方差占比：两者之和表示路径有多“平”（100 % 表示路径完全位于该平面内）。"),
    # ---- race
    "landscape_race_title": ("4. Optimizers racing from the same θ₀", "4. 优化器从同一个 θ₀ 出发比赛"),
    "landscape_race_intro": (
        "The same data, network and initial weights θ₀ (seed {seed}), {epochs} epochs, trained by each optimizer "
        "you pick with its own learning rate. All paths are drawn on one plane: the principal directions of "
        "all of them together, θ₀ at the origin.",
        "相同的数据、网络和初始参数 θ₀（随机种子 {seed}），训练 {epochs} 轮，用你选择的每种优化器及其各自的学习率训练。"
        "所有路径画在同一个平面上：由它们全部的主方向张成，θ₀ 位于原点。"),
    "landscape_racers": ("Optimizers", "优化器"),
    "landscape_racers_help": (
        "Momentum and Nesterov use momentum 0.9; RMSprop no momentum; Adam the sidebar's beta1 and beta2.",
        "动量法和 Nesterov 动量使用动量 0.9；RMSprop 不用动量；Adam 使用侧边栏的 beta1 和 beta2。"),
    "landscape_pick_racer": ("Choose at least one optimizer.", "请至少选择一个优化器。"),
    "landscape_racer_lr": ("Learning rate — {name}", "学习率 —— {name}"),
    "landscape_racer_label": ("{name}, lr {lr}", "{name}，学习率 {lr}"),
    "landscape_racer_sgd": ("SGD", "SGD"),
    "landscape_racer_momentum": ("Momentum", "动量法"),
    "landscape_racer_nesterov": ("Nesterov", "Nesterov 动量"),
    "landscape_racer_adam": ("Adam", "Adam"),
    "landscape_racer_rmsprop": ("RMSprop", "RMSprop"),
    "landscape_race_caption": (
        "Each line is one optimizer's path; ● is the common start θ₀, ◆ each optimizer's best model, ✚ the lowest "
        "point of the grid. Below: their train (solid) and dev (dashed) loss.",
        "每条线是一种优化器的路径；● 是共同的起点 θ₀，◆ 是各优化器的最佳模型，✚ 是网格上的最低点。下图：它们的训练集"
        "（实线）和验证集（虚线）损失。"),
    # ---- charts
    "landscape_chart_line_loss": ("Loss along θ(α) = (1 − α)·θ₀ + α·θ*", "沿 θ(α) = (1 − α)·θ₀ + α·θ* 的损失"),
    "landscape_chart_line_acc": ("Accuracy along θ(α)", "沿 θ(α) 的准确率"),
    "landscape_alpha": ("α", "α"),
    "landscape_train_loss": ("train loss", "训练集损失"),
    "landscape_train_acc": ("train accuracy", "训练集准确率"),
    "landscape_point_loss": ("its own train loss", "该点自身的训练集损失"),
    "landscape_chart_slice": ("Train loss around θ* (two random directions)", "θ* 周围的训练集损失（两个随机方向）"),
    "landscape_chart_path": ("Train loss on the plane of the training path", "训练路径所在平面上的训练集损失"),
    "landscape_chart_race": ("Train loss on the plane of all paths", "所有路径所在平面上的训练集损失"),
    "landscape_dir1": ("direction d₁ (filter norms)", "方向 d₁（滤波器范数）"),
    "landscape_dir2": ("direction d₂ (filter norms)", "方向 d₂（滤波器范数）"),
    "landscape_pc1": ("PC1 ({share})", "PC1（{share}）"),
    "landscape_pc2": ("PC2 ({share})", "PC2（{share}）"),
    "landscape_mark": ("point", "标记"),
    "landscape_mark_start": ("θ₀ (start)", "θ₀（起点）"),
    "landscape_mark_best": ("θ* (best dev)", "θ*（验证集最佳）"),
    "landscape_mark_minimum": ("lowest grid point", "网格最低点"),
    "landscape_level": ("loss level", "等损失线"),
    "landscape_optimizer": ("optimizer", "优化器"),
}
