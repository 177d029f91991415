"""The node list of CONTRACTS.md section 8: one row per node, the selected one highlighted."""

from __future__ import annotations

from textual.content import Content
from textual.widget import Widget

from kaconsole.ui.present.nodes import NodeRow
from kaconsole.ui.widgets.styled import style_of


class NodeList(Widget, can_focus=False):
    DEFAULT_CSS = """
    NodeList { height: auto; padding: 0 1; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.columns: tuple[str, ...] = ()
        self.rows: tuple[NodeRow, ...] = ()
        self.selected = 0

    def show(self, columns: tuple[str, ...], rows: list[NodeRow], selected: int) -> None:
        """Redraw only when something shown changed (updates come up to 30 times a second)."""
        new = (tuple(columns), tuple(rows), selected)
        if new != (self.columns, self.rows, self.selected):
            self.columns, self.rows, self.selected = new
            self.refresh(layout=True)

    def render(self) -> Content:
        table = [self.columns, *(tuple(t for t, _ in r.cells) for r in self.rows)]
        widths = [max(len(row[i]) for row in table if i < len(row)) for i in range(len(table[0]))]
        head = [
            (f"{c.upper():<{w}}  ", "bold $muted")
            for c, w in zip(self.columns, widths, strict=True)
        ]
        lines = [Content.assemble("  ", *head)]
        for index, row in enumerate(self.rows):
            chosen = index == self.selected
            mark = ("▶ ", "bold $primary") if chosen else ("  ", "")
            cells = [
                (f"{t:<{w}}  ", style_of(r)) for (t, r), w in zip(row.cells, widths, strict=True)
            ]
            line = Content.assemble(mark, *cells)
            lines.append(line.stylize("reverse") if chosen else line)
        return Content("\n").join(lines)
