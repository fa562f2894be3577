"""Benchmark: Watch it learn's animation in the real app, driven in Debian chromium (issue #12).

Starts `streamlit run streamlit_app.py` (NNDL_TIMING=1: the page logs each frame's train / pictures / draw
milliseconds), opens /playground on 2-8-8-1 ReLU on spiral with 6 input features in N browser sessions,
presses Play in each (one after another, as a class does), lets them play --warmup seconds, then for
--seconds counts in every page how often the epoch counter and the boundary picture changed (read from the
player's chart as the counter changes): frames per second as the user sees them, once every session plays.
It also prints each session's wait from its click to its first frame and its frames per second from its click
on (the start-up included). Then it pauses every session and checks the counter stops. Prints CPU per frame
shown (server, chromium) in the counted seconds, the server's time per frame (train / pictures / handing
over) and its peak memory.

    python -m bench.bench_playground [--sessions 1,10] [--seconds 10] [--warmup 6] [--speed 10]

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
  const w = window.__watch = {epochs: [], boundary: [], t0: performance.now()};
  const metric = () => document.querySelector(".nn-score");
  let last = metric() && metric().innerText;
  // the boundary picture the player drew (on the chart's backdrop), read as the counter changes
  const player = document.querySelector(".nnp-root").__player;
  const picture = () => player.backdrop.url;
  let image = picture();
  new MutationObserver(() => {
    const now = metric() && metric().innerText;
    if (now !== last) { last = now; w.epochs.push([performance.now(), now]); }
    const shown = picture();
    if (shown !== image) { image = shown; w.boundary.push(performance.now()); }
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


def _count(page, start: float, end: float | None = None) -> int:
    """Counter changes the page saw at or after `start` (and before `end`), in its performance.now() ms."""
    return page.evaluate("([s, e]) => window.__watch.epochs.filter(([t]) => t >= s && (e === null || t < e))"
                         ".length", [start, end])


def run(browser, server: Server, sessions: int, seconds: float, speed: int, warmup: float) -> None:
    """N sessions press Play one after another; then, after `warmup` seconds, every session's frames are counted
    for `seconds` (the steady state: each has its batch of frames). Also printed: each session's wait from its
    click to its first frame, and its frames per second from its click to the end (start-up included)."""
    pages = []
    for _ in range(sessions):
        context = browser.new_context(viewport={"width": 1440, "height": 900})
        page = context.new_page()
        page.goto(server.url + URL.format(speed=speed))
        page.wait_for_selector(".nnp-boundary :is(svg, canvas)", timeout=120_000)
        page.wait_for_selector(IDLE, timeout=120_000)
        pages.append(page)
    clicks = []
    for page in pages:
        page.evaluate(WATCH_JS)
        clicks.append(page.evaluate("() => performance.now()"))
        page.get_by_role("button", name=re.compile(r"(^|\s)Play$")).click()
    time.sleep(warmup)
    starts = [page.evaluate("() => performance.now()") for page in pages]
    cpu0 = cpu_seconds("streamlit_app.py"), cpu_seconds("chromium")
    time.sleep(seconds)
    cpu1 = cpu_seconds("streamlit_app.py"), cpu_seconds("chromium")
    ends = [page.evaluate("() => performance.now()") for page in pages]
    watched = [page.evaluate("() => ({epochs: window.__watch.epochs, boundary: window.__watch.boundary})")
               for page in pages]
    answered = []                           # Pause clicked -> the button says Play again (the page answered)
    for page in pages:
        clicked = time.monotonic()
        page.get_by_role("button", name=re.compile(r"(^|\s)Pause$")).click()
        page.get_by_role("button", name=re.compile(r"(^|\s)Play$")).wait_for(timeout=120_000)
        answered.append(time.monotonic() - clicked)
    time.sleep(1.5)
    stopped = []
    for page in pages:
        before = page.locator(".nn-score").first.inner_text()
        time.sleep(1.0)
        stopped.append(page.locator(".nn-score").first.inner_text() == before)
    steady, overall, first, pictures = [], [], [], []
    for w, click, start, end in zip(watched, clicks, starts, ends):
        times = [t for t, _ in w["epochs"]]
        steady.append(sum(start <= t < end for t in times) / ((end - start) / 1000))
        pictures.append(sum(start <= t < end for t in w["boundary"]) / ((end - start) / 1000))
        overall.append(sum(t >= click for t in times) / ((end - click) / 1000))
        first.append((min((t for t in times if t >= click), default=float("nan")) - click) / 1000)
    print(f"\n{sessions} session(s) pressing Play one after another, {speed} epochs a frame; counted for "
          f"{seconds:.0f} s after {warmup:.0f} s of playing (steady), and from each click on (start-up included):")
    for i, w in enumerate(watched):
        last = w["epochs"][-1][1] if w["epochs"] else "—"
        print(f"  session {i + 1}: steady {steady[i]:5.2f} frames/s ({pictures[i]:4.1f} boundary pictures/s); "
              f"from its click {overall[i]:5.2f} frames/s; first frame {first[i]:4.1f} s after the click; "
              f"last counter {last!r}")
    print(f"  steady: min {min(steady):.2f} / median {statistics.median(steady):.2f} frames/s per session "
          f"(from the click: min {min(overall):.2f} / median {statistics.median(overall):.2f}); "
          f"first frame after at most {max(first):.1f} s; paused sessions stopped: {sum(stopped)}/{len(stopped)}, "
          f"their Pause answered in at most {max(answered):.1f} s")
    frames = sum(s * seconds for s in steady)
    server_cpu, browser_cpu = cpu1[0] - cpu0[0], cpu1[1] - cpu0[1]
    print(f"  steady CPU: server {server_cpu / seconds:.2f} cores, chromium {browser_cpu / seconds:.2f} cores; "
          f"per frame shown: server {1000 * server_cpu / max(frames, 1):.0f} ms, chromium "
          f"{1000 * browser_cpu / max(frames, 1):.0f} ms")
    for page in pages:
        page.context.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", default="1,10", help="comma-separated session counts (default 1,10)")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--speed", type=int, default=10, help="epochs per frame")
    parser.add_argument("--warmup", type=float, default=6.0, help="seconds of playing before counting")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="bench_playground_") as tmp, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        server = Server(Path.cwd(), Path(tmp), warm=False)
        try:
            for n in (int(s) for s in args.sessions.split(",")):
                run(browser, server, n, args.seconds, args.speed, args.warmup)
            times = frame_times(server.log_path)
            print("\nserver time per frame, mean ms: " + ", ".join(f"{k} {v:.1f}" for k, v in times.items()))
            print(f"server peak memory (VmHWM): {peak_rss_mb(server.proc.pid):.0f} MB")
        finally:
            server.stop()
            browser.close()


if __name__ == "__main__":
    main()
