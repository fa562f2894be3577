"""Issue #11 in a real browser: what a teacher sees on the defaults (5 of 5 identical units), presets that
apply when chosen, pages that keep their own settings, and a first screen that shows the data and network."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import shot, wait_idle

SIDEBAR = "[data-testid='stSidebarUserContent']"


def chart_texts(page) -> str:
    """Every text drawn in the page's charts (Streamlit renders Vega charts as SVG)."""
    return page.evaluate("""Array.from(document.querySelectorAll("[data-testid='stVegaLiteChart'] svg text"))
                            .map(e => e.textContent).join(' | ')""")


def metric(page, label: str) -> str:
    box = page.locator("[data-testid='stMetric']").filter(has_text=label).first
    return box.locator("[data-testid='stMetricValue']").inner_text()


def has_number(page, label: str, value: str) -> bool:
    """Whether the sidebar's number input `label` shows `value` (waiting up to 10 s for a rerun to land)."""
    expect(page.locator(SIDEBAR).get_by_label(label, exact=True)).to_have_value(value, timeout=10_000)
    return True


def set_number(page, label: str, value: str) -> None:
    box = page.locator(SIDEBAR).get_by_label(label, exact=True)
    box.fill(value)
    box.press("Enter")
    wait_idle(page)


def preset_shown(page) -> str:
    return page.locator(SIDEBAR).get_by_role("combobox", name="Preset" if "lang=zh" not in page.url else "预设"
                                             ).input_value()


def choose_preset(page, option: str) -> None:
    wanted = page.get_by_role("option", name=option, exact=True)
    for _ in range(3):          # a rerun that lands while the list opens closes it again: open it once more
        page.locator(SIDEBAR).locator("[data-testid='stSelectbox']").first.locator("input").click()
        try:
            wanted.wait_for(timeout=5_000)
            break
        except Exception:
            page.keyboard.press("Escape")
            wait_idle(page)
    wanted.click()
    wait_idle(page)


def go_to(page, title: str) -> None:
    page.locator("[data-testid='stSidebarNav']").get_by_role("link", name=title).click()
    wait_idle(page)
    page.wait_for_timeout(300)
    wait_idle(page)


@pytest.mark.parametrize("query, label, value", [
    ("", "Identical units in fc1 (θ5)", "5 of 5"),
    ("?lang=zh", "fc1 中相同的神经元（θ5）", "5 个中 5 个"),
    ("?weight_init=zeros&epochs=5&data_seed=3", "Identical units in fc1 (θ5)", "5 of 5"),
    ("?weight_init=zeros&epochs=5&data_seed=7&lang=zh", "fc1 中相同的神经元（θ5）", "5 个中 5 个"),
])
def test_initialization_page_opens_on_five_of_five_identical_units(server, page, request, query, label, value):
    page.goto(f"{server.url}/init{query}")
    wait_idle(page)
    page.locator("[data-testid='stMetric']").first.wait_for()
    assert metric(page, label) == value
    caption = page.locator("[data-testid='stCaptionContainer']").filter(has_text="θ0").first.inner_text()
    assert caption.count(value) == 6                  # θ0 … θ5: every step, not only the last
    shot(page, request, "init")


def test_choosing_a_preset_applies_it_and_custom_shows_a_change(server, page, request):
    page.goto(server.url + "/")
    wait_idle(page)
    assert "4.3.1 · 2-5-1" in preset_shown(page)
    choose_preset(page, "4.4.2 · vanishing gradients")
    assert has_number(page, "Number of hidden layers", "4")
    assert has_number(page, "Learning rate", "0.01")
    assert "4.4.2 · vanishing gradients" in preset_shown(page)
    set_number(page, "Learning rate", "0.05")
    assert "custom" in preset_shown(page)
    choose_preset(page, "4.3.1 · 2-5-1 (book default)")
    assert has_number(page, "Number of hidden layers", "1")
    assert has_number(page, "Learning rate", "0.2")
    shot(page, request, "preset")


def test_each_page_keeps_its_own_settings_and_result(server, page, request):
    page.goto(server.url + "/")
    wait_idle(page)
    set_number(page, "Learning rate", "0.5")
    set_number(page, "Epochs", "300")
    page.get_by_role("button", name="Train", exact=True).click()
    page.locator("[data-testid='stMetric']").first.wait_for(timeout=120_000)
    wait_idle(page)
    trained_acc = metric(page, "Test accuracy")

    go_to(page, "Vanishing gradients")
    assert has_number(page, "Number of hidden layers", "4")      # the page's own (textbook) setting
    assert has_number(page, "Learning rate", "0.01")
    set_number(page, "Learning rate", "0.02")

    go_to(page, "Train")
    assert has_number(page, "Number of hidden layers", "1")
    assert has_number(page, "Learning rate", "0.5")
    assert has_number(page, "Epochs", "300")
    page.locator("[data-testid='stMetric']").first.wait_for(timeout=30_000)
    assert metric(page, "Test accuracy") == trained_acc                # the result is back, no new click
    assert "lr=0.5" in page.url

    go_to(page, "Vanishing gradients")
    assert has_number(page, "Learning rate", "0.02")              # and the other page kept its change
    shot(page, request, "vanishing-again")


def test_a_link_still_opens_its_page_on_exactly_its_settings(server, page, request):
    page.goto(server.url + "/vanishing?lr=0.3&hidden=3,3")
    wait_idle(page)
    assert has_number(page, "Number of hidden layers", "2")
    assert has_number(page, "Learning rate", "0.3")
    go_to(page, "Train")                                               # another page: its own first visit
    assert has_number(page, "Learning rate", "0.2")
    go_to(page, "Vanishing gradients")
    assert has_number(page, "Learning rate", "0.3")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_first_screen_shows_data_and_network_and_follows_the_sidebar(server, page, request, lang):
    page.goto(f"{server.url}/?lang={lang}")
    wait_idle(page)
    page.locator("[data-testid='stVegaLiteChart'] svg text").first.wait_for()
    texts = chart_texts(page)
    assert "2-5-1" in texts
    assert ("640 train · 160 dev · 200 test" in texts) if lang == "en" else ("训练集 640 个" in texts)
    assert page.locator("[data-testid='stMetric']").count() == 0          # nothing trained yet
    layers = "Number of hidden layers" if lang == "en" else "隐藏层层数"
    set_number(page, layers, "2")
    page.wait_for_function("""() => Array.from(document.querySelectorAll("[data-testid='stVegaLiteChart'] svg text"))
                                    .some(e => e.textContent.includes('2-5-5-1'))""", timeout=30_000)
    samples = "Samples" if lang == "en" else "样本数"
    page.locator(SIDEBAR).locator("summary").filter(has_text="Data" if lang == "en" else "数据").first.click()
    set_number(page, samples, "500")
    page.wait_for_function("""() => Array.from(document.querySelectorAll("[data-testid='stVegaLiteChart'] svg text"))
                                    .some(e => e.textContent.includes('320'))""", timeout=30_000)
    shot(page, request, "first-screen")
