"""Per-session state: the current config (source of truth for the widgets), the language, the URL.

Data flow: URL (first run of a session) -> core.config.from_params -> session "cfg" dict ->
widgets (ui.sidebar) -> RunConfig -> pages. Every run writes the config back to the URL, so the
address bar is always a link to the exact settings.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from core.config import FIELD_BY_NAME, FIELDS, PRESETS, ConfigError, ParamWarning, RunConfig, from_params, to_params
from core.lesson import HIDE_PARAM, format_hide, parse_hide
from ui.i18n import LANGS, t
from ui.text import literal

CFG = "cfg"                 # dict field -> typed value
LANG = "lang"
URL_WARNINGS = "url_warnings"
HIDE = "hide"               # the groups and fields the session's lesson link hides (core.lesson), for the session
NON_CONFIG_PARAMS = ("lang", HIDE_PARAM)


def widget_key(name: str) -> str:
    """Session key of a sidebar widget: w_<name> in English, w_<name>_zh in Chinese.

    The language is part of the key because Streamlit keeps a keyed selectbox's component (and the
    text it displays) when only its option labels change: after a language switch it kept showing
    the old language. A new key draws a new widget, initialized from the session's config values.
    """
    return f"w_{name}" if lang() == "en" else f"w_{name}_{lang()}"


PENDING = "pending_values"   # values requested by a page; applied at the start of the next run
PAGE_PARAM_PREFIX = "p_"    # URL keys of page-local widgets (bind="query-params"), not config fields
ON_PAGE = "on_page"               # url path of the page the last script run showed
PLAYING = "pg_playing"            # whether Watch it learn animates (ui.playground); any page change pauses it
PAGE_CONFIGS = "page_configs"     # url path -> that page's config dict when the user left it
DEFAULT_PRESET = "book_251"       # the setting of pages without a preset of their own
FROM_LINK = "from_link"           # the session started from a URL carrying config values
LINK_VALUES = "link_values"       # the config values that URL gave (and the spec accepted)
FIRST_RUN = "first_run"           # this script run is the session's first
PAGE_GIVEN = "page_params_given"  # the link's page-local values (p_...), to report those a page could not use
MAX_ECHO_VALUE = 60              # characters of a page value shown in a message
MAX_GIVEN = 10_000              # characters of a page value kept to compare (longer ones are refused anyway)


def init_session() -> None:
    """On a session's first run, read the URL into the session (invalid values -> defaults + warnings).

    On later runs, apply values a page requested with `request_values` (before any widget exists).
    """
    if CFG in st.session_state:
        st.session_state[FIRST_RUN] = False
        pending = st.session_state.pop(PENDING, None)
        if pending:
            set_values(pending)
        return
    params = {key: st.query_params.get_all(key) for key in st.query_params}   # repeated keys are reported
    lang = params.pop("lang", ["en"])[-1]
    warnings: list[ParamWarning] = []
    if lang not in LANGS:
        warnings.append(ParamWarning("lang", str(lang)[:40], ConfigError("lang", lang, "en, zh")))
        lang = "en"
    hide, hide_warnings = parse_hide(params.pop(HIDE_PARAM, []))
    warnings += hide_warnings
    page_params = tuple(k for k in params if k.startswith(PAGE_PARAM_PREFIX))
    config, more = from_params(params, ignore=NON_CONFIG_PARAMS + STREAMLIT_PARAMS + page_params)
    st.session_state[CFG] = config.to_dict()
    st.session_state[LANG] = lang
    st.session_state[HIDE] = hide
    st.session_state[URL_WARNINGS] = warnings + more
    # a link that names any config field is an exact setting: the page it opens must not replace it with
    # its preset (other pages visited later in the session still open on their textbook setting)
    st.session_state[FROM_LINK] = any(k in FIELD_BY_NAME for k in params)
    refused = {w.field for w in more if w.error is not None}      # a repeated key's last value is used
    st.session_state[LINK_VALUES] = {k: getattr(config, k) for k in params if k in FIELD_BY_NAME and k not in refused}
    st.session_state[PAGE_GIVEN] = {k: [str(v)[:MAX_GIVEN] for v in params[k]] for k in page_params}
    st.session_state[FIRST_RUN] = True


def lang() -> str:
    return st.session_state.get(LANG, "en")


def hidden() -> tuple[str, ...]:
    """The groups and fields whose widgets this session's lesson link hides (hide=...); () for none."""
    return st.session_state.get(HIDE, ())


