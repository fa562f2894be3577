"""Benchmark: user-facing latencies of the real app, driven in Debian chromium (issue #11 point 9).

Starts `streamlit run streamlit_app.py` on a loopback port (cwd = --repo, default the current
directory, so another checkout can be measured), opens it in headless chromium (Playwright,
viewport 1440x900) and times, in the browser's own clock, from the click to the moment the page is
final: every script run the click started has finished (the websocket's script_finished message
arrived), stApp is idle (data-test-script-state=notRunning), no element is stale, no progress bar
is left, the page's heading and the expected metrics/charts are there and every Vega-Lite chart is
drawn (its svg or canvas). The page must then stay final for QUIET_S (so a further rerun would be
noticed); the time reported is when it became final.

Each round uses a fresh server (empty caches) and a fresh browser session, and measures:
 1. the default Train click on / to its final charts, next to the training time the app reports;
 2. the same (cached) Train click again;
 3. page switches: Train -> Autograd vs manual / Grid search / Your data -> Train (first and second visit);
 4. every multi-run lesson button on its page's textbook default: Grid search, Initialization
    (scheme comparison), Vanishing gradients (train all), Dead ReLU (train all);
 5. each page opened again (cached, second visit) against the Train page's open time.
Each figure is printed in seconds and as a ratio to the default Train click of the same round, with
the issue's target and PASS/FAIL. Per interaction it also records the script runs the server logged
(NNDL_TIMING: how many, their seconds), the server's CPU seconds, the websocket messages and bytes the
browser received, and the browser main thread's busy time (CDP Performance.getMetrics).

    python -m bench.bench_browser [--repo PATH] [--rounds N] [--cold] [--json PATH] [--details] [--logs DIR]

By default the server warms its cache (ui.warm: every lesson's default runs, trained in the background
after the first page) and the measurements start once it says "warm-up done": what a class sees a
minute after the teacher starts the server. --cold switches the warm-up off (NNDL_WARM=0): every
button then trains what it shows, which is what any non-default setting costs.

Not a test: the machine's load moves every figure; run it on a quiet machine and read several rounds.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import runpy
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
VIEWPORT = {"width": 1440, "height": 900}
QUIET_S = 0.75          # the final state must hold this long (a later rerun would undo it)
TIMEOUT_S = 300.0       # one interaction, at most
METRIC = "[data-testid='stMetric']"
VEGA = "[data-testid='stVegaLiteChart']"
TRAIN_SLACK_S, CACHED_S, SWITCH_S, LESSON_X, OPEN_AFTER_S = 0.7, 0.5, 0.6, 2.0, 1.0   # the targets

# In every document (a Playwright init script): the click, the script runs (the websocket's ForwardMsgs
# new_session and script_finished, read from their top-level protobuf fields), and the moment the page last
# became final. A fast run can leave stApp's script-state attribute unchanged (React batches the two updates),
# so the script runs are read from the messages, not from the attribute.
PROBE_JS = r"""
(() => {
  const IDLE = 'notRunning', NEW_SESSION = 4, SCRIPT_FINISHED = 6, FINAL = [0, 3];   // ForwardMsg fields
  const b = window.__bench = {spec: {min: {}}, armedAt: 0, clickAt: 0, okAt: null};
  const zero = {started: 0, finished: 0, status: null, startAt: null, finishAt: null, messages: 0, bytes: 0};
  Object.assign(b, zero);
  const visible = (e) => e.offsetParent !== null;
  const state = () => { const a = document.querySelector("[data-testid='stApp']");
                        return a && a.getAttribute('data-test-script-state'); };
  b.ok = (spec) => {
    if (state() !== IDLE) return false;
    if (document.querySelector("[data-stale='true'], [data-testid='stProgress']")) return false;
    if (!document.querySelector("[data-testid='stSidebarUserContent'] [data-testid='stNumberInput']")) return false;
    for (const [sel, n] of Object.entries(spec.min || {})) {
      if ([...document.querySelectorAll(sel)].filter(visible).length < n) return false;
    }
    if (spec.heading && ![...document.querySelectorAll('h1')].some((h) => h.innerText.includes(spec.heading))) {
      return false;
    }
    return [...document.querySelectorAll("[data-testid='stVegaLiteChart']")].every(
      (c) => c.querySelector('svg.marks, canvas'));
  };
  b.done = () => b.started > 0 && b.finished >= b.started && FINAL.includes(b.status);
  b.why = () => {          // what keeps the page from being final (a timeout's diagnosis)
    const spec = b.spec;
    return {spec, state: state(), started: b.started, finished: b.finished, status: b.status, okAt: b.okAt,
            stale: document.querySelectorAll("[data-stale='true']").length,
            progress: document.querySelectorAll("[data-testid='stProgress']").length,
            counts: Object.fromEntries(Object.keys(spec.min || {}).map(
              (sel) => [sel, [...document.querySelectorAll(sel)].filter(visible).length])),
            headings: [...document.querySelectorAll('h1')].map((h) => h.innerText),
            undrawn: [...document.querySelectorAll("[data-testid='stVegaLiteChart']")].filter(
              (c) => !c.querySelector('svg.marks, canvas')).length};
  };
  b.arm = (spec) => {
    Object.assign(b, zero, {spec, armedAt: performance.now(), clickAt: null});
    b.okAt = b.ok(spec) ? b.armedAt : null;
  };
  b.result = (end) => {
    const click = b.clickAt === null ? b.armedAt : b.clickAt;
    return {seconds: (end - click) / 1000, to_running: ((b.startAt ?? end) - click) / 1000,
            to_idle: ((b.finishAt ?? end) - click) / 1000, runs: b.started, messages: b.messages,
            bytes: b.bytes};
  };
  document.addEventListener('click', () => { if (b.clickAt === null) b.clickAt = performance.now(); }, true);
  const varint = (u, pos) => {
    let value = 0, scale = 1;
    for (;;) {
      const byte = u[pos++];
      value += (byte & 0x7f) * scale;
      scale *= 128;
      if (byte < 0x80) return [value, pos];
    }
  };
  const onMessage = (event) => {
    if (!(event.data instanceof ArrayBuffer)) return;
    const now = performance.now(), u = new Uint8Array(event.data);
    b.messages += 1;
    b.bytes += u.length;
    let pos = 0;
    while (pos < u.length) {
      let tag, value;
      [tag, pos] = varint(u, pos);
      const fieldNo = Math.floor(tag / 8), wire = tag % 8;
      if (wire === 0) [value, pos] = varint(u, pos);
      else if (wire === 2) { [value, pos] = varint(u, pos); pos += value; }
      else if (wire === 1) pos += 8;
      else if (wire === 5) pos += 4;
      else return;
      if (fieldNo === NEW_SESSION) { b.started += 1; if (b.startAt === null) b.startAt = now; }
      if (fieldNo === SCRIPT_FINISHED && wire === 0) { b.finished += 1; b.status = value; b.finishAt = now; }
    }
  };
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(...args) { super(...args); this.addEventListener('message', onMessage); }
  };
  const seen = () => {
    if (!b.ok(b.spec)) b.okAt = null; else if (b.okAt === null) b.okAt = performance.now();
  };
  new MutationObserver(seen).observe(document, {subtree: true, childList: true, attributes: true,
                                                characterData: true});
})();
"""
# The page is final once the last script run finished, the page shows what the spec asks, and both have held
# for q ms; the end is the later of the two moments.
SETTLED_JS = """q => {
  const b = window.__bench;
  if (!b || !b.done() || b.okAt === null || !b.ok(b.spec)) return null;
  const end = Math.max(b.okAt, b.finishAt);
  return performance.now() - end >= q ? b.result(end) : null;
}"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`streamlit run streamlit_app.py` in `repo` on a free loopback port, logging script times (NNDL_TIMING)."""

    def __init__(self, repo: Path, log_dir: Path, warm: bool = True):
        self.port, self.warm = free_port(), warm
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_dir / f"server-{self.port}.log"
        self.log = open(self.log_path, "w")     # closed in stop()
        env = {**os.environ, "PYTHONUNBUFFERED": "1", "NNDL_TIMING": "1", "NNDL_WARM": "1" if warm else "0"}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "streamlit_app.py", "--server.headless", "true",
             "--server.port", str(self.port), "--server.address", "127.0.0.1",
             "--browser.gatherUsageStats", "false"], cwd=repo, env=env, stdout=self.log, stderr=subprocess.STDOUT)
        self._wait_healthy()

    def _wait_healthy(self, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"streamlit exited with {self.proc.returncode}; see {self.log_path}")
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"streamlit did not become healthy; see {self.log_path}")

    def script_runs(self) -> list[float]:
        """Seconds of every script run logged so far (oldest first)."""
        self.log.flush()
        return [float(line.split("script_seconds=")[1].split()[0])
                for line in self.log_path.read_text(errors="replace").splitlines() if "script_seconds=" in line]

    def wait_log(self, text: str, timeout: float = 180) -> float:
        """Wait until `text` appears in the server log; returns the seconds waited."""
        started = time.monotonic()
        while time.monotonic() - started < timeout:
            self.log.flush()
            if text in self.log_path.read_text(errors="replace"):
                return time.monotonic() - started
            time.sleep(0.5)
        raise RuntimeError(f"{text!r} not in the server log after {timeout} s; see {self.log_path}")

    def trained_runs(self) -> int:
        """How many runs the server has trained so far (ui.runs.cached_train logs each, NNDL_TIMING)."""
        self.log.flush()
        return self.log_path.read_text(errors="replace").count("trained seconds=")

    def cpu_seconds(self) -> float:
        """User + system CPU seconds of the server process so far."""
        fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def wait_quiet(self, window: float = 0.4, share: float = 0.1, timeout: float = 20) -> None:
        """Wait until the server uses under `share` of a core over `window` s (e.g. its warm-up imports are done)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            before = self.cpu_seconds()
            time.sleep(window)
            if self.cpu_seconds() - before < share * window:
                return

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log.close()


@dataclass
class Measure:
    """One interaction: seconds from the click to the final page, and what it cost on both sides."""

    name: str
    seconds: float
    to_running: float            # click -> the first script run's new_session message reached the page
    to_idle: float               # click -> the last run's script_finished message reached the page
    runs: int                    # script runs started (new_session messages)
    script_runs: int             # script runs the server logged (NNDL_TIMING)
    script_seconds: float        # their total duration
    server_cpu: float            # server CPU seconds (script thread, training workers, event loop)
    ws_messages: int             # websocket messages received (ForwardMsgs)
    ws_kbytes: float
    browser_busy: float          # renderer main thread busy seconds (CDP TaskDuration)
    browser_script: float        # of which JavaScript (CDP ScriptDuration)
    extra: dict = field(default_factory=dict)


class Probe:
    """One browser session (context) on the server, with the counters every measurement reads."""

    def __init__(self, browser, server: Server):
        self.server = server
        self.context = browser.new_context(viewport=VIEWPORT)
        self.context.add_init_script(PROBE_JS)
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.cdp = self.context.new_cdp_session(self.page)
        self.cdp.send("Performance.enable")

    def _browser_times(self) -> tuple[float, float]:
        metrics = {m["name"]: m["value"] for m in self.cdp.send("Performance.getMetrics")["metrics"]}
        return metrics.get("TaskDuration", 0.0), metrics.get("ScriptDuration", 0.0)

    def measure(self, name: str, action, spec: dict) -> Measure:
        """Run `action` (a click, or a navigation when spec['load']) and wait until the page is final."""
        self.server.wait_quiet()
        runs0, cpu0, trained0 = len(self.server.script_runs()), self.server.cpu_seconds(), self.server.trained_runs()
        task0, js0 = self._browser_times()
        if not spec.get("load"):
            self.page.evaluate("spec => window.__bench.arm(spec)", spec)
        action()
        if spec.get("load"):                    # a new document: its probe counts from navigation start
            self.page.evaluate("spec => { window.__bench.spec = spec; }", spec)
        try:
            t = self.page.wait_for_function(SETTLED_JS, arg=QUIET_S * 1000, polling=50, timeout=TIMEOUT_S * 1000)
        except Exception as err:
            shot = self.server.log_path.with_name(f"timeout-{name}.png")
            self.page.screenshot(path=str(shot), full_page=True)
            why = self.page.evaluate("() => window.__bench.why()")
            raise RuntimeError(f"{name}: the page did not settle ({why}); screenshot {shot}") from err
        t = t.json_value()
        task1, js1 = self._browser_times()
        runs = self.server.script_runs()[runs0:]
        if self.page.locator("[data-testid='stException']").count():
            raise RuntimeError(f"{name}: the page shows an exception")
        return Measure(name, t["seconds"], t["to_running"], t["to_idle"], int(t["runs"]), len(runs), sum(runs),
                       self.server.cpu_seconds() - cpu0, int(t["messages"]), t["bytes"] / 1024, task1 - task0,
                       js1 - js0, extra={"trained": self.server.trained_runs() - trained0})

    def count(self, selector: str) -> int:
        return self.page.evaluate("sel => [...document.querySelectorAll(sel)].filter(e => e.offsetParent).length",
                                  selector)

    def close(self) -> None:
        self.context.close()


def english(repo: Path, key: str, default: str) -> str:
    """The English text of a ui/strings key in `repo` (the measured checkout), else `default`."""
    for path in sorted((repo / "ui" / "strings").glob("*.py")):
        if path.name != "__init__.py":
            pair = runpy.run_path(str(path)).get("STRINGS", {}).get(key)
            if pair:
                return pair[0]
    return default


def label_pattern(template: str) -> re.Pattern:
    """'Train {n} runs' -> ^Train .+? runs$ (the placeholders match anything)."""
    parts = re.split(r"\{[^}]*\}", template)
    return re.compile("^" + ".+?".join(re.escape(p) for p in parts) + "$")


# Pages of the page-switch figure; lesson pages: url path -> (their button's ui/strings key, its text if missing).
PAGE_SWITCHES = ("manual", "grid", "data")
LESSONS = {"grid": ("grid_run", "Run grid search"), "init": ("init_cmp_button", "Train {n} runs"),
           "vanishing": ("vanishing_train_button", "Train {n} run(s), {epochs} epochs each"),
           "dead_relu": ("vanishing_train_button", "Train {n} run(s), {epochs} epochs each")}
TRAINED = {"min": {METRIC: 5, VEGA: 1}}


class Scenario:
    """The measurements of one round, in order, on one fresh server and one fresh browser session."""

    def __init__(self, repo: Path, probe: Probe):
        self.repo, self.probe, self.page = repo, probe, probe.page
        self.url = probe.server.url
        self.out: list[Measure] = []

    def nav(self, url: str, name: str, spec: dict | None = None) -> Measure:
        """Click the sidebar link of page `url` ('' = the Train page) and time it to that page's final state."""
        link = self.page.locator(f"[data-testid='stSidebarNav'] a[href='{self.url}/{url}']")
        heading = [line for line in link.inner_text().splitlines() if line.strip()][-1].strip()
        return self.record(name, link.click, {"heading": heading, **(spec or {})})

    def click(self, name: str, label: str | re.Pattern, spec: dict) -> Measure:
        button = self.page.get_by_role("button", name=label, exact=True) if isinstance(label, str) \
            else self.page.get_by_role("button", name=label)
        return self.record(name, button.click, spec)

    def record(self, name: str, action, spec: dict) -> Measure:
        m = self.probe.measure(name, action, spec)
        self.out.append(m)
        print(f"  {name:<44} {m.seconds:7.3f} s   script runs {m.runs} ({m.script_seconds:.2f} s)"
              f"   runs trained {m.extra['trained']}", flush=True)
        return m

    def run(self) -> list[Measure]:
        self.record("load /", lambda: self.page.goto(self.url + "/"), {"load": True, "min": {}})
        server = self.probe.server
        if server.warm:      # ui.warm: the lessons' default runs are cached in the background after the imports
            waited = server.wait_log("warm-up done")
            print(f"  (warm-up done {waited:.1f} s after the first page; {server.trained_runs()} runs cached)")
        server.wait_quiet(window=1.0, share=0.05, timeout=30)     # warm-up imports (ui.runs) done
        train = self.click("train_default", "Train", TRAINED)
        metric = self.page.locator(METRIC).filter(has_text="Training time").locator("[data-testid='stMetricValue']")
        train.extra["training_time"] = float(metric.inner_text().split()[0])
        self.click("train_cached", "Train", TRAINED)
        for visit in ("1st", "2nd"):
            for url in PAGE_SWITCHES:
                self.nav(url, f"switch_to_{url}_{visit}")
                self.nav("", f"switch_back_to_train_from_{url}_{visit}", TRAINED)
        for url, (key, default) in LESSONS.items():
            self.lesson(url, label_pattern(english(self.repo, key, default)))
        return self.out

    def lesson(self, url: str, label: re.Pattern) -> None:
        """First visit (page on its preset), the lesson button, then Train and back (the cached second visit)."""
        # the grid page was visited by the page switches already (on the same preset)
        opened = self.nav(url, f"open_{url}_{'again' if url in PAGE_SWITCHES else '1st'}")
        charts = self.probe.count(VEGA)
        if self.page.get_by_role("button", name=label).count() == 0:
            # no button: the page showed the results on opening (the grid shows a sweep some session -- the
            # warm-up -- already ran), so the lesson's figure is the opening itself
            m = replace(opened, name=f"lesson_{url}", extra={**opened.extra, "shown_on_open": True})
            self.out.append(m)
            print(f"  {m.name:<44} {m.seconds:7.3f} s   (results shown on opening, no button)", flush=True)
        else:
            m = self.click(f"lesson_{url}", label, {"min": {VEGA: charts + 1}})
        m.extra["charts"] = self.probe.count(VEGA)
        self.nav("", f"switch_back_to_train_from_{url}_lesson")
        self.nav(url, f"open_{url}_cached", {"min": {VEGA: m.extra["charts"]}})


