"""The text tables (ui/i18n.py shell text, ui/strings/<page>.py page text): every key has both languages,
every key is used, and every key family built at run time (t(f"prefix_{x}")) has all its members."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from core.choices import DATASET_TABLE
from core.config import GROUPS, RunConfig
from core.gradients import REMEDIES
from core.initialization import COMPARE_SCHEMES, init_histograms
from core.landscape import RACERS
from ui.charts.base import GRAD_COLUMNS
from ui.charts.landscape import MARK_SHAPES
from ui.charts.manual import IMPLS
from ui.i18n import PARAM_WORDS, STRINGS
from ui.sidebar import PRESET_CHOICES

ROOT = Path(__file__).resolve().parents[1]
CODE = [ROOT / "streamlit_app.py", *(ROOT / "ui").rglob("*.py"), *(ROOT / "app_pages").rglob("*.py")]
TEXT_MODULES = {ROOT / "ui" / "i18n.py", *(ROOT / "ui" / "strings").glob("*.py")}

# t(f"...") patterns in the code -> the values their placeholder takes
FAMILIES: dict[str, tuple[str, ...]] = {
    "vanishing_fix_{}": tuple(REMEDIES), "vanishing_fix_{}_help": tuple(REMEDIES), "vanishing_run_{}": tuple(REMEDIES),
    "col_{}": tuple(GRAD_COLUMNS),
    "init_scheme_{}": tuple(COMPARE_SCHEMES),
    "init_col_{}": tuple(init_histograms(RunConfig(), ["normal"], 2, 5)[1].columns),
    "manual_col_{}": ("manual_grad_l2", "autograd_grad_l2", "max_abs_diff", "rel_diff", "entries_checked",
                      "grad_l2", "fd_grad_l2", "rel_error", "fd_noise_l2", "near_kink"),
    "manual_status_{}": ("ok", "zero", "noise", "kink", "mismatch"),
    "manual_impl_{}": IMPLS,
    "extent_{}": ("book", "data"),
    "group_{}": GROUPS,
    "param_{}": PARAM_WORDS,
    "preset_{}": PRESET_CHOICES,
    "task_{}": ("binary", "multiclass", "regression"),      # core.tasks kinds
    "preview_output_{}": ("multiclass", "regression"),      # ui.charts.preview (binary: preview_output)
    "landscape_racer_{}": tuple(RACERS),
    "class_{}": tuple(n for row in DATASET_TABLE.values() for n in row.class_names),     # ui.i18n.class_names
    "input_{}": tuple(n for row in DATASET_TABLE.values() for n in row.input_names),     # ui.i18n.input_names
    "landscape_mark_{}": tuple(MARK_SHAPES),
    "landscape_metric_pc{}": (1, 2),
}


def dynamic_patterns() -> set[str]:
    """Every t(f"...") in the code, its placeholders written as {}."""
    found = set()
    for path in CODE:
        for node in ast.walk(ast.parse(path.read_text())):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "t"
                    and node.args and isinstance(node.args[0], ast.JoinedStr)):
                found.add("".join(v.value if isinstance(v, ast.Constant) else "{}" for v in node.args[0].values))
    return found


def literals() -> set[str]:
    """Every string constant in the code outside the text tables."""
    out = set()
    for path in CODE:
        if path in TEXT_MODULES:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                out.add(node.value)
    return out


def test_every_key_has_english_and_chinese_text():
    empty = [key for key, (en, zh) in STRINGS.items() if not en.strip() or not zh.strip()]
    assert not empty, empty
    same_placeholders = [key for key, (en, zh) in STRINGS.items()
                         if set(re.findall(r"{(\w*)", en)) != set(re.findall(r"{(\w*)", zh))]
    assert not same_placeholders, same_placeholders


def test_every_dynamic_key_family_is_known_and_complete():
    unknown = dynamic_patterns() - set(FAMILIES)
    assert not unknown, f"declare these t(f'...') families in FAMILIES: {unknown}"
    missing = [p.format(v) for p, values in FAMILIES.items() for v in values if p.format(v) not in STRINGS]
    assert not missing, missing


def test_every_key_is_used():
    used = literals() | {p.format(v) for p, values in FAMILIES.items() for v in values}
    unused = sorted(key for key in STRINGS if key not in used)
    assert not unused, unused
