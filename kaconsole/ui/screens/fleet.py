"""The fleet view: one row per cluster and VRRP instance, the broken ones on top.

`enter` opens that cluster's console (the usual main screen, with the fleet's one-line summary
under its header), `escape` there comes back; `/` filters the rows; `:` switches to a cluster
by name (`cluster NAME`) from anywhere, as the command palette's `Cluster: NAME` does.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Footer, Input, Label, Static

from kaconsole.core.insight.view import ClusterView
from kaconsole.engine.fleet import FleetUpdate
from kaconsole.ui.context import Console
from kaconsole.ui.present.config import config_badge
from kaconsole.ui.present.fleet import (
    COLUMNS,
    HEALTHY,
    FleetRow,
    changed_cells,
    fleet_rows,
    fleet_summary,
)
from kaconsole.ui.present.nodes import header_lines
from kaconsole.ui.screens.main import MainScreen
from kaconsole.ui.widgets.fleet_table import FleetTable
from kaconsole.ui.widgets.header import ClusterHeader
from kaconsole.ui.widgets.styled import lines_content

Clock = Callable[[], float]

#: How often the fleet view's ages move on with nothing else changing (seconds).
AGE_TICK = 1.0


class FleetChanged(Message):
    """The fleet's latest digests (coalesced), for the fleet screen."""

    bubble = False

    def __init__(self, update: FleetUpdate) -> None:
        super().__init__()
        self.update = update


class FleetScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "open", "Open"),
        Binding("slash", "filter", "Filter"),
        Binding("escape", "clear_filter", "Clear", show=False),
        Binding("colon", "app.switch_cluster", "Cluster"),
        Binding("j", "cursor(1)", show=False),
        Binding("k", "cursor(-1)", show=False),
        Binding("t", "app.next_theme", "Theme"),
        Binding("q", "app.request_quit", "Quit"),
    ]
    AUTO_FOCUS = "#fleet"

    def __init__(self, opener: Callable[[str], None], clock: Clock) -> None:
        super().__init__()
        self._open = opener
        self._clock = clock
        self.update: FleetUpdate | None = None
        #: The clusters of the rows as shown, top to bottom.
        self.shown: list[str] = []
        self._rows: list[FleetRow] = []
        self._summary = ""

    def compose(self) -> ComposeResult:
        yield Static("fleet: connecting", id="fleet-summary")
        yield Input(placeholder="filter the clusters (escape clears)", id="fleet-filter")
        table = FleetTable(id="fleet")
        table.add_columns(*COLUMNS)
        yield table
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#fleet-filter", Input).display = False
        self.set_interval(AGE_TICK, self.render_rows)  # the "N s ago" column moves on

    def on_fleet_changed(self, message: FleetChanged) -> None:
        self.update = message.update
        self.render_rows()

    def render_rows(self) -> None:
        """The rows now, changing on screen only the cells that changed: any change to a
        DataTable renders every visible row again, so a fleet where nothing happens costs
        one repaint a second (ages are taken at the whole second), not one per update."""
        if self.update is None:
            return
        u = self.update
        summary = fleet_summary(u.clusters)
        if summary != self._summary:
            self._summary = summary
            self.query_one("#fleet-summary", Static).update(summary)
        needle = self.query_one("#fleet-filter", Input).value.strip()
        rows = fleet_rows(u.clusters, float(math.floor(self._clock())), needle)
        table = self.query_one("#fleet", FleetTable)
        at = table.cursor_row
        current = self._rows[at].key if 0 <= at < len(self._rows) else None
        cells = changed_cells(self._rows, rows)
        if cells is None:  # rows came or went: the table again
            table.clear()
            for r in rows:
                table.add_row(*(_cell(r, j) for j in range(len(COLUMNS))))
        for i, j in cells or ():
            table.set_cell(i, j, _cell(rows[i], j))
        self._rows = rows
        self.shown = [r.cluster for r in rows]
        keys = [r.key for r in rows]
        if current in keys and keys.index(current) != table.cursor_row:
            table.move_cursor(row=keys.index(current))  # the cursor stays on its row

    def action_open(self) -> None:
        row = self.query_one("#fleet", DataTable).cursor_row
        if 0 <= row < len(self.shown):
            self._open(self.shown[row])

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open()

    def action_cursor(self, delta: int) -> None:
        table = self.query_one("#fleet", DataTable)
        table.move_cursor(row=table.cursor_row + delta)

    def action_filter(self) -> None:
        field = self.query_one("#fleet-filter", Input)
        field.display = True
        field.focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "fleet-filter":
            self.render_rows()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "fleet-filter":
            self.query_one("#fleet", DataTable).focus()

    def action_clear_filter(self) -> None:
        field = self.query_one("#fleet-filter", Input)
        field.value = ""
        field.display = False
        self.query_one("#fleet", DataTable).focus()
        self.render_rows()


def _cell(row: FleetRow, column: int) -> Text:
    return Text(row.cells[column], style="" if row.rank == HEALTHY else "bold")


class FleetClusterScreen(MainScreen):
    """A cluster's usual console inside a fleet: the fleet's summary under the header, and
    `escape` (with no log filter to clear) goes back to the fleet view; `:` switches cluster."""

    def __init__(self, console: Console, fleet_line: str = "") -> None:
        super().__init__(console)
        self.fleet_line = fleet_line

    def show_view(self, view: ClusterView) -> None:
        super().show_view(view)
        self._header()

    def action_command_line(self) -> None:
        """In a fleet, `:` names a cluster to switch to (the palette keeps the commands)."""
        self.run_worker(self.app.run_action("switch_cluster"), exclusive=True)

    def show_fleet(self, line: str) -> None:
        self.fleet_line = line
        if self.view is not None and self.is_mounted:
            self._header()

    def _header(self) -> None:
        assert self.view is not None
        c = self.console
        badge = config_badge(c.monitor.findings(self.view.state))
        lines = header_lines(self.view, c.cluster.description, read_only=c.read_only, badge=badge)
        lines.append([(self.fleet_line, "anomaly" if "(" in self.fleet_line else "muted")])
        self.query_one("#header", ClusterHeader).update(lines_content(lines))

    def action_clear_filter(self) -> None:
        field = self.query_one("#filter", Input)
        if field.display or field.value:
            super().action_clear_filter()
        else:
            self.app.pop_screen()


class ClusterSwitch(ModalScreen[str | None]):
    """`:` then `cluster NAME` (or just the name): that cluster's console; escape cancels."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]
    DEFAULT_CSS = """
    ClusterSwitch { align: center bottom; }
    ClusterSwitch > Vertical { height: auto; background: $surface; padding: 0 1; }
    """

    def __init__(self, names: Sequence[str]) -> None:
        super().__init__()
        self.names = list(names)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(f"clusters: {', '.join(self.names)}", id="switch-names")
            yield Input(value="cluster ", placeholder="cluster NAME", id="switch")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        words = event.value.split(maxsplit=1)
        name = words[-1].strip() if words else ""
        if words and words[0] == "cluster" and len(words) == 1:
            name = ""
        found = resolve(self.names, name)
        if found is None:
            self.query_one("#switch-names", Label).update(
                f"no cluster {name!r}; clusters: {', '.join(self.names)}")
            return
        self.dismiss(found)

    def action_cancel(self) -> None:
        self.dismiss(None)


def resolve(names: Sequence[str], typed: str) -> str | None:
    """The cluster meant: the exact name, else the only one starting with what was typed."""
    if typed in names:
        return typed
    starting = [n for n in names if n.startswith(typed)] if typed else []
    return starting[0] if len(starting) == 1 else None
