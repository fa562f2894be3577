"""The page-level guard (ui/guard.py) on a real Streamlit script run (AppTest)."""

from __future__ import annotations

import logging

from streamlit.testing.v1 import AppTest


def _script(lang: str) -> None:
    import streamlit as st

    from ui.guard import guarded

    st.title("before")
    with guarded(lang, "test view"):
        st.write("inside")
        raise ZeroDivisionError("a bug in a view")
    st.title("after")                  # the rest of the page is still drawn
    with guarded(lang, "stop"):
        st.stop()                      # Streamlit's control flow passes through
    st.title("never")


def test_a_failing_view_shows_a_short_message_and_the_page_goes_on(caplog):
    for lang, words in (("en", "Something went wrong"), ("zh", "出错")):
        with caplog.at_level(logging.ERROR, logger="nndl.pages"):
            at = AppTest.from_function(_script, args=(lang,)).run()
        assert not at.exception                                  # no traceback box
        assert [t.value for t in at.title] == ["before", "after"]
        assert len(at.error) == 1 and words in at.error[0].value
        assert "ZeroDivisionError" not in at.error[0].value
        assert any("test view" in r.getMessage() and r.exc_info for r in caplog.records)   # logged with traceback
        caplog.clear()