# ---------------------------------------------------------------------------------------------- report
@dataclass
class Row:
    label: str
    values: list[float | None]         # per round
    ratios: list[float | None]
    target: str
    passed: list[bool | None]


def figure_rows(rounds: list[dict[str, Measure]]) -> list[Row]:
    """The issue's five figures (with targets) from each round's measures."""
    rows: list[Row] = []

    def add(label: str, name: str, limit=None, target: str = "") -> None:
        values, ratios, passed = [], [], []
        for r in rounds:
            m, base = r.get(name), r["train_default"].seconds
            values.append(m.seconds if m else None)
            ratios.append(m.seconds / base if m else None)
            passed.append(None if (m is None or limit is None) else m.seconds <= limit(r))
        rows.append(Row(label, values, ratios, target, passed))

    add("0. first page load on a fresh server", "load /")
    train_time = [r["train_default"].extra["training_time"] for r in rounds]
    rows.append(Row("1. training time the app reports", train_time, [None] * len(rounds), "", [None] * len(rounds)))
    add("1. Train click, default -> final charts", "train_default",
        lambda r: r["train_default"].extra["training_time"] + TRAIN_SLACK_S, f"<= training + {TRAIN_SLACK_S} s")
    add("2. Train click, cached", "train_cached", lambda r: CACHED_S, f"<= {CACHED_S} s")
    for visit in ("1st", "2nd"):
        for url in PAGE_SWITCHES:
            add(f"3. switch Train -> {url} ({visit} visit)", f"switch_to_{url}_{visit}", lambda r: SWITCH_S,
                f"<= {SWITCH_S} s")
            add(f"3. switch {url} -> Train ({visit}, charts)", f"switch_back_to_train_from_{url}_{visit}",
                lambda r: SWITCH_S, f"<= {SWITCH_S} s")
    for url in LESSONS:
        add(f"4. lesson button: {url}", f"lesson_{url}", lambda r: LESSON_X * r["train_default"].seconds,
            f"<= {LESSON_X:g} x Train click")
    rows.append(Row("5. Train page open (cached, charts), median", [train_open(r) for r in rounds],
                    [train_open(r) / r["train_default"].seconds for r in rounds], "", [None] * len(rounds)))
    for url in dict.fromkeys((*PAGE_SWITCHES, *LESSONS)):
        name = f"open_{url}_cached" if url in LESSONS else f"switch_to_{url}_2nd"
        add(f"5. {url} opens (cached)", name, lambda r: train_open(r) + OPEN_AFTER_S,
            f"<= Train open + {OPEN_AFTER_S:g} s")
    for url in LESSONS:
        if url != "grid":
            add(f"   {url} first open (trains on load?)", f"open_{url}_1st")
    return rows


