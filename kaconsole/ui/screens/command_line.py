"""The `:` command line: the palette's commands typed by name (`:drill recovery`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import ModalScreen
from textual.suggester import SuggestFromList
from textual.widgets import Input, Label

from kaconsole.ui.palette import Entry, normalise, resolve


class CommandLine(ModalScreen[Entry | None]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]
    DEFAULT_CSS = """
    CommandLine { align: left bottom; background: $background 40%; }
    CommandLine > Input { width: 100%; border: tall $primary; }
    CommandLine > Label { width: 100%; padding: 0 1; background: $panel; color: $muted; }
    """

    def __init__(self, entries: Sequence[Entry]) -> None:
        super().__init__()
        self.entries = entries

    def compose(self) -> ComposeResult:
        yield Label("drill NAME · node NAME · pane wire|log|events|config|what-if|commands · "
                    "theme NAME · stop nginx on NODE · escape cancels", id="hint")
        names = [normalise(e.name) for e in self.entries]
        yield Input(placeholder=":", suggester=SuggestFromList(names), id="command")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        found = resolve(self.entries, event.value)
        if isinstance(found, Entry):
            self.dismiss(found)
            return
        hint = self.query_one("#hint", Label)
        if found:
            hint.update("which one? " + " · ".join(e.name for e in found[:6]))
        else:
            hint.update(f"no command {event.value!r} (ctrl+p lists them all)")

    def action_cancel(self) -> None:
        self.dismiss(None)
