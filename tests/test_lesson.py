"""Lesson links without Streamlit: hide= read and checked against the spec (core.lesson), and the QR code
of a link (ui.qr) read back module by module."""

from __future__ import annotations

import re
from urllib.parse import urlencode

import pytest
import segno

from core.config import FIELD_BY_NAME, FIELDS, GROUPS, RunConfig, to_params
from core.lesson import HIDEABLE, format_hide, hidden_fields, is_hidden, normalize_hide, parse_hide
from ui.qr import QUIET_ZONE, qr_code, qr_svg


def test_every_group_and_every_field_can_be_hidden_and_no_name_means_two_things():
    assert HIDEABLE == (*GROUPS, *(f.name for f in FIELDS))
    assert len(set(HIDEABLE)) == len(HIDEABLE)


def test_groups_and_fields_are_read_in_spec_order_without_warnings():
    names, warnings = parse_hide("lr,init,optimizer")
    assert names == ("init", "optimizer", "lr") and warnings == []
    assert {f.name for f in hidden_fields(names)} == {f.name for f in FIELDS if f.group == "init"} | {"optimizer", "lr"}
    assert is_hidden(FIELD_BY_NAME["weight_std"], names) and not is_hidden(FIELD_BY_NAME["epochs"], names)


def test_spaces_case_full_width_commas_empty_items_and_repeated_keys_are_read_as_meant():
    assert parse_hide(" Init ，LR,,optimizer, ") == (("init", "optimizer", "lr"), [])
    assert parse_hide(["init", "lr"]) == (("init", "lr"), [])        # hide=init&hide=lr: both apply


@pytest.mark.parametrize("value", ["", ",", " ", []])
def test_an_empty_hide_hides_nothing_and_says_nothing(value):
    assert parse_hide(value) == ((), [])


def test_unknown_names_are_named_in_both_languages_and_the_rest_applies():
    names, warnings = parse_hide("init,bogus,lrr,init")
    assert names == ("init",)
    [warning] = warnings
    assert warning.field == "hide" and warning.unknown == ("bogus", "lrr")
    en, zh = warning.message("en"), warning.message("zh")
    assert "'bogus', 'lrr'" in en and "is not a sidebar group or setting" in en and "other names" in en
    assert "'bogus'、'lrr'" in zh and "不是侧边栏分组或设置的名称" in zh and "其余名称照常隐藏" in zh
    for group in GROUPS:                    # the message says what is allowed
        assert group in en and group in zh


def test_many_unknown_names_are_counted_and_long_ones_cut():
    _, [warning] = parse_hide(",".join(f"x{i}" for i in range(9)) + ",lr")
    assert "'x4' and 4 more" in warning.message("en") and "等 9 个" in warning.message("zh")
    _, [warning] = parse_hide("y" * 5000)
    assert len(warning.message("en")) < 400 and len(warning.value) <= 40


def test_a_field_inside_a_hidden_group_is_not_written_twice():
    assert normalize_hide(["lr", "training", "weight_std", "nope", "weight_std"]) == ("training", "weight_std")
    assert format_hide(["seed", "data"]) == "data,seed" and format_hide([]) == ""


LINK = ("https://school.example.org/vanishing?lang=zh&hide=init,lr&dataset=moons&n_samples=1000&noise=0.1"
        "&hidden=3,3,3,3&weight_std=0.01&bias_init=1&lr=0.01&epochs=3000&seed=0")


def svg_modules(svg: str) -> tuple[int, set[tuple[int, int]]]:
    """Read a segno SVG back: its size in modules and the dark modules (row, column), quiet zone included.

    segno draws each row's dark runs as horizontal strokes 1 module thick: 'M x y' / 'm dx dy' move the pen
    (y is the row's middle, row + 0.5), 'h n' draws n modules to the right."""
    size = int(re.search(r'viewBox="0 0 (\d+) \1"', svg).group(1))
    path = re.search(r'<path stroke="#000" d="([^"]+)"', svg).group(1)
    dark, x, y = set(), 0.0, 0.0
    for cmd, args in re.findall(r"([MmHhVv])([^MmHhVv]*)", path):
        values = [float(v) for v in re.findall(r"-?\d+(?:\.\d+)?", args)]
        if cmd == "M":
            x, y = values
        elif cmd == "m":
            x, y = x + values[0], y + values[1]
        elif cmd == "h":
            dark |= {(int(y), int(x) + i) for i in range(int(values[0]))}
            x += values[0]
        else:                                                  # pragma: no cover - segno draws rows only
            raise AssertionError(f"unexpected path command {cmd}")
    return size, dark


def test_the_qr_svg_draws_exactly_the_links_symbol_with_a_quiet_zone_on_white():
    code = qr_code(LINK)
    assert not code.is_micro and code.version >= 1 and code.error in "LMQH"
    svg = qr_svg(LINK)
    assert svg.startswith("<svg") and 'fill="#fff"' in svg and "width=" not in svg     # opaque ground, scales
    size, dark = svg_modules(svg)
    reference = segno.make(LINK, micro=False)                  # what a scanner must find
    side = reference.symbol_size(border=0)[0]
    assert size == side + 2 * QUIET_ZONE
    expected = {(r + QUIET_ZONE, c + QUIET_ZONE) for r, row in enumerate(reference.matrix)
                for c, bit in enumerate(row) if bit}
    assert dark == expected and len(dark) > 500
    assert svg_modules(qr_svg(LINK.replace("seed=0", "seed=1")))[1] != dark       # another link, another picture
    assert all(QUIET_ZONE <= r < size - QUIET_ZONE and QUIET_ZONE <= c < size - QUIET_ZONE for r, c in dark)


def test_the_full_share_link_still_fits_a_readable_code():
    every_field = {"lang": "zh", "hide": "init,lr", **to_params(RunConfig(hidden=(64,) * 8, weight_std=0.0125))}
    long_link = "https://school.example.org/vanishing?" + urlencode(every_field, safe=",")     # as share_url
    assert qr_code(long_link).version <= 20      # at most 97 + 8 modules: 6 px each in a 630 px code (900 px window)
