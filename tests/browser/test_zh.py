"""Every page in ?lang=zh, results included, shows no English word that the en text tables would put there.

The words checked are those of the English text (ui/i18n.py STRINGS with ui/strings/*, core.config FIELDS
labels and help, the choice labels, the run label) that the Chinese text never uses itself: code identifiers
such as ReLU, SGD, fc1 or fan_in appear in the zh text too and are allowed. A page's text is what a person
sees: the visible DOM text of the main area and the sidebar (input values and CSS-generated text included,
<code> and icon names excluded), every text drawn on a canvas (Vega charts and st.dataframe's grid draw
their titles, axes, legends, headers and cells on canvases; an init script records every fillText call), and
the titles and tooltip names of the Vega-Lite specs the server sent. Each page is scanned after its run
buttons were pressed, in each of its tabs; Streamlit's own file-uploader text must be Chinese too.
"""

from __future__ import annotations

import json
import re
from urllib.parse import parse_qs, urlsplit

import pytest

from core.config import FIELD_BY_NAME, FIELDS, RunConfig
from tests.browser.conftest import shot, wait_idle
from ui.i18n import CHOICE_LABELS, STRINGS, t
from ui.nav import PAGES

TOKEN = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
PLACEHOLDER = re.compile(r"\{[^{}]*\}")
# The language switch is labelled in both languages ("Language / 语言") on purpose: whoever cannot read the
# current language finds it.
ALLOW = {"language"}
CODE_SPAN = re.compile(r"`[^`]*`")        # shown as <code>, which the scan skips
RUN_TIMEOUT = 300_000


def tokens(text: str) -> set[str]:
    """Lower-case words of a text-table string, its placeholders and `code` spans left out."""
    return {w.lower() for w in TOKEN.findall(CODE_SPAN.sub(" ", PLACEHOLDER.sub(" ", text))) if len(w) > 1}


def english_words() -> set[str]:
    """Lower-case words of the English text that the Chinese text does not use itself."""
    en: list[str] = []
    zh: list[str] = []
    for en_text, zh_text in STRINGS.values():
        en.append(en_text)
        zh.append(zh_text)
    for field in FIELDS:
        en += [field.en, field.help_en]
        zh += [field.zh, field.help_zh]
    for labels in CHOICE_LABELS.values():
        for en_text, zh_text in labels.values():
            en.append(en_text)
            zh.append(zh_text)
    config = RunConfig()
    en.append(config.label("en"))
    zh.append(config.label("zh"))
    zh_words = set().union(*map(tokens, zh))
    return set().union(*map(tokens, en)) - zh_words - ALLOW


CANVAS_HOOK = """
(() => {
  const seen = [];
  window.__canvasTexts = seen;
  for (const proto of [window.CanvasRenderingContext2D, window.OffscreenCanvasRenderingContext2D]) {
    if (!proto) continue;
    for (const name of ["fillText", "strokeText"]) {
      const original = proto.prototype[name];
      proto.prototype[name] = function (text, ...rest) {
        seen.push(String(text));
        return original.call(this, text, ...rest);
      };
    }
  }
})();
"""

TEXT_OF = """
(roots) => {
  const out = [];
  for (const root of roots) {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const el = node.parentElement;
      if (!el || el.closest("code, pre, [data-testid='stCode']")) continue;
      if (!el.checkVisibility({visibilityProperty: true})) continue;
      if (getComputedStyle(el).fontFamily.includes("Material")) continue;    // an icon's ligature name
      out.push(node.nodeValue);
    }
    for (const el of [root, ...root.querySelectorAll("*")]) {     // CSS-generated text (ui.frontend_text)
      const after = getComputedStyle(el, "::after").content;
      if (after.startsWith('"') && el.checkVisibility()) out.push(after.slice(1, -1));
    }
    for (const input of root.querySelectorAll("input, textarea")) {      // what a text box shows
      if (!["text", "search", "number", "textarea"].includes(input.type) || !input.checkVisibility()) continue;
      out.push(input.value || input.placeholder || "");
    }
  }
  return out.join("\\n");
}
"""

# The main run buttons of the pages are primary buttons (ui.run_button); the grid's "load best" is one too.
PRIMARY = "[data-testid='stMain'] [data-testid='stButton'] button[kind='primary']"


def page_text(page) -> str:
    canvas = page.evaluate("() => (window.__canvasTexts || []).join('\\n')")
    main = page.locator("[data-testid='stMain'], [data-testid='stSidebar']").evaluate_all(TEXT_OF)
    return main + "\n" + canvas