def request_values(values: dict[str, Any]) -> None:
    """From a page (widgets already drawn): set config values, then rerun so the sidebar shows them."""
    st.session_state[PENDING] = dict(values)
    st.rerun()


def send_to_page(page: str, config: RunConfig) -> None:
    """Make `config` the settings page `page` (a url path; "" = the default page) opens on next: a page
    handing a setting to another (Grid search's "load the best config" -> Train)."""
    st.session_state.setdefault(PAGE_CONFIGS, {})[page] = config.to_dict()


def open_page(page: str, preset: str | None) -> None:
    """Give each page its own settings for the session; called by the router before the sidebar is drawn.

    Leaving a page keeps its config; coming back restores it, so its result shows again (results are cached by
    config). Its page-local controls (p_... widgets) come back by themselves: each is bound to the URL or
    persisted for the session (bind="query-params" / persist_state="session").
    A page's first visit opens on its textbook setting, PRESETS[preset] (book_251 when it has none) over the
    defaults; the landing page of a link with config values takes the link's values over that setting.
    """
    previous = st.session_state.get(ON_PAGE)
    if previous == page:
        return
    st.session_state[ON_PAGE] = page
    st.session_state[PLAYING] = False        # leaving Watch it learn pauses its animation (ui.playground)
    configs = st.session_state.setdefault(PAGE_CONFIGS, {})
    if previous is not None:
        configs[previous] = dict(st.session_state[CFG])
    if page in configs:
        _change_values(configs[page])
    elif st.session_state.get(FROM_LINK) and st.session_state.get(FIRST_RUN):
        # a link names some fields: the page's textbook setting with those fields as the link gives them
        # (a share link names every field, so it opens exactly; "/vanishing?epochs=500" is 4.4.2 with 500 epochs)
        _change_values({**preset_values(preset or DEFAULT_PRESET), **st.session_state.get(LINK_VALUES, {})})
    else:
        _change_values(preset_values(preset or DEFAULT_PRESET))


def _change_values(values: dict[str, Any]) -> None:
    """set_values for the fields whose value differs (their widgets re-read the config; the others keep theirs)."""
    cfg = st.session_state[CFG]
    set_values({name: value for name, value in values.items() if cfg.get(name) != value})


def preset_values(name: str) -> dict[str, Any]:
    """All config values of a preset: the defaults overridden by PRESETS[name]."""
    return {**{f.name: f.default for f in FIELDS}, **PRESETS[name]}


def preset_config(name: str) -> RunConfig:
    """The RunConfig of a preset (cached: the sidebar compares the config with every preset on each run)."""
    if name not in _PRESET_CONFIGS:
        _PRESET_CONFIGS[name] = RunConfig(**preset_values(name))
    return _PRESET_CONFIGS[name]


_PRESET_CONFIGS: dict[str, RunConfig] = {}


def reset_page(preset: str, controls: dict[str, Any] | None = None) -> None:
    """Widget callback of every page's "reset to the textbook setting" button: the config becomes
    PRESETS[preset] (over the defaults) and the page's own controls (its URL-bound widgets, key ->
    default) go back to their defaults. Controls are *set*, not deleted: a deleted URL-bound widget would
    be seeded again from the address the session started with (the link's page values)."""
    set_values(preset_values(preset))
    for key, value in (controls or {}).items():
        if st.session_state.get(key) != value:          # only what changed: fewer state writes
            st.session_state[key] = list(value) if isinstance(value, (list, tuple)) else value


def set_values(values: dict[str, Any]) -> None:
    """Replace config values (presets, buttons); the widgets re-read them on the next run.

    Must be called from a widget callback (before the widgets are drawn).
    """
    st.session_state[CFG].update(values)
    forget_widgets(values)


def forget_widgets(names) -> None:
    """Drop the widget state of these config fields (all languages): the widgets re-read the config."""
    prefixes = tuple(f"w_{name}" for name in names) + (("w_hidden",) if "hidden" in names else ())
    for key in [k for k in st.session_state if str(k).startswith(prefixes) and k != "w_lang"]:
        del st.session_state[key]


def current_config() -> tuple[RunConfig, list[ParamWarning]]:
    """The session's config, validated by the spec; invalid combinations fall back field by field."""
    values = st.session_state[CFG]
    try:
        return RunConfig(**values), []
    except ConfigError:
        return from_params(values)


STREAMLIT_PARAMS = ("embed", "embed_options")     # query parameters Streamlit itself reads


