"""Replicas behind HAProxy (deploy/serve.py): a class's load spread over N app processes, and a replica killed.

    python -m bench.bench_replicas [--sessions 90] [--distinct 30] [--epochs 300] [--replicas 3]
                                   [--only load|single|fault] [--log-dir DIR]

Three runs, each on a freshly started cluster (NNDL_WARM=0: the sessions train their own configs):

- load:   --sessions websocket sessions through HAProxy to --replicas replicas;
- single: the same sessions through HAProxy to 1 replica, for comparison;
- fault:  the load run again; once some sessions on replica r1 have their result while others there are
          still waiting, r1 is killed (SIGKILL). Its sessions lose their websocket and reconnect through
          HAProxy, which sends them to a live replica; there they reopen their URL, press Train again and
          must show the same numbers. Sessions on the other replicas must not lose their connection.
          HAProxy must mark r1 DOWN; r1 is restarted, must come back UP, and a session sticking to it
          (cookie SERVERID=r1) must train there.

Every session behaves as a browser does: it loads the page (HAProxy's SERVERID cookie comes with it), opens
the websocket with its cookies, reruns the page with the URL's query string and presses Train
(bench/load_test.py's client). After a lost connection it does what Streamlit's frontend does: asks
/_stcore/health with the cookies it has (HAProxy redispatches and sets a new cookie), then reconnects.
Every session's metrics are compared with a solo core.train run of its config. Exit status 1 if any
session fails, any number differs or a fault check fails.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
import urllib.error
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

from bench.load_test import (
    cpu_seconds,
    expected_metrics,
    open_and_train,
    peak_rss_mb,
    percentile,
    session_configs,
    shown_result,
)
from core import RunConfig, train
from core.config import to_params
from deploy.serve import Cluster

COOKIE = "SERVERID"      # HAProxy's stickiness cookie: the replica's name, r0, r1, ...


class Dropped(Exception):
    """The connection to the app was lost or refused (a replica died under it)."""


@dataclass
class Session:
    """One student's session, updated while it runs (the fault run watches where each one is)."""

    config: RunConfig
    cookies: dict[str, str] = field(default_factory=dict)
    backends: list[str] = field(default_factory=list)    # the replica of every websocket it opened
    drops: list[str] = field(default_factory=list)       # why each lost connection ended
    done: bool = False

    @property
    def backend(self) -> str | None:
        return self.cookies.get(COOKIE)


def keep_cookies(cookies: dict[str, str], set_cookie_headers: list[str]) -> None:
    for header in set_cookie_headers:
        parsed = SimpleCookie()
        parsed.load(header)
        cookies.update({name: morsel.value for name, morsel in parsed.items()})


def cookie_header(cookies: dict[str, str]) -> str:
    return "; ".join(f"{name}={value}" for name, value in cookies.items())


def http_get(url: str, cookies: dict[str, str], timeout_s: float) -> None:
    """GET with the session's cookies, keeping those the response sets (blocking; run in a thread)."""
    request = urllib.request.Request(url, headers={"Cookie": cookie_header(cookies)} if cookies else {})
    try:
        with urllib.request.urlopen(request, timeout=timeout_s) as response:
            response.read()
            keep_cookies(cookies, response.headers.get_all("Set-Cookie") or [])
    except urllib.error.HTTPError as err:
        raise Dropped(f"HTTP {err.code} for {url}") from err
    except ConnectionError as err:
        raise Dropped(str(err)) from err


async def sticky_session(url: str, session: Session, timeout_s: float, attempts: int = 4) -> dict:
    """Open the session's link through HAProxy, train, and reconnect after a lost connection."""
    import websockets
    from websockets.exceptions import ConnectionClosed, InvalidHandshake

    query = urlencode(to_params(session.config, only_changed=True))
    result = {"config": session.config, "error": None, "total_s": None}
    start = time.perf_counter()
    path = f"/?{query}"                         # first the page itself, as a browser loads it
    try:
        for attempt in range(attempts):
            try:
                await asyncio.to_thread(http_get, url + path, session.cookies, timeout_s)
                async with websockets.connect(
                        url.replace("http", "ws") + "/_stcore/stream", subprotocols=["streamlit"], origin=url,
                        max_size=None, open_timeout=timeout_s,
                        additional_headers={"Cookie": cookie_header(session.cookies)}) as ws:
                    keep_cookies(session.cookies, ws.response.headers.get_all("Set-Cookie"))
                    session.backends.append(session.backend)
                    clicked, elements = await open_and_train(ws, query, timeout_s)
                break
            except (Dropped, ConnectionClosed, InvalidHandshake, ConnectionError) as err:
                session.drops.append(f"{type(err).__name__}: {str(err)[:150]}")
                if attempt == attempts - 1:
                    raise
                path = "/_stcore/health"        # Streamlit's frontend asks this before it reconnects
                await asyncio.sleep(0.2)
        done = time.perf_counter()
        values, error = shown_result(elements)
        result.update(load_s=clicked - start, train_s=done - clicked, total_s=done - start, values=values,
                      error=error)
    except Exception as err:
        result["error"] = f"{type(err).__name__}: {str(err)[:200]}"
    finally:
        session.done = True
    return result


