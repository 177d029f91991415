"""Segments from `present` (text, role) to Textual content coloured by theme variables."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from textual.content import Content

from kaconsole.ui.present.common import Seg

#: Roles drawn bold as well as coloured: the words an engineer scans for.
_BOLD = frozenset({"vrrp-master", "vrrp-fault", "vrrp-stop", "anomaly", "down"})


def style_of(role: str) -> str:
    if not role:
        return ""
    return f"bold ${role}" if role in _BOLD else f"${role}"


def line_content(segs: Sequence[Seg]) -> Content:
    return Content.assemble(*((text, style_of(role)) for text, role in segs))


def lines_content(lines: Iterable[Sequence[Seg]]) -> Content:
    return Content("\n").join(line_content(segs) for segs in lines)
