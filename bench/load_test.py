"""Load test: N sessions against one real `streamlit run` server on loopback.

Each session opens a link with its own config (some configs shared by several sessions), clicks
Train and waits for the result. Reports completion times (p50/p95), errors, whether every
session's numbers equal a solo core.train run of its config, the server's CPU time and its peak
memory.

    python -m bench.load_test [--sessions 30] [--distinct 20] [--epochs 1000] [--client ws|browser]
                              [--hostile ROUNDS]

`--client ws` (default) speaks Streamlit's own websocket protocol (what the browser sends: a
rerun with the URL's query string, then a rerun with the Train button's trigger), so the
machine's two cores serve the server, not 30 browsers. `--client browser` drives real Debian
chromium pages through Playwright instead (end to end, but the browsers then compete with the
server for the same cores). Traffic goes to 127.0.0.1 only; every wait is bounded.

`--hostile ROUNDS` adds one more session, in Debian chromium, that uploads the largest files allowed
while the class trains: each round a different 20,000-row CSV on the Your-data page (trained on), and
on the Train page's Downloads tab a 5 MB-limit .pt whose fc1.weight is a view onto a 256 MiB storage
compressed inside the archive (a zip bomb). It reports whether every bomb was refused with a message.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

from core import RunConfig, train
from core.config import to_params

ROOT = Path(__file__).resolve().parents[1]
IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"
SIDEBAR_READY = "[data-testid='stSidebarUserContent'] [data-testid='stNumberInput']"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]


def session_configs(sessions: int, distinct: int, epochs: int) -> list[RunConfig]:
    """`distinct` different configs (seed and lr vary), repeated round-robin over `sessions`."""
    lrs = (0.2, 0.5, 1.0, 2.0)
    pool = [RunConfig(epochs=epochs, seed=i // len(lrs), lr=lrs[i % len(lrs)], hidden=(5,) if i % 2 else (5, 3))
            for i in range(distinct)]
    return [pool[i % distinct] for i in range(sessions)]


def largest_csv(seed: int, rows: int = 20_000) -> bytes:
    """A CSV of `rows` points (two Gaussian blobs, labels 0/1), different for every seed."""
    import numpy as np

    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 2, rows)
    points = rng.normal(size=(rows, 2)) + labels[:, None] * 2.0
    lines = ["x1,x2,label", *(f"{a:.6f},{b:.6f},{int(c)}" for (a, b), c in zip(points, labels))]
    return ("\n".join(lines) + "\n").encode()


def zip_bomb(config: RunConfig, storage_mib: int = 256) -> bytes:
    """A torch.save archive of the config's state_dict whose fc1.weight is a view onto a huge zero
    storage, re-packed with deflate so the file stays small (the attack the upload checks refuse)."""
    import io
    import zipfile

    import torch

    from core.models import build_model

    state = build_model(config).state_dict()
    big = torch.zeros(storage_mib * 2**20 // 4)
    shape = state["fc1.weight"].shape
    state["fc1.weight"] = big[: shape.numel()].view(shape)
    raw = io.BytesIO()
    torch.save(state, raw)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(raw.getvalue())) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            dst.writestr(item.filename, src.read(item.filename))
    return out.getvalue()


async def hostile_session(url: str, rounds: int, timeout_s: float) -> dict:
    """Upload the largest allowed CSVs (and train on them) and zip-bomb model files, `rounds` times."""
    from playwright.async_api import async_playwright

    bomb = zip_bomb(RunConfig(epochs=50))
    refused, errors = 0, []
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"),
                                          args=CHROMIUM_ARGS)
        page = await browser.new_page(viewport={"width": 1300, "height": 900})

        async def idle() -> None:
            await page.wait_for_selector(SIDEBAR_READY, state="attached", timeout=timeout_s * 1000)
            await page.wait_for_timeout(200)
            await page.wait_for_selector(IDLE, timeout=timeout_s * 1000)

        try:
            for i in range(rounds):
                await page.goto(f"{url}/data?epochs=50")
                await idle()
                await page.locator("input[type='file']").first.set_input_files(
                    {"name": f"class{i}.csv", "mimeType": "text/csv", "buffer": largest_csv(i)})
                await idle()
                await page.get_by_role("button", name="Train", exact=True).click()
                await page.wait_for_selector("[data-testid='stMetric']", timeout=timeout_s * 1000)
                await idle()
                await page.get_by_role("tab", name="Downloads").click()
                await page.locator("input[type='file']").last.set_input_files(
                    {"name": "best_model.pt", "mimeType": "application/octet-stream", "buffer": bomb})
                await idle()
                refused += await page.locator("[data-testid='stAlertContentError']").count() > 0
                if await page.locator("[data-testid='stException']").count():
                    errors.append(f"round {i}: exception on page")
        except Exception as err:
            errors.append(f"{type(err).__name__}: {str(err)[:200]}")
        finally:
            await browser.close()
    return {"rounds": rounds, "bomb_bytes": len(bomb), "refused": refused, "errors": errors}


def peak_rss_mb(pid: int) -> float:
    """Peak resident memory (VmHWM) of a process and its threads, in MB (Linux)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def one_session(browser, url: str, config: RunConfig, timeout_s: float) -> dict:
    context = await browser.new_context(viewport={"width": 1300, "height": 900})
    page = await context.new_page()
    start = time.perf_counter()
    try:
        await page.goto(f"{url}/?{urlencode(to_params(config, only_changed=True))}", timeout=timeout_s * 1000)
        await page.wait_for_selector(SIDEBAR_READY, state="attached", timeout=timeout_s * 1000)
        await page.wait_for_selector(IDLE, timeout=timeout_s * 1000)
        clicked = time.perf_counter()
        await page.get_by_role("button", name="Train", exact=True).click()
        await page.wait_for_selector("[data-testid='stMetric']", timeout=timeout_s * 1000)
        await page.wait_for_selector(IDLE, timeout=timeout_s * 1000)
        done = time.perf_counter()
        values = {}
        for metric in await page.locator("[data-testid='stMetric']").all():
            label = (await metric.locator("[data-testid='stMetricLabel']").inner_text()).strip()
            values[label] = (await metric.locator("[data-testid='stMetricValue']").inner_text()).strip()
        exceptions = await page.locator("[data-testid='stException']").count()
        return {"config": config, "load_s": clicked - start, "train_s": done - clicked, "total_s": done - start,
                "values": values, "error": f"{exceptions} exceptions on page" if exceptions else None}
    except Exception as err:
        return {"config": config, "error": f"{type(err).__name__}: {str(err)[:200]}", "total_s": None}
    finally:
        await context.close()