class Solo:
    """core.train results per config, trained once in this process."""

    def __init__(self) -> None:
        self._runs: dict[RunConfig, dict[str, str]] = {}

    def metrics(self, config: RunConfig) -> dict[str, str]:
        if config not in self._runs:
            self._runs[config] = expected_metrics(train(config))
        return self._runs[config]

    def equal(self, result: dict) -> bool:
        return all(result["values"].get(k) == v for k, v in self.metrics(result["config"]).items())


def summarize(title: str, results: list[dict], sessions: list[Session], solo: Solo, wall: float,
              cluster: Cluster, cpu_before: dict[int, float]) -> bool:
    """Print one run's figures; True if every session succeeded with the solo run's numbers."""
    ok = [r for r in results if not r["error"]]
    errors = [r["error"] for r in results if r["error"]]
    equal = sum(solo.equal(r) for r in ok)
    totals = [r["total_s"] for r in ok]
    trains = [r["train_s"] for r in ok]
    spread = Counter(s.backend for s, r in zip(sessions, results) if not r["error"])
    print(f"== {title}")
    print(f"   sessions: {len(results)}, errors: {len(errors)}" + (f" (first: {errors[0]})" if errors else ""))
    print(f"   numbers equal to a solo core.train run: {equal}/{len(ok)}")
    print("   sessions per replica (SERVERID of the replica that showed the result): "
          + ", ".join(f"{name} {count}" for name, count in sorted(spread.items())))
    if totals:
        print(f"   open+train to result: p50 {percentile(totals, 0.5):.2f} s, p95 {percentile(totals, 0.95):.2f} s, "
              f"max {max(totals):.2f} s; Train click to result: p50 {percentile(trains, 0.5):.2f} s, "
              f"p95 {percentile(trains, 0.95):.2f} s")
    replicas = "; ".join(      # a restarted replica counts from its restart
        f"r{r.index} CPU {cpu_seconds(r.proc.pid) - cpu_before.get(r.proc.pid, 0.0):.1f} s, "
        f"peak {peak_rss_mb(r.proc.pid):.0f} MB" for r in cluster.replicas)
    print(f"   all done in {wall:.1f} s; {replicas}")
    return not errors and equal == len(results)


def new_cluster(replicas: int, log_dir: str | None, name: str) -> Cluster:
    return Cluster(replicas, warm=False, log_dir=Path(log_dir) / name if log_dir else None)


def open_every_replica(cluster: Cluster, timeout_s: float) -> None:
    """One short session on each replica before the class comes (as the teacher opening the link would), so
    the app's first-run imports are not in the figures."""
    async def each() -> list[dict]:
        return await asyncio.gather(*(
            sticky_session(cluster.url, Session(RunConfig(epochs=10), cookies={COOKIE: f"r{r.index}"}), timeout_s)
            for r in cluster.replicas))

    failed = [r["error"] for r in asyncio.run(each()) if r["error"]]
    if failed:
        raise RuntimeError(f"a replica failed its first session: {failed[0]}")


def load_run(replicas: int, configs: list[RunConfig], args, solo: Solo) -> bool:
    with new_cluster(replicas, args.log_dir, f"load-{replicas}") as cluster:
        open_every_replica(cluster, args.timeout)
        sessions = [Session(c) for c in configs]
        cpu_before = {r.proc.pid: cpu_seconds(r.proc.pid) for r in cluster.replicas}
        started = time.perf_counter()

        async def everyone() -> list[dict]:
            return await asyncio.gather(*(sticky_session(cluster.url, s, args.timeout) for s in sessions))

        results = asyncio.run(everyone())
        wall = time.perf_counter() - started
        title = f"{len(configs)} sessions, {replicas} replica{'s' * (replicas > 1)} behind HAProxy"
        return summarize(title, results, sessions, solo, wall, cluster, cpu_before)


async def kill_mid_run(cluster: Cluster, sessions: list[Session], victim: int, results_before_kill: int) -> dict:
    """Kill replica `victim` once `results_before_kill` of its sessions have their result and others there
    are still waiting; wait until HAProxy marks it DOWN, restart it, wait until it is UP again."""
    name = f"r{victim}"
    while True:
        on_victim = [s for s in sessions if s.backend == name]
        finished = sum(s.done for s in on_victim)
        if finished >= results_before_kill and finished < len(on_victim):
            break
        if all(s.done for s in sessions):
            raise RuntimeError(f"every session finished before {name} could be killed mid-run")
        await asyncio.sleep(0.02)
    where = [(s.backend, s.done) for s in sessions]     # each session's replica at the moment of the kill
    await asyncio.to_thread(cluster.kill, victim)
    down_s = await asyncio.to_thread(cluster.wait_status, victim, "DOWN", 60)
    restart_start = time.perf_counter()
    await asyncio.to_thread(cluster.restart, victim)
    up_s = await asyncio.to_thread(cluster.wait_status, victim, "UP", 60)
    return {"where": where, "down_s": down_s, "restart_to_up_s": time.perf_counter() - restart_start, "up_s": up_s}


