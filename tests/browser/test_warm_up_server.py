"""The lessons' background warm-up (ui.warm) on a real server: after it, every lesson button on its
page's default answers from the cache -- the server trains nothing more."""

from __future__ import annotations

import re

from tests.browser.conftest import Server, shot, wait_idle
from ui.runs import config_key
from ui.warm import lesson_runs

VEGA = "[data-testid='stVegaLiteChart']"
# page url -> the button its lesson trains with, on the page's default setting
BUTTONS = {
    "": re.compile(r"^Train$"),
    "init": re.compile(r"^Train 6 runs$"),
    "vanishing": re.compile(r"^Train these 6 runs"),
    "dead_relu": re.compile(r"^Train these 3 runs"),
    "grid": None,      # a sweep some session already ran is shown on opening: no button to press
}


def wait_for_results(page, url: str, charts_before: int) -> None:
    if url:      # a lesson adds its result charts below the page's own
        page.wait_for_function(f"n => document.querySelectorAll(\"{VEGA}\").length > n", arg=charts_before,
                               timeout=60_000)
    else:        # the Train page replaces its preview (data, diagram) by the results
        page.get_by_text("Training time").wait_for(timeout=60_000)


def test_after_the_warm_up_every_lesson_button_trains_nothing(browser, request):
    server = Server(warm=True)
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    try:
        page = context.new_page()
        page.goto(server.url + "/")
        wait_idle(page)
        server.wait_log("warm-up done")
        warmed = server.trained_keys()
        expected = {config_key(c) for configs in lesson_runs().values() for c in configs}
        assert set(warmed) == expected and len(warmed) == len(expected)      # each default run, once
        sweeps = server.log_text().count("swept seconds=")
        assert sweeps == 1                                                    # the grid page's default sweep
        for url, label in BUTTONS.items():
            page.goto(f"{server.url}/{url}")
            wait_idle(page)
            charts = page.locator(VEGA).count()
            if label is None:       # the warmed sweep's charts on opening (drawn a moment after the script's end)
                assert page.get_by_role("button", name="Run grid search").count() == 0
                page.wait_for_function(f"() => document.querySelectorAll(\"{VEGA}\").length >= 2", timeout=30_000)
            else:
                page.get_by_role("button", name=label).click()
                wait_idle(page)
                wait_for_results(page, url, charts)
            shot(page, request, url or "train")
            assert page.locator("[data-testid='stException']").count() == 0
            assert server.trained_keys() == warmed, f"/{url} trained a run the warm-up should have cached"
            assert server.log_text().count("swept seconds=") == sweeps, f"/{url} ran a sweep again"
    finally:
        context.close()
        server.stop()