SPEC_START = re.compile(r'\{"(?:\$schema|config|autosize)"')
SKIPPED_KEYS = ("data", "datasets", "labelExpr", "expr", "field", "$schema", "name")


def tooltip_names(value) -> list[str]:
    """What a tooltip shows as names: its titles, or a field's column name when it has none."""
    out = []
    for entry in value if isinstance(value, list) else [value]:
        if isinstance(entry, dict) and "title" not in entry and "field" in entry:
            out.append(str(entry["field"]).replace("_", " "))
        elif isinstance(entry, str):
            out.append(entry.split(":")[0].replace("_", " "))
    return out


def spec_texts(node, key: str = "") -> list[str]:
    """Titles, subtitles, text and tooltip names anywhere in a Vega-Lite spec (inline data left out)."""
    if isinstance(node, dict):
        out = tooltip_names(node["tooltip"]) if "tooltip" in node else []
        for k, v in node.items():
            if k not in SKIPPED_KEYS:
                out += spec_texts(v, k)
        return out
    if isinstance(node, list):
        return [text for v in node for text in spec_texts(v, key)]
    return [node] if isinstance(node, str) and key in ("title", "subtitle", "text", "tooltip") else []


def chart_texts(frames: list) -> str:
    """The texts of the Vega-Lite specs the server sent (titles, axis and legend titles, text marks, tooltip
    names), one per line. Specs travel as JSON inside the app's websocket messages; what is drawn of their
    inline data is on a canvas, scanned with the rest."""
    decoder, out = json.JSONDecoder(), []
    for frame in frames:
        text = (frame if isinstance(frame, bytes) else frame.encode()).decode("utf-8", errors="replace")
        for match in SPEC_START.finditer(text):
            try:
                spec, _ = decoder.raw_decode(text, match.start())
            except ValueError:
                continue
            out += spec_texts(spec)
    return "\n".join(out)


def leaks(text: str, words: set[str]) -> dict[str, str]:
    """{english word: the line it appeared in} for every checked English word in `text`."""
    found: dict[str, str] = {}
    for line in text.splitlines():
        for word in TOKEN.findall(line):
            if word.lower() in words and word.lower() not in found:
                found[word.lower()] = line.strip()[:160]
    return found


def press_run_buttons(page) -> None:
    """Press each main run button once, in page order (a pressed one may reveal the next)."""
    pressed: set[str] = set()
    for _ in range(8):
        todo = None
        for button in page.locator(PRIMARY).all():
            if not button.is_visible() or button.is_disabled():
                continue
            container = button.locator("xpath=ancestor::*[contains(@class, 'st-key-')][1]")
            name = container.get_attribute("class") if container.count() else button.inner_text()
            if name not in pressed:
                todo = (name, button)
                break
        if todo is None:
            return
        pressed.add(todo[0])
        todo[1].click()
        page.wait_for_timeout(300)
        wait_idle(page, timeout=RUN_TIMEOUT)


def open_expanders(page) -> None:
    for summary in page.locator("details:not([open]) > summary").all():
        if summary.is_visible():
            summary.click()
    page.wait_for_timeout(300)


def scan_tabs(page, request, words: set[str], found: dict[str, str]) -> None:
    """Open each tab of the main area in turn (only the open one's view is drawn) and scan it."""
    for i in range(page.locator("[data-testid='stMain'] [role='tab']").count()):
        page.locator("[data-testid='stMain'] [role='tab']").nth(i).click()
        page.wait_for_timeout(600)
        wait_idle(page, timeout=RUN_TIMEOUT)
        open_expanders(page)
        found.update(leaks(page_text(page), words))
        shot(page, request, f"zh-tab-{i}")


def pin_and_train_another(page) -> None:
    """Train page: pin the run, train another learning rate, so that the comparison view has two runs."""
    page.get_by_role("tab", name=t("tab_compare", "zh")).click()
    wait_idle(page)
    page.locator(".st-key-pin button").click()
    wait_idle(page)
    lr = page.locator("[data-testid='stSidebar']").get_by_role("spinbutton", name=t_field("lr"))
    lr.fill("1")
    lr.press("Enter")
    wait_idle(page)
    page.get_by_role("button", name=t("train_button", "zh"), exact=True).click()
    page.wait_for_timeout(300)
    wait_idle(page, timeout=RUN_TIMEOUT)


def t_field(name: str) -> str:
    return FIELD_BY_NAME[name].label("zh")


