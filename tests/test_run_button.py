"""ui.run_button, the one run flow every page uses, on real Streamlit script runs (AppTest)."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest


def _page(remember: bool, auto: bool, always_show: bool) -> None:
    import streamlit as st

    from ui.run_button import run_button

    go = run_button("job", "Go", "go", auto=auto, waiting="press Go", remember=remember, always_show=always_show)
    st.write(f"state={go}")


def _shown(at: AppTest) -> str:
    return next(m.value for m in at.markdown if m.value.startswith("state="))


def test_a_job_waits_for_its_button_then_a_remembered_one_stays_ready():
    at = AppTest.from_function(_page, kwargs={"remember": True, "auto": False, "always_show": False}).run()
    assert _shown(at) == "state=None" and at.info[0].value == "press Go"
    at.button(key="go").click().run()
    assert _shown(at) == "state=clicked"
    at.run()                                              # any later rerun: ready, no button needed
    assert _shown(at) == "state=ready" and not at.button and not at.info


def test_a_training_job_is_not_remembered_by_its_click_and_auto_needs_no_button():
    at = AppTest.from_function(_page, kwargs={"remember": False, "auto": False, "always_show": False}).run()
    at.button(key="go").click().run()
    assert _shown(at) == "state=clicked"
    at.run()                                              # train_all records runs once trained, not the click
    assert _shown(at) == "state=None"
    auto = AppTest.from_function(_page, kwargs={"remember": False, "auto": True, "always_show": True}).run()
    assert _shown(auto) == "state=ready" and auto.button(key="go").label == "Go"


def test_a_run_trained_on_one_page_is_shown_on_another_without_a_click():
    from tests.apptest import open_app

    at = open_app("app_pages/train.py", epochs="30")
    at.button(key="train").click().run()
    assert at.metric and not at.exception
    at.switch_page("app_pages/data.py").run()
    at.switch_page("app_pages/train.py").run()
    assert at.metric and not [i for i in at.info if "Press" in i.value]     # shown at once: trained before
