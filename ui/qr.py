"""A QR code of a link, large, for the projector: segno (pure Python) draws it as an SVG, which stays sharp
at any size; a dialog shows it with the link under it."""

from __future__ import annotations

import io

import segno
import streamlit as st

from ui.i18n import t

QUIET_ZONE = 4          # modules of white border: the QR standard's minimum, which phone scanners need
SCREEN_SHARE = 70       # the code's side: this % of the window's height, at most the dialog's width
BOX = "qr_code"         # the key of the code's container (its CSS class st-key-qr_code)


def qr_code(link: str) -> segno.QRCode:
    """The QR code of `link`: never a Micro QR (phones read only full ones); segno's defaults otherwise (the
    smallest version that holds the link, error correction L raised as far as that version allows)."""
    return segno.make(link, micro=False)


def qr_svg(link: str) -> str:
    """The code as an SVG document without a fixed size (it scales to the width it is given): black
    modules on an opaque white ground, so it reads the same on any theme."""
    out = io.BytesIO()
    qr_code(link).save(out, kind="svg", border=QUIET_ZONE, dark="#000", light="#fff", xmldecl=False,
                       omitsize=True, svgclass=None, lineclass=None)
    return out.getvalue().decode("utf-8")


def show_qr(link: str, lang: str) -> None:
    """Open the QR dialog for `link` (call from a button's branch in the script run)."""
    st.dialog(t("qr_title", lang), width="large")(_qr_body)(link, lang)


def _qr_body(link: str, lang: str) -> None:
    # as large as the window allows without scrolling: a projector's 1080 lines give a ~750 px code
    st.html(f"<style>.st-key-{BOX} {{ width: min(100%, {SCREEN_SHARE}vh); align-self: center; }}</style>")
    with st.container(key=BOX):
        st.image(qr_svg(link), width="stretch")
    st.caption(t("qr_caption", lang))
    st.code(link, language=None, wrap_lines=True)
