"""Links a hostile student could share: what the page echoes stays literal text, unknown keys leave the
address bar, every ignored value is named, a missing page is said to be missing (real server, chromium)."""

from __future__ import annotations

from urllib.parse import parse_qs, quote, urlsplit

from tests.browser.conftest import shot, wait_idle

PHISH = "[Session expired - click to log in](https://evil.example/login)"
PIXEL = "![x](https://evil.example/pixel.png)"
BANNER = ":red-background[OFFICIAL: your account is locked]"


def alerts(page) -> list[str]:
    return page.locator("[data-testid='stAlert']").all_inner_texts()


def test_markdown_in_url_keys_and_values_is_shown_as_text(server, page, request):
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    query = "&".join(f"{quote(k, safe='')}={quote(v, safe='')}" for k, v in [
        (PHISH, "1"), ("lr", PIXEL), ("epochs", BANNER), ("## big heading", "x" * 5000), ("noise", "www.evil.example")])
    page.goto(f"{server.url}/?{query}")
    wait_idle(page)
    shot(page, request, "hostile")
    boxes = page.locator("[data-testid='stAlert']")
    assert boxes.count() >= 5
    assert boxes.locator("a").count() == 0                       # no clickable link
    assert boxes.locator("img").count() == 0                     # no remote image
    assert boxes.locator("h1, h2, h3").count() == 0              # no heading
    assert not [u for u in requests if "evil.example" in (urlsplit(u).hostname or "")]   # nothing fetched there
    styled = boxes.locator("span[style*='background']")
    assert styled.count() == 0                                   # no coloured banner
    text = " ".join(alerts(page))
    assert "[Session expired - click to log in](https://evil.example/login)"[:37] in text   # shown literally
    assert ":red-background[" in text and "![x](" in text
    assert max(len(t) for t in alerts(page)) < 1000              # a 5,000-character value is cut
    # the unknown keys are gone from the address bar; the known ones that were invalid fall back silently there
    params = parse_qs(urlsplit(page.url).query)
    assert set(params) <= {"lang"}, params


def test_cross_field_fallbacks_name_the_given_parameters(server, page, request):
    page.goto(f"{server.url}/?train_frac=0.9&dev_frac=0.5&weight_init=uniform&weight_low=5&weight_high=-5")
    wait_idle(page)
    text = " ".join(alerts(page))
    for given in ("train_frac=0.9", "dev_frac=0.5", "weight_low=5", "weight_high=-5"):
        assert given in text, (given, text)
    assert "dev_frac=0.16" not in text and "weight_low=-1" not in text    # defaults the user never gave


def test_repeated_keys_and_missing_pages_are_reported(server, page, request):
    page.goto(f"{server.url}/nosuchpage?hidden=5,3&hidden=7")
    wait_idle(page)
    text = " ".join(alerts(page))
    assert "hidden is given 2 times" in text and "7" in text
    assert "There is no page “nosuchpage”" in text
    assert parse_qs(urlsplit(page.url).query).get("hidden") == ["7"]
    page.goto(f"{server.url}/nosuchpage?lang=zh")
    wait_idle(page)
    assert "没有名为“nosuchpage”的页面" in " ".join(alerts(page))
    assert page.title() == "NNDL 第 4 章 —— 前馈神经网络"                  # the tab's title in the user's language