def fault_run(replicas: int, configs: list[RunConfig], args, solo: Solo) -> bool:
    victim = 1
    with new_cluster(replicas, args.log_dir, "fault") as cluster:
        open_every_replica(cluster, args.timeout)
        sessions = [Session(c) for c in configs]
        cpu_before = {r.proc.pid: cpu_seconds(r.proc.pid) for r in cluster.replicas}
        started = time.perf_counter()

        async def everyone() -> tuple[list[dict], dict]:
            fault = asyncio.create_task(kill_mid_run(cluster, sessions, victim, args.results_before_kill))
            results = await asyncio.gather(*(sticky_session(cluster.url, s, args.timeout) for s in sessions))
            return results, await fault

        results, fault = asyncio.run(everyone())
        wall = time.perf_counter() - started
        ok = summarize(f"fault: {len(configs)} sessions, {replicas} replicas, r{victim} killed mid-run", results,
                       sessions, solo, wall, cluster, cpu_before)

        name = f"r{victim}"
        hit = [(s, r) for s, r, (backend, done) in zip(sessions, results, fault["where"])
               if backend == name and not done]
        spared = [(s, r) for s, r, (backend, _done) in zip(sessions, results, fault["where"]) if backend != name]
        recovered = [(s, r) for s, r in hit if not r["error"] and solo.equal(r) and s.backend != name]
        disturbed = [(s, r) for s, r in spared if s.drops or r["error"] or len(set(s.backends)) > 1]
        moved_to = Counter(s.backend for s, _ in hit)
        print(f"   at the kill: {len(hit)} sessions on {name} still waiting (dropped connection: "
              f"{sum(bool(s.drops) for s, _ in hit)}), {len(spared)} on the other replicas")
        print(f"   on {name}, recovered on a live replica with identical numbers: {len(recovered)}/{len(hit)} "
              f"(now on " + ", ".join(f"{k} {v}" for k, v in sorted(moved_to.items())) + ")")
        if hit:
            totals = [r["total_s"] for _, r in hit if not r["error"]]
            print(f"   their open+train to result, reconnect and retraining included: "
                  f"p50 {percentile(totals, 0.5):.2f} s, max {max(totals):.2f} s")
        print(f"   sessions on other replicas that lost their connection or moved: {len(disturbed)}/{len(spared)}")
        print(f"   HAProxy: {name} DOWN {fault['down_s']:.1f} s after the kill; restarted, healthy after "
              f"{fault['restart_to_up_s'] - fault['up_s']:.1f} s, UP {fault['up_s']:.1f} s later")

        pinned = Session(configs[0], cookies={COOKIE: name})
        check = asyncio.run(sticky_session(cluster.url, pinned, args.timeout))
        back = not check["error"] and solo.equal(check) and pinned.backends == [name] and not pinned.drops
        print(f"   a session with cookie {COOKIE}={name} after the restart: trained on {pinned.backends}, "
              f"numbers equal to the solo run: {not check['error'] and solo.equal(check)}")
        rows = {row["svname"]: row["status"] for row in cluster.stats()}
        print("   HAProxy now: " + ", ".join(f"{k} {v}" for k, v in sorted(rows.items())))
        return ok and len(hit) > 0 and len(recovered) == len(hit) and not disturbed and back


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=90)
    parser.add_argument("--distinct", type=int, default=30)
    parser.add_argument("--epochs", type=int, default=300)
    parser.add_argument("--replicas", type=int, default=3)
    parser.add_argument("--only", choices=("load", "single", "fault"), action="append",
                        help="run only these (repeatable); default: all three")
    parser.add_argument("--results-before-kill", type=int, default=5,
                        help="fault run: results r1 has shown before it is killed")
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds per session step")
    parser.add_argument("--log-dir", help="keep the replicas' and HAProxy's logs here")
    args = parser.parse_args()

    configs = session_configs(args.sessions, args.distinct, args.epochs)
    print(f"{args.sessions} websocket sessions, {len(set(configs))} distinct configs of {args.epochs} epochs")
    solo = Solo()
    runs = {"load": lambda: load_run(args.replicas, configs, args, solo),
            "single": lambda: load_run(1, configs, args, solo),
            "fault": lambda: fault_run(args.replicas, configs, args, solo)}
    passed = [runs[name]() for name in (args.only or runs)]
    sys.exit(0 if all(passed) else 1)


if __name__ == "__main__":
    main()
