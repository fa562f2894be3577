"""Entry point and router: language, navigation, the shared sidebar; then the chosen page runs.

Pages live in app_pages/, not pages/: with st.navigation a folder literally named pages/ makes a
deep link that is a fresh server's first request run the page script alone, without this
entrypoint (so without the sidebar). See README.
"""

import logging
import os
import time
from pathlib import Path

import streamlit as st

from ui import state, warm
from ui.guard import guarded
from ui.i18n import t
from ui.nav import PAGE_PRESETS, PAGES
from ui.runs import warm_up_imports
from ui.sidebar import draw_sidebar
from ui.style import compact_page, uploader_text
from ui.text import literal

ICON = str(Path(__file__).parent / "ui" / "icon.png")   # a local file: a Material page icon is fetched from Google
started = time.perf_counter()
state.init_session()
lang = state.lang()
st.set_page_config(page_title=t("app_title", lang), page_icon=ICON, layout="wide")
compact_page()
uploader_text(lang)
navigation = st.navigation([
    st.Page(path, title=t(title, lang), icon=icon, url_path=url, default=(i == 0))
    for i, (path, title, icon, url) in enumerate(PAGES)
])
state.open_page(navigation.url_path, PAGE_PRESETS.get(navigation.url_path))
with guarded(lang, "sidebar"):
    draw_sidebar()
missing = state.unknown_page([url for *_, url in PAGES])
if missing:
    st.info(t("unknown_page", lang, page=literal(missing, 60)), icon=":material/help:")
try:
    with guarded(lang, f"page {navigation.url_path or '/'}"):
        navigation.run()
finally:
    # after the first render: torch/pandas/altair load while the user reads the page, then the lessons' runs
    warm_up_imports(then=warm.start)
    if os.environ.get("NNDL_TIMING"):   # the browser tests read script times from the server log
        logging.getLogger("nndl.timing").warning("script_seconds=%.4f page=%s", time.perf_counter() - started,
                                                 navigation.url_path)