async def _run_script(ws, query: str, widgets: tuple = ()) -> list:
    """Send one rerun (as the browser does) and collect the new elements until the script finishes."""
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    msg = BackMsg()
    msg.rerun_script.query_string = query
    msg.rerun_script.widget_states.widgets.extend(widgets)
    await ws.send(msg.SerializeToString())
    elements = []
    while True:
        fm = ForwardMsg()
        fm.ParseFromString(await ws.recv())
        kind = fm.WhichOneof("type")
        if kind == "delta" and fm.delta.WhichOneof("type") == "new_element":
            elements.append(fm.delta.new_element)
        elif kind == "script_finished":
            return elements


async def open_and_train(ws, query: str, timeout_s: float) -> tuple[float, list]:
    """On an open websocket: run the page with the URL's query string, press Train; return the time of the
    press and the elements of the run that pressed it."""
    from streamlit.proto.WidgetStates_pb2 import WidgetState

    elements = await asyncio.wait_for(_run_script(ws, query), timeout_s)
    clicked = time.perf_counter()
    button = next(e.button for e in elements if e.WhichOneof("type") == "button" and e.button.label == "Train")
    trigger = WidgetState(id=button.id, trigger_value=True)
    return clicked, await asyncio.wait_for(_run_script(ws, query, (trigger,)), timeout_s)


def shown_result(elements: list) -> tuple[dict, str | None]:
    """The metrics a run showed (label -> text) and what went wrong, if anything."""
    values = {e.metric.label: e.metric.body for e in elements if e.WhichOneof("type") == "metric"}
    exceptions = sum(e.WhichOneof("type") == "exception" for e in elements)
    return values, f"{exceptions} exceptions" if exceptions else (None if values else "no result shown")


def expected_metrics(result) -> dict[str, str]:
    """What the Train page shows for a core.train result: the metrics a session's numbers must equal."""
    return {"Test accuracy": f"{result.test_acc:.4f}", "Test loss": f"{result.test_loss:.4f}",
            "Best epoch": str(result.best_epoch)}


async def ws_session(url: str, config: RunConfig, timeout_s: float) -> dict:
    import websockets

    query = urlencode(to_params(config, only_changed=True))
    start = time.perf_counter()
    try:
        async with websockets.connect(url.replace("http", "ws") + "/_stcore/stream", subprotocols=["streamlit"],
                                      origin=url, max_size=None, open_timeout=timeout_s) as ws:
            clicked, elements = await open_and_train(ws, query, timeout_s)
            done = time.perf_counter()
        values, error = shown_result(elements)
        return {"config": config, "load_s": clicked - start, "train_s": done - clicked, "total_s": done - start,
                "values": values, "error": error}
    except Exception as err:
        return {"config": config, "error": f"{type(err).__name__}: {str(err)[:200]}", "total_s": None}


