"""Replicas behind a real HAProxy (deploy/serve.py): a session whose replica dies carries on on a live one.

Two real `streamlit run` replicas on loopback ports and Debian's haproxy in front; the sessions speak
Streamlit's websocket protocol (bench/bench_replicas.py's client). Without haproxy the tests skip with a
message saying what to install, except under CI=true, where a missing haproxy is a failure.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from bench.bench_replicas import COOKIE, Session, Solo, sticky_session
from core import RunConfig
from deploy.serve import Cluster, haproxy_path, render_config

DEPLOY = Path(__file__).resolve().parents[1] / "deploy"
needs_haproxy = pytest.mark.skipif(
    haproxy_path() is None and os.environ.get("CI", "").lower() != "true",
    reason="haproxy not found: install Debian's haproxy (apt-get install haproxy) to run the replica tests")



def run_async(coro):
    """Run a coroutine on a fresh event loop in a thread of its own: in the full suite, Playwright's sync API
    (the browser tests' session-wide browser) keeps an event loop running in this thread."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coro).result()

def test_compose_config_is_the_template_rendered_for_the_compose_services():
    compose = render_config("0.0.0.0:8501", ["app1:8501", "app2:8501", "app3:8501"],
                            "/tmp/haproxy-stats.sock", "0.0.0.0:8404")
    assert (DEPLOY / "haproxy-compose.cfg").read_text() == compose
    for line in ("cookie SERVERID insert indirect nocache", "option redispatch", "timeout tunnel",
                 "option httpchk GET /_stcore/health", "server r2 app3:8501 cookie r2"):
        assert line in compose


@needs_haproxy
def test_rendered_config_is_accepted_by_haproxy(tmp_path):
    config = tmp_path / "haproxy.cfg"
    config.write_text(render_config("127.0.0.1:8501", ["127.0.0.1:8601", "127.0.0.1:8602"],
                                    str(tmp_path / "stats.sock"), "127.0.0.1:8404"))
    check = subprocess.run([haproxy_path(), "-c", "-f", str(config)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr


@needs_haproxy
def test_a_session_whose_replica_dies_retrains_on_the_live_one_with_the_same_numbers(tmp_path):
    # two sessions, one stuck to each replica by its SERVERID cookie; r0 is killed while both are open
    doomed = Session(RunConfig(epochs=400, hidden=(5, 3), lr=0.5, seed=3), cookies={COOKIE: "r0"})
    spared = Session(RunConfig(epochs=400, hidden=(5,), lr=1.0, seed=4), cookies={COOKIE: "r1"})
    with Cluster(replicas=2, warm=False, log_dir=tmp_path) as cluster:
        assert [row["status"] for row in cluster.stats()] == ["UP", "UP"]

        async def scenario() -> list[dict]:
            runs = [asyncio.create_task(sticky_session(cluster.url, s, timeout_s=120)) for s in (doomed, spared)]
            while not (doomed.backends and spared.backends):    # both websockets open, their pages running
                await asyncio.sleep(0.01)
            await asyncio.to_thread(cluster.kill, 0)
            return await asyncio.gather(*runs)

        results = run_async(scenario())
        assert [r["error"] for r in results] == [None, None]
        solo = Solo()
        assert all(solo.equal(r) for r in results), [r["values"] for r in results]
        # the doomed session lost its websocket, reconnected through HAProxy and was moved to r1 by a new cookie
        assert doomed.drops and doomed.backends == ["r0", "r1"] and doomed.backend == "r1"
        assert not spared.drops and spared.backends == ["r1"]

        cluster.wait_status(0, "DOWN", timeout=20)
        cluster.restart(0)
        cluster.wait_status(0, "UP", timeout=20)
        back = Session(RunConfig(epochs=50), cookies={COOKIE: "r0"})
        result = run_async(sticky_session(cluster.url, back, timeout_s=120))
        assert result["error"] is None and solo.equal(result) and back.backends == ["r0"]
