"""Strings of runs beyond two classes (core.tasks): K-class decision regions, regression, the confusion matrix,
evaluation by steps, the picture of data with more than two inputs."""

STRINGS: dict[str, tuple[str, str]] = {
    "task_binary": ("two classes: one sigmoid output, binary cross-entropy",
                    "二分类：一个 sigmoid 输出神经元，二元交叉熵损失"),
    "task_multiclass": ("{k} classes: {k} softmax outputs, cross-entropy, accuracy by the most likely class",
                        "{k} 分类：{k} 个 softmax 输出神经元，交叉熵损失，按概率最大的类别计算准确率"),
    "task_regression": ("regression: one linear output, mean squared error, scored by R²",
                        "回归：一个线性输出神经元，均方误差损失，用 R² 评价"),
    "task_line": ("Task: {task}.", "任务：{task}。"),
    "metric_test_r2": ("Test R²", "测试集 R²"),
    "metric_test_mse": ("Test MSE", "测试集均方误差"),
    "metric_best_dev_r2": ("Best dev R²", "验证集最佳 R²"),
    "metric_best_step": ("Best step", "最佳步数"),
    "mse": ("mean squared error", "均方误差"),
    "target": ("target", "目标值"),
    "chart_mse": ("Mean squared error", "均方误差"),
    "chart_r2": ("R² (1 = perfect, 0 = no better than the mean)", "R²（1 为完美，0 表示不比均值好）"),
    "chart_regions": ("Decision regions: the most likely class (paler = less sure)",
                      "决策区域：最可能的类别（越浅越不确定）"),
    "chart_prediction": ("Prediction of the network (colour = value; points: their targets)",
                         "网络的预测值（颜色表示数值；点的颜色是其目标值）"),
    "chart_confusion": ("Confusion matrix on the test set (best dev model)", "测试集上的混淆矩阵（验证集最佳模型）"),
    "cm_true": ("true class", "真实类别"),
    "cm_pred": ("predicted class", "预测类别"),
    "cm_count": ("rows", "样本数"),
    "tab_test": ("Test set", "测试集"),
    "spiral_tip": ("{k} interleaved arms need more than a few sigmoid units: the preset “beyond the book · 3-class "
                   "spiral” ({label}) learns three arms to about 97 % test accuracy.",
                   "{k} 条交错的螺旋臂需要更多的神经元：预设“课外 · 三类螺旋”（{label}）"
                   "能把三条臂学到约 97% 的测试集准确率。"),
    "tab_curves_r2": ("Loss & R²", "损失与 R²"),
    "tab_prediction": ("Prediction", "预测值"),
    "class_report": ("Per class on the test set: precision = of the rows predicted as this class, the share that "
                     "is it; recall = of the rows of this class, the share found.",
                     "测试集上每个类别：精确率 = 预测为该类的样本中真正属于该类的比例；"
                     "召回率 = 该类样本中被找出来的比例。"),
    "col_class": ("class", "类别"),
    "col_support": ("test rows", "测试样本数"),
    "col_precision": ("precision", "精确率"),
    "col_recall": ("recall", "召回率"),
    "reg_scatter": ("Predicted against true value on the test set (the diagonal is perfect)",
                    "测试集上预测值与真实值（对角线为完美预测）"),
    "predicted": ("predicted", "预测值"),
    "true_value": ("true value", "真实值"),
    "step": ("optimizer step", "优化步数"),
    "best_step_rule": ("best dev model", "验证集最佳模型"),
    "chart_loss_steps": ("Loss by step (dev evaluated every {n} steps)", "按步数的损失（每 {n} 步在验证集上评价）"),
    "chart_acc_steps": ("Dev score by step", "验证集指标（按步数）"),
    "steps_caption": ("Evaluated by steps, as the book's RunnerV3: the dev set every {n} optimizer steps and at the "
                      "last step; the best dev model (step {best}) is the one tested.",
                      "按步评价（同书中 RunnerV3）：每 {n} 个优化步及最后一步在验证集上评价；测试的是验证集上最好的模型"
                      "（第 {best} 步）。"),
    "plane_pick": ("Picture of the {d} inputs", "{d} 个输入特征的二维画面"),
    "plane_pca": ("the first two principal components", "前两个主成分"),
    "plane_pair": ("{u} and {v} (the other inputs at their mean)", "{u} 与 {v}（其余输入取均值）"),
    "plane_help": ("A network with more than two inputs is drawn on a plane through them: the two directions along "
                   "which the data varies most, or two of the inputs with the others fixed at their mean.",
                   "输入多于两个时，网络画在穿过这些输入的一个平面上：数据变化最大的两个方向（主成分），"
                   "或其中两个输入（其余固定为均值）。"),
    "plane_note_pca": ("The network sees {d} inputs; drawn on the plane of the first two principal components "
                       "(PC1 {a:.0%}, PC2 {b:.0%} of the variance), through the mean.",
                       "网络有 {d} 个输入；画在过均值的前两个主成分平面上（PC1 占方差的 {a:.0%}，PC2 占 {b:.0%}）。"),
    "plane_note_features": ("The network sees {d} inputs; drawn over {u} and {v}, the other inputs fixed at their "
                            "mean.", "网络有 {d} 个输入；画在 {u} 与 {v} 上，其余输入固定为均值。"),
    "pc_axis": ("PC{k}", "主成分 {k}"),
    "grid_regression_note": ("This is a regression task: every “accuracy” on this page is R² (1 = perfect, 0 = no "
                             "better than predicting the mean), and every loss the mean squared error.",
                             "这是回归任务：本页中的“准确率”都是 R²（1 为完美，0 表示不比预测均值好），"
                             "损失都是均方误差。"),
}