def train_open(r: dict[str, Measure]) -> float:
    """The Train page's open time with its charts (cached): median of the switches back to it."""
    return statistics.median(m.seconds for name, m in r.items() if name.startswith("switch_back_to_train_from_")
                             and not name.endswith("_lesson"))


def print_figures(rows: list[Row]) -> None:
    n = len(rows[0].values)
    head = "".join(f"{f'round {i + 1} s (x Train)':>22}" for i in range(n))
    print(f"\n{'figure':<46}{head}   {'target':<26}result")
    for row in rows:
        cells = "".join(f"{'—':>22}" if v is None else f"{v:>12.3f}{f'(x{q:.2f})' if q is not None else '':>10}"
                        for v, q in zip(row.values, row.ratios))
        verdict = " ".join("—" if p is None else ("PASS" if p else "FAIL") for p in row.passed) if row.target else ""
        print(f"{row.label:<46}{cells}   {row.target:<26}{verdict}")


def print_details(measures: list[Measure]) -> None:
    print(f"\n{'interaction':<44}{'total':>7}{'start':>7}{'idle':>7}{'runs':>5}{'script':>8}{'srvCPU':>8}"
          f"{'msgs':>6}{'KB':>8}{'brw':>7}{'js':>7}")
    for m in measures:
        print(f"{m.name:<44}{m.seconds:>7.2f}{m.to_running:>7.2f}{m.to_idle:>7.2f}{m.runs:>5}"
              f"{m.script_seconds:>8.2f}{m.server_cpu:>8.2f}{m.ws_messages:>6}{m.ws_kbytes:>8.0f}"
              f"{m.browser_busy:>7.2f}{m.browser_script:>7.2f}")
    print("(seconds from the click: total = page final, start = first script run began, idle = last one ended, "
          "as the page saw them; runs and script = the server's logged script runs and their seconds; srvCPU = "
          "server CPU s; msgs/KB = websocket messages received; brw/js = browser main thread busy / JavaScript s)")


