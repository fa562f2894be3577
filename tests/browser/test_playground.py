"""Watch it learn in a real browser: Play animates (the counter climbs, the player draws frames sent in batches),
Pause stops it on the frame shown and the trainer goes back to that frame, leaving the page stops it, and a deep
link opens paused at epoch 0 on the link's settings."""

from __future__ import annotations

import io
import re

import numpy as np
from PIL import Image

from tests.browser.conftest import shot, wait_idle

PLAY = re.compile(r"(^|\s)Play$")
PAUSE = re.compile(r"(^|\s)Pause$")


def counter(page) -> int:
    text = page.locator(".nn-score").first.inner_text()
    return int(text.split(" of ")[0].replace(",", ""))


def test_play_animates_and_pause_stops(server, page, request):
    page.goto(f"{server.url}/playground?hidden=8,8&dataset=spiral&features=x1,x2,x1sq,x2sq&p_pg_speed=5")
    wait_idle(page)
    assert counter(page) == 0
    assert page.locator("[data-testid='stSidebar']").get_by_text("x₁²").count() >= 1   # the link's features
    page.get_by_role("button", name=PLAY).click()
    page.wait_for_function("() => { const m = document.querySelector('.nn-score');"
                           " return m && parseInt(m.innerText.replace(/,/g, '')) >= 30; }", timeout=60_000)
    shot(page, request, "playing")
    page.get_by_role("button", name=PAUSE).click()
    at_click = counter(page)                                   # the player stops at the click ...
    wait_idle(page)
    page.wait_for_timeout(800)
    paused = counter(page)
    assert paused == at_click and paused >= 30 and paused % 5 == 0    # ... on a whole frame of 5 epochs
    page.wait_for_timeout(1500)
    assert counter(page) == paused                             # no frame after the pause
    assert page.get_by_role("button", name=PLAY).count() == 1
    page.get_by_role("button", name=re.compile(r"(^|\s)Step$")).click()   # the trainer went back to the frame
    wait_idle(page)                                            # shown: one step on is exactly one epoch more
    page.wait_for_function(f"() => parseInt(document.querySelector('.nn-score').innerText.replace(/,/g, ''))"
                           f" === {paused + 1}", timeout=20_000)
    shot(page, request, "paused_then_step")


def test_leaving_the_page_stops_the_animation(server, page, request):
    page.goto(f"{server.url}/playground?p_pg_speed=1")
    wait_idle(page)
    page.get_by_role("button", name=PLAY).click()
    page.wait_for_function("() => { const m = document.querySelector('.nn-score');"
                           " return m && parseInt(m.innerText) >= 3; }", timeout=60_000)
    page.locator("[data-testid='stSidebarNav'] a[href$='/init']").click()
    wait_idle(page)
    page.locator("[data-testid='stSidebarNav'] a[href$='/playground']").click()
    wait_idle(page)
    left_at = counter(page)
    page.wait_for_timeout(1500)
    assert counter(page) == left_at                            # came back paused
    assert page.get_by_role("button", name=PLAY).count() == 1
    shot(page, request, "back")


def boundary_picture(page) -> str:
    """The boundary picture as drawn: the pixels of the canvas under the chart's points (ui/player.js Backdrop)."""
    return page.evaluate("() => document.querySelector('.nnp-boundary canvas.nnp-backdrop').toDataURL()")


def test_the_boundary_picture_lies_under_the_points_where_the_chart_puts_it(server, page):
    """The player draws the boundary picture on its own canvas under the chart (the chart is not redrawn each
    frame): it fills the plot exactly (the axes' ends), the chart's own picture is empty, and what the page shows
    in the plot is the picture's colours, with the points over it."""
    page.goto(f"{server.url}/playground?dataset=spiral")
    wait_idle(page)
    page.wait_for_selector(".nnp-boundary canvas.nnp-backdrop")
    box = page.evaluate("""() => {
      const p = document.querySelector('.nnp-root').__player, view = p.views.boundary;
      const canvas = document.querySelector('.nnp-boundary canvas.marks').getBoundingClientRect();
      const back = document.querySelector('.nnp-boundary canvas.nnp-backdrop').getBoundingClientRect();
      const [ox, oy] = view.origin(), x = view.scale('x'), y = view.scale('y'), [x0, x1] = x.domain();
      const [y0, y1] = y.domain();
      return {own: view.data('boundary')[0].url, plot: [canvas.left + ox + x(x0), canvas.top + oy + y(y1),
              canvas.left + ox + x(x1), canvas.top + oy + y(y0)], back: [back.left, back.top, back.right, back.bottom]};
    }""")
    assert box["own"] == ""                                    # Vega draws no picture of its own
    left, top, right, bottom = box["plot"]                     # the plot's corners, from the chart's own scales
    assert right - left > 100 and abs((right - left) - (bottom - top)) < 2          # a square plot ...
    assert box["back"][0] <= left + 1 and box["back"][2] >= right - 1               # ... the backdrop spans it
    assert box["back"][1] <= top + 1 and box["back"][3] >= bottom - 1
    image = Image.open(io.BytesIO(page.screenshot(clip={"x": left + 4, "y": top + 4, "width": right - left - 8,
                                                        "height": bottom - top - 8}))).convert("RGB")
    pixels = np.asarray(image, dtype=int).reshape(-1, 3)
    white = float((pixels.min(axis=1) > 245).mean())
    tinted = float((np.abs(pixels[:, 0] - pixels[:, 2]) > 30).mean())      # blue (class 0) or orange (class 1)
    assert white < 0.2 and tinted > 0.4                                    # the picture, under the points


def test_step_redraws_the_pictures_and_step_while_playing_steps_from_the_frame_shown(server, page, request):
    page.goto(f"{server.url}/playground?p_pg_step=100&p_pg_speed=5")
    wait_idle(page)
    page.wait_for_selector(".nnp-boundary canvas")
    at_zero = boundary_picture(page)
    page.get_by_role("button", name=re.compile(r"(^|\s)Step$")).click()
    wait_idle(page)
    page.wait_for_function("() => document.querySelector('.nn-score').innerText.startsWith('100 ')", timeout=20_000)
    page.wait_for_timeout(500)
    assert boundary_picture(page) != at_zero                   # the charts show epoch 100, not the first frame
    page.locator("[data-testid='stButtonGroup'] button", has_text="10").first.click()   # 10 epochs per step
    wait_idle(page)
    page.get_by_role("button", name=PLAY).click()
    page.wait_for_function("() => parseInt(document.querySelector('.nn-score').innerText.replace(/,/g, '')) >= 150",
                           timeout=60_000)
    page.get_by_role("button", name=re.compile(r"(^|\s)Step$")).click()
    shown = counter(page)                                      # stopped at the click ...
    wait_idle(page)
    page.wait_for_function(f"() => parseInt(document.querySelector('.nn-score').innerText.replace(/,/g, ''))"
                           f" === {shown + 10}", timeout=20_000)   # ... then 10 epochs on from that frame
    page.wait_for_timeout(1000)
    assert counter(page) == shown + 10 and page.get_by_role("button", name=PLAY).count() == 1
    shot(page, request, "step_while_playing")