def sync_url(config: RunConfig) -> None:
    """Write lang, the lesson link's hide= and the fields that differ from the defaults into the address bar,
    and remove keys the app does not know (a shared link must not carry them on).

    Keys are set one by one: page-local widgets bound to the URL (p_...) keep their own keys.
    """
    wanted = {"lang": lang(), **_hide_param(hidden()), **to_params(config, only_changed=True)}
    for key in [*NON_CONFIG_PARAMS, *FIELD_BY_NAME]:
        if key in wanted:
            if st.query_params.get_all(key) != [wanted[key]]:     # also collapses a repeated key
                st.query_params[key] = wanted[key]
        elif key in st.query_params:
            del st.query_params[key]
    for key in list(st.query_params):
        known = key in wanted or key in FIELD_BY_NAME or key in STREAMLIT_PARAMS or key.startswith(PAGE_PARAM_PREFIX)
        if not known:
            del st.query_params[key]


def _same(value: Any, given: list[str]) -> bool:
    """Whether a bound widget's value is what the link gave (as text, a number or a list of options)."""
    if isinstance(value, (list, tuple)):
        return [str(v).lower() for v in value] == [g.lower() for g in given]
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        try:
            return float(given[-1]) == float(value)
        except ValueError:
            return False
    return str(value) == given[-1] or str(value).lower() == given[-1].lower()


def page_param_warnings() -> list[str]:
    """On a session's first run, after the page drew its widgets: the link's page-local values (p_...)
    that a widget of this page could not take (Streamlit then drops them silently and uses the default)."""
    if not st.session_state.get(FIRST_RUN):
        return []
    out = []
    pending = st.session_state.get(PAGE_GIVEN, {})
    for key in [k for k in pending if k in st.session_state]:     # widgets drawn so far; each checked once
        given = pending.pop(key)
        # Streamlit keeps a value its widget took in the address bar (options appear there by their labels),
        # and drops one it could not take -- or one equal to the widget's default, hence the comparison
        if key not in st.query_params and not _same(st.session_state[key], given):
            shown = ",".join(given)
            shown = shown if len(shown) <= MAX_ECHO_VALUE else shown[: MAX_ECHO_VALUE - 1] + "…"
            out.append(t("page_param_ignored", lang(), name=key, value=shown))
    return out


def report_page_params() -> None:
    """Called by a page right after its URL-bound widgets: warn about link values they could not take."""
    for text in page_param_warnings():
        st.warning(literal(text), icon=":material/warning:")


def unknown_page(url_paths: list[str]) -> str | None:
    """On a session's first run, the page name of the address if no page has it (the router then
    showed the default page); None otherwise."""
    if not st.session_state.get(FIRST_RUN):
        return None
    from urllib.parse import unquote, urlsplit

    try:
        path = unquote(urlsplit(st.context.url or "").path)
    except Exception:
        return None
    base = "/" + str(st.get_option("server.baseUrlPath") or "").strip("/")
    path = path[len(base):] if path.startswith(base) else path
    name = path.strip("/")
    return None if name in ("", *url_paths) else name


def _hide_param(names: tuple[str, ...]) -> dict[str, str]:
    """{"hide": "init,lr"} for a lesson link that hides something, {} for one that hides nothing."""
    text = format_hide(names)
    return {HIDE_PARAM: text} if text else {}


def share_url(config: RunConfig, hide: tuple[str, ...] | None = None) -> str:
    """Absolute link reproducing `config` (all fields written out, so it survives default changes).

    It hides what `hide` names (a lesson link; None: what this session's link hides). Commas stay
    commas (hide=init,lr and hidden=5,3 read as written).
    """
    from urllib.parse import urlencode, urlsplit

    base = ""
    try:
        parts = urlsplit(st.context.url or "")
        if parts.scheme and parts.netloc:
            base = f"{parts.scheme}://{parts.netloc}{parts.path or '/'}"
    except Exception:
        base = ""
    hide = hidden() if hide is None else hide
    return f"{base}?{urlencode({'lang': lang(), **_hide_param(hide), **to_params(config)}, safe=',')}"


CONFIG = "config"           # the validated RunConfig of this run, set by the sidebar


def config() -> RunConfig:
    """The validated config the sidebar produced in this script run."""
    return st.session_state[CONFIG]


def show_url_warnings() -> None:
    """Tell which URL parameters were ignored and why (they fell back to their defaults)."""
    for w in st.session_state.get(URL_WARNINGS, []):
        st.warning(t("param_ignored", lang(), msg=literal(w.message(lang()))), icon=":material/warning:")
