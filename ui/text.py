"""Showing text that came from a user (URL keys and values, grid boxes, CSV cells, .pt key names).

Every Streamlit text element (st.markdown, st.caption, st.info/warning/error/success) renders
Markdown plus Streamlit's own directives: a value echoed as is could be a clickable link, a remote
image the browser fetches, an official-looking `:red-background[...]` banner or a heading. Messages
that contain such values go through `literal` first: every ASCII punctuation character is
backslash-escaped (CommonMark allows escaping any of them, and the escaped character shows as
itself), line breaks become spaces, and the text is cut to a sensible length. GFM also turns bare
`https://…`, `www.…` and `name@host.tld` into links, escaped or not, so an invisible WORD JOINER
(U+2060) is put inside each of those triggers.
"""

from __future__ import annotations

import re
import string

MAX_ECHO = 300          # characters of a message shown at most (core cuts each echoed value to ~40)
_ESCAPES = str.maketrans({ch: "\\" + ch for ch in string.punctuation} | {"\n": " ", "\r": " ", "\t": " "})
JOINER = "\u2060"
_WWW = re.compile(r"(www)(\.)", re.IGNORECASE)


def literal(text: object, limit: int = MAX_ECHO) -> str:
    """`text` as Markdown that displays exactly these characters (cut to `limit` with an ellipsis)."""
    shown = str(text)
    if len(shown) > limit:
        shown = shown[: limit - 1] + "…"
    shown = shown.replace("://", f":{JOINER}//").replace("@", f"@{JOINER}")
    shown = _WWW.sub(rf"\1{JOINER}\2", shown)
    return shown.translate(_ESCAPES)
