"""A scrolling pane over a bounded ring of items, drawn with the Line API.

Only the visible lines are formatted, so a burst of tens of thousands of log lines a second
costs a deque append each; the ring keeps `capacity` items and drops the oldest. While paused
(`follow` off) the view is frozen and the ring keeps filling: moving the cursor up pauses, so an
engineer reading back is never thrown to the end by the next line. `collapse` folds a stream's
repeats (the same advert every second) into one row, drawn by `folded` with their count.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Generic, TypeVar

from rich.style import Style
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.color import Color
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from kaconsole.ui.present.panes import PaneLine

T = TypeVar("T")

#: (stream, value): rows of one stream with an unchanged value fold into one.
Collapse = Callable[[T], tuple[Hashable, Hashable]]


@dataclass(slots=True)
class Row(Generic[T]):
    item: T
    first: T
    count: int = 1


class RingPane(ScrollView, Generic[T], can_focus=True):
    DEFAULT_CSS = """
    RingPane { height: 1fr; background: $surface; overflow-x: hidden; }
    RingPane:focus { background: $boost; border-left: outer $primary; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down,j", "move(1)", "Down", show=False),
        Binding("up,k", "move(-1)", "Up", show=False),
        Binding("pagedown,ctrl+d", "page(1)", "PgDn", show=False),
        Binding("pageup,ctrl+u", "page(-1)", "PgUp", show=False),
        Binding("home,g", "top", "Top", show=False),
        Binding("end,G", "bottom", "End", show=False),
        Binding("enter", "open", "Detail"),
    ]

    class Opened(Message):
        """Enter on a row: the screen shows the item whole."""

        def __init__(self, pane: RingPane[Any], item: object) -> None:
            super().__init__()
            self.pane = pane
            self.item = item

    class Moved(Message):
        """The cursor moved or following changed: the pane strip says where the reader is."""

    def __init__(
        self,
        formatter: Callable[[T], PaneLine],
        *,
        capacity: int,
        searchable: Callable[[T], str] | None = None,
        node_of: Callable[[T], str] | None = None,
        collapse: Collapse[T] | None = None,
        folded: Callable[[T, T, int], PaneLine] | None = None,
        follow: bool = True,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.capacity = capacity
        self._ring: deque[T] = deque(maxlen=capacity)
        self._format = formatter
        self._searchable = searchable or (lambda i: formatter(i).text)
        self._node_of = node_of
        self._collapse = collapse
        self._folded = folded
        self._rows: list[Row[T]] = []
        self._styles: dict[str, Style] = {}
        self._styles_theme = ""
        self.follow = follow
        self.query_text = ""
        self.highlight = ""
        self.node: str | None = None
        self.received = 0
        self.cursor = 0

    # --- input ------------------------------------------------------------------------------

    def extend(self, items: Sequence[T]) -> None:
        if not items:
            return
        self.received += len(items)
        self._ring.extend(items[-self.capacity :])
        if self.follow:
            self._update_view()

    def replace(self, items: Iterable[T]) -> None:
        self._ring.clear()
        self._ring.extend(items)
        self._update_view()

    def set_filter(self, text: str | None = None, node: str | None = None) -> None:
        """Show only the rows containing `text` (and of `node`); the text is highlighted."""
        self.query_text = (text or "").lower()
        self.highlight = self.query_text
        self.node = node
        self._update_view()

    def search(self, text: str) -> None:
        """Highlight `text` and put the cursor on its first row from the cursor on."""
        self.highlight = text.lower()
        self.refresh()
        if self.highlight and not self._matches(self.cursor):
            self.next_match(1)

    def set_follow(self, follow: bool) -> None:
        self.follow = follow
        self._update_view()
        self.post_message(self.Moved())

    @property
    def lines(self) -> int:
        """Items kept in the ring (bounded by `capacity`)."""
        return len(self._ring)

    @property
    def items(self) -> Sequence[T]:
        """Every item kept, filtered or not: the detail view's evidence."""
        return self._ring

    @property
    def visible_items(self) -> Sequence[T]:
        """The items the pane shows now (filtered; frozen while paused; repeats folded)."""
        return [r.item for r in self._rows]

    @property
    def current(self) -> T | None:
        return self._rows[self.cursor].item if self._rows else None

    def row_count(self, index: int) -> int:
        return self._rows[index].count

    # --- keys -------------------------------------------------------------------------------

    def action_move(self, delta: int) -> None:
        self.move_to(self.cursor + delta)

    def action_page(self, direction: int) -> None:
        self.move_to(self.cursor + direction * max(self.size.height - 1, 1))

    def action_top(self) -> None:
        self.move_to(0)

    def action_bottom(self) -> None:
        """The end, and follow again from there."""
        self.set_follow(True)

    def action_open(self) -> None:
        if self._rows:
            self.post_message(self.Opened(self, self._rows[self.cursor].item))

    def move_to(self, index: int) -> None:
        """The cursor to `index`; anywhere but the end of a followed pane pauses it."""
        last = len(self._rows) - 1
        self.cursor = max(0, min(last, index))
        if self.follow and index < last:
            self.follow = False
        self.scroll_to_region_of(self.cursor)
        self.refresh()
        self.post_message(self.Moved())

    def next_match(self, direction: int) -> bool:
        """The cursor to the next (1) or previous (-1) row holding the highlighted text."""
        n = len(self._rows)
        for step in range(1, n + 1):
            index = (self.cursor + direction * step) % n
            if self._matches(index):
                self.move_to(index)
                return True
        return False

    def _matches(self, index: int) -> bool:
        rows = self._rows
        return bool(self.highlight) and 0 <= index < len(rows) and (
            self.highlight in self._searchable(rows[index].item).lower()
        )

    def scroll_to_region_of(self, index: int) -> None:
        top, height = self.scroll_offset.y, max(self.size.height, 1)
        if index < top:
            self.scroll_to(y=index, animate=False, force=True)
        elif index >= top + height:
            self.scroll_to(y=index - height + 1, animate=False, force=True)

    # --- drawing ----------------------------------------------------------------------------

    def on_resize(self) -> None:
        self._update_view()

    def _update_view(self) -> None:
        items: Iterable[T] = self._ring
        if self.node is not None and self._node_of is not None:
            node, node_of = self.node, self._node_of
            items = (i for i in items if node_of(i) == node)
        if self.query_text:
            q, text_of = self.query_text, self._searchable
            items = (i for i in items if q in text_of(i).lower())
        self._rows = self._fold(items)
        count = len(self._rows)
        self.virtual_size = Size(self.size.width, count)
        if self.follow:
            self.cursor = max(count - 1, 0)
            self.scroll_to(y=max(0, count - self.size.height), animate=False, force=True)
        else:
            self.cursor = min(self.cursor, max(count - 1, 0))
        self.refresh()

    def _fold(self, items: Iterable[T]) -> list[Row[T]]:
        if self._collapse is None:
            return [Row(i, i) for i in items]
        rows: list[Row[T]] = []
        last: dict[Hashable, tuple[Hashable, int]] = {}
        collapse = self._collapse
        for item in items:
            stream, value = collapse(item)
            seen = last.get(stream)
            if seen is not None and seen[0] == value:
                row = rows[seen[1]]
                row.item, row.count = item, row.count + 1
                continue
            last[stream] = (value, len(rows))
            rows.append(Row(item, item))
        return rows

    def _style(self, role: str) -> Style:
        if self._styles_theme != self.app.theme:
            self._styles.clear()
            self._styles_theme = self.app.theme
        style = self._styles.get(role)
        if style is None:
            value = self.app.theme_variables.get(role) if role else None
            style = Style(color=Color.parse(value).rich_color) if value else Style()
            self._styles[role] = style
        return style

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        index = self.scroll_offset.y + y
        base = self.rich_style
        if index >= len(self._rows):
            return Strip.blank(width, base)
        row = self._rows[index]
        fold = self._folded if row.count > 1 else None
        segs = (fold(row.first, row.item, row.count) if fold else self._format(row.item)).segs
        text = Text.assemble(*((t, self._style(r)) for t, r in segs), style=base, no_wrap=True)
        if self.highlight:
            match = Style(reverse=True, bold=True) + self._style("accent")
            text.highlight_regex(re.compile(re.escape(self.highlight), re.IGNORECASE), match)
        if index == self.cursor and self.has_focus:
            text.stylize(Style(reverse=True))
        text.truncate(width, overflow="ellipsis")
        return Strip(list(text.render(self.app.console)), text.cell_len).crop_extend(0, width, base)
