"""Opening the real app with AppTest the way a link does; shared by the app and page tests."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]
TIMEOUT = 120


def open_app(page: str | None = None, **params: str) -> AppTest:
    """The first run of streamlit_app.py with these URL parameters, landing directly on `page`
    (a script path such as "app_pages/init.py") as a link to that page would."""
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=TIMEOUT)
    for key, value in params.items():
        at.query_params[key] = value
    if page is not None:
        at.switch_page(page)
    return at.run()


def metrics(at: AppTest) -> dict[str, str]:
    """Label -> displayed value of every st.metric on the page."""
    return {m.label: m.value for m in at.metric}


def open_view(at: AppTest, view: str, lang: str = "en") -> AppTest:
    """Open a result tab of the Train page ('curves', 'boundary', 'gradients', 'compare', 'downloads') as a
    click on it does: only the open tab is drawn."""
    from ui.results import tabs_key, view_labels

    kind = "regression" if tabs_key(lang, "regression") in at.session_state else "binary"   # the tabs on the page
    at.session_state[tabs_key(lang, kind)] = view_labels(lang, kind)[view]
    return at.run()
