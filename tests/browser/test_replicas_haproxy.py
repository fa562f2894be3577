"""The app in a real browser through HAProxy in front of two replicas (deploy/serve.py): a deep link, Train,
and a CSV upload, which only works if HAProxy keeps the browser on the replica that holds its session."""

from __future__ import annotations

import os
from urllib.parse import urlencode

import pytest

from bench.load_test import expected_metrics
from core import RunConfig, train
from core.config import to_params
from deploy.serve import Cluster, haproxy_path
from tests.browser.conftest import ROOT, shot, wait_idle

pytestmark = pytest.mark.skipif(
    haproxy_path() is None and os.environ.get("CI", "").lower() != "true",
    reason="haproxy not found: install Debian's haproxy (apt-get install haproxy) to run the replica tests")


@pytest.fixture(scope="module")
def cluster():
    with Cluster(replicas=2, warm=False, log_dir=ROOT / "test-artifacts" / "replicas-haproxy") as running:
        yield running


def shown_metrics(page) -> dict[str, str]:
    values = {}
    for box in page.locator("[data-testid='stMetric']").all():
        label = box.locator("[data-testid='stMetricLabel']").inner_text().strip()
        values[label] = box.locator("[data-testid='stMetricValue']").inner_text().strip()
    return values


def test_deep_link_train_and_upload_through_haproxy(cluster, page, request, tmp_path):
    config = RunConfig(hidden=(5, 3), lr=1.0, epochs=300, seed=2)
    page.goto(f"{cluster.url}/?{urlencode(to_params(config, only_changed=True))}")
    wait_idle(page)
    sidebar = page.locator("[data-testid='stSidebar']")
    assert sidebar.get_by_role("spinbutton", name="Learning rate").input_value() == "1"
    assert sidebar.get_by_role("spinbutton", name="Epochs").input_value() == "300"
    cookies = {c["name"]: c["value"] for c in page.context.cookies()}
    assert cookies.get("SERVERID") in ("r0", "r1"), cookies       # HAProxy's stickiness cookie

    page.get_by_role("button", name="Train", exact=True).click()
    page.wait_for_selector("[data-testid='stMetric']", timeout=120_000)
    wait_idle(page)
    expected, shown = expected_metrics(train(config)), shown_metrics(page)
    assert {k: shown.get(k) for k in expected} == expected
    shot(page, request, "trained")

    # the upload is an HTTP PUT to /_stcore/upload_file/<session id>/...: only the session's replica knows it
    csv = tmp_path / "points.csv"
    csv.write_text("x1,x2,label\n" + "".join(f"{i / 50:.3f},{(i % 7) / 7:.3f},{i % 2}\n" for i in range(200)))
    page.locator("[data-testid='stSidebarNav']").get_by_role("link", name="Your data").click()
    wait_idle(page)
    page.locator("[data-testid='stFileUploader'] input[type='file']").first.set_input_files(str(csv))
    page.get_by_text("200 points loaded").wait_for(timeout=60_000)
    wait_idle(page)
    page.get_by_role("button", name="Train", exact=True).click()
    page.wait_for_selector("[data-testid='stMetric']", timeout=120_000)
    wait_idle(page)
    assert "Test accuracy" in shown_metrics(page)
    assert page.locator("[data-testid='stException']").count() == 0
    assert not page.js_errors, page.js_errors
    # every request of this browser (page, scripts, websocket, upload) went to its replica; the other saw none
    served = {row["svname"]: int(row["stot"]) for row in cluster.stats()}
    other = "r1" if cookies["SERVERID"] == "r0" else "r0"
    assert served[cookies["SERVERID"]] > 0 and served[other] == 0, served
    shot(page, request, "uploaded-and-trained")
