"""Strings of the Grid search page (app_pages/grid.py, ui/charts/grid.py), keys prefixed grid_."""

from __future__ import annotations

STRINGS: dict[str, tuple[str, str]] = {
    "grid_intro": (
        "How much do depth and learning rate matter? Train every combination of the values below — by default "
        "one or two hidden layers (5 and 5-3 neurons) × learning rate 0.01, 1 and 5 for 3000 epochs, each with "
        "three seeds so the spread is visible — and compare test accuracies in one table. Full-batch configs "
        "with SGD or Adam are trained together, so the whole grid takes about as long as a few single runs. "
        "Every other setting comes from the sidebar.",
        "网络深度和学习率各有多大影响？对下面各取值的所有组合逐一训练 —— 默认是 1 个或 2 个隐藏层（5 个神经元，"
        "或 5 和 3 个神经元）× 学习率 0.01、1、5，训练 3000 轮，每组用 3 个随机种子以观察结果的波动 —— 并在同一张表中"
        "比较测试集准确率。使用全批量 SGD 或 Adam 的配置会被合并在一起训练，因此整个网格只比几次单独训练稍慢。"
        "其余设置均取自侧边栏。"),
    "grid_axes": ("Grid axes", "网格的各个维度"),
    "grid_hidden": ("Hidden layers (layouts separated by ;)", "隐藏层（不同结构之间用 ; 分隔）"),
    "grid_hidden_help": ("Each layout lists neuron counts per hidden layer: '5;5,3' means 2-5-1 and 2-5-3-1. "
                         "`none` is a network without hidden layers (logistic regression). Empty: the sidebar's.",
                         "每种结构列出各隐藏层的神经元个数：'5;5,3' 表示 2-5-1 和 2-5-3-1；`none` 表示没有隐藏层"
                         "（即 Logistic 回归）。留空则使用侧边栏的设置。"),
    "grid_lr": ("Learning rates (comma-separated)", "学习率（用逗号分隔）"),
    "grid_seeds": ("Seeds (comma-separated)", "随机种子（用逗号分隔）"),
    "grid_epochs": ("Epochs (comma-separated)", "训练轮数（用逗号分隔）"),
    "grid_list_help": ("Values separated by commas; empty: the sidebar's value.",
                       "多个取值用逗号分隔；留空则使用侧边栏的值。"),
    "grid_seeds_help": ("Each seed gives other initial weights: several seeds show how much a result varies.",
                        "不同的随机种子给出不同的初始参数：多个种子可以看出结果的波动有多大。"),
    "grid_extra": ("One more axis (optional)", "再加一个维度（可选）"),
    "grid_extra_none": ("(none)", "（无）"),
    "grid_extra_values": ("Its values (comma-separated)", "其取值（用逗号分隔）"),
    "grid_extra_help": ("E.g. activation 'sigmoid,relu', optimizer 'sgd,adam' or weight_std '0.01,1'. "
                        "Choices use the names of the URL and the command line. Input features: sets separated "
                        "by ';', e.g. 'x1,x2;x1sq,x2sq'.",
                        "例如激活函数 'sigmoid,relu'、优化器 'sgd,adam' 或标准差 '0.01,1'。"
                        "选项请使用链接和命令行中的名称。输入特征：各组用分号分隔，如 'x1,x2;x1sq,x2sq'。"),
    "grid_reset": ("Reset to the textbook grid", "恢复教材中的网格"),
    "grid_reset_help": ("The seed post's table over the book's 4.3.1 setting (also resets the sidebar).",
                        "恢复示例博文中的表格，并在书中 4.3.1 的设置上运行（侧边栏也会恢复）。"),
    "grid_invalid": ("The grid is not valid — {msg}", "网格设置无效 —— {msg}"),
    "grid_size": ("Configs to train", "待训练的配置数"),
    "grid_groups": ("Batched groups", "批量并行的组数"),
    "grid_singles": ("Trained one by one", "逐个训练"),
    "grid_estimate": ("Estimated time", "预计用时"),
    "grid_estimate_value": ("≈ {s:.2g} s", "约 {s:.2g} 秒"),
    "grid_plan_note": ("Full-batch configs with SGD (any momentum, Nesterov, weight decay) or Adam, without L1, "
                       "clipping or batch norm, that share the network, activation and epochs are trained together; "
                       "the others run one by one. The time is an estimate from rates measured on a 2-core "
                       "machine (at most {limit:.0f} s allowed here).",
                       "使用全批量 SGD（可带动量、Nesterov、权重衰减）或 Adam、不带 L1、梯度截断或批量规范化，"
                       "且网络结构、激活函数和训练轮数相同的配置会合并在一起训练，其余配置逐个训练。用时是按双核机器上测得的速度"
                       "估算的（此处最多允许 {limit:.0f} 秒）。"),
    "grid_run": ("Run grid search", "开始网格搜索"),
    "grid_stop": ("Stop", "停止"),
    "grid_progress": ("Training… {done} / {total} configs done", "训练中…… 已完成 {done} / {total} 组配置"),
    "grid_stopped": ("The grid search was stopped; nothing was kept.", "网格搜索已停止，未保留任何结果。"),
    "grid_press_run": ("Press **Run grid search** to train these {n} configs.",
                       "点击 **开始网格搜索** 训练这 {n} 组配置。"),
    "grid_failed": ("The grid search failed: {msg}", "网格搜索失败：{msg}"),
    "grid_heatmap_x": ("Heatmap columns", "热力图的列"),
    "grid_heatmap_y": ("Heatmap rows", "热力图的行"),
    "grid_axis_none": ("(none)", "（无）"),
    "grid_heatmap_title": ("Mean test accuracy (over the seeds and any other axis)",
                           "测试集平均准确率（对随机种子及其他维度取平均）"),
    "grid_spread_title": ("Test accuracy of every run (dots), mean (◆) ± one standard deviation",
                          "每次运行的测试集准确率（圆点）、平均值（◆）± 一个标准差"),
    "grid_mean_test_acc": ("mean test accuracy", "测试集平均准确率"),
    "grid_mean_dev_acc": ("mean dev accuracy", "验证集平均准确率"),
    "grid_mean_test_loss": ("mean test loss", "测试集平均损失"),
    "grid_std": ("std", "标准差"),
    "grid_min": ("min", "最小值"),
    "grid_max": ("max", "最大值"),
    "grid_runs": ("runs", "运行次数"),
    "grid_diverged": ("diverged", "发散次数"),
    "grid_extra_field": ("{name} ({field})", "{name}（{field}）"),
    "grid_best_marker": ("★ best by dev accuracy", "★ 验证集上最佳"),
    "grid_test_acc": ("test accuracy", "测试集准确率"),
    "grid_test_loss": ("test loss", "测试集损失"),
    "grid_best_dev_acc": ("best dev accuracy", "验证集最佳准确率"),
    "grid_best_epoch": ("best epoch", "最佳轮次"),
    "grid_diverged_at": ("diverged at epoch", "发散轮次"),
    "grid_seconds": ("seconds", "用时（秒）"),
    "grid_batched": ("batched", "批量并行"),
    "grid_no_hidden": ("none", "无"),
    "grid_best": ("Best config", "最佳配置"),
    "grid_best_text": ("Highest mean dev accuracy: **{combo}** — mean test accuracy {mean:.4f} "
                       "(min {low:.4f}, max {high:.4f}; runs: {runs}). Its run with seed {seed} "
                       "(test accuracy {acc:.4f}) is the one to load.",
                       "验证集平均准确率最高的是 **{combo}** —— 测试集平均准确率 {mean:.4f}"
                       "（最小 {low:.4f}，最大 {high:.4f}，共 {runs} 次运行）。将载入其中随机种子为 {seed} 的运行"
                       "（测试集准确率 {acc:.4f}）。"),
    "grid_selection_note": ("The dev set chooses the best config, as the book's runner uses it to choose the best "
                            "epoch; the test set is only reported.",
                            "与书中的 `Runner` 用验证集挑选最佳轮次一样，这里用验证集挑选最佳配置；"
                            "测试集只用于报告结果。"),
    "grid_load_best": ("Load the best config into the sidebar", "将最佳配置载入侧边栏"),
    "grid_loaded": ("The sidebar and the URL now hold the best config ({label}); the Train page trains it.",
                    "侧边栏和链接已更新为最佳配置（{label}）；在训练页面即可训练它。"),
    "grid_open_train": ("Open the Train page", "打开训练页面"),
    "grid_summary": ("Summary per config (over seeds) — click a header to sort",
                     "各配置的汇总（对随机种子汇总）—— 点击表头可排序"),
    "grid_all_runs": ("Every run", "全部运行"),
    "grid_diverged_note": ("{n} runs diverged (loss became NaN/inf); their test accuracy is that of the best "
                           "epoch before it.",
                           "有 {n} 次运行发散（损失变为 NaN/inf）；它们的测试集准确率取发散前的最佳轮次。"),
    "grid_download_runs": ("Every run (CSV)", "全部运行（CSV）"),
    "grid_download_summary": ("Summary (CSV)", "汇总（CSV）"),
}
