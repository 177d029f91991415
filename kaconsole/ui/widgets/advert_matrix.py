"""Who hears whom (`h`): the advert matrix of each instance, refreshed from the live state.

Rows are capturing nodes, columns the routers their wire carries; a cell says the last advert's
priority and age, its rate against the advertised interval, and whether the row node's
keepalived logged it. tcpdump sees packets before nftables' input hook, so "on the wire" and
"heard by keepalived" are shown apart.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from kaconsole.core.insight.anomalies import instance_names
from kaconsole.core.insight.matrix import AdvertMatrix, Cell, advert_matrix
from kaconsole.core.state.model import ClusterState
from kaconsole.engine.monitor import ClusterMonitor

_LOGGED = {True: "logged", False: "NOT logged", None: "-"}


def _cell(c: Cell | None) -> str:
    if c is None:
        return "nothing"
    return f"{c.priority} {c.age:.1f}s ago {c.rate} ({_LOGGED[c.received]})"


def matrix_lines(m: AdvertMatrix) -> list[str]:
    """The matrix as a plain table, then the one-way losses in words."""
    routers = list(dict.fromkeys(c.router or c.source for c in m.cells))
    rows = [["hears ->", *routers]]
    for listener in m.listeners:
        cells = {c.router or c.source: c for c in m.cells if c.listener == listener}
        row = [_cell(cells.get(r)) if r != listener else "(own)" for r in routers]
        rows.append([listener, *row])
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = [f"{m.instance} (VRID {m.vrid})"]
    lines += ["  " + "  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)) for r in rows]
    lines += [f"  ! {w}" for w in m.losses] or ["  every node hears every MASTER it should"]
    lines += [f"  ! {b.message}" for b in m.blocked]
    return lines


def state_lines(state: ClusterState) -> list[str]:
    out: list[str] = []
    for name in instance_names(state):
        m = advert_matrix(state, name)
        out += matrix_lines(m) if m else [f"{name}: no advert captured yet"]
        out.append("")
    return out or ["no instance known yet"]


class AdvertMatrixScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,h,q", "close", "Close")]
    DEFAULT_CSS = """
    AdvertMatrixScreen { align: center middle; }
    AdvertMatrixScreen > Vertical {
        width: 95%; height: auto; max-height: 90%; border: thick $primary;
        background: $surface; padding: 1 2;
    }
    AdvertMatrixScreen .title { text-style: bold; margin-bottom: 1; }
    """

    def __init__(self, monitor: ClusterMonitor) -> None:
        super().__init__()
        self.monitor = monitor

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("Who hears whom (capture vs keepalived's log)", classes="title")
            yield Static(id="matrix", markup=False)

    def on_mount(self) -> None:
        self._refresh()
        self.set_interval(1.0, self._refresh)

    def _refresh(self) -> None:
        self.query_one("#matrix", Static).update("\n".join(state_lines(self.monitor.state)))

    def action_close(self) -> None:
        self.dismiss(None)
