"""The detail view (enter): one row, node or transition shown whole, in a modal.

Pane rows are cut at the pane's width; here long lines wrap, or with `W` stay on one line each
and end in an ellipsis where cut, for reading columns.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from kaconsole.ui.present.detail import Lines
from kaconsole.ui.widgets.styled import lines_content


class Detail(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,enter", "close", "Close"),
        Binding("W", "wrap", "Wrap"),
        Binding("j,down", "scroll(1)", "Down", show=False),
        Binding("k,up", "scroll(-1)", "Up", show=False),
        Binding("g,home", "scroll(-1_000_000)", "Top", show=False),
        Binding("G,end", "scroll(1_000_000)", "End", show=False),
        Binding("ctrl+d,pagedown", "page(1)", "PgDn", show=False),
        Binding("ctrl+u,pageup", "page(-1)", "PgUp", show=False),
    ]
    DEFAULT_CSS = """
    Detail { align: center middle; }
    Detail > VerticalScroll {
        width: 95%; height: auto; max-height: 95%;
        border: thick $primary; background: $surface; padding: 0 1;
    }
    Detail .title { text-style: bold; }
    Detail .hint { color: $muted; }
    Detail #detail-text { width: 100%; }
    Detail.-nowrap #detail-text { text-wrap: nowrap; text-overflow: ellipsis; }
    """

    def __init__(self, title: str, lines: Lines) -> None:
        super().__init__()
        self.title_text = title
        self.lines = lines

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Label(self.title_text, classes="title", markup=False)
            yield Static(lines_content(self.lines), id="detail-text")
            yield Label("escape closes · W wrap on/off · j/k scroll", classes="hint")

    @property
    def text(self) -> str:
        return "\n".join("".join(t for t, _ in line) for line in self.lines)

    def action_close(self) -> None:
        self.dismiss(None)

    def action_wrap(self) -> None:
        self.toggle_class("-nowrap")

    def action_scroll(self, lines: int) -> None:
        self.query_one(VerticalScroll).scroll_relative(y=lines, animate=False)

    def action_page(self, direction: int) -> None:
        box = self.query_one(VerticalScroll)
        box.scroll_relative(y=direction * max(box.size.height - 1, 1), animate=False)
