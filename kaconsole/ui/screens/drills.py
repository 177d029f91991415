"""Drills (`d`): the built-in drills of CONTRACTS.md section 9. Running them from the console
arrives with the drill runner; until then the list says how each one goes."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, Static

#: Built-in drills by name, as CONTRACTS.md section 9 describes them.
BUILTIN = (
    (
        "nginx-failover",
        "stop nginx on the MASTER; the track script stops keepalived; the VIP moves",
    ),
    ("recovery", "start nginx and keepalived on the failed node; the VIP returns by preemption"),
    ("keepalived-stop", "stop keepalived on the MASTER"),
    ("split-brain-check", "one advert source per VRID, no VIP on two nodes"),
)

NOTICE = "Drills run from the console in a later version; the list shows what each one does."


class Drills(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,q,d,enter", "close", "Close")]
    DEFAULT_CSS = """
    Drills { align: center middle; }
    Drills > Vertical {
        width: 90; max-width: 95%; height: auto; border: thick $primary;
        background: $surface; padding: 1 2;
    }
    Drills .title { text-style: bold; }
    Drills .hint { color: $muted; margin-top: 1; }
    """

    def compose(self) -> ComposeResult:
        width = max(len(name) for name, _ in BUILTIN)
        with Vertical():
            yield Label("Drills", classes="title")
            yield Static("\n".join(f"{n:<{width}}  {d}" for n, d in BUILTIN), markup=False)
            yield Static(NOTICE, classes="hint", markup=False)

    def action_close(self) -> None:
        self.dismiss(None)
