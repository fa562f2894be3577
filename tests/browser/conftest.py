"""Real-browser test fixtures: a real Streamlit server per module, Debian chromium via Playwright.

Without /usr/bin/chromium the tests skip with a message naming what to install, except under
CI=true, where a missing browser is a failure.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARTIFACTS = ROOT / "test-artifacts" / "screenshots"
IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"
RUNNING = "[data-testid='stApp'][data-test-script-state='running']"


def _missing_browser_reason() -> str | None:
    if not Path(CHROMIUM).exists():
        return f"{CHROMIUM} not found: install Debian's chromium (apt-get install chromium) to run browser tests"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed: pip install -r requirements-dev.txt"
    return None


def pytest_collection_modifyitems(config, items):
    reason = _missing_browser_reason()
    for item in items:
        if "tests/browser" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)
            if reason and os.environ.get("CI", "").lower() != "true":
                item.add_marker(pytest.mark.skip(reason=reason))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """A freshly started `streamlit run streamlit_app.py` on a loopback port."""

    def __init__(self, warm: bool = False) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        # NNDL_TIMING: script times and trained runs in the log; NNDL_WARM: the lessons' background warm-up
        # (ui.warm), off unless a test is about it (it trains ~30 s of runs on a 2-core machine)
        env = {**os.environ, "PYTHONUNBUFFERED": "1", "NNDL_TIMING": "1", "NNDL_WARM": "1" if warm else "0"}
        self.log_path = ROOT / "test-artifacts" / f"server-{self.port}.log"
        self.log_path.parent.mkdir(exist_ok=True)
        self.log = open(self.log_path, "w")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "streamlit_app.py", "--server.headless", "true",
             "--server.port", str(self.port), "--server.address", "127.0.0.1",
             "--browser.gatherUsageStats", "false"],
            cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT)
        self.ready_at = self._wait_healthy()

    def _wait_healthy(self, timeout: float = 60) -> float:
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"streamlit exited with {self.proc.returncode}")
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        return time.time()
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("streamlit did not become healthy")

    def script_seconds(self) -> list[float]:
        """Script run times the app logged (NNDL_TIMING), oldest first."""
        self.log.flush()
        lines = self.log_path.read_text().splitlines()
        return [float(line.split("script_seconds=")[1].split()[0]) for line in lines if "script_seconds=" in line]

    def log_text(self) -> str:
        self.log.flush()
        return self.log_path.read_text(errors="replace")

    def trained_keys(self) -> list[str]:
        """Config keys of the runs the server trained, in order (ui.runs.cached_train logs each)."""
        return [line.split(" key=", 1)[1] for line in self.log_text().splitlines() if "trained seconds=" in line]

    def wait_log(self, text: str, timeout: float = 300) -> None:
        deadline = time.time() + timeout
        while text not in self.log_text():
            if time.time() > deadline or self.proc.poll() is not None:
                raise AssertionError(f"{text!r} not in the server log {self.log_path}")
            time.sleep(0.5)

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()


@pytest.fixture
def fresh_server():
    """A server started for this test alone (its first request is the test's)."""
    (ROOT / "test-artifacts").mkdir(exist_ok=True)
    server = Server()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def server():
    (ROOT / "test-artifacts").mkdir(exist_ok=True)
    s = Server()
    yield s
    s.stop()


@pytest.fixture(scope="session")
def browser():
    reason = _missing_browser_reason()
    if reason:
        pytest.fail(reason)     # only reached under CI=true (otherwise the test was skipped)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"])
        yield b
        b.close()


@pytest.fixture
def page(browser, request):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.js_errors = errors
    yield pg
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    try:
        pg.screenshot(path=str(ARTIFACTS / f"{safe_name(request)}-final.png"), full_page=True)
    except Exception:
        pass
    context.close()


def wait_idle(page, timeout: float = 120_000) -> None:
    """Wait until the Streamlit script has finished its run (after load or an interaction).

    The app is 'notRunning' before its first run too, so first wait for the shared sidebar's
    widgets, which only a completed script run draws.
    """
    page.wait_for_selector("[data-testid='stSidebarUserContent'] [data-testid='stNumberInput']", state="attached",
                           timeout=timeout)
    page.wait_for_timeout(150)
    page.wait_for_selector(IDLE, timeout=timeout)


def safe_name(request) -> str:
    """The test's name as a file name (parametrized ids may hold '/')."""
    return re.sub(r"[^\w.-]+", "_", request.node.name).strip("_")


def shot(page, request, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{safe_name(request)}-{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
