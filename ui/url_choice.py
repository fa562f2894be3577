"""A page's choice widget that shows translated option labels while the URL keeps language-neutral ids.

Streamlit's bind="query-params" writes the *displayed* option text into the address bar, so a widget
with translated labels would make a link depend on the language it was copied in (and a zh link would
carry Chinese words). `url_choice` draws the widget unbound and does the binding itself: the first time
the widget is drawn in a session it takes its value from the URL's ids (all valid, or the default: a
link value it cannot take is dropped from the URL, and ui.state.report_page_params names it), and every
run writes the ids it holds back into the URL (removing the key at the default, as a bound widget does).
The value lasts for the session (persist_state), so coming back to the page keeps it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import streamlit as st

SHOWN_LANG = "url_choice_lang"      # session: widget key -> language its labels were last drawn in


def _from_url(key: str, options: Sequence[str], default: Any, multi: bool) -> Any:
    if key not in st.query_params:
        return default
    given = [v for v in st.query_params.get_all(key) if v != ""]     # "?key=" is an empty selection
    if all(v in options for v in given) and (multi or len(given) == 1):
        return list(dict.fromkeys(given)) if multi else given[0]
    del st.query_params[key]            # the widget cannot take it: the link's value is reported as ignored
    return default


def _to_url(key: str, value: Any, default: Any, multi: bool) -> None:
    if (list(value) if multi else value) == default:
        if key in st.query_params:
            del st.query_params[key]
        return
    wanted = (list(value) or [""]) if multi else [value]
    if st.query_params.get_all(key) != wanted:
        st.query_params[key] = wanted


def url_choice(draw: Callable[..., Any], label: str, options: Sequence[str], *, key: str, default: Any,
               label_of: Callable[[str], str], lang: str, **kwargs: Any) -> Any:
    """Draw `draw(label, options, key=key, format_func=label_of, ...)` (st.multiselect, st.radio, st.selectbox,
    or a column's) whose value (a list of ids if `default` is a list, else one id) is bound to the URL key
    `key` by id. A value the options no longer hold falls back to `default`. Returns the widget's value."""
    multi = isinstance(default, (list, tuple))
    default = list(default) if multi else default
    shown: dict[str, str] = st.session_state.setdefault(SHOWN_LANG, {})
    if key not in st.session_state:
        st.session_state[key] = _from_url(key, options, default, multi)
    else:
        value = st.session_state[key]
        kept = [v for v in value if v in options] if multi else (value if value in options else default)
        # options that changed (e.g. the grid's axes) drop what they no longer hold; after a language switch
        # the browser still shows the other language's labels: hand it the value again, in this one
        if kept != value or shown.get(key) != lang:
            st.session_state[key] = kept
    shown[key] = lang
    value = draw(label, list(options), key=key, format_func=label_of, persist_state="session", **kwargs)
    _to_url(key, value, default, multi)
    return value
