"""Lesson links in the real app (AppTest): hide= hides sidebar widgets but keeps their values, is reported
when it names something unknown, survives page switches and the address bar; the sidebar builds such links
and shows their QR code."""

from __future__ import annotations

import base64
from urllib.parse import parse_qs, urlsplit

import segno

from core.config import FIELDS, RunConfig, preset
from tests.apptest import open_app
from tests.test_lesson import svg_modules
from ui.qr import QUIET_ZONE

INIT_KEYS = {f"w_{f.name}" for f in FIELDS if f.group == "init"}


def widget_keys(at) -> set[str]:
    """The sidebar's widget keys, without the language suffix (ui.state.widget_key)."""
    return {w.key.removesuffix("_zh") for kind in ("number_input", "selectbox", "checkbox", "multiselect", "slider")
            for w in getattr(at.sidebar, kind)}


def has_new_data_button(at) -> bool:
    return any(b.key == "regenerate" for b in at.sidebar.button)


def group_titles(at) -> list[str]:
    return [e.label for e in at.sidebar.expander][1:]          # the first is the share box


def test_a_lesson_link_hides_groups_and_fields_but_keeps_their_values():
    at = open_app(None, hide="init,lr,optimizer,hidden", lr="1", optimizer="adam", weight_std="0.5",
                  hidden="4,4", epochs="500")
    assert not at.exception and not at.warning
    assert at.session_state["config"] == RunConfig(lr=1.0, optimizer="adam", weight_std=0.5, hidden=(4, 4), epochs=500)
    keys = widget_keys(at)
    assert not keys & (INIT_KEYS | {"w_lr", "w_optimizer", "w_hidden_n", "w_hidden_1"})
    assert {"w_epochs", "w_activation", "w_dataset", "w_beta1"} <= keys     # the rest (Adam's betas too)
    assert group_titles(at) == ["Data", "Network", "Training"]
    note = at.sidebar.caption[-1].value
    assert note == (":material/visibility_off: This lesson link hides Initialization (whole group), "
                    "Hidden layers (hidden), Optimizer (optimizer), Learning rate (lr); they keep the link's values.")
    assert at.query_params["hide"] == "init,hidden,optimizer,lr"             # written back, normalized

    at.sidebar.number_input(key="w_epochs").set_value(600).run()                # a change keeps it in the URL
    assert at.query_params["hide"] == "init,hidden,optimizer,lr" and at.query_params["epochs"] == "600"
    at.switch_page("app_pages/vanishing.py").run()                              # so does another page
    assert not at.exception
    assert at.session_state["config"] == preset("vanishing")    # that page's own setting, still hidden
    assert not widget_keys(at) & (INIT_KEYS | {"w_lr", "w_optimizer"})
    assert at.query_params["hide"] == "init,hidden,optimizer,lr"


def test_a_data_group_hidden_field_by_field_disappears_with_its_new_data_button():
    data = [f for f in FIELDS if f.group == "data"]
    at = open_app(None, hide=",".join(f.name for f in data), lang="zh")
    assert "数据" not in group_titles(at) and not has_new_data_button(at)
    listed = "、".join(f"{f.zh}（{f.name}）" for f in data)                  # 数据集（dataset）、样本数（n_samples）…
    assert at.sidebar.caption[-1].value == f":material/visibility_off: 本课链接隐藏了{listed}；它们保持链接中的取值。"
    at = open_app(None, hide="data_seed")
    assert "Data" in group_titles(at) and not has_new_data_button(at)      # the button sets data_seed
    assert has_new_data_button(open_app(None, hide="noise"))


def test_unknown_names_in_hide_are_named_in_english_and_chinese_and_the_rest_applies():
    for lang, words in (("en", "is not a sidebar group or setting"), ("zh", "不是侧边栏分组或设置的名称")):
        at = open_app(None, hide="init,bogus,lrr", lang=lang)
        assert not at.exception
        [warning] = [w.value.replace("\\", "") for w in at.warning]       # echoed values are Markdown-escaped
        assert words in warning and "'bogus'" in warning and "'lrr'" in warning
        assert not widget_keys(at) & INIT_KEYS and "w_lr" in widget_keys(at)
        assert at.query_params["hide"] == "init"                            # unknown names leave the URL


def test_without_hide_nothing_is_hidden_and_the_url_has_no_hide():
    at = open_app(None, hide="")
    assert not at.warning and len(group_titles(at)) == 4 and "hide" not in at.query_params
    assert "hide=" not in at.sidebar.code[0].value


def test_the_lesson_link_box_builds_a_link_that_hides_what_the_teacher_chose():
    at = open_app(None, lr="0.5")
    box = at.sidebar.multiselect(key="lesson_hide_en")
    assert box.value == [] and box.label == "Hide in the lesson link"
    assert "Initialization (whole group)" in box.options and "Learning rate (lr)" in box.options
    box.set_value(["seed", "training", "data"]).run()
    link = at.sidebar.code[0].value
    query = parse_qs(urlsplit(link).query)
    assert query["hide"] == ["data,training"]                  # seed is in training: written once
    assert "w_epochs" in widget_keys(at)                       # the teacher's own sidebar is unchanged
    at.button_group(key="w_lang").set_value("zh").run()        # the choice survives a language switch
    assert at.sidebar.multiselect(key="lesson_hide_zh").value == ["seed", "training", "data"]
    assert parse_qs(urlsplit(at.sidebar.code[0].value).query)["hide"] == ["data,training"]

    student = open_app(None, **{k: v[-1] for k, v in query.items()})          # a student opens it
    assert not student.exception and not student.warning
    assert group_titles(student) == ["Network", "Initialization"]
    assert student.session_state["config"] == at.session_state["config"] == RunConfig(lr=0.5)
    assert student.sidebar.multiselect(key="lesson_hide_en").value == ["data", "training"]    # starts from it


def test_the_qr_dialog_shows_the_code_of_the_link_in_the_box():
    at = open_app(None, hide="init", lang="zh", epochs="700")
    at.sidebar.multiselect(key="lesson_hide_zh").set_value(["init", "lr"]).run()
    link = at.sidebar.code[0].value
    assert at.sidebar.button(key="qr").label == "显示二维码"
    at.sidebar.button(key="qr").click().run()
    assert not at.exception
    [image] = at.get("image")
    assert at.get("code")[-1].value == link                    # the dialog names the link it encodes
    assert "hide=init,lr" in link and "epochs=700" in link and "lang=zh" in link
    header, data = image.proto.imgs[0].url.split(",", 1)
    assert header == "data:image/svg+xml;base64"
    size, dark = svg_modules(base64.b64decode(data).decode())
    matrix = segno.make(link, micro=False).matrix                # the symbol a scanner must find
    expected = {(r + QUIET_ZONE, c + QUIET_ZONE) for r, row in enumerate(matrix) for c, bit in enumerate(row) if bit}
    assert dark == expected and size == len(matrix) + 2 * QUIET_ZONE
