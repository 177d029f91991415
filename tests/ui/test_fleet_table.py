"""The fleet table keeps rendered cells across updates: what it draws must still follow every
change of text, width, cursor and theme (a stale cell would show a fleet that is not there)."""

from __future__ import annotations

from rich.text import Text
from textual.app import App, ComposeResult

from kaconsole.ui.widgets.fleet_table import FleetTable


class TableApp(App[None]):
    def compose(self) -> ComposeResult:
        table = FleetTable(id="fleet")
        table.add_columns("cluster", "worst")
        for name in ("db-eu", "web-us", "web-eu"):
            table.add_row(Text(name), Text("ok"))
        yield table


def _drawn(table: FleetTable) -> list[str]:
    """The table's lines as drawn: the header, then one a row."""
    return [table.render_line(y).text.rstrip() for y in range(1 + table.row_count)]


def _styles(table: FleetTable, y: int) -> set[tuple[object, ...]]:
    """The colours of a drawn line's text (a style's meta names its row: left out)."""
    return {(s.style.color, s.style.bgcolor) for s in table.render_line(y)
            if s.text.strip() and s.style is not None}


async def test_what_is_drawn_follows_each_change() -> None:
    app = TableApp()
    async with app.run_test(size=(60, 10)) as pilot:
        table = app.query_one(FleetTable)
        await pilot.pause()
        before = _drawn(table)
        assert "web-us" in before[2]
        assert "ok" in before[2]
        table.set_cell(1, 1, Text("unreachable", style="bold"))
        await pilot.pause()
        after = _drawn(table)
        assert "unreachable" in after[2]  # the column grew for the wider text
        assert after[1].split() == ["db-eu", "ok"]
        assert after[3].split() == ["web-eu", "ok"]
        table.set_cell(2, 1, Text("no"))  # as wide as before: only the text tells it apart
        await pilot.pause()
        assert _drawn(table)[3].split() == ["web-eu", "no"]
        cursor_row = _styles(table, 1)
        table.move_cursor(row=2)
        await pilot.pause()
        assert _styles(table, 1) != cursor_row  # the cursor left row 0: drawn without it
        assert _styles(table, 3) == cursor_row
        app.theme = "textual-light" if app.theme != "textual-light" else "textual-dark"
        await pilot.pause()
        assert _styles(table, 3) != cursor_row  # the theme's colours, not the kept ones