async def run_ws_load(url: str, configs: list[RunConfig], timeout_s: float) -> list[dict]:
    return await asyncio.gather(*(ws_session(url, c, timeout_s) for c in configs))


async def run_load(url: str, configs: list[RunConfig], timeout_s: float) -> list[dict]:
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"),
                                          args=CHROMIUM_ARGS)
        try:
            return await asyncio.gather(*(one_session(browser, url, c, timeout_s) for c in configs))
        finally:
            await browser.close()


def start_server(port: int) -> subprocess.Popen:
    import urllib.request

    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "streamlit_app.py", "--server.headless",
                             "true", "--server.port", str(port), "--server.address", "127.0.0.1"],
                            cwd=ROOT, stdout=open(os.environ.get("NNDL_SERVER_LOG", os.devnull), "w"),
                            stderr=subprocess.STDOUT,
                            env={**os.environ, "NNDL_TIMING": "1"} if os.environ.get("NNDL_TIMING") else None)
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2):
                return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("server did not start")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux /proc), in seconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=30)
    parser.add_argument("--distinct", type=int, default=20)
    parser.add_argument("--epochs", type=int, default=1000)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds per session step")
    parser.add_argument("--client", choices=("ws", "browser"), default="ws")
    parser.add_argument("--warm-up", type=float, default=5.0, help="seconds between server start and load")
    parser.add_argument("--hostile", type=int, default=0, metavar="ROUNDS",
                        help="add a browser session uploading the largest CSVs and zip-bomb models ROUNDS times")
    args = parser.parse_args()

    configs = session_configs(args.sessions, args.distinct, args.epochs)
    server = start_server(args.port)
    try:
        time.sleep(args.warm_up)   # a class opens the link after the server has started, not in the same second
        cpu_before = cpu_seconds(server.pid)
        started = time.perf_counter()
        runner = run_ws_load if args.client == "ws" else run_load
        url = f"http://127.0.0.1:{args.port}"

        async def everything() -> tuple[list[dict], dict | None]:
            hostile = hostile_session(url, args.hostile, args.timeout) if args.hostile else asyncio.sleep(0)
            class_results, hostile_result = await asyncio.gather(runner(url, configs, args.timeout), hostile)
            return class_results, hostile_result

        results, hostile = asyncio.run(everything())
        wall = time.perf_counter() - started
        peak = peak_rss_mb(server.pid)
        server_cpu = cpu_seconds(server.pid) - cpu_before
    finally:
        server.terminate()
        server.wait(timeout=20)

    solo = {c: train(c) for c in set(configs)}
    mismatches = 0
    for r in results:
        if r["error"]:
            continue
        expected = expected_metrics(solo[r["config"]])
        if any(r["values"].get(k) != v for k, v in expected.items()):
            mismatches += 1
    if os.environ.get("NNDL_TIMING"):
        for r in sorted(results, key=lambda r: r.get("total_s") or 0):
            print(f"  {r['config'].label()} seed={r['config'].seed}: load {r.get('load_s', 0):.2f} s, "
                  f"train {r.get('train_s', 0):.2f} s")
    errors = [r["error"] for r in results if r["error"]]
    totals = [r["total_s"] for r in results if not r["error"]]
    trains = [r["train_s"] for r in results if not r["error"]]
    print(f"sessions: {len(results)} {args.client} clients ({len(set(configs))} distinct configs, "
          f"{args.epochs} epochs each)")
    print(f"errors: {len(errors)}" + (f"  first: {errors[0]}" if errors else ""))
    print(f"numbers equal to a solo run: {len(totals) - mismatches}/{len(totals)}")
    if totals:
        print(f"open+train to result: p50 {percentile(totals, 0.5):.2f} s, p95 {percentile(totals, 0.95):.2f} s, "
              f"max {max(totals):.2f} s")
        print(f"train click to result: p50 {percentile(trains, 0.5):.2f} s, p95 {percentile(trains, 0.95):.2f} s, "
              f"mean {statistics.mean(trains):.2f} s")
    print(f"all sessions done in {wall:.1f} s; server CPU {server_cpu:.1f} s; "
          f"server peak memory (VmHWM) {peak:.0f} MB")
    if hostile:
        size = hostile["bomb_bytes"] / 1e6
        print(f"hostile session: {hostile['rounds']} rounds of a 20,000-row CSV + a {size:.1f} MB zip bomb; "
              f"bombs refused with a message: {hostile['refused']}/{hostile['rounds']}; "
              f"errors: {len(hostile['errors'])}" + (f" first: {hostile['errors'][0]}" if hostile["errors"] else ""))
    bad_hostile = bool(hostile) and (hostile["errors"] or hostile["refused"] < hostile["rounds"])
    sys.exit(1 if errors or mismatches or bad_hostile else 0)


if __name__ == "__main__":
    main()
