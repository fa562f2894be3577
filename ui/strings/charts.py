"""Strings the chart builders (ui/charts/) add when they reduce a large run for display."""

STRINGS = {
    # "\n" starts a second subtitle line (charts are ~420 px wide; one long line was cut)
    "chart_sampled": ("showing {shown:,} of {total:,} points,\nsampled for display",
                      "显示 {total:,} 个数据点中的 {shown:,} 个\n（为便于显示而抽样）"),
    "chart_sampled_strata": ("showing {shown:,} of {total:,} points, sampled for display;\n"
                             "every split and class keeps its share",
                             "显示 {total:,} 个数据点中的 {shown:,} 个（为便于显示而抽样）\n"
                             "各数据集、各类别按比例保留"),
    "chart_zero_marks_thinned": ("▼ on the dashed line = exactly 0 (thinned for display: one ▼ stands for up to "
                                 "{n:,} epochs of its layer)",
                                 "虚线上的 ▼ = 精确为 0（为便于显示已精简：每个 ▼ 代表该层最多 {n:,} 轮）"),
    "chart_heat_binned": ("each cell spans about {n:,} epochs: geometric mean of its non-zero norms, "
                          "black only where all of them are exactly 0",
                          "每个格子约涵盖 {n:,} 轮：取其中非零范数的几何平均；仅当全部精确为 0 时为黑色"),
    "chart_epochs": ("epochs", "轮次范围"),
    "chart_geo_mean": ("gradient L2 norm (geometric mean)", "梯度 L2 范数（几何平均）"),
    "chart_zero_title": ("exactly 0", "精确为 0"),
    "chart_zero_count": ("{k} of {n} cells", "{n} 个格子中的 {k} 个"),
    # the Compare runs table (ui.charts.base.compare_table)
    "compare_col_role": ("status", "状态"),
    "compare_col_layers": ("network", "网络结构"),
}
