"""Tasks beyond two classes in a real browser: the Iris page (book 4.5) and a 3-class run on the Train page,
in English and Chinese, each on a deep link."""

from __future__ import annotations

import pytest

from core import train
from core.config import preset, to_params
from tests.browser.conftest import shot, wait_idle
from ui.i18n import t

RUN_TIMEOUT = 180_000


def metric_value(page, label: str) -> str:
    metric = page.locator("[data-testid='stMetric']").filter(has_text=label).first
    return metric.locator("[data-testid='stMetricValue']").inner_text()


def no_exceptions(page) -> None:
    assert page.locator("[data-testid='stException']").count() == 0
    assert page.locator("[data-testid='stAlertContentError']").count() == 0
    assert not page.js_errors, page.js_errors


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_iris_page_trains_the_books_setting_and_shows_its_confusion_matrix(server, page, request, lang):
    page.goto(f"{server.url}/iris?lang={lang}")
    wait_idle(page)
    no_exceptions(page)
    page.get_by_role("button", name=t("iris_train", lang), exact=True).click()
    page.wait_for_selector("[data-testid='stMetric']", timeout=RUN_TIMEOUT)
    wait_idle(page, RUN_TIMEOUT)
    no_exceptions(page)
    solo = train(preset("book_iris"))
    assert metric_value(page, t("metric_test_acc", lang)) == f"{solo.test_acc:.4f}"
    assert metric_value(page, t("iris_book_metric", lang)) == "0.7333"
    # step curves (2), the confusion matrix, the regions; each drawn (a canvas or an svg inside)
    charts = page.locator("[data-testid='stVegaLiteChart']")
    assert charts.count() == 4
    for i in range(4):
        assert charts.nth(i).locator("canvas, svg").count() >= 1
    assert page.locator("[data-testid='stDataFrame']").count() == 1          # per-class precision / recall
    shot(page, request, f"iris-{lang}")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_three_class_run_on_the_train_page_shows_regions_and_its_test_set(server, page, request, lang):
    config = preset("spiral_3").replace(epochs=300)
    query = "&".join(f"{k}={v}" for k, v in to_params(config, only_changed=True).items())
    page.goto(f"{server.url}/?{query}&lang={lang}")
    wait_idle(page)
    page.get_by_role("button", name=t("train_button", lang), exact=True).click()
    page.wait_for_selector("[data-testid='stMetric']", timeout=RUN_TIMEOUT)
    wait_idle(page, RUN_TIMEOUT)
    no_exceptions(page)
    assert page.get_by_text(t("task_multiclass", lang, k=3)[:12]).count() >= 1
    solo = train(config)
    assert metric_value(page, t("metric_test_acc", lang)) == f"{solo.test_acc:.4f}"
    for tab, charts, tables in (("tab_boundary", 1, 0), ("tab_test", 1, 1)):
        page.get_by_role("tab", name=t(tab, lang)).click()
        page.wait_for_timeout(400)
        wait_idle(page, RUN_TIMEOUT)
        no_exceptions(page)
        assert page.locator("[data-testid='stVegaLiteChart']").count() == charts
        assert page.locator("[data-testid='stDataFrame']").count() == tables
        shot(page, request, f"{tab}-{lang}")
