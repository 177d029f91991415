"""The actions menu of one node (`a`): 1..6 pick a service action, escape closes."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from kaconsole.engine.actions import ActionRequest
from kaconsole.ui.keymap import SERVICE_ACTIONS, request


class NodeActions(ModalScreen[ActionRequest | None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        *(
            Binding(key, f"pick('{key}')", f"{verb} {service}")
            for key, service, verb in SERVICE_ACTIONS
        ),
        Binding("escape,n", "cancel", "Close"),
    ]
    DEFAULT_CSS = """
    NodeActions { align: center middle; }
    NodeActions > Vertical {
        width: 60; height: auto; border: thick $primary; background: $surface; padding: 1 2;
    }
    NodeActions .title { text-style: bold; margin-bottom: 1; }
    NodeActions .hint { color: $muted; margin-top: 1; }
    """

    def __init__(self, node: str, services: dict[str, str]) -> None:
        super().__init__()
        self.node = node
        self.services = services

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(f"Actions on {self.node}", classes="title")
            now = ", ".join(f"{s} {state}" for s, state in self.services.items())
            yield Static(f"now: {now}", markup=False)
            for key, service, verb in SERVICE_ACTIONS:
                yield Static(f"  {key}  {verb} {service}", markup=False)
            yield Static("Each asks for confirmation first. escape: close", classes="hint")

    def action_pick(self, key: str) -> None:
        self.dismiss(request(self.node, key))

    def action_cancel(self) -> None:
        self.dismiss(None)
