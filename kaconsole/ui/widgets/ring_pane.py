"""A scrolling pane over a bounded ring of items, drawn with the Line API.

Only the visible lines are formatted, so a burst of tens of thousands of log lines a second
costs a deque append each; the ring keeps `capacity` items and drops the oldest. While paused
(`follow` off) the view is frozen and the ring keeps filling.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Sequence
from typing import Generic, TypeVar

from rich.segment import Segment
from rich.style import Style
from textual.color import Color
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from kaconsole.ui.present.panes import PaneLine

T = TypeVar("T")


class RingPane(ScrollView, Generic[T], can_focus=False):
    DEFAULT_CSS = """
    RingPane { height: 1fr; background: $surface; overflow-x: hidden; }
    """

    def __init__(
        self,
        formatter: Callable[[T], PaneLine],
        *,
        capacity: int,
        searchable: Callable[[T], str] | None = None,
        node_of: Callable[[T], str] | None = None,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.capacity = capacity
        self._ring: deque[T] = deque(maxlen=capacity)
        self._format = formatter
        self._searchable = searchable
        self._node_of = node_of
        self._view: Sequence[T] = ()
        self._styles: dict[str, Style] = {}
        self._styles_theme = ""
        self.follow = True
        self.query_text = ""
        self.node: str | None = None
        self.received = 0

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
        self.query_text = (text or "").lower()
        self.node = node
        self._update_view()

    def set_follow(self, follow: bool) -> None:
        self.follow = follow
        self._update_view()

    @property
    def lines(self) -> int:
        """Items kept in the ring (bounded by `capacity`)."""
        return len(self._ring)

    @property
    def visible_items(self) -> Sequence[T]:
        """The items the pane shows now (filtered; frozen while paused)."""
        return self._view

    # --- drawing ----------------------------------------------------------------------------

    def on_resize(self) -> None:
        self._update_view()

    def _update_view(self) -> None:
        items: Iterable[T] = self._ring
        if self.node is not None and self._node_of is not None:
            node, node_of = self.node, self._node_of
            items = (i for i in items if node_of(i) == node)
        if self.query_text and self._searchable is not None:
            q, text_of = self.query_text, self._searchable
            items = (i for i in items if q in text_of(i).lower())
        self._view = list(items)
        self.virtual_size = Size(self.size.width, len(self._view))
        if self.follow:
            self.scroll_to(y=max(0, len(self._view) - self.size.height), animate=False, force=True)
        self.refresh()

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
        width = self.size.width
        index = self.scroll_offset.y + y
        if index >= len(self._view):
            return Strip.blank(width, self.rich_style)
        line = self._format(self._view[index])
        base = self.rich_style
        segments = [Segment(text, base + self._style(role)) for text, role in line.segs]
        return Strip(segments).crop_extend(0, width, base)