def one_round(browser, repo: Path, log_dir: Path, warm: bool) -> list[Measure]:
    server = Server(repo, log_dir, warm)
    probe = None
    try:
        probe = Probe(browser, server)
        measures = Scenario(repo, probe).run()
        if probe.errors:
            print(f"  browser errors: {probe.errors[:3]}")
        return measures
    finally:
        if probe is not None:
            probe.close()
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repo", type=Path, default=Path.cwd(), help="checkout to measure (default: cwd)")
    parser.add_argument("--rounds", type=int, default=1, help="rounds, each on a fresh server")
    parser.add_argument("--json", type=Path, help="also write every measure to this JSON file")
    parser.add_argument("--cold", action="store_true",
                        help="start the server with NNDL_WARM=0 (no background warm-up of the lessons' default runs)")
    parser.add_argument("--details", action="store_true", help="print every interaction's costs per round")
    parser.add_argument("--logs", type=Path, help="keep server logs (and timeout screenshots) in this folder")
    args = parser.parse_args()
    repo = args.repo.resolve()
    if not (repo / "streamlit_app.py").exists():
        parser.error(f"{repo} has no streamlit_app.py")
    from playwright.sync_api import sync_playwright

    rounds: list[list[Measure]] = []
    with tempfile.TemporaryDirectory(prefix="bench_browser_") as tmp, sync_playwright() as pw:
        log_dir = args.logs or Path(tmp)
        log_dir.mkdir(parents=True, exist_ok=True)
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for i in range(args.rounds):
                print(f"round {i + 1} / {args.rounds}: {repo} (load average {os.getloadavg()[0]:.1f})", flush=True)
                rounds.append(one_round(browser, repo, log_dir, not args.cold))
                print(f"  (load average {os.getloadavg()[0]:.1f} at the end)", flush=True)
                if args.details:
                    print_details(rounds[-1])
        finally:
            browser.close()
    by_name = [{m.name: m for m in measures} for measures in rounds]
    rows = figure_rows(by_name)
    print_figures(rows)
    if args.json:
        args.json.write_text(json.dumps({"repo": str(repo), "rounds": [[asdict(m) for m in r] for r in rounds],
                                         "figures": [asdict(row) for row in rows]}, indent=1))
        print(f"\nwrote {args.json}")


if __name__ == "__main__":
    main()
