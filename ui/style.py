"""The app's style sheets (nothing visible is added by them).

compact_page: a compact page head on every page, so that a 1280x720 projector shows a run's metrics and
curves without scrolling: less empty space above the title (Streamlit leaves 96 px) and a smaller title.
uploader_text: Streamlit's own file-uploader text ("Upload", "5MB per file • CSV, TXT") is English whatever
the app's language; in Chinese it is hidden and ours is shown in its place (CSS generated content), the
widget itself untouched. Each uploader's label names the file types it takes.
"""

from __future__ import annotations

import streamlit as st

from ui.i18n import t

MAIN = "[data-testid='stMainBlockContainer']"
DROPZONE = "[data-testid='stFileUploaderDropzone']"
INSTRUCTIONS = "[data-testid='stFileUploaderDropzoneInstructions']"


def compact_page() -> None:
    """Tighten the space above and around the page title (nothing visible is added)."""
    st.html(f"""<style>
{MAIN} {{ padding-top: 3.75rem; }}
{MAIN} h1 {{ font-size: 2.1rem; padding-top: 0.5rem; padding-bottom: 0.25rem; }}
</style>""")


def uploader_text(lang: str) -> None:
    """In Chinese, the file uploaders' button and size limit in Chinese (English: Streamlit's own text)."""
    if lang != "zh":
        return
    limit = st.get_option("server.maxUploadSize")
    button, size = t("uploader_button", lang), t("uploader_limit", lang, mb=limit)
    st.html(f"""<style>
{DROPZONE} button [data-testid='stMarkdownContainer'] p {{ display: none; }}
{DROPZONE} button [data-testid='stMarkdownContainer']::after {{ content: "{button}"; }}
{INSTRUCTIONS} span {{ display: none; }}
{INSTRUCTIONS} > div::after {{ content: "{size}"; }}
</style>""")
