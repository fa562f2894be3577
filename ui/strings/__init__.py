"""Page-specific strings: each module here defines STRINGS = {key: (en, zh)}; ui.i18n merges them.

Modules are discovered automatically, so a new page adds its own file and touches nothing else.
"""

from __future__ import annotations

import importlib
import pkgutil


def collect() -> dict[str, tuple[str, str]]:
    merged: dict[str, tuple[str, str]] = {}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        for key, pair in module.STRINGS.items():
            if key in merged:
                raise ValueError(f"string key {key!r} defined twice (ui/strings/{info.name}.py)")
            merged[key] = pair
    return merged
