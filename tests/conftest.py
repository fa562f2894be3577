"""Settings for every test process."""

import os

# AppTest runs streamlit_app.py in this process: without this, its first run would start ui.warm's background
# warm-up here, which trains ~30 s of lesson runs and takes the training slot from the tests' own runs.
# (Browser tests start their servers with NNDL_WARM set explicitly; tests/browser/test_warm.py covers it.)
os.environ.setdefault("NNDL_WARM", "0")
