"""Benchmark: Watch it learn's animation in the real app, driven in Debian chromium (issue #12).

Starts `streamlit run streamlit_app.py` (NNDL_TIMING=1: the page logs each frame's train / pictures / draw
milliseconds), opens /playground on 2-8-8-1 ReLU on spiral with 6 input features in N browser sessions,
presses Play in each, and for --seconds counts in every page how often the epoch counter and the boundary
picture changed (read from the player's chart as the counter changes): frames per second as the user sees
them. Then it pauses every session and checks the counter stops. Prints per session fps, CPU per frame
shown (server, chromium), the server's time per frame (train / pictures / handing over) and its peak memory.

    python -m bench.bench_playground [--sessions 1,10] [--seconds 10] [--speed 10]

Targets (issue #12, this 2-core machine): 1 session >= 5 frames/s; 10 sessions each >= 1 frame/s; memory
bounded. Not a test: the machine's load moves every figure.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import tempfile
import time
from pathlib import Path

from bench.bench_browser import CHROMIUM, CHROMIUM_ARGS, Server
from bench.load_test import peak_rss_mb

URL = ("/playground?dataset=spiral&hidden=8,8&activation=relu&lr=0.03&optimizer=adam&epochs=5000"
       "&features=x1,x2,x1sq,x2sq,x1x2,sinx1&p_pg_speed={speed}")
IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"

# counts changes of the epoch counter (the first metric's value) and of the boundary chart's drawing
WATCH_JS = r"""
() => {
  const w = window.__watch = {epochs: [], boundary: 0, t0: performance.now()};
  const metric = () => document.querySelector(".nn-score");
  let last = metric() && metric().innerText;
  // the boundary picture the player's chart holds (its Vega view's dataset), read as the counter changes
  const player = document.querySelector(".nnp-root").__player;
  const picture = () => player.views.boundary.data("boundary")[0].url;
  let image = picture();
  new MutationObserver(() => {
    const now = metric() && metric().innerText;
    if (now !== last) { last = now; w.epochs.push([performance.now(), now]); }
    const shown = picture();
    if (shown !== image) { image = shown; w.boundary += 1; }
  }).observe(document.querySelector(".nnp-scores"), {subtree: true, childList: true, characterData: true});
}
"""


def frame_times(log: Path) -> dict[str, float]:
    """Per frame: the mean train / pictures / draw ms of the batches the server logged (a script run of the page
    computes a batch of frames: ui.player)."""
    rows = [dict(part.split("=", 1) for part in line[line.index("frames="):].split() if "=" in part)
            for line in log.read_text(errors="replace").splitlines() if "frames=" in line and " train=" in line]
    rows = [r for r in rows if int(r.get("frames", 0)) > 0]
    frames = sum(int(r["frames"]) for r in rows)
    return {k: sum(float(r[k]) for r in rows) / frames for k in ("train", "pictures", "draw")} if frames else {}


def cpu_seconds(pattern: str) -> float:
    """User + system CPU seconds so far of every process whose command line contains `pattern` (Linux /proc)."""
    total = 0.0
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            if pattern.encode() not in (proc / "cmdline").read_bytes():
                continue
            fields = (proc / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def run(browser, server: Server, sessions: int, seconds: float, speed: int) -> None:
    pages = []
    for _ in range(sessions):
        context = browser.new_context(viewport={"width": 1440, "height": 900})
        page = context.new_page()
        page.goto(server.url + URL.format(speed=speed))
        page.wait_for_selector(".nnp-boundary :is(svg, canvas)", timeout=120_000)
        page.wait_for_selector(IDLE, timeout=120_000)
        pages.append(page)
    for page in pages:
        page.evaluate(WATCH_JS)
        page.get_by_role("button", name=re.compile(r"(^|\s)Play$")).click()
    cpu0 = cpu_seconds("streamlit_app.py"), cpu_seconds("chromium")
    time.sleep(seconds)
    cpu1 = cpu_seconds("streamlit_app.py"), cpu_seconds("chromium")
    results = [page.evaluate("() => ({epochs: window.__watch.epochs, boundary: window.__watch.boundary,"
                             " t: (performance.now() - window.__watch.t0) / 1000})") for page in pages]
    for page in pages:
        page.get_by_role("button", name=re.compile(r"(^|\s)Pause$")).click()
    time.sleep(1.5)
    stopped = []
    for page in pages:
        before = page.locator(".nn-score").first.inner_text()
        time.sleep(1.0)
        stopped.append(page.locator(".nn-score").first.inner_text() == before)
    fps = [len(r["epochs"]) / r["t"] for r in results]
    print(f"\n{sessions} session(s) playing for {seconds:.0f} s at {speed} epochs/frame:")
    for i, (r, f) in enumerate(zip(results, fps)):
        last = r["epochs"][-1][1] if r["epochs"] else "—"
        print(f"  session {i + 1}: {f:5.2f} counter changes/s, {r['boundary'] / r['t']:5.1f} boundary image "
              f"changes/s, last counter {last!r}")
    print(f"  min {min(fps):.2f} / median {statistics.median(fps):.2f} frames/s; paused sessions stopped: "
          f"{sum(stopped)}/{len(stopped)}")
    frames = sum(len(r["epochs"]) for r in results)
    server_cpu, browser_cpu = cpu1[0] - cpu0[0], cpu1[1] - cpu0[1]
    print(f"  CPU while playing: server {server_cpu / seconds:.2f} cores, chromium {browser_cpu / seconds:.2f} cores; "
          f"per frame shown: server {1000 * server_cpu / max(frames, 1):.0f} ms, chromium "
          f"{1000 * browser_cpu / max(frames, 1):.0f} ms")
    for page in pages:
        page.context.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", default="1,10", help="comma-separated session counts (default 1,10)")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--speed", type=int, default=10, help="epochs per frame")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="bench_playground_") as tmp, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        server = Server(Path.cwd(), Path(tmp), warm=False)
        try:
            for n in (int(s) for s in args.sessions.split(",")):
                run(browser, server, n, args.seconds, args.speed)
            times = frame_times(server.log_path)
            print("\nserver time per frame, mean ms: " + ", ".join(f"{k} {v:.1f}" for k, v in times.items()))
            print(f"server peak memory (VmHWM): {peak_rss_mb(server.proc.pid):.0f} MB")
        finally:
            server.stop()
            browser.close()


if __name__ == "__main__":
    main()
