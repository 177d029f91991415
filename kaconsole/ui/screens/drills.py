"""Drills (`d`): pick a built-in drill; enter shows its steps and asks to start it.

While a drill runs (or its screen still shows a result nobody closed), `d` goes back to it
instead: one drill at a time.
"""

from __future__ import annotations

from typing import Any, ClassVar

from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from kaconsole.drills.runbook import builtin_names, load_drill
from kaconsole.errors import KaconsoleError
from kaconsole.ui.context import Console
from kaconsole.ui.present.drill import changes_nodes, preview
from kaconsole.ui.screens.confirm import Confirm
from kaconsole.ui.screens.drill_run import NAME, start_drill

#: The built-in drills (CONTRACTS.md section 9) and their titles, as the picker lists them.
BUILTIN: tuple[tuple[str, str], ...] = tuple((n, load_drill(n).title) for n in builtin_names())
HINT = "enter: see the steps and start (asks first) · escape: close"


def offered(console: Console) -> list[tuple[str, str]]:
    """The drills this console offers: in read-only mode only those that change no node."""
    return [(n, t) for n, t in BUILTIN
            if not (console.read_only and changes_nodes(load_drill(n)))]


def ask_to_start(app: App[Any], console: Console, name: str) -> None:
    """The drill's description and steps in the confirmation dialog; yes starts it."""
    if app.is_screen_installed(NAME) and console.drill_running:
        app.notify("a drill is running: d shows it", severity="warning", timeout=5)
        return
    try:
        runbook = load_drill(name)
    except KaconsoleError as exc:
        app.notify(str(exc), severity="error", timeout=8)
        return
    if console.cluster.read_only:
        app.notify(f"{console.cluster.name} is read-only (read_only: true in its file): "
                   "no drill runs there", severity="error", timeout=8)
        return
    if console.read_only and changes_nodes(runbook):
        app.notify(f"read-only console: {name} changes nodes and is not offered",
                   severity="warning", timeout=5)
        return
    effect = preview(runbook, console.monitor.state)

    def chosen(ok: bool | None) -> None:
        if ok:
            start_drill(app, console, runbook)

    app.push_screen(Confirm(f"Start drill {name}: {runbook.title}?", effect), chosen)


class Drills(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,q,d", "close", "Close")]
    DEFAULT_CSS = """
    Drills { align: center middle; }
    Drills > Vertical {
        width: 90; max-width: 95%; height: auto; border: thick $primary;
        background: $surface; padding: 1 2;
    }
    Drills .title { text-style: bold; }
    Drills OptionList { height: auto; max-height: 12; margin-top: 1; }
    Drills .hint { color: $muted; margin-top: 1; }
    """

    def __init__(self, console: Console) -> None:
        super().__init__()
        self.console = console

    def compose(self) -> ComposeResult:
        width = max(len(n) for n, _ in BUILTIN)
        options = [Option(f"{n:<{width}}  {title}", id=n) for n, title in offered(self.console)]
        with Vertical():
            yield Label("Drills", classes="title")
            yield OptionList(*options)
            yield Static(HINT, classes="hint", markup=False)

    def on_mount(self) -> None:
        if self.app.is_screen_installed(NAME):
            self.app.switch_screen(NAME)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        name = event.option.id
        self.dismiss(None)
        if name is not None:
            # from the app, not this screen: the dialog's answer must not go to a closed screen
            self.app.call_later(ask_to_start, self.app, self.console, name)

    def action_close(self) -> None:
        self.dismiss(None)
