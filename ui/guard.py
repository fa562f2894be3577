"""A page-level guard: a failure inside a page shows a short message in the user's language, never a
traceback or Streamlit's generic error box, and the rest of the app (sidebar, navigation, other
views of the page) keeps working. The exception goes to the server log with its traceback.

Streamlit's own control flow (st.rerun, st.stop, a rerun requested by the browser) raises
BaseException subclasses, which pass through untouched.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st

from ui.i18n import t

log = logging.getLogger("nndl.pages")


@contextmanager
def guarded(lang: str, where: str) -> Iterator[None]:
    """Run the block; on an exception log it (naming `where`) and show `failed_view` instead."""
    try:
        yield
    except Exception:
        log.exception("view failed: %s", where)
        st.error(t("failed_view", lang), icon=":material/warning:")
