"""The shared sidebar, built from the config spec (core.config.FIELDS): one widget per field.

Labels, help texts, bounds and choices all come from the spec; the session's "cfg" dict is the
source of truth and each widget writes its value back through an on_change callback, so hidden
(conditional) widgets and page switches lose nothing.
"""

from __future__ import annotations

import streamlit as st

from core.config import FIELD_BY_NAME, FIELDS, GROUPS, MAX_LAYERS, MAX_WIDTH, PRESETS, Field, RunConfig
from core.lesson import HIDEABLE, is_hidden, normalize_hide
from ui import state
from ui.i18n import LANG_NAMES, LANGS, choice_label, list_text, t
from ui.qr import show_qr
from ui.text import literal

EXPANDED = {"data": False, "network": True, "init": True, "training": True}
CUSTOM = "custom"                          # the preset box's value when the settings match no preset
PRESET_CHOICES = (*PRESETS, CUSTOM)


def draw_sidebar() -> RunConfig:
    """Draw language switch, presets and all config widgets; return the validated config."""
    lang = state.lang()
    with st.sidebar:
        _language_switch(lang)
        share = st.container()           # filled last, with the final config, but shown at the top
        _presets(lang)
        hide = state.hidden()
        if hide:
            st.caption(":material/visibility_off: "
                       + t("lesson_hidden_note", lang, names=list_text(map(_hide_label(lang), hide), lang)))
        for group in GROUPS:
            shown = [f for f in FIELDS if f.group == group and not is_hidden(f, hide)]
            if not shown:                # hidden as a group, or every field of it one by one
                continue
            with st.expander(t(f"group_{group}", lang), expanded=EXPANDED[group]):
                for field in shown:
                    if _visible(field):
                        _widget(field, lang)
                if group == "data" and FIELD_BY_NAME["data_seed"] in shown:     # the button sets data_seed
                    st.button(t("regenerate", lang), on_click=_next_data_seed, key="regenerate",
                              width="stretch")
    config, warnings = state.current_config()
    for w in warnings:
        st.sidebar.warning(t("config_invalid", lang, msg=literal(w.message(lang))), icon=":material/warning:")
    state.sync_url(config)
    with share.expander(t("share_link", lang), icon=":material/link:"):
        st.caption(t("share_help", lang))
        link = state.share_url(config, _lesson_hide(lang))
        if st.button(t("qr_button", lang), key="qr", icon=":material/qr_code_2:", width="stretch"):
            show_qr(link, lang)
        st.code(link, language=None, wrap_lines=True)
    st.session_state[state.CONFIG] = config
    return config


# --------------------------------------------------------------------------- lesson links
LESSON_HIDE = "lesson_hide"     # what the lesson-link box hides, language-neutral (its widget's key has the language)


def _hide_label(lang: str):
    """How a hide= name is shown: a group with its title, a field with its label and its URL name."""
    def label(name: str) -> str:
        if name in GROUPS:
            return t("lesson_hide_group", lang, group=t(f"group_{name}", lang))
        return t("lesson_hide_field", lang, label=FIELD_BY_NAME[name].label(lang), name=name)
    return label


def _lesson_hide(lang: str) -> tuple[str, ...]:
    """The lesson-link box: which groups and fields the link hides (it starts as this session's link hides);
    returns them normalized. The session's own sidebar does not change."""
    key = f"{LESSON_HIDE}_{lang}"
    if LESSON_HIDE not in st.session_state:
        st.session_state[LESSON_HIDE] = list(state.hidden())
    if key not in st.session_state:
        st.session_state[key] = list(st.session_state[LESSON_HIDE])
    st.multiselect(t("lesson_hide", lang), HIDEABLE, key=key, format_func=_hide_label(lang),
                   help=t("lesson_hide_help", lang), on_change=_store_lesson_hide, args=(key,),
                   placeholder="—")
    # the sidebar is narrow: chips show their whole label on two lines rather than cut it ("Initialization (…")
    st.html(f"""<style>
.st-key-{key} [data-tag] {{ height: auto; padding-top: 2px; padding-bottom: 2px; }}
.st-key-{key} [data-tag] > span[title] {{ white-space: normal; overflow: visible; line-height: 1.3; }}
</style>""")
    return normalize_hide(st.session_state[LESSON_HIDE])


def _store_lesson_hide(key: str) -> None:
    st.session_state[LESSON_HIDE] = list(st.session_state[key])


# --------------------------------------------------------------------------- pieces
LANG_KEY = "w_lang"          # the same in both languages: its labels (English / 中文) never change


