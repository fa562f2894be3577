"""Lesson links: `hide=` names the sidebar groups and settings a link hides, as TensorFlow Playground's
`*_hide` flags do (`?hide=init,lr,optimizer`).

The names are the spec's own (core.config.GROUPS and the field names of FIELDS), so the one table still
drives everything. Hiding changes no value: a hidden field keeps what the link (or the page) gives it, and
the config uses it as usual; its widget is just not drawn. Like every URL parameter, `hide=` never fails:
unknown names are reported and the rest applies.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from .config import FIELD_BY_NAME, FIELDS, GROUPS, Field, ParamWarning, _short

HIDE_PARAM = "hide"
HIDEABLE: tuple[str, ...] = (*GROUPS, *(f.name for f in FIELDS))     # groups first, then fields in spec order
MAX_NAMED = 5                       # unknown names a warning quotes; the rest are counted
MAX_HIDE_TEXT = 2_000               # characters of a hide= value read (every name at once is about 400)

assert len(set(HIDEABLE)) == len(HIDEABLE), "a group and a field share a name"


@dataclass(frozen=True)
class HideWarning(ParamWarning):
    """`hide=` named something that is neither a group nor a field; those names are ignored, the rest applies."""

    unknown: tuple[str, ...] = ()

    def message(self, lang: str = "en") -> str:
        zh = lang == "zh"
        shown = (", " if not zh else "、").join(_short(name) for name in self.unknown[:MAX_NAMED])
        more = len(self.unknown) - MAX_NAMED
        if more > 0:
            shown += f" 等 {len(self.unknown)} 个" if zh else f" and {more} more"
        groups = ("、" if zh else ", ").join(GROUPS)
        if zh:
            return (f"{HIDE_PARAM} 中的 {shown} 不是侧边栏分组或设置的名称，已忽略（其余名称照常隐藏）；"
                    f"可用：分组 {groups}，或设置在链接中的名称，如 lr、optimizer")
        return (f"{HIDE_PARAM}: {shown} is not a sidebar group or setting and is ignored (the other names are "
                f"hidden as asked); allowed: the groups {groups}, or a setting's name in links, such as lr or "
                f"optimizer")


def normalize_hide(names: Iterable[str]) -> tuple[str, ...]:
    """Known names once each, in HIDEABLE's order; a field whose whole group is hidden is left out (the group
    says it already), so equal choices give equal links."""
    chosen = set(names)
    return tuple(name for name in HIDEABLE if name in chosen
                 and not (name in FIELD_BY_NAME and FIELD_BY_NAME[name].group in chosen))


def parse_hide(values: str | Iterable[str]) -> tuple[tuple[str, ...], list[ParamWarning]]:
    """A `hide=` value (or the values of a repeated key, which add up) -> (normalized names, warnings).

    Names are comma-separated and read like the features list: full-width punctuation (a Chinese input
    method's "，") as ASCII, surrounding spaces and letter case ignored, empty items skipped.
    """
    texts = [values] if isinstance(values, str) else list(values)
    names = []
    for text in texts:
        text = unicodedata.normalize("NFKC", str(text)[:MAX_HIDE_TEXT])
        names += [part.strip().lower() for part in text.split(",") if part.strip()]
    unknown = tuple(dict.fromkeys(name for name in names if name not in HIDEABLE))
    warnings: list[ParamWarning] = []
    if unknown:
        given = _short(",".join(texts), quote=False)
        warnings.append(HideWarning(HIDE_PARAM, given, unknown=unknown))
    return normalize_hide(names), warnings


def format_hide(names: Iterable[str]) -> str:
    """The `hide=` value of these names (normalized); "" when nothing is hidden."""
    return ",".join(normalize_hide(names))


def is_hidden(field: Field, names: Iterable[str]) -> bool:
    """Whether `hide=names` hides this field's widget (the field itself or its whole group)."""
    names = set(names)
    return field.name in names or field.group in names


def hidden_fields(names: Iterable[str]) -> tuple[Field, ...]:
    """Every field whose widget `hide=names` hides, in spec order."""
    names = set(names)
    return tuple(f for f in FIELDS if is_hidden(f, names))
