"""Real browser (Debian chromium via Playwright) against a real `streamlit run` server."""

from __future__ import annotations

import json
import time
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.browser.conftest import ARTIFACTS, shot, wait_idle
from ui.nav import PAGES

TIMINGS = ARTIFACTS.parent / "timings.json"


def no_exceptions(page) -> None:
    assert page.locator("[data-testid='stException']").count() == 0
    assert not page.js_errors, page.js_errors


def record(name: str, seconds: float) -> None:
    data = json.loads(TIMINGS.read_text()) if TIMINGS.exists() else {}
    data[name] = round(seconds, 3)
    TIMINGS.write_text(json.dumps(data, indent=2))
    print(f"{name}: {seconds:.3f} s")


def click_train(page) -> float:
    start = time.perf_counter()
    page.get_by_role("button", name="Train", exact=True).click()
    page.wait_for_selector("[data-testid='stMetric']", timeout=120_000)
    wait_idle(page)
    return time.perf_counter() - start


def test_train_default_config_renders_charts(fresh_server, page, request):
    start = time.perf_counter()
    page.goto(fresh_server.url + "/")
    wait_idle(page)
    record("first_page_render_after_server_ready", time.perf_counter() - start)
    no_exceptions(page)
    shot(page, request, "before-train")

    record("train_click_to_final_charts_default", click_train(page))
    assert page.locator("[data-testid='stVegaLiteChart']").count() >= 1
    accuracy = page.locator("[data-testid='stMetric']").filter(has_text="Test accuracy")
    assert float(accuracy.locator("[data-testid='stMetricValue']").inner_text()) >= 0.85
    no_exceptions(page)
    shot(page, request, "trained")

    record("train_click_cached_rerun", click_train(page))
    page.wait_for_timeout(300)
    record("cached_rerun_script_seconds", fresh_server.script_seconds()[-1])
    drawn = {}
    for tab in ("Decision boundary", "Gradients", "Compare runs", "Downloads"):
        page.get_by_role("tab", name=tab).click()
        page.wait_for_timeout(400)
        wait_idle(page)                 # only the open tab is drawn: a click reruns the script
        drawn[tab] = (page.locator("[data-testid='stVegaLiteChart']").count(),
                      page.locator("[data-testid='stDataFrame']").count())
        shot(page, request, tab.replace(" ", "-").lower())
    assert drawn["Decision boundary"][0] == 1 and drawn["Gradients"] == (1, 2), drawn
    assert page.get_by_role("button", name="Best model state_dict (.pt)").count() == 1       # Downloads
    no_exceptions(page)


@pytest.mark.parametrize("path", ["/"] + [f"/{p[3]}" for p in PAGES[1:]])
def test_deep_link_on_a_fresh_server_shows_sidebar_and_applies_params(fresh_server, page, request, path):
    page.goto(f"{fresh_server.url}{path}?hidden=5,3&lr=1&lang=en")
    wait_idle(page)
    no_exceptions(page)
    sidebar = page.locator("[data-testid='stSidebar']")
    assert sidebar.get_by_text("Neurons in hidden layer 2").count() == 1
    assert sidebar.get_by_role("spinbutton", name="Learning rate").input_value() == "1"
    assert sidebar.get_by_role("spinbutton", name="Number of hidden layers").input_value() == "2"
    query = parse_qs(urlsplit(page.url).query)
    assert query.get("hidden") == ["5,3"] and query.get("lr") == ["1"]
    shot(page, request, "deep-link")


def test_invalid_url_parameter_is_reported(server, page, request):
    page.goto(f"{server.url}/?lr=-5&hidden=5,,3&epochs=100")
    wait_idle(page)
    text = page.locator("[data-testid='stAlert']").all_inner_texts()
    joined = " ".join(text)
    assert "lr" in joined and "hidden" in joined
    assert page.locator("[data-testid='stSidebar']").get_by_role("spinbutton", name="Epochs").input_value() == "100"
    no_exceptions(page)


def test_switch_to_chinese(server, page, request):
    page.goto(server.url + "/")
    wait_idle(page)
    page.locator("[data-testid='stSidebar']").get_by_role("radio", name="中文").click()
    wait_idle(page)
    assert page.get_by_role("heading", name="训练").count() >= 1
    assert page.get_by_role("button", name="开始训练").count() == 1
    assert page.locator("[data-testid='stSidebar']").get_by_role("spinbutton", name="学习率").count() == 1
    # choice widgets show their options in the new language too (not only their labels)
    assert page.get_by_role("combobox", name="激活函数").input_value() == "Logistic（sigmoid）"
    assert parse_qs(urlsplit(page.url).query).get("lang") == ["zh"]
    no_exceptions(page)
    shot(page, request, "zh")


# What each page needs before its charts show: nothing (cheap views render on load), a button, or a file.
ACTIONS = {"train": ("button", "Train", "[data-testid='stMetric']"),
           "grid": ("button", "Run grid search", "[data-testid='stVegaLiteChart']"),
           "data": ("upload", "Train", "[data-testid='stMetric']"),
           "landscape": ("button", "Train", "[data-testid='stVegaLiteChart']"),
           "iris": ("button", "Train the Iris network", "[data-testid='stMetric']")}


CHART = "[data-testid='stVegaLiteChart'], .nnp-root canvas"      # Streamlit's charts, or Watch it learn's player


def test_every_page_renders_its_charts_without_exception(server, page, request, tmp_path):
    csv = tmp_path / "points.csv"
    csv.write_text("x1,x2,label\n" + "".join(f"{i / 50:.3f},{(i % 7) / 7:.3f},{i % 2}\n" for i in range(200)))
    for script, _title, _icon, url in PAGES:
        page.goto(f"{server.url}/{'' if script == PAGES[0][0] else url}")
        wait_idle(page)
        kind, label, result = ACTIONS.get(url, (None, None, None))
        if kind == "upload":
            page.locator("[data-testid='stFileUploader'] input[type='file']").first.set_input_files(str(csv))
            page.get_by_text("200 points loaded").wait_for(timeout=60_000)
            wait_idle(page)
        if kind is not None:
            page.get_by_role("button", name=label, exact=True).click()
            page.wait_for_selector(result, timeout=120_000)
            wait_idle(page)
        page.wait_for_selector(CHART, timeout=60_000)
        assert page.locator(CHART).count() >= 1, url
        no_exceptions(page)
        shot(page, request, url)


def test_leaving_during_training_leaves_the_app_usable(server, page, request):
    page.goto(f"{server.url}/?epochs=8000&hidden=32,32&seed=11")
    wait_idle(page)
    page.get_by_role("button", name="Train", exact=True).click()
    page.wait_for_selector("[data-testid='stProgress']", timeout=60_000)     # training has started
    page.locator("[data-testid='stSidebarNav']").get_by_text("Dead ReLU").click()
    wait_idle(page)
    assert page.get_by_role("heading", name="Dead ReLU").count() >= 1
    no_exceptions(page)
    page.locator("[data-testid='stSidebarNav']").get_by_text("Train").click()
    wait_idle(page)
    no_exceptions(page)
    page.get_by_role("button", name="Train", exact=True).click()
    page.wait_for_selector("[data-testid='stMetric']", timeout=180_000)
    wait_idle(page)
    no_exceptions(page)
    shot(page, request, "trained-after-leaving")
