"""Real browser: the Loss landscape page opened by a Chinese deep link as a fresh server's first request."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from tests.browser.conftest import shot, wait_idle

RUN_TIMEOUT = 180_000


def test_deep_link_in_chinese_trains_and_draws_every_view(fresh_server, page, request):
    page.goto(f"{fresh_server.url}/landscape?lang=zh&epochs=500&p_grid=21&p_race=sgd&p_race=adam")
    wait_idle(page)
    assert page.get_by_role("heading", name="损失曲面").count() >= 1
    assert page.locator("[data-testid='stSidebar']").get_by_role("spinbutton", name="训练轮数").input_value() == "500"
    assert page.locator("[data-testid='stVegaLiteChart']").count() == 0        # nothing before the click
    page.get_by_role("button", name="开始训练", exact=True).click()
    page.wait_for_selector("[data-testid='stVegaLiteChart']", timeout=RUN_TIMEOUT)
    wait_idle(page, timeout=RUN_TIMEOUT)
    assert page.locator("[data-testid='stVegaLiteChart']").count() == 3        # line, slice, path
    assert page.get_by_text("21 × 21 网格上的训练集损失").count() == 1           # the link's grid
    metric = page.locator("[data-testid='stMetric']").filter(has_text="θ* 处的训练集损失")
    assert 0 < float(metric.locator("[data-testid='stMetricValue']").inner_text()) < 0.7
    shot(page, request, "trained")

    page.get_by_role("button", name="训练这 2 个运行，每个 500 轮").click()
    page.wait_for_function("document.querySelectorAll(\"[data-testid='stVegaLiteChart']\").length == 5",
                           timeout=RUN_TIMEOUT)
    wait_idle(page, timeout=RUN_TIMEOUT)
    for chart in page.locator("[data-testid='stVegaLiteChart']").all():
        chart.scroll_into_view_if_needed()
        assert chart.bounding_box()["height"] > 150 and chart.is_visible()
    assert page.locator("[data-testid='stException']").count() == 0 and not page.js_errors, page.js_errors
    query = parse_qs(urlsplit(page.url).query)
    assert query.get("lang") == ["zh"] and query.get("p_grid") == ["21"] and query.get("p_race") == ["sgd", "adam"]
    shot(page, request, "race")
