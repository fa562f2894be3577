"""Strings of the Your-data page."""

STRINGS = {
    "data_intro": (
        "Train on your own 2-D points. Upload a CSV file with three columns — `x1`, `x2`, `label` — a header row "
        "is optional, at most {rows:,} rows. The labels say the task: 2 to {k} different integers are classes "
        "(0/1 for two), any other numbers a target to predict (regression). The split (train/dev/test fractions, "
        "data seed), the network and the training settings come from the sidebar; the output layer follows "
        "your labels.",
        "用你自己的二维数据点训练。上传一个 CSV 文件，包含三列 —— `x1`、`x2`、`label`，"
        "表头可有可无，最多 {rows:,} 行。标签决定任务：2 到 {k} 种不同的整数是类别（两类时为 0/1），"
        "其他数值是要预测的目标（回归）。数据划分（训练/验证/测试比例、数据种子）、网络结构和训练设置都来自侧边栏；"
        "输出层随你的标签而定。"),
    "data_upload": ("CSV file (`x1`, `x2`, `label`)", "CSV 文件（`x1`、`x2`、`label`）"),
    "data_template": ("Download an example CSV (the current sidebar dataset)", "下载示例 CSV（当前侧边栏的数据集）"),
    "data_loaded": ("{n} points loaded: {counts}.", "已加载 {n} 个数据点：{counts}。"),
    "data_class_count": ("{count} of class {label}", "类别 {label} 有 {count} 个"),
    "data_loaded_target": ("{n} points loaded: the target runs from {low:.4g} to {high:.4g} (mean {mean:.4g}).",
                           "已加载 {n} 个数据点：目标值从 {low:.4g} 到 {high:.4g}（均值 {mean:.4g}）。"),
    "data_sep": (", ", "，"),
    "data_label_sep": (", ", "、"),
    "data_task_binary": (
        "Task: 2 classes (labels {labels}) → one sigmoid output, binary cross-entropy; scored by accuracy.",
        "任务：2 个类别（标签 {labels}）→ 一个 sigmoid 输出，二元交叉熵损失；以准确率评分。"),
    "data_task_multiclass": (
        "Task: {k} classes (labels {labels}) → softmax output ({k} units), cross-entropy; scored by accuracy.",
        "任务：{k} 个类别（标签 {labels}）→ softmax 输出（{k} 个神经元），交叉熵损失；以准确率评分。"),
    "data_task_renamed": (" The network numbers the labels {labels} as classes {indices}.",
                          "网络把标签 {labels} 依次记为类别 {indices}。"),
    "data_task_regression": (
        "Task: numeric target ({why}) → regression: one linear output, mean squared error; scored by R² "
        "(1 = perfect, 0 = no better than predicting the mean).",
        "任务：数值目标（{why}）→ 回归：一个线性输出，均方误差损失；以 R² 评分（1 为完美，0 表示不比预测均值更好）。"),
    "data_why_fraction": ("not every label is an integer", "并非所有标签都是整数"),
    "data_why_many": ("{n} different integer labels, more than {k} classes",
                      "{n} 种不同的整数标签，多于 {k} 个类别"),
    "data_preview": ("Preview", "预览"),
    "data_none": ("No file yet: upload a CSV to train on it.", "还没有文件：上传 CSV 后即可在其上训练。"),
    "data_points_title": ("Your points", "你的数据点"),
}
