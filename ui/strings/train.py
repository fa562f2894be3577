"""Text of the Train page and its result views (ui/results.py, ui/train_flow.py): {key: (en, zh)}."""

STRINGS: dict[str, tuple[str, str]] = {
    "train_intro": (
        "Train the book's feed-forward network on 2-D data. Change settings in the sidebar, then press **Train**.",
        "在二维数据上训练书中的前馈神经网络。在侧边栏修改设置，然后点击 **开始训练**。"),
    "train_button": ("Train", "开始训练"),
    "press_train": ("Press **Train** to run this configuration ({label}).",
                    "点击 **开始训练** 运行当前配置（{label}）。"),
    "metric_seconds": ("Training time", "训练用时"),
    "preview_data_title": ("The data", "数据"),
    "preview_data_counts": ("{train} train · {dev} dev · {test} test points",
                            "训练集 {train} 个 · 验证集 {dev} 个 · 测试集 {test} 个样本"),
    "preview_network_title": ("The network: {arch}", "网络结构：{arch}"),
    "preview_inputs": ("{n} inputs", "{n} 个输入"),
    "preview_hidden": ("fc{k}: {n} units\n{act}", "fc{k}：{n} 个神经元\n{act}"),
    "preview_output": ("output\nsigmoid", "输出\nsigmoid"),
    "preview_layer": ("layer", "层"),
    "no_usable_model": ("No epoch produced a usable model: the loss was not finite already at epoch {epoch}, so "
                        "there is no best model to test. Lower the learning rate or the initial weights "
                        "(or clip the gradient norm).",
                        "没有任何一轮得到可用的模型：第 {epoch} 轮的损失就已不是有限值，因此没有可供测试的最优模型。"
                        "请降低学习率或初始权重（或截断梯度范数）。"),
    "no_usable_curves": ("Nothing to draw over training: the loss was already not finite at epoch {epoch}. The "
                         "first step's gradients (Gradients tab) show why: look for huge or infinite values.",
                         "训练过程中没有可画的内容：第 {epoch} 轮的损失就已不是有限值。第一步的梯度（梯度标签页）"
                         "说明了原因：留意极大或无穷大的数值。"),
    "no_usable_boundary": ("No decision boundary: training produced no usable model.",
                           "没有决策边界：训练没有得到可用的模型。"),
    "tab_curves": ("Loss & accuracy", "损失与准确率"),
    "tab_boundary": ("Decision boundary", "决策边界"),
    "tab_gradients": ("Gradients", "梯度"),
    "tab_compare": ("Compare runs", "对比实验"),
    "tab_downloads": ("Downloads", "下载"),
    "show_splits": ("Show points of", "显示这些数据点"),
    "choose_splits": ("Choose sets", "选择数据集"),
    "extent": ("Plot range", "绘图范围"),
    "extent_book": ("[-π, π]² (book)", "[-π, π]²（书中）"),
    "extent_data": ("data extent", "数据范围"),
    "grads_first": ("After the first step (initial weights)", "第一步之后（初始参数）"),
    "grads_last": ("At the end of training (final weights)", "训练结束时（最终参数）"),
    "grads_legend": ("Vanishing: weight-gradient L2 < 1e-6 (blue). Exploding: L2 > 1e2 (red).",
                     "梯度消失：权重梯度 L2 < 1e-6（蓝色）；梯度爆炸：L2 > 1e2（红色）。"),
    "pin_run": ("Pin this run for comparison", "固定此次运行用于对比"),
    "clear_pins": ("Clear pinned runs", "清除已固定的运行"),
    "compare_help": ("Pin a run, change settings (e.g. add a 3-neuron layer), train again: the curves overlay.",
                     "固定一次运行，修改设置（例如再加一个 3 神经元的隐藏层），再训练一次：曲线会叠加对比。"),
    "no_pins": ("No pinned runs yet.", "还没有固定的运行。"),
    "pin_done": ("Pinned ✓", "已固定 ✓"),
    "pinned_only_current": ("This run (A) is pinned. Change a setting and train again: the new run is compared with it "
                            "here.", "此次运行（A）已固定。修改设置后再次训练：新的运行会在这里与它对比。"),
    "current": ("current", "当前"),
    "pinned": ("pinned", "已固定"),
    "download_history": ("History (CSV)", "训练记录（CSV）"),
    "download_data": ("Dataset (CSV)", "数据集（CSV）"),
    "download_model": ("Best model state_dict (.pt)", "最佳模型参数 state_dict（.pt）"),
    "downloads_help": ("Charts have their own export menu (⋯ at the top right of each chart).",
                       "每个图表右上角的 ⋯ 菜单可导出图表。"),
    "seconds_fmt": ("{s:.2f} s", "{s:.2f} 秒"),
    "upload_model": ("Load a saved model", "加载已保存的模型"),
    "upload_model_help": ("A state_dict .pt file for the current network (e.g. one downloaded above). "
                          "It is loaded safely (weights only) and checked layer by layer.",
                          "当前网络结构的 state_dict .pt 文件（例如上面下载的文件）。"
                          "以安全方式（仅权重）加载，并逐层检查形状。"),
    "upload_model_same": ("Loaded. Its decision boundary is identical to this run's best model.",
                          "已加载。它的决策边界与本次运行的最佳模型完全相同。"),
    "upload_model_differs": ("Loaded. Its decision boundary (below) differs from this run's best model.",
                             "已加载。它的决策边界（见下图）与本次运行的最佳模型不同。"),
}
