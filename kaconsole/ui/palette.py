"""The command palette's and the `:` command line's one catalogue: kaconsole's commands only.

Every key's action, every service action on every node ("Stop nginx on node1", confirmed as from
the menu), every drill, pane, node and theme. The command line takes the same names typed
(`:drill recovery`, `:node node2`, `:pane wire`), so what one can do the other can.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import partial

from kaconsole.engine.actions import ActionRequest
from kaconsole.ui import keymap

#: (palette name, the main screen's action) of each pane.
PANES: tuple[tuple[str, str], ...] = (
    ("log", "logs"),
    ("wire", "adverts"),
    ("events", "timeline"),
    ("config", "config"),
    ("what-if", "whatif"),
    ("commands", "commands"),
)


@dataclass(frozen=True, slots=True)
class Entry:
    name: str
    help: str
    run: Callable[[], object]


def catalog(
    *,
    read_only: bool,
    nodes: Sequence[str],
    drills: Iterable[tuple[str, str]],
    themes: Iterable[str],
    run_action: Callable[[str], object],
    ask: Callable[[ActionRequest], object],
    start_drill: Callable[[str], object],
    select_node: Callable[[str], object],
    set_theme: Callable[[str], object],
) -> list[Entry]:
    out: list[Entry] = []
    for c in keymap.MAIN:
        if not (read_only and c.writes):
            out.append(Entry(c.label, f"{keymap.key_label(c.keys)}: {c.description}",
                             partial(run_action, c.action)))
    if not read_only:
        for node in nodes:
            for key, service, verb in keymap.SERVICE_ACTIONS:
                request = ActionRequest(node, service, verb)
                out.append(Entry(f"{verb.capitalize()} {service} on {node}",
                                 f"a {key}: asks first, shows the exact command",
                                 partial(ask, request)))
    for name, title in drills:
        out.append(Entry(f"Drill: {name}", f"{title} (shows its steps, asks)",
                         partial(start_drill, name)))
    for label, pane in PANES:
        out.append(Entry(f"Pane: {label}", f"show the {label} pane",
                         partial(run_action, f"pane({pane!r})")))
    for node in nodes:
        out.append(Entry(f"Node: {node}", f"select {node}", partial(select_node, node)))
    for theme in themes:
        out.append(Entry(f"Theme: {theme}", f"switch to the {theme} theme",
                         partial(set_theme, theme)))
    return out


def normalise(text: str) -> str:
    return " ".join(text.lower().replace(":", " ").split())


def resolve(entries: Sequence[Entry], text: str) -> Entry | list[Entry]:
    """The entry `text` names (exactly, or as the only one it starts); else the candidates."""
    typed = normalise(text)
    exact = [e for e in entries if normalise(e.name) == typed]
    if exact:
        return exact[0]
    starts = [e for e in entries if typed and normalise(e.name).startswith(typed)]
    return starts[0] if len(starts) == 1 else starts
