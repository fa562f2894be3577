"""The app's pages: (script, i18n title key, Material icon, url path). The first one is the default page."""

PAGES: list[tuple[str, str, str, str]] = [
    ("app_pages/train.py", "page_train", ":material/show_chart:", "train"),
    ("app_pages/playground.py", "page_playground", ":material/play_circle:", "playground"),
    ("app_pages/init.py", "page_init", ":material/casino:", "init"),
    ("app_pages/vanishing.py", "page_vanishing", ":material/trending_down:", "vanishing"),
    ("app_pages/dead_relu.py", "page_dead_relu", ":material/block:", "dead_relu"),
    ("app_pages/manual.py", "page_manual", ":material/edit_note:", "manual"),
    ("app_pages/landscape.py", "page_landscape", ":material/landscape:", "landscape"),
    ("app_pages/grid.py", "page_grid", ":material/grid_on:", "grid"),
    ("app_pages/iris.py", "page_iris", ":material/local_florist:", "iris"),
    ("app_pages/data.py", "page_data", ":material/upload_file:", "data"),
]
# The textbook setting each page opens on (first visit per session; see ui.state.open_page); others: book_251.
PAGE_PRESETS: dict[str, str] = {
    "init": "zero_init", "vanishing": "vanishing", "dead_relu": "dead_relu", "manual": "book_251", "grid": "book_251",
    "iris": "book_iris",
}
TRAIN_PAGE = ""     # the Train page's url path as st.navigation reports it (the default page's is "")
