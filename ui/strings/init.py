"""Strings of the Initialization page (book 4.4.1 参数初始化)."""

STRINGS = {
    "init_intro": (
        "Before the first training step every weight needs a starting value. This page shows why that value "
        "must be random, how the common random schemes differ, and what the choice does to training. "
        "It opens on the book's setting: the 2-5-1 network with **all weights and biases set to 0**, trained "
        "for 5 epochs.",
        "训练开始之前，每个权重都需要一个初始值。本页说明这个初始值为什么必须是随机的、常见的随机初始化方法有什么"
        "区别，以及不同选择对训练的影响。页面打开时是书中的设置：2-5-1 网络，**所有权重和偏置都初始化为 0**，"
        "训练 5 轮。"),
    "init_reset": ("Reset to the textbook setting", "恢复书中的设置"),
    "init_reset_help": ("Zero initialization, 5 epochs, everything else at the book's defaults; "
                        "the page's own controls go back to their defaults too.",
                        "全零初始化、训练 5 轮，其余为书中的默认值；本页自己的控件也恢复默认。"),
    # --- 1. zero init / symmetric weights
    "init_sym_header": ("1 · Zero initialization: every hidden unit stays a copy",
                        "1 · 全零初始化：隐藏神经元彼此复制"),
    "init_sym_explain": (
        "**What to look at.** The table lists each hidden unit's parameters after each of the first epochs "
        "(θ0 = the initial values): its incoming weights, its bias and its outgoing weight. Rows shaded in the "
        "same colour are identical units.\n\n"
        "**Why it happens.** With equal parameters, every hidden unit receives the same inputs through the same "
        "weights, so it outputs the same activation, gets the same error signal back from the output layer and "
        "receives the same update. Nothing ever tells the units apart: the layer behaves like a single unit, "
        "however wide it is.\n\n"
        "**What fixes it.** Draw the weights at random (section 2) so that each unit starts somewhere else; "
        "the biases may stay 0. Pick another *Weight init* in the sidebar and the shading disappears.",
        "**看什么。** 表中列出前几轮训练后（θ0 为初始值）每个隐藏神经元的参数：输入权重、偏置和输出权重。"
        "同一颜色底纹的行是完全相同的神经元。\n\n"
        "**为什么。** 参数相同时，每个隐藏神经元通过相同的权重接收相同的输入，输出相同的激活值，从输出层反向传回"
        "相同的误差信号，于是得到相同的更新。神经元之间永远没有差别：无论这一层有多宽，都只相当于一个神经元，"
        "这就是对称权重现象。\n\n"
        "**怎么解决。** 随机初始化权重（见第 2 部分），让每个神经元从不同的位置出发；偏置可以仍然取 0。"
        "在侧边栏换一种“权重初始化”方式，底纹就会消失。"),
    "init_balance_note": (
        "Why are the numbers so tiny here? With zeros every output is sigmoid(0) = 0.5, and this training set "
        "holds exactly as many points of each class ({n1} of {n}), so the gradient at the start is zero up to "
        "float rounding: the network sits on a flat saddle and the loss stays at ln 2 ≈ 0.6931. Press "
        "**New data** in the sidebar for a set with unequal classes: the weights then move visibly — and stay "
        "identical.",
        "为什么这里的数值这么小？全零时每个输出都是 sigmoid(0) = 0.5，而这个训练集中两类样本恰好一样多"
        "（{n} 个中有 {n1} 个为类别 1），所以一开始的梯度除浮点舍入误差外为零：网络停在一个平坦的鞍点上，"
        "损失停留在 ln 2 ≈ 0.6931。点击侧边栏的“重新生成数据”换一个两类样本数不相等的数据集：权重会明显变化，"
        "但仍然彼此相同。"),
    "init_layer": ("Hidden layer", "隐藏层"),
    "init_no_hidden": ("This network has no hidden layer, so there are no hidden units to compare. "
                       "Add a hidden layer in the sidebar.",
                       "当前网络没有隐藏层，没有可比较的隐藏神经元。请在侧边栏添加隐藏层。"),
    "init_table_caption": ("Parameters of the units of {layer} after each of the first epochs "
                           "(PyTorch names: `fc1.weight[i,j]` is the weight from input j into unit i).",
                           "{layer} 中各神经元在前几轮训练后的参数（列 fc1 权重[i,j] 即 PyTorch 的 `fc1.weight[i,j]`，"
                           "是输入 j 到神经元 i 的权重）。"),
    "init_metric_identical": ("Identical units in {layer} (θ{step})", "{layer} 中相同的神经元（θ{step}）"),
    "init_identical_value": ("{k} of {n}", "{n} 个中 {k} 个"),
    "init_step_counts": ("Largest group of identical units per step: {counts}",
                         "每一步中最大的一组相同神经元：{counts}"),
    "init_col_step": ("epoch (θ)", "轮次（θ）"),
    "init_col_unit": ("unit", "神经元"),
    "init_col_identical": ("identical", "相同"),
    "init_yes": ("yes", "是"),
    "init_run_header": ("Training curves of this setting", "该设置的训练曲线"),
    "init_run_explain": (
        "With zeros the loss stays at ln 2 ≈ 0.6931 and the accuracy at chance level (about 50 %): in these "
        "epochs the network learns nothing. Section 3 trains it for longer next to the random schemes.",
        "全零初始化时，损失停留在 ln 2 ≈ 0.6931，准确率停留在随机猜测的水平（约 50%）：在这几轮里网络什么也没学到。"
        "第 3 部分会把它训练更久，并与随机初始化方案对比。"),
    "init_train_button": ("Train this setting ({epochs} epochs)", "训练该设置（{epochs} 轮）"),
    "init_press_train": ("This setting takes a moment to train: press the button to see its curves.",
                         "该设置需要训练一会儿：点击按钮查看训练曲线。"),
    "init_metric_train_loss": ("Train loss (last epoch)", "训练集损失（最后一轮）"),
    "init_metric_train_acc": ("Train accuracy (last epoch)", "训练集准确率（最后一轮）"),
    "init_metric_dev_acc": ("Dev accuracy (last epoch)", "验证集准确率（最后一轮）"),
    "init_final_identical": ("Identical units after training: {detail}", "训练结束时相同的神经元：{detail}"),
    # --- 2. samples of each scheme
    "init_hist_header": ("2 · What the random schemes draw", "2 · 各种随机初始化方法的采样分布"),
    "init_hist_explain": (
        "The book draws 10 000 samples from a Gaussian N(0, 1) and from a uniform U(-1, 1). Both break the "
        "symmetry; what differs is the **spread**. Xavier (Glorot) scales the spread to the layer's fan-in and "
        "fan-out, std = √(2 / (fan_in + fan_out)), so signals keep their size through sigmoid/tanh layers. "
        "He (Kaiming) uses std = √(2 / fan_in), made for ReLU, which silences half its inputs. Orthogonal "
        "draws a matrix with orthonormal rows or columns (std 1/√max(fan_in, fan_out)). Normal and uniform "
        "take the sidebar's std and low/high (shown when that scheme is selected there). Each panel prints the "
        "theoretical std (`core.models.theoretical_std`) next to the std of the samples.",
        "书中分别从高斯分布 N(0, 1) 和均匀分布 U(-1, 1) 中采样 10 000 个数。两者都能打破对称性，区别在于"
        "**分布的宽度**。Xavier（Glorot）初始化按该层的输入、输出神经元个数确定宽度，标准差为 "
        "√(2 / (fan_in + fan_out))，使信号经过 sigmoid/tanh 层后大小基本不变；He（Kaiming）初始化的标准差为 "
        "√(2 / fan_in)，为 ReLU 设计（ReLU 会把一半输入置零）；正交初始化生成行或列正交归一的矩阵"
        "（标准差 1/√max(fan_in, fan_out)）。正态分布和均匀分布使用侧边栏中的标准差和上下界（在侧边栏选中该方法时"
        "显示）。每个子图都给出理论标准差（`core.models.theoretical_std`）和样本标准差。"),
    "init_hist_schemes": ("Schemes", "初始化方法"),
    "init_fan_in": ("fan_in (inputs of the layer)", "fan_in（该层的输入个数）"),
    "init_fan_out": ("fan_out (units of the layer)", "fan_out（该层的神经元个数）"),
    "init_fan_help": ("2 → 5 is fc1 of the book's network; try 64 → 64 to see the schemes move apart.",
                      "2 → 5 就是书中网络的 fc1；试试 64 → 64，各方法的差别会更明显。"),
    "init_hist_none": ("Pick at least one scheme.", "请至少选择一种初始化方法。"),
    "init_hist_title": ("std {theory:.3f} (theory) · {sample:.3f} (samples)",
                        "标准差 {theory:.3f}（理论）· {sample:.3f}（样本）"),
    "init_hist_x": ("weight value", "权重值"),
    "init_hist_y": ("density", "概率密度"),
    "init_hist_caption": ("{n:,} samples per scheme for a {fan_out} × {fan_in} weight, seed {seed}.",
                          "每种方法采样 {n:,} 个数，权重形状 {fan_out} × {fan_in}，随机种子 {seed}。"),
    "init_hist_same_he": ("With fan_in = 2, He normal's std √(2 / fan_in) is 1, the std of N(0, 1): with the same "
                          "seed the two draw the very same samples. Raise fan_in to see them differ.",
                          "当 fan_in = 2 时，He 正态的标准差 √(2 / fan_in) 等于 1，与 N(0, 1) 相同：随机种子相同，两者"
                          "抽到完全相同的样本。增大 fan_in 即可看到差别。"),
    "init_col_scheme": ("scheme", "初始化方法"),
    "init_col_theory_std": ("std (theory)", "标准差（理论）"),
    "init_col_sample_std": ("std (samples)", "标准差（样本）"),
    "init_col_sample_mean": ("mean (samples)", "均值（样本）"),
    "init_col_sample_min": ("min", "最小值"),
    "init_col_sample_max": ("max", "最大值"),
    # --- 3. comparison
    "init_cmp_header": ("3 · The same network under different initializations",
                        "3 · 同一个网络，不同的参数初始化"),
    "init_cmp_explain": (
        "Each run trains the sidebar's network and data with one initialization, everything else equal, then "
        "checks its final weights for identical hidden units. **What to look at:** zeros follows the run beside "
        "it that has **one unit per hidden layer**: its units start as copies and get the same updates, so the "
        "network can only learn what a single unit can, and both stay near 85 %. (Not to the digit: the five "
        "copies' outgoing weights add up, so they move at a different pace than one unit's.) Xavier, He and "
        "N(0, 1) use all five units and reach about 99 %. N(0, 0.01²) starts almost symmetric with tiny "
        "gradients and stays on the plateau longer. In the table, zeros usually ends with *4 of 5* identical "
        "units: in exact arithmetic the copies would stay copies forever, but the CPU computes one unit by a "
        "different code path (vector instructions handle units a few at a time), its rounding differs by about "
        "1e-8, and a symmetric point is a saddle, so that difference grows about tenfold every few dozen epochs "
        "until the unit has split off. How many split, and when, depends on the CPU. Symmetry broken by rounding "
        "comes late and adds one unit: no substitute for a random init.",
        "每次运行都用侧边栏中的网络和数据、只换一种初始化方法（其余完全相同）进行训练，然后检查最终权重中是否有"
        "相同的隐藏神经元。**看什么：** 全零初始化的曲线紧跟旁边那个**每个隐藏层只有一个神经元**的网络：它的各个"
        "神经元从一开始就是彼此的副本、得到相同的更新，所以整个网络只能学到一个神经元能学到的东西，两者都停在 85 % "
        "左右。（并非每一位都相同：五个副本的输出权重相加，它们的变化速度与单个神经元不同。）Xavier、He 和 N(0, 1) "
        "用上了全部五个神经元，准确率约 99 %。N(0, 0.01²) 一开始几乎是对称的、梯度很小，在平台上停留更久。"
        "表中全零初始化通常以“5 个中 4 个相同”结束：在精确的算术中，副本永远是副本；但 CPU 用不同的代码路径计算"
        "其中一个神经元（向量指令每次处理几个神经元），它的舍入误差相差约 1e-8，而对称点是一个鞍点，这个差异每隔"
        "几十轮大约放大十倍，直到这个神经元分离出来。分离几个、何时分离，取决于 CPU。靠舍入误差打破的对称来得晚，"
        "也只多出一个神经元：不能代替随机初始化。"),
    "init_cmp_own": ("Use the sidebar's optimizer and learning rate", "使用侧边栏中的优化器和学习率"),
    "init_cmp_own_help": ("Off: the comparison's own setting (SGD with momentum 0.9, lr 0.5). On: the sidebar's.",
                          "关闭：使用对比实验自己的设置（动量 0.9 的 SGD，学习率 0.5）；打开：使用侧边栏中的设置。"),
    "init_cmp_setting": (
        "Setting changed from the book for this comparison: SGD with momentum 0.9, learning rate 0.5, 1000 "
        "epochs (the book trains with plain SGD at learning rate 0.2 for 3000 epochs). With the book's setting "
        "zeros, Xavier and N(0, 0.01²) all end at 85.5 % test accuracy, still on the sigmoid's plateau, so the "
        "runs could not show what different units buy.",
        "本对比实验改动了书中的设置：动量 0.9 的 SGD、学习率 0.5、训练 1000 轮（书中为普通 SGD、学习率 0.2、"
        "3000 轮）。在书中的设置下，全零、Xavier 和 N(0, 0.01²) 的测试集准确率都停在 85.5 %，仍在 sigmoid 的"
        "平台上，无法显示出不同的神经元带来的差别。"),
    "init_cmp_setting_own": ("The runs use the sidebar's optimizer and learning rate.",
                             "各次运行使用侧边栏中的优化器和学习率。"),
    "init_cmp_schemes": ("Initializations to compare", "参与对比的初始化方法"),
    "init_cmp_epochs": ("Epochs per run", "每次运行的训练轮数"),
    "init_cmp_split": ("Curves of", "曲线来自"),
    "init_cmp_axis": ("{metric} ({split})", "{metric}（{split}）"),
    "init_cmp_button": ("Train {n} runs", "训练 {n} 次运行"),
    "init_cmp_press": ("Press the button to train every selected initialization ({n} runs of {epochs} epochs); "
                       "results are kept, so coming back is instant.",
                       "点击按钮，用每种选中的初始化方法各训练一次（{n} 次运行，每次 {epochs} 轮）；结果会被缓存，"
                       "再次打开时立即显示。"),
    "init_cmp_progress": ("Training {scheme} ({i} / {n}) — epoch {epoch} / {epochs}",
                          "正在训练 {scheme}（{i} / {n}）—— 第 {epoch} / {epochs} 轮"),
    "init_cmp_none": ("Pick at least one initialization.", "请至少选择一种初始化方法。"),
    "init_cmp_deeper": ("Try a deeper network: 4 hidden layers of 3 (as in 4.4.2)",
                        "试试更深的网络：4 个隐藏层、每层 3 个神经元（同 4.4.2）"),
    "init_cmp_deeper_help": ("Sets the sidebar's hidden layers to 3,3,3,3; train the comparison again.",
                             "把侧边栏的隐藏层设为 3,3,3,3；然后重新训练对比实验。"),
    "init_cmp_scores_title": ("Test accuracy of each run's best model", "每次运行最佳模型的测试集准确率"),
    "init_cmp_chance": ("chance level", "随机猜测水平"),
    "init_cmp_table_help": ("identical units: the largest group of hidden units of a layer that ended with the "
                            "same parameters (1 = all differ).",
                            "相同的神经元：某一层中训练结束时参数完全相同的最大一组隐藏神经元的个数"
                            "（1 表示各不相同）。"),
    "init_col_identical_layer": ("identical units in {layer}", "{layer} 中相同的神经元"),
    "init_col_final_train_loss": ("final train loss", "最终训练集损失"),
    "init_col_final_train_acc": ("final train accuracy", "最终训练集准确率"),
    "init_col_diverged_at": ("diverged at epoch", "发散的轮次"),
    "init_scheme": ("initialization", "初始化方法"),
    # scheme names of the comparison
    "init_scheme_zeros": ("zeros", "全零"),
    "init_scheme_one_unit": ("zeros, 1 unit/layer", "全零，每层 1 个"),
    "init_scheme_normal_0.01": ("N(0, 0.01²)", "N(0, 0.01²)"),
    "init_scheme_normal_1": ("N(0, 1) (book)", "N(0, 1)（书中）"),
    "init_scheme_normal_10": ("N(0, 10²)", "N(0, 10²)"),
    "init_scheme_xavier_normal": ("Xavier normal", "Xavier 正态"),
    "init_scheme_kaiming_normal": ("He normal", "He 正态"),
    "init_scheme_uniform_1": ("U(-1, 1)", "U(-1, 1)"),
    "init_scheme_xavier_uniform": ("Xavier uniform", "Xavier 均匀"),
    "init_scheme_kaiming_uniform": ("He uniform", "He 均匀"),
    "init_scheme_orthogonal": ("orthogonal", "正交"),
    "init_scheme_default": ("PyTorch default", "PyTorch 默认"),
}
