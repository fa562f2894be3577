"""Text of the Watch-it-learn page and the Train page's replay (ui/playground.py, ui/watch.py): {key: (en, zh)}."""

STRINGS: dict[str, tuple[str, str]] = {
    "page_playground": ("Watch it learn", "观察训练过程"),
    "pg_intro": (
        "Press **▶ Play** and watch the network learn, epoch by epoch: the decision boundary bends, every hidden "
        "neuron's picture changes (its activation over the input plane), and the links thicken as the weights "
        "grow. The sidebar sets the network; each step is exactly one epoch of the book's training, so the numbers "
        "match the Train page.",
        "点击 **▶ 播放**，逐轮观察网络的学习过程：决策边界逐渐弯曲，"
        "每个隐藏神经元的小图（它在输入平面上的激活值）随之变化，"
        "连线随权重增大而变粗。网络由侧边栏设置；每一步恰好是书中训练过程的一轮，因此数值与“训练”页一致。"),
    "pg_explain_title": ("What to look for", "看点"),
    "pg_explain": (
        "- **Pictures:** each node shows its value over the input plane ([-π, π]²): orange positive, blue "
        "negative, white 0, each picture scaled to its own largest value (sigmoid and ReLU units are never "
        "negative: white to orange; the output: P(class 1), orange = class 1). Inputs are the chosen features "
        "(sidebar → *Input features*).\n"
        "- **Links:** orange positive, blue negative weights; thicker = larger |w|. Hover for the value.\n"
        "- **Zero initialization** (preset 4.4.1): all hidden pictures stay identical — the units are marked "
        "*identical* and the network behaves like one unit per layer.\n"
        "- **Bias −8 with ReLU** (preset 4.4.3): the hidden units are *dead* (greyed out with a red ✕: they output "
        "0 on every point, so their gradient is 0) and nothing learns.\n"
        "- **Feature crosses:** with inputs x₁², x₂² a network with **no hidden layer** separates *circles*: "
        "x₁² + x₂² is the radius², so a single linear unit draws a circle.\n"
        "- **More classes, regression, Iris:** with K classes (*spiral* or *blobs*, sidebar → *Classes*) there is an "
        "output node per class, P(class k) from white to the class's colour, and the big chart shows the decision "
        "regions; for regression (*regression: plane* or *Gaussians*) the output is the predicted value "
        "(blue < 0 < orange) and the scores are MSE and R². Iris has 4 inputs: the pictures are drawn over a plane "
        "through them (the first two principal components, or two chosen inputs), and each input's picture is its "
        "value over that plane.",
        "- **小图：**每个节点显示它在输入平面（[-π, π]²）上的取值：橙色为正，蓝色为负，白色为 0，"
        "每张小图按它自己的最大值缩放（sigmoid 和 ReLU 神经元不会取负值：只有白到橙；"
        "输出节点为 P(类别 1)，橙色即类别 1）。"
        "输入为所选特征（侧边栏 → *输入特征*）。\n"
        "- **连线：**橙色为正权重，蓝色为负权重；越粗表示 |w| 越大。鼠标悬停可查看数值。\n"
        "- **零初始化**（预设 4.4.1）：所有隐藏神经元的小图始终相同——它们被标记为*相同*，"
        "网络等同于每层只有一个神经元。\n"
        "- **ReLU 且偏置为 −8**（预设 4.4.3）：隐藏神经元*死亡*（小图变灰并标有红色 ✕：在所有点上输出都是 0，"
        "因此梯度为零），网络什么也学不到。\n"
        "- **特征组合：**输入 x₁²、x₂² 时，**没有隐藏层**的网络也能分开*同心圆*：x₁² + x₂² 是半径的平方，"
        "一个线性单元就能画出圆形边界。\n"
        "- **多分类、回归、鸢尾花：**K 分类时（*螺旋*或*高斯团*数据，侧边栏 → *类别数*）每个类别有一个输出节点，"
        "P(类别 k) 从白色到该类的颜色，大图显示决策区域；回归时（*回归：平面*或*回归：多个高斯*）输出为预测值"
        "（蓝色 < 0 < 橙色），指标为均方误差和 R²。鸢尾花有 4 个输入：小图画在穿过它们的一个平面上"
        "（前两个主成分，或选定的两个输入），每个输入的小图是它在该平面上的取值。"),
    "pg_play": ("Play", "播放"),
    "pg_pause": ("Pause", "暂停"),
    "pg_step": ("Step", "单步"),
    "pg_step_help": ("Train the number of epochs chosen in *Epochs per step*, then pause.",
                     "训练“每步轮数”中所选的轮数，然后暂停。"),
    "pg_step_size": ("Epochs per step", "每步轮数"),
    "pg_reset": ("Reset", "重置"),
    "pg_reset_help": ("Back to epoch 0: the initial weights drawn from the seed.",
                      "回到第 0 轮：由随机种子生成的初始权重。"),
    "pg_speed": ("Speed (epochs per frame)", "速度（每帧轮数）"),
    "pg_speed_help": ("While playing, the page shows about {fps} frames per second; each frame trains this many "
                      "epochs.", "播放时页面每秒约显示 {fps} 帧；每帧训练这么多轮。"),
    "pg_epoch": ("Epoch", "轮次"),
    "pg_epoch_value": ("{epoch:,} of {total:,}", "第 {epoch:,} 轮 / 共 {total:,} 轮"),
    "pg_done": ("Finished: {epochs:,} epochs, the configured number. Press **Reset** to watch again, or raise "
                "*Epochs* in the sidebar.",
                "已完成：训练了设置的 {epochs:,} 轮。点击 **重置** 重新观看，或在侧边栏增加*训练轮数*。"),
    "pg_diverged": ("Stopped: at epoch {epoch:,} the train or dev loss was no longer finite (the training diverged). "
                    "Lower the learning rate or the initial weights, then press **Reset**.",
                    "已停止：第 {epoch:,} 轮时训练集或验证集损失不再是有限值（训练发散）。"
                    "请降低学习率或初始权重，然后点击 **重置**。"),
    "pg_paused_at_zero": ("Paused at epoch 0: the pictures show the initial weights. Press **▶ Play** or **Step**.",
                          "暂停于第 0 轮：图中是初始权重。点击 **▶ 播放** 或 **单步**。"),
    "pg_network": ("The network", "网络"),
    "pg_show_test": ("Show test data", "显示测试数据"),
    "pg_discretize": ("Discretize output", "离散化输出"),
    "metric_train_loss": ("Train loss", "训练集损失"),
    "metric_train_acc": ("Train accuracy", "训练集准确率"),
    "metric_dev_loss": ("Dev loss", "验证集损失"),
    "metric_dev_acc": ("Dev accuracy", "验证集准确率"),
    "metric_train_mse": ("Train MSE", "训练集均方误差"),
    "metric_train_r2": ("Train R²", "训练集 R²"),
    "metric_dev_mse": ("Dev MSE", "验证集均方误差"),
    "metric_dev_r2": ("Dev R²", "验证集 R²"),
    "pg_chart_loss_ce": ("Loss (cross-entropy)", "损失（交叉熵）"),
    "pg_too_big": ("This setting is too large to animate: {reason}", "该设置过大，无法动画演示：{reason}"),
    "tab_replay": ("Replay", "回放"),
    "replay_epoch": ("Epoch", "轮次"),
    "replay_help": ("The network as it was after this many epochs (parameters recorded at {n} epochs during "
                    "training; nothing is retrained).",
                    "训练了这么多轮之后的网络（训练时在 {n} 个轮次记录了参数，无需重新训练）。"),
    "replay_caption": ("Epoch {epoch:,}: train loss {loss:.4f}, train accuracy {acc:.4f}. The dotted line on the "
                       "curves marks this epoch.",
                       "第 {epoch:,} 轮：训练损失 {loss:.4f}，训练准确率 {acc:.4f}。曲线上的虚线标出该轮。"),
    "replay_caption_r2": ("Epoch {epoch:,}: train MSE {loss:.4f}, train R² {acc:.4f}. The dotted line on the "
                          "curves marks this epoch.",
                          "第 {epoch:,} 轮：训练集均方误差 {loss:.4f}，训练集 R² {acc:.4f}。曲线上的虚线标出该轮。"),
}
