"""Strings of the shared training flow (ui/runs.py, ui/train_flow.py), keys prefixed run_."""

from __future__ import annotations

STRINGS: dict[str, tuple[str, str]] = {
    "run_queued": ("Queued: position {k}, about {s:.0f} s", "排队中：第 {k} 位，约 {s:.0f} 秒"),
}