def uploader_english(page) -> list[str]:
    """Latin words in what Streamlit's own file uploaders show (button, size limit); one without Chinese too."""
    texts = page.locator("[data-testid='stFileUploaderDropzoneInstructions'], "
                         "[data-testid='stFileUploaderDropzone'] > span button").evaluate_all(
        f"els => els.filter(e => e.checkVisibility()).map(e => ({TEXT_OF})([e]).trim()).filter(t => t)")
    out = [w for text in texts for w in re.findall(r"[A-Za-z]{2,}", text) if w not in ("MB", "CSV", "TXT", "PT")]
    return out + [f"no Chinese in {text!r}" for text in texts if not re.search(r"[\u4e00-\u9fff]", text)]


def full_shot(page, request, name: str) -> None:
    """A screenshot of the whole page: the window made as tall as the app's scrolled content."""
    size = page.viewport_size
    height = page.evaluate("() => Math.max(...[...document.querySelectorAll('*')].map(e => e.scrollHeight))")
    page.set_viewport_size({"width": size["width"], "height": max(size["height"], min(height, 12_000))})
    page.wait_for_timeout(800)
    shot(page, request, name)
    page.set_viewport_size(size)


@pytest.fixture(scope="module")
def words() -> set[str]:
    return english_words()


def test_the_checked_words_are_english_words_of_the_ui(words):
    assert {"train", "dev", "epoch", "weight", "bias", "loss", "accuracy"} <= words
    assert not {"relu", "sgd", "adam", "fc1", "x1", "sigmoid", "fan_in"} & words


@pytest.mark.parametrize("url", [p[3] for p in PAGES])
def test_page_in_chinese_shows_no_english_text(server, page, request, words, tmp_path, url):
    page.add_init_script(CANVAS_HOOK)
    frames: list = []
    page.on("websocket", lambda ws: ws.on("framereceived", lambda payload: frames.append(payload)))
    path = "" if url == PAGES[0][3] else url
    page.goto(f"{server.url}/{path}?lang=zh")
    wait_idle(page)
    open_expanders(page)
    found = leaks(page_text(page), words)
    uploader = uploader_english(page)
    if url == "data":
        csv = tmp_path / "xy.csv"      # its name is shown as given
        csv.write_text("x1,x2,label\n" + "".join(f"{i / 50:.3f},{(i % 7) / 7:.3f},{i % 2}\n" for i in range(200)))
        page.locator("[data-testid='stFileUploader'] input[type='file']").first.set_input_files(str(csv))
        page.wait_for_selector("[data-testid='stDataFrame']", timeout=60_000)
        wait_idle(page)
    full_shot(page, request, "zh-opened")
    press_run_buttons(page)
    if url == "train":
        pin_and_train_another(page)
    open_expanders(page)
    found.update(leaks(page_text(page), words))
    scan_tabs(page, request, words, found)
    uploader += uploader_english(page)
    found.update({word: f"chart spec: {line}" for word, line in leaks(chart_texts(frames), words).items()})
    full_shot(page, request, "zh-results")
    assert page.locator("[data-testid='stException']").count() == 0
    assert not found, f"English words on /{path}?lang=zh: " + "; ".join(f"{w!r} in {line!r}"
                                                                       for w, line in sorted(found.items()))
    assert not uploader, f"the file uploader shows English on /{path}?lang=zh: {uploader}"


def test_translated_choices_keep_their_ids_in_the_link(server, page, request):
    """The Initialization page's scheme chips and train/dev radio show their names in the page's language;
    the address bar keeps the ids, so the same link opens the same choice in the other language."""
    # imported here: without playwright the browser tests are skipped, not broken
    from playwright.sync_api import expect

    page.goto(f"{server.url}/init?lang=en&p_init_cmp=zeros&p_init_cmp=xavier_normal&p_init_split=dev")
    wait_idle(page)
    chips = page.locator(".st-key-p_init_cmp [data-tag] > span[title]")
    expect(chips).to_have_text([t("init_scheme_zeros", "en"), t("init_scheme_xavier_normal", "en")])   # waits
    assert page.locator(".st-key-p_init_split").get_by_role("radio", name=t("dev", "en")).is_checked()
    page.locator("[data-testid='stSidebar']").get_by_role("radio", name="中文").click()
    wait_idle(page)
    expect(chips).to_have_text([t("init_scheme_zeros", "zh"), t("init_scheme_xavier_normal", "zh")])
    assert page.locator(".st-key-p_init_split").get_by_role("radio", name=t("dev", "zh")).is_checked()
    query = parse_qs(urlsplit(page.url).query)
    assert query["lang"] == ["zh"]
    assert query["p_init_cmp"] == ["zeros", "xavier_normal"] and query["p_init_split"] == ["dev"]
    assert "p_init" not in " ".join(page.locator("[data-testid='stAlert']").all_inner_texts())   # nothing ignored
    shot(page, request, "zh-chips")
