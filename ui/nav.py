"""The app's pages: (script, i18n title key, Material icon, url path). The first one is the default page."""

from pathlib import Path

_ROOT = Path(__file__).resolve().parents[1]

ALL_PAGES: list[tuple[str, str, str, str]] = [
    ("app_pages/train.py", "page_train", ":material/show_chart:", "train"),
    ("app_pages/init.py", "page_init", ":material/casino:", "init"),
    ("app_pages/vanishing.py", "page_vanishing", ":material/trending_down:", "vanishing"),
    ("app_pages/dead_relu.py", "page_dead_relu", ":material/block:", "dead-relu"),
    ("app_pages/manual.py", "page_manual", ":material/edit_note:", "manual"),
    ("app_pages/grid.py", "page_grid", ":material/grid_on:", "grid"),
    ("app_pages/data.py", "page_data", ":material/upload_file:", "data"),
]
# TODO(before release): drop this filter once every page exists
PAGES = [p for p in ALL_PAGES if (_ROOT / p[0]).exists()]
