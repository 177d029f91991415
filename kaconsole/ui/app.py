"""The console app and `make_app`, the one factory the CLI, the demo and the tests use."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import partial
from pathlib import Path

from textual import work
from textual.app import App, SystemCommand
from textual.screen import Screen

from kaconsole.core.inventory.model import Cluster
from kaconsole.engine.actions import Actions
from kaconsole.engine.audit import AuditLog, state_dir
from kaconsole.engine.monitor import ClusterMonitor, ProbeFn, SessionFactory
from kaconsole.errors import InputError
from kaconsole.ui.bridge import pump
from kaconsole.ui.maintenance import ask_maintenance
from kaconsole.ui.messages import StateChanged
from kaconsole.ui.palette import Entry, catalog
from kaconsole.ui.present.journal import Journal
from kaconsole.ui.present.priorities import PriorityHistory
from kaconsole.ui.save import save_console
from kaconsole.ui.screens.confirm import Confirm
from kaconsole.ui.screens.drill_run import NAME as DRILL_SCREEN
from kaconsole.ui.screens.drills import ask_to_start, offered
from kaconsole.ui.screens.main import MainScreen
from kaconsole.ui.themes import DEFAULTS, load_themes
from kaconsole.ui.widgets.advert_matrix import AdvertMatrixScreen

#: Lines each pane keeps (the oldest fall off): bounds memory under any log rate.
PANE_LINES = 5_000


class KaConsoleApp(App[int]):
    CSS_PATH = "app.tcss"
    TITLE = "kaconsole"

    def __init__(
        self,
        cluster: Cluster,
        monitor: ClusterMonitor,
        *,
        cluster_file: str,
        read_only: bool,
        theme: str,
        audit: AuditLog,
        save_dir: Path,
        pane_lines: int,
        run_sessions: bool,
        prober: ProbeFn | None = None,
    ) -> None:
        super().__init__()
        self.cluster = cluster
        self.monitor = monitor
        self.cluster_file = cluster_file
        self.read_only = read_only
        self.audit = audit
        self.actions = Actions(cluster, runners=monitor.runner, audit=audit, read_only=read_only)
        self.journal = Journal()
        self.priorities = PriorityHistory()
        self.save_dir = save_dir
        self.pane_lines = pane_lines
        self.run_sessions = run_sessions
        self.drill_running = False
        #: How drills probe the VIP: the monitor's, so the demo answers from its simulated world.
        self.prober = prober or monitor.probe
        self.missed = 0
        self.themes = load_themes()
        for t in self.themes.values():
            self.register_theme(t)
        self.theme = theme
        self.sub_title = cluster.name + ("  [read-only]" if read_only else "")
        self.main = MainScreen(self)

    def get_theme_variable_defaults(self) -> dict[str, str]:
        return dict(DEFAULTS)

    def get_default_screen(self) -> Screen[None]:
        return self.main

    def on_mount(self) -> None:
        self._pump()
        if self.run_sessions:
            self._sessions()

    @work(group="monitor", exit_on_error=False, description="state from the monitor to the screen")
    async def _pump(self) -> None:
        await pump(self.monitor, self._hand_out)

    def _hand_out(self, message: StateChanged) -> None:
        """Each update to the main screen, and to the drill screen while one is installed."""
        self.main.post_message(message)
        if self.is_screen_installed(DRILL_SCREEN):
            self.get_screen(DRILL_SCREEN).post_message(StateChanged(message.update))

    @work(group="sessions", exit_on_error=False, description="node sessions (SSH or simulated)")
    async def _sessions(self) -> None:
        await self.monitor.run()

    # --- what the main screen asks of the app -----------------------------------------------

    def next_theme(self) -> None:
        names = list(self.themes)
        current = names.index(self.theme) if self.theme in names else -1
        self.theme = names[(current + 1) % len(names)]
        self.notify(f"theme: {self.theme}", timeout=2)

    def request_quit(self) -> None:
        if not self.drill_running:
            self.exit(0)
            return
        self.push_screen(
            Confirm(
                "Quit while a drill runs?",
                ("the drill stops where it is; the audit log keeps what already ran",),
            ),
            lambda ok: self.exit(0) if ok else None,
        )

    def action_who_hears_whom(self) -> None:
        self.push_screen(AdvertMatrixScreen(self.monitor))

    def action_maintenance(self) -> None:
        if not self.read_only and self.cluster.nodes:
            ask_maintenance(self, self, self.main.selected_node())

    def save(self) -> tuple[str, str]:
        return save_console(self, self.cluster.name, self.journal, self.save_dir)

    def commands(self) -> list[Entry]:
        return catalog(
            read_only=self.read_only,
            nodes=[n.name for n in self.cluster.nodes],
            drills=offered(self),
            themes=self.themes,
            run_action=partial(self.main.call_later, self.main.run_action),
            ask=self.main.ask,
            start_drill=partial(ask_to_start, self, self),
            select_node=self.main.select_node,
            set_theme=partial(setattr, self, "theme"),
        )

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        """The command palette: kaconsole's commands only (none of Textual's own)."""
        for e in self.commands():
            yield SystemCommand(e.name, e.help, e.run)


def make_app(
    cluster: Cluster,
    *,
    monitor: ClusterMonitor | None = None,
    sessions: SessionFactory | None = None,
    cluster_file: str = "",
    read_only: bool = False,
    theme: str | None = None,
    audit: AuditLog | None = None,
    save_dir: Path | None = None,
    pane_lines: int = PANE_LINES,
    run_sessions: bool = True,
    prober: ProbeFn | None = None,
    app_class: Callable[..., KaConsoleApp] | None = None,
) -> KaConsoleApp:
    """The console on `cluster`: over SSH by default, or the given sessions or monitor
    (`app_class`: a console built on this one, such as the replay's)."""
    available = load_themes()
    name = theme or next(iter(available))
    if name not in available:
        raise InputError("--theme", f"no theme {name!r}; available: {', '.join(available)}")
    return (app_class or KaConsoleApp)(
        cluster,
        monitor or ClusterMonitor(cluster, sessions),
        cluster_file=cluster_file,
        read_only=read_only or cluster.read_only,
        theme=name,
        audit=audit or AuditLog(),
        save_dir=save_dir or state_dir(),
        pane_lines=pane_lines,
        run_sessions=run_sessions,
        prober=prober,
    )