def _language_switch(lang: str) -> None:
    if LANG_KEY not in st.session_state:
        st.session_state[LANG_KEY] = lang
    st.segmented_control(f"{t('language', 'en')} / {t('language', 'zh')}", LANGS, key=LANG_KEY, required=True,
                         format_func=LANG_NAMES.get, on_change=_set_lang)


def _set_lang() -> None:
    st.session_state[state.LANG] = st.session_state[LANG_KEY] or "en"


def _presets(lang: str) -> None:
    """The preset box: choosing a preset applies it; it shows the preset the settings match, else "custom"."""
    key = state.widget_key("preset")
    config, _ = state.current_config()
    st.session_state[key] = next((name for name in PRESETS if config == state.preset_config(name)), CUSTOM)
    st.selectbox(t("preset", lang), PRESET_CHOICES, key=key, on_change=_apply_preset,
                 format_func=lambda name: t(f"preset_{name}", lang), help=t("preset_help", lang))


def _apply_preset() -> None:
    name = st.session_state[state.widget_key("preset")]
    if name in PRESETS:
        state.set_values(state.preset_values(name))


def _next_data_seed() -> None:
    seed = st.session_state[state.CFG]["data_seed"]
    state.set_values({"data_seed": (seed + 1) % (FIELD_BY_NAME["data_seed"].hi + 1)})


def _visible(field: Field) -> bool:
    if field.show_if is None:
        return True
    other, values = field.show_if
    return st.session_state[state.CFG][other] in values


def _widget(field: Field, lang: str) -> None:
    if field.kind == "layers":
        _layers_widget(field, lang)
        return
    if field.kind == "features":
        _features_widget(field, lang)
        return
    key = state.widget_key(field.name)
    if key not in st.session_state:
        st.session_state[key] = st.session_state[state.CFG][field.name]
    common = {"key": key, "help": field.help(lang) or None, "on_change": _store, "args": (field.name,)}
    label = field.label(lang)
    if field.kind == "choice":
        st.selectbox(label, field.choices, format_func=lambda v: choice_label(field.name, v, lang), **common)
    elif field.kind == "bool":
        st.checkbox(label, **common)
    elif field.kind == "int":
        st.number_input(label, min_value=int(field.lo), max_value=int(field.hi), step=int(field.step or 1), **common)
    else:
        st.number_input(label, min_value=float(field.lo), max_value=float(field.hi), step=field.step,
                        format="%g", **common)


def _store(name: str) -> None:
    st.session_state[state.CFG][name] = st.session_state[state.widget_key(name)]


def _features_widget(field: Field, lang: str) -> None:
    """The input features: a multiselect over the feature table (core.choices.FEATURE_TABLE), at least one."""
    key = state.widget_key(field.name)
    if key not in st.session_state:
        st.session_state[key] = list(st.session_state[state.CFG][field.name])
    st.multiselect(field.label(lang), field.choices, key=key, help=field.help(lang) or None,
                   format_func=lambda v: choice_label(field.name, v, lang), on_change=_store_features,
                   args=(field, lang))


def _store_features(field: Field, lang: str) -> None:
    """The chosen features in the table's order; removing the last one keeps it (a network needs an input)."""
    key = state.widget_key(field.name)
    chosen = st.session_state[key]
    if not chosen:
        st.session_state[key] = list(st.session_state[state.CFG][field.name])
        st.toast(t("features_keep_one", lang), icon=":material/info:")
        return
    names = [name for name in field.choices if name in chosen]
    st.session_state[key] = names
    st.session_state[state.CFG][field.name] = tuple(names)


def _layers_widget(field: Field, lang: str) -> None:
    hidden = tuple(st.session_state[state.CFG]["hidden"])
    n_key = state.widget_key("hidden_n")
    if n_key not in st.session_state:
        st.session_state[n_key] = len(hidden)
    st.number_input(t("n_hidden_layers", lang), min_value=0, max_value=MAX_LAYERS, step=1, key=n_key,
                    help=field.help(lang), on_change=_store_layers)
    for k in range(st.session_state[n_key]):
        key = state.widget_key(f"hidden_{k + 1}")
        if key not in st.session_state:
            st.session_state[key] = hidden[k] if k < len(hidden) else (hidden[-1] if hidden else 5)
        st.slider(t("layer_width", lang, k=k + 1), min_value=1, max_value=MAX_WIDTH, key=key,
                  on_change=_store_layers)
    _store_layers()


def _store_layers() -> None:
    n = st.session_state[state.widget_key("hidden_n")]
    widths = []
    for k in range(n):
        key = state.widget_key(f"hidden_{k + 1}")
        widths.append(int(st.session_state.get(key, 5)))
    st.session_state[state.CFG]["hidden"] = tuple(widths)
