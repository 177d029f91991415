"""Help (`?`): every key, the cluster file in use and where the audit log is."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from kaconsole.ui.keymap import help_rows
from kaconsole.ui.screens.drills import BUILTIN


class Help(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark,enter", "close", "Close")
    ]
    DEFAULT_CSS = """
    Help { align: center middle; }
    Help > VerticalScroll {
        width: 90; max-width: 95%; height: auto; max-height: 90%;
        border: thick $primary; background: $surface; padding: 1 2;
    }
    Help .title { text-style: bold; }
    Help .where { color: $muted; margin-top: 1; }
    """

    def __init__(self, *, cluster_file: str, audit_log: str, read_only: bool) -> None:
        super().__init__()
        self.cluster_file = cluster_file
        self.audit_log = audit_log
        self.read_only = read_only

    def compose(self) -> ComposeResult:
        rows = help_rows(self.read_only)
        width = max(len(k) for k, _ in rows)
        with VerticalScroll():
            yield Label("kaconsole keys", classes="title")
            yield Static("\n".join(f"{k:>{width}}  {d}" for k, d in rows), markup=False)
            drills = ", ".join(name for name, _ in BUILTIN)
            yield Static(f"drills (d, or the palette): {drills}", classes="where", markup=False)
            mode = "read-only: actions are disabled" if self.read_only else "actions enabled"
            yield Static(
                f"cluster file: {self.cluster_file}\n"
                f"audit log:    {self.audit_log}\n"
                f"mode:         {mode}",
                classes="where",
                markup=False,
            )

    def action_close(self) -> None:
        self.dismiss(None)
