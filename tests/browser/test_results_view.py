"""What a student, a phone and a projector see of the results (issue 11, points 4, 6, 7, 11, 12), in a real browser:
the open result tab stays open whatever is clicked in it, a pinned run shows as pinned, and every chart, its
legend and its labels fit the screen (no sideways scrolling on a phone, large readable charts on a projector).
Screenshots of each view at 1440x900, 1280x720 and 400x800 land in test-artifacts/screenshots/."""

from __future__ import annotations

from tests.browser.conftest import shot, wait_idle

FAST = "epochs=300"            # a short run: the views are the same, the test is quicker
PHONE, PROJECTOR, DESKTOP = (400, 800), (1280, 720), (1440, 900)

# every chart's drawing and legends, and the page itself, against their containers
GEOMETRY = """() => {
  const charts = [...document.querySelectorAll("[data-testid='stVegaLiteChart']")].map(c => {
    const box = c.getBoundingClientRect();
    const drawing = c.querySelector("svg.marks, canvas.marks");
    const legends = [...c.querySelectorAll("svg.marks .role-legend")].map(l => l.getBoundingClientRect());
    const labels = [...c.querySelectorAll("svg.marks .role-axis-label text")]
      .map(t => parseFloat(getComputedStyle(t).fontSize));
    const d = drawing ? drawing.getBoundingClientRect() : null;
    return {left: box.left, right: box.right, width: box.width,
            drawing: d && {left: d.left, right: d.right, width: d.width, top: d.top, bottom: d.bottom},
            legendRight: Math.max(-1, ...legends.map(l => l.right)),
            legendLeft: Math.min(1e9, ...legends.map(l => l.left)),
            legends: legends.length, smallestLabel: Math.min(99, ...labels)};
  });
  const main = document.querySelector("[data-testid='stMain']");
  return {scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth,
          mainScroll: main ? main.scrollWidth - main.clientWidth : 0, charts};
}"""


def geometry(page) -> dict:
    page.wait_for_timeout(400)                     # vega-embed draws after the script run ends
    return page.evaluate(GEOMETRY)


def assert_fits(page, where: str) -> dict:
    """No sideways scroll; every drawn chart and its legends inside the chart's container."""
    g = geometry(page)
    assert g["scrollWidth"] <= g["innerWidth"], f"{where}: the page scrolls sideways ({g['scrollWidth']} px)"
    assert g["mainScroll"] <= 0, f"{where}: the main column scrolls sideways"
    drawn = [c for c in g["charts"] if c["drawing"] and c["drawing"]["width"] > 0]
    assert drawn, f"{where}: no chart drawn"
    for c in drawn:
        assert c["drawing"]["right"] <= c["right"] + 1 and c["drawing"]["left"] >= c["left"] - 1, (where, c)
        if c["legends"]:
            assert c["legendRight"] <= c["right"] + 1 and c["legendLeft"] >= c["left"] - 1, (where, c)
        assert c["smallestLabel"] >= 13, (where, c)           # tick labels readable on a projector
    return g


def open_page(page, url: str, size: tuple[int, int] = DESKTOP) -> None:
    page.set_viewport_size({"width": size[0], "height": size[1]})
    page.goto(url)
    wait_idle(page)


def train(page) -> None:
    page.get_by_role("button", name="Train", exact=True).click()
    page.wait_for_selector("[data-testid='stMetric']", timeout=120_000)
    wait_idle(page)


def screens(page, request, name: str, check) -> None:
    """At each screen size (phone first, as the page is): `check`, then a screenshot of its last chart."""
    for width, height in (PHONE, PROJECTOR, DESKTOP):
        page.set_viewport_size({"width": width, "height": height})
        page.wait_for_timeout(600)
        check(f"{width}x{height}")
        page.locator("[data-testid='stVegaLiteChart']").last.scroll_into_view_if_needed()
        shot(page, request, f"{name}-{width}x{height}")


def open_tab(page, name: str) -> None:
    page.get_by_role("tab", name=name).click()
    page.wait_for_timeout(300)
    wait_idle(page)


def selected_tab(page) -> str:
    return page.get_by_role("tab", selected=True).inner_text().strip()


