"""The confirmation dialog: what will run, what it will do; cancel is the default.

When the action would leave an instance with no node able to be MASTER, `y` is not enough:
the node's name must be typed (then enter).
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static


class Confirm(ModalScreen[bool]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "confirm", "Confirm"),
        Binding("n,escape", "cancel", "Cancel"),
    ]
    DEFAULT_CSS = """
    Confirm { align: center middle; }
    Confirm > Vertical {
        width: 90; max-width: 95%; height: auto; max-height: 90%;
        border: thick $warning; background: $surface; padding: 1 2;
    }
    Confirm .title { text-style: bold; width: 1fr; }
    Confirm .heading { color: $muted; margin-top: 1; }
    Confirm .command { background: $panel; padding: 0 1; }
    Confirm .danger { color: $anomaly; text-style: bold; margin-top: 1; }
    Confirm Horizontal { height: auto; margin-top: 1; align-horizontal: right; }
    Confirm Button { margin-left: 2; }
    """

    def __init__(
        self,
        title: str,
        effect: tuple[str, ...],
        *,
        command: str | None = None,
        require: str | None = None,
        danger: str = "",
    ) -> None:
        super().__init__()
        self.title_text = title
        self.effect = effect
        self.command = command
        self.require = require
        self.danger = danger

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.title_text, classes="title")
            if self.command is not None:
                yield Label("Command", classes="heading")
                yield Static(self.command, classes="command", markup=False)
            yield Label("Expected effect", classes="heading")
            yield Static("\n".join(f"• {line}" for line in self.effect), markup=False)
            if self.require is not None:
                yield Static(
                    f"{self.danger}\nType {self.require} and press enter to confirm.",
                    classes="danger",
                    markup=False,
                )
                yield Input(placeholder=self.require, id="typed")
            with Horizontal():
                yield Button("Cancel (n)", id="cancel")
                yield Button("Confirm (y)", id="confirm", variant="error")

    def on_mount(self) -> None:
        if self.require is not None:
            self.query_one("#typed", Input).focus()
        else:
            self.query_one("#cancel", Button).focus()

    def action_confirm(self) -> None:
        if self.require is not None:
            typed = self.query_one("#typed", Input).value.strip()
            if typed != self.require:
                self.notify(f"type {self.require} to confirm", severity="warning")
                return
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_confirm()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "confirm":
            self.action_confirm()
        else:
            self.dismiss(False)
