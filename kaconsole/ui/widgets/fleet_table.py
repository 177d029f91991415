"""The fleet view's table: a DataTable that renders a cell again only when what it shows changed.

Any update to a DataTable drops its render caches (they are keyed by a count of updates), so an
age moving on in one row renders every visible cell again through Rich; on a fleet of fifty
clusters that was most of the console's time. Here a rendered cell is also kept by what decides
its look (its text and style, place, width, cursor and focus), so only the changed cells are
rendered again.
"""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.cache import LRUCache
from textual.coordinate import Coordinate
from textual.widgets import DataTable

SegmentLines = list[list[Segment]]


class FleetTable(DataTable[Text]):
    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self._kept: LRUCache[tuple[object, ...], SegmentLines] = LRUCache(4000)

    def set_cell(self, row: int, column: int, text: Text) -> None:
        """One cell in place; its column grows when the text is wider (never shrinks, as after
        `clear`), and only then are the column's cells measured again."""
        wider = text.cell_len > self.ordered_columns[column].content_width
        self.update_cell_at(Coordinate(row, column), text, update_width=wider)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._kept.clear()

    def _render_cell(self, row_index: int, column_index: int, base_style: Style, width: int,
                     cursor: bool = False, hover: bool = False) -> SegmentLines:
        if row_index < 0 or column_index < 0:  # the header and row labels: as they were
            return super()._render_cell(row_index, column_index, base_style, width, cursor,
                                        hover)
        cell = self.get_cell_at(Coordinate(row_index, column_index))
        key = (row_index, column_index, cell.plain, cell.style, tuple(cell.spans), base_style,
               width, cursor, hover, self._show_hover_cursor, self._pseudo_class_state)
        lines = self._kept.get(key)
        if lines is None:
            lines = super()._render_cell(row_index, column_index, base_style, width, cursor,
                                         hover)
            self._kept[key] = lines
        return lines
