"""The app's pages: (script, i18n title key, icon, url path). The first one is the default page."""

from pathlib import Path

_ROOT = Path(__file__).resolve().parents[1]

ALL_PAGES: list[tuple[str, str, str, str]] = [
    ("app_pages/train.py", "page_train", "📈", "train"),
    ("app_pages/init.py", "page_init", "🎲", "init"),
    ("app_pages/vanishing.py", "page_vanishing", "📉", "vanishing"),
    ("app_pages/dead_relu.py", "page_dead_relu", "💀", "dead-relu"),
    ("app_pages/manual.py", "page_manual", "✍️", "manual"),
    ("app_pages/grid.py", "page_grid", "🔢", "grid"),
    ("app_pages/data.py", "page_data", "📂", "data"),
]
# TODO(before release): drop this filter once every page exists
PAGES = [p for p in ALL_PAGES if (_ROOT / p[0]).exists()]
