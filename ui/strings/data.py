"""Strings of the Your-data page."""

STRINGS = {
    "data_intro": (
        "Train on your own 2-D points. Upload a CSV file with three columns — `x1`, `x2`, `label` (label 0 or 1), "
        "a header row is optional, at most {rows:,} rows. The split (train/dev/test fractions, data seed), the "
        "network and the training settings come from the sidebar.",
        "用你自己的二维数据点训练。上传一个 CSV 文件，包含三列 —— `x1`、`x2`、`label`（标签为 0 或 1），"
        "表头可有可无，最多 {rows:,} 行。数据划分（训练/验证/测试比例、数据种子）、网络结构和训练设置都来自侧边栏。"),
    "data_upload": ("CSV file (`x1`, `x2`, `label`)", "CSV 文件（`x1`、`x2`、`label`）"),
    "data_template": ("Download an example CSV (the current sidebar dataset)", "下载示例 CSV（当前侧边栏的数据集）"),
    "data_loaded": ("{n} points loaded: {n0} of class 0, {n1} of class 1.",
                    "已加载 {n} 个数据点：类别 0 有 {n0} 个，类别 1 有 {n1} 个。"),
    "data_preview": ("Preview", "预览"),
    "data_none": ("No file yet: upload a CSV to train on it.", "还没有文件：上传 CSV 后即可在其上训练。"),
    "data_points_title": ("Your points", "你的数据点"),
}
