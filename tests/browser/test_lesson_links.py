"""Lesson links in a real browser: ?hide=init&lang=zh hides the Initialization group on every page, and the
share box's QR dialog shows a picture whose modules are the QR symbol of the full link (read off the screen
module by module, as a phone's camera would see it)."""

from __future__ import annotations

import io
from urllib.parse import parse_qs, urlsplit

import segno

from tests.browser.conftest import shot, wait_idle
from ui.i18n import t
from ui.qr import QUIET_ZONE

SIDEBAR = "[data-testid='stSidebar']"


def group_titles(page) -> list[str]:
    """The sidebar's expander titles (after their icon's ligature name)."""
    return [s.strip().split("\n")[-1] for s in page.locator(f"{SIDEBAR} details > summary").all_inner_texts()]


def screen_modules(png: bytes, size: int) -> list[list[bool]]:
    """The dark/light module grid of a screenshot of a QR code `size` modules wide (quiet zone included),
    sampled at each module's centre."""
    from PIL import Image  # Pillow comes with streamlit

    picture = Image.open(io.BytesIO(png)).convert("L")
    width, height = picture.size
    return [[picture.getpixel((int((c + 0.5) * width / size), int((r + 0.5) * height / size))) < 128
             for c in range(size)] for r in range(size)]


def test_a_chinese_lesson_link_hides_a_group_and_shows_its_qr_code(server, page, request):
    page.set_viewport_size({"width": 1440, "height": 900})
    page.goto(f"{server.url}/?hide=init&lang=zh&lr=0.5")
    wait_idle(page)
    init, training = t("group_init", "zh"), t("group_training", "zh")
    titles = group_titles(page)
    assert init not in titles and training in titles
    assert page.locator(SIDEBAR).get_by_text(t("lesson_hidden_note", "zh", names="参数初始化（整组）")).count() == 1
    assert page.locator("[data-testid='stAlertContentWarning']").count() == 0       # no link warning
    assert parse_qs(urlsplit(page.url).query)["hide"] == ["init"]
    shot(page, request, "sidebar-1440")

    page.locator(SIDEBAR).get_by_text(t("share_link", "zh")).click()
    page.locator(SIDEBAR).get_by_role("button", name=t("qr_button", "zh")).click()
    dialog = page.get_by_role("dialog")
    image = dialog.locator("[data-testid='stImage'] img")
    image.wait_for(timeout=20_000)
    assert dialog.get_by_text(t("qr_title", "zh")).count() == 1
    link = dialog.locator("[data-testid='stCode'] code").inner_text().strip()
    query = parse_qs(urlsplit(link).query)
    assert link.startswith(f"{server.url}/?")                            # the full link, with the host
    assert query["hide"] == ["init"] and query["lang"] == ["zh"] and query["lr"] == ["0.5"]
    box = image.bounding_box()
    assert box["width"] >= 400 and abs(box["width"] - box["height"]) < 2      # large and square
    symbol = segno.make(link, micro=False)
    size = symbol.symbol_size(border=QUIET_ZONE)[0]
    expected = [[False] * size for _ in range(size)]
    for r, row in enumerate(symbol.matrix):
        for c, bit in enumerate(row):
            expected[r + QUIET_ZONE][c + QUIET_ZONE] = bool(bit)
    assert screen_modules(image.screenshot(), size) == expected
    shot(page, request, "qr-1440")
    page.set_viewport_size({"width": 400, "height": 800})
    page.wait_for_timeout(500)
    assert image.bounding_box()["width"] >= 300                          # a phone: the dialog's width
    assert screen_modules(image.screenshot(), size) == expected
    shot(page, request, "qr-400")
    page.keyboard.press("Escape")
    page.wait_for_timeout(300)
    page.set_viewport_size({"width": 1440, "height": 900})

    page.locator("[data-testid='stSidebarNav']").get_by_role("link", name=t("page_vanishing", "zh")).click()
    wait_idle(page)
    page.wait_for_timeout(300)
    assert init not in group_titles(page) and training in group_titles(page)      # hidden on every page
    assert parse_qs(urlsplit(page.url).query)["hide"] == ["init"]
    assert page.locator("[data-testid='stException']").count() == 0 and not page.js_errors
