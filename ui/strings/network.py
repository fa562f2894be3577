"""Text of the Watch-it-learn network diagram and boundary (ui/charts/network.py): {key: (en, zh)}."""

STRINGS: dict[str, tuple[str, str]] = {
    "net_key": ("pictures and lines: orange > 0, blue < 0 · width ∝ |w|\n"     # two lines, each kept whole
                "▪ bias · ✕ dead · A, B …: identical units",
                "图和连线：橙色 > 0，蓝色 < 0 · 线宽 ∝ |w|\n▪ 偏置 · ✕ 死亡 · A、B……：相同的神经元"),
    "net_unit": ("unit {i}", "神经元 {i}"),
    "net_units": ("units {i}", "神经元 {i}"),
    "net_output": ("output", "输出"),
    "net_inputs": ("input", "输入"),
    "net_link_tip": ("{layer}: {src} → {dst}, w = {w}", "{layer}：{src} → {dst}，权重 = {w}"),
    "net_bias_tip": ("{layer}: bias of {dst}, b = {b}", "{layer}：{dst} 的偏置 = {b}"),
    "net_input_tip": ("input feature {name}", "输入特征 {name}"),
    "net_hidden_tip": ("{layer} · {unit}", "{layer} · {unit}"),
    "net_output_tip": ("output: P(class 1)", "输出：P(类别 1)"),
    "net_class": ("class {k}", "类别 {k}"),
    "net_class_tip": ("output: P({name}), white 0 → its colour 1", "输出：P({name})，白色 0 → 该类颜色 1"),
    "net_value_tip": ("output: the predicted value (blue < 0 < orange, on the targets' scale)",
                      "输出：预测值（蓝色 < 0 < 橙色，与目标值同一色标）"),
    "net_dead": ("dead", "死亡"),
    "net_dead_tip": ("{layer} · {unit}: dead (outputs 0 on every training point, so it gets no gradient)",
                 "{layer} · {unit}：死亡（在所有训练点上输出都是 0，因此梯度为 0）"),
    "net_identical_tip": ("{layer}: {units} are identical (same weights and bias)",
                      "{layer}：{units} 相同（权重和偏置都相同）"),
    "net_gap_tip": ("{k} more units not drawn", "另有 {k} 个神经元未画出"),
}
