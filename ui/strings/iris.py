"""Strings of the Iris page (book 4.5)."""

STRINGS: dict[str, tuple[str, str]] = {
    # core.choices DATASET_TABLE["iris"] class_names and input_names (ui.i18n.class_names / input_names)
    "class_setosa": ("setosa", "山鸢尾"),
    "class_versicolor": ("versicolor", "变色鸢尾"),
    "class_virginica": ("virginica", "维吉尼亚鸢尾"),
    "input_sepal_length": ("sepal length", "萼片长度"),
    "input_sepal_width": ("sepal width", "萼片宽度"),
    "input_petal_length": ("petal length", "花瓣长度"),
    "input_petal_width": ("petal width", "花瓣宽度"),
    "iris_intro": (
        "Chapter 4 ends with a task of more than two classes: Fisher's **Iris** flowers, 150 of them, 50 of each of "
        "three species, each described by four measurements ({features}). A **4-6-3** network reads the four "
        "measurements; its three outputs go through **softmax** to give each species' probability, and the loss is "
        "the **cross-entropy** of the true species. Training runs as the book's RunnerV3 does: mini-batches of 16, "
        "shuffled every epoch, the dev set evaluated every 50 steps, the best dev model kept and tested.",
        "第 4 章最后是一个多于两类的任务：Fisher 的**鸢尾花**数据，共 150 朵花，三个品种各 50 朵，每朵花有四个测量值"
        "（{features}）。一个 **4-6-3** 网络读入这四个值；三个输出经过 **softmax** 得到每个品种的概率，损失是真实品种的"
        "**交叉熵**。训练方式同书中 RunnerV3：批大小 16，每轮打乱，每 50 步在验证集上评价一次，"
        "保留验证集上最好的模型并在测试集上测试。"),
    "iris_book": ("What the book does (4.5)", "书中的做法（4.5 节）"),
    "iris_book_text": (
        "- **Data**: every feature min–max scaled to [0, 1], the rows shuffled, then cut by counts into 120 train, "
        "15 dev and 15 test rows.\n"
        "- **Model**: 4 inputs → 6 sigmoid units → 3 outputs; weights drawn from N(0, 0.01²), every bias 1.0.\n"
        "- **Training**: SGD with learning rate 0.2, batches of 16, 150 epochs (1,200 steps); the dev set every 50 "
        "steps and at the last step; a strictly better dev accuracy replaces the best model.\n"
        "- **Result**: the book's run prints a test accuracy of 0.7333 (loss 0.5928). Its shuffle and initial "
        "weights come from PaddlePaddle's random generator, so this page's run (PyTorch, the seeds in the sidebar) "
        "starts elsewhere: with 15 test flowers one flower is 0.0667 of accuracy, and runs differ by several.\n"
        "- Sigmoid hidden units with tiny weights start in their linear region; the biases of 1.0 shift them, which "
        "is why the first evaluations stay at chance before the loss starts to fall.",
        "- **数据**：每个特征用最小–最大归一化到 [0, 1]，打乱后按数量切成 120 个训练、15 个验证和 15 个测试样本。\n"
        "- **模型**：4 个输入 → 6 个 sigmoid 隐藏神经元 → 3 个输出；权重取自 N(0, 0.01²)，所有偏置为 1.0。\n"
        "- **训练**：SGD，学习率 0.2，批大小 16，150 轮（1,200 步）；每 50 步及最后一步在验证集上评价；验证集准确率"
        "严格更高时才替换最佳模型。\n"
        "- **结果**：书中那次运行打印的测试集准确率为 0.7333（损失 0.5928）。它的打乱顺序和初始权重来自 PaddlePaddle "
        "的随机数生成器，所以本页的运行（PyTorch，侧边栏中的随机种子）起点不同：测试集只有 15 朵花，"
        "一朵花就是 0.0667 的准确率，不同运行会相差好几朵。\n"
        "- 权重很小时 sigmoid 隐藏神经元处在线性区；偏置 1.0 让它们偏移，所以最初几次评价停在随机水平，"
        "之后损失才开始下降。"),
    "iris_setting": ("Setting: {label}.", "设置：{label}。"),
    "iris_reset": ("Book setting", "书中设置"),
    "iris_reset_help": ("Back to the book's 4.5 setting (4-6-3, SGD 0.2, batches of 16, 150 epochs, dev every 50 "
                        "steps).", "恢复书中 4.5 节的设置（4-6-3，SGD 0.2，批大小 16，150 轮，每 50 步评价）。"),
    "iris_other_data": ("This page is about Iris, but the sidebar's dataset is {dataset}: the run below trains on "
                        "that. “Book setting” brings Iris back.",
                        "本页讲鸢尾花分类，但侧边栏选择的数据集是 {dataset}：下面的运行会用它训练。"
                        "点击“书中设置”即可换回鸢尾花。"),
    "iris_train": ("Train the Iris network", "训练鸢尾花网络"),
    "iris_press": ("Press the button to train this setting (about a second).", "点击按钮训练这一设置（约一秒）。"),
    "iris_test_help": ("Accuracy of the best dev model on the 15 test flowers.",
                       "验证集上最好的模型在 15 朵测试花上的准确率。"),
    "iris_book_metric": ("Book's test accuracy", "书中的测试集准确率"),
    "iris_book_help": ("What the book's own run printed (test loss {loss}); see “What the book does”.",
                       "书中那次运行打印的结果（测试集损失 {loss}）；见“书中的做法”。"),
    "iris_test_set": ("The test set", "测试集"),
    "iris_regions": ("Decision regions", "决策区域"),
    "iris_regions_read": (
        "Setosa sits apart from the other two species: it is the class the network gets right first. Versicolor and "
        "virginica overlap in every measurement: when a flower is missed (see the confusion matrix), it is one of "
        "these two, near the line between their regions.",
        "山鸢尾与另外两个品种分得很开，是网络最先分对的一类。变色鸢尾和维吉尼亚鸢尾在各个测量值上都有重叠："
        "如果有花被分错（见混淆矩阵），一定是这两类之一，位于它们两个区域的分界线附近。"),
}