def test_the_open_result_tab_survives_every_interaction_in_it(server, page, request):
    open_page(page, f"{server.url}/?{FAST}")
    train(page)
    open_tab(page, "Decision boundary")
    page.get_by_text("data extent").click()                    # a control inside the tab
    wait_idle(page)
    assert selected_tab(page) == "Decision boundary"
    assert page.locator("[data-testid='stVegaLiteChart'] svg.marks").count() == 1        # its chart shows
    shot(page, request, "boundary-data-extent")

    open_tab(page, "Compare runs")
    page.get_by_role("button", name="Pin this run for comparison").click()
    wait_idle(page)
    assert selected_tab(page) == "Compare runs"
    pinned = page.get_by_role("button", name="Pinned ✓")
    assert pinned.count() == 1 and pinned.is_disabled()       # the current run shows as pinned
    assert page.get_by_text("This run (A) is pinned").count() == 1

    # another setting, trained: the tab is still Compare runs, the two runs overlaid as A and B
    lr = page.locator("[data-testid='stSidebar']").get_by_role("spinbutton", name="Learning rate")
    lr.fill("1")
    lr.press("Enter")
    wait_idle(page)
    train(page)
    assert selected_tab(page) == "Compare runs"
    assert page.locator("[data-testid='stVegaLiteChart'] svg.marks").count() == 2          # loss, accuracy
    labels = page.locator("[data-testid='stVegaLiteChart'] .role-legend-label text").all_text_contents()
    assert {"A", "B", "train", "dev"} <= set(labels), labels
    assert page.get_by_role("button", name="Pin this run for comparison").is_enabled()  # the new run is not pinned
    assert_fits(page, "compare at 1440")
    shot(page, request, "compare-1440x900")

    # the language switch keeps the open tab
    page.locator("[data-testid='stSidebar']").get_by_role("radio", name="中文").click()
    wait_idle(page)
    assert selected_tab(page) == "对比实验"
    assert_fits(page, "compare in zh")
    page.locator("[data-testid='stDataFrame']").scroll_into_view_if_needed()
    shot(page, request, "compare-zh-1440x900")


def test_a_phone_never_scrolls_sideways_and_every_chart_fits(server, page, request):
    open_page(page, f"{server.url}/?{FAST}", PHONE)
    train(page)
    assert_fits(page, "train at 400")
    shot(page, request, "train-400x800")
    for tab in ("Decision boundary", "Gradients"):
        open_tab(page, tab)
        assert_fits(page, f"{tab} at 400")
        shot(page, request, tab.replace(" ", "-").lower() + "-400x800")

    open_page(page, f"{server.url}/vanishing?epochs=100", PHONE)
    assert_fits(page, "vanishing at 400")                      # the first-step chart draws on load
    train_all = page.get_by_role("button", name="Train these 6 runs, 100 epochs each")
    train_all.wait_for(timeout=120_000)
    train_all.click()
    page.wait_for_selector("[data-testid='stVegaLiteChart'] >> nth=1", timeout=180_000)
    wait_idle(page)
    g = assert_fits(page, "vanishing heatmap at 400")
    assert any(c["legends"] for c in g["charts"][1:]), "the heatmap has a colour scale"
    screens(page, request, "vanishing", lambda size: assert_fits(page, f"vanishing heatmap at {size}"))

    open_page(page, f"{server.url}/grid", PHONE)
    run = page.get_by_role("button", name="Run grid search", exact=True)
    run.wait_for(timeout=120_000)
    run.click()
    page.wait_for_selector("[data-testid='stVegaLiteChart']", timeout=180_000)
    wait_idle(page)
    g = assert_fits(page, "grid at 400")
    assert g["charts"][0]["legends"] >= 1                      # the heatmap's colour scale, not cut
    screens(page, request, "grid", lambda size: assert_fits(page, f"grid at {size}"))


def test_a_projector_shows_metrics_curves_and_a_large_boundary(server, page, request):
    open_page(page, f"{server.url}/?{FAST}", PROJECTOR)
    train(page)
    g = assert_fits(page, "train at 1280")
    curves = [c for c in g["charts"] if c["drawing"]]
    assert len(curves) == 2
    assert all(c["drawing"]["bottom"] <= PROJECTOR[1] for c in curves), curves   # above the fold
    metric = page.locator("[data-testid='stMetric']").first.bounding_box()
    assert metric["y"] + metric["height"] <= PROJECTOR[1]
    shot(page, request, "train-1280x720")
    open_tab(page, "Decision boundary")
    assert_fits(page, "boundary at 1280")
    shot(page, request, "boundary-1280x720")

    page.set_viewport_size({"width": DESKTOP[0], "height": DESKTOP[1]})
    page.wait_for_timeout(600)
    g = assert_fits(page, "boundary at 1440")
    boundary = g["charts"][0]["drawing"]
    assert boundary["width"] >= 450 and boundary["bottom"] - boundary["top"] >= 450, boundary
    shot(page, request, "boundary-1440x900")
    for tab in ("Loss & accuracy", "Gradients"):
        open_tab(page, tab)
        assert_fits(page, f"{tab} at 1440")
        shot(page, request, tab.replace(" ", "-").replace("&", "and").lower() + "-1440x900")
