"""The console on several clusters: the fleet view first, each cluster's usual console on enter.

Each cluster gets its own `ClusterConsole` (the `Console` its screens are given: its monitor,
actions, journal, read-only flag), so a cluster screen never sees another cluster's state; the
app only adds the fleet view, the switching and what belongs to the whole terminal (theme,
quit, the palette).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterable, Mapping, Sequence
from functools import partial
from pathlib import Path
from typing import ClassVar

from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.screen import Screen

from kaconsole.core.inventory.model import Cluster
from kaconsole.engine.actions import Actions
from kaconsole.engine.audit import AuditLog
from kaconsole.engine.fleet import FleetMonitor, SessionsFor
from kaconsole.engine.monitor import ClusterMonitor, ProbeFn
from kaconsole.errors import InputError
from kaconsole.ui import keymap
from kaconsole.ui.bridge import RATE, pump
from kaconsole.ui.maintenance import ask_maintenance
from kaconsole.ui.messages import StateChanged
from kaconsole.ui.palette import Entry, catalog
from kaconsole.ui.present.fleet import fleet_summary
from kaconsole.ui.present.journal import Journal
from kaconsole.ui.present.priorities import PriorityHistory
from kaconsole.ui.save import save_console
from kaconsole.ui.screens.confirm import Confirm
from kaconsole.ui.screens.drill_run import NAME as DRILL_SCREEN
from kaconsole.ui.screens.drills import BUILTIN, ask_to_start, offered
from kaconsole.ui.screens.fleet import ClusterSwitch, FleetChanged, FleetClusterScreen, FleetScreen
from kaconsole.ui.themes import DEFAULTS, load_themes
from kaconsole.ui.widgets.advert_matrix import AdvertMatrixScreen


class ClusterConsole:
    """One cluster of the fleet, as its screens see it (ui.context.Console)."""

    def __init__(self, app: FleetApp, monitor: ClusterMonitor, cluster_file: str, *,
                 read_only: bool, pane_lines: int, save_dir: Path, audit: AuditLog) -> None:
        self.app = app
        self.cluster = monitor.cluster
        self.cluster_file = cluster_file
        self.monitor = monitor
        self.read_only = read_only
        self.actions = Actions(monitor.cluster, runners=monitor.runner, audit=audit,
                               read_only=read_only)
        self.pane_lines = pane_lines
        self.save_dir = save_dir
        self.audit = audit
        self.journal = Journal()
        self.priorities = PriorityHistory()
        #: How drills probe the VIP: the monitor's, so the demo answers from its world.
        self.prober: ProbeFn = monitor.probe
        self.missed = 0
        self.drill_running = False
        self.screen: FleetClusterScreen | None = None
        #: Set while this console is on screen (under any dialog) or runs a drill: its pump
        #: derives views only then.
        self.shown = asyncio.Event()

    def next_theme(self) -> None:
        self.app.action_next_theme()

    def request_quit(self) -> None:
        self.app.action_request_quit()

    def commands(self) -> list[Entry]:
        """The palette and `:` on this cluster's screen: its nodes, drills and actions."""
        screen = self.screen
        if screen is None:
            return []
        return catalog(
            read_only=self.read_only,
            nodes=[n.name for n in self.cluster.nodes],
            drills=offered(self),
            themes=self.app.themes,
            run_action=partial(screen.call_later, screen.run_action),
            ask=screen.ask,
            start_drill=partial(ask_to_start, self.app, self),
            select_node=screen.select_node,
            set_theme=partial(setattr, self.app, "theme"),
        )

    def save(self) -> tuple[str, str]:
        return save_console(self.app, self.cluster.name, self.journal, self.save_dir)


class FleetApp(App[int]):
    CSS_PATH = "app.tcss"
    TITLE = "kaconsole"
    #: `:` on every screen of the fleet (the cluster screens' own keys stay as they are).
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("colon", "switch_cluster", "Cluster", show=False),
    ]

    def __init__(self, fleet: FleetMonitor, files: Mapping[str, str], *, read_only: bool,
                 theme: str, audit: AuditLog, save_dir: Path, pane_lines: int,
                 run_sessions: bool) -> None:
        super().__init__()
        self.fleet = fleet
        self.run_sessions = run_sessions
        self.members: dict[str, ClusterConsole] = {}
        for name, monitor in fleet.monitors.items():
            self.members[name] = ClusterConsole(
                self, monitor, files.get(name, monitor.cluster.path),
                read_only=read_only or monitor.cluster.read_only, pane_lines=pane_lines,
                save_dir=save_dir, audit=audit)
        self.fleet_line = ""
        self.themes = load_themes()
        for t in self.themes.values():
            self.register_theme(t)
        self.theme = theme
        self.sub_title = f"fleet of {len(self.members)} clusters"
        self.fleet_screen = FleetScreen(self.open_cluster, time.time)

    def get_theme_variable_defaults(self) -> dict[str, str]:
        return dict(DEFAULTS)

    def get_default_screen(self) -> Screen[None]:
        return self.fleet_screen

    def on_mount(self) -> None:
        self.screen_change_signal.subscribe(self, self._screen_changed)
        self._fleet_pump()
        if self.run_sessions:
            self._sessions()

    @work(group="fleet", exit_on_error=False, description="fleet digests to the fleet screen")
    async def _fleet_pump(self) -> None:
        async for update in self.fleet.updates():
            self.fleet_screen.post_message(FleetChanged(update))
            self.fleet_line = fleet_summary(update.clusters)
            for member in self.members.values():
                if member.screen is not None:
                    member.screen.show_fleet(self.fleet_line)
            await asyncio.sleep(1.0 / RATE)

    @work(group="sessions", exit_on_error=False, description="every cluster's node sessions")
    async def _sessions(self) -> None:
        await self.fleet.run()

    @work(exit_on_error=False, description="one cluster's state to its screen")
    async def _member_pump(self, member: ClusterConsole) -> None:
        def hand_out(message: StateChanged) -> None:
            if member.screen is not None:
                member.screen.post_message(message)
            if member.drill_running and self.is_screen_installed(DRILL_SCREEN):
                self.get_screen(DRILL_SCREEN).post_message(StateChanged(message.update))

        await pump(member.monitor, hand_out, shown=member.shown)

    def _screen_changed(self, _: Screen[object]) -> None:
        """Only the console on screen, or one running a drill, keeps deriving its views."""
        active = self.active
        for member in self.members.values():
            if member is active or member.drill_running:
                member.shown.set()
            else:
                member.shown.clear()

    # --- switching ----------------------------------------------------------------------------

    @property
    def active(self) -> ClusterConsole | None:
        """The cluster whose console is on top (under any dialog), None on the fleet view."""
        for screen in reversed(self.screen_stack):
            if isinstance(screen, FleetClusterScreen):
                return next(m for m in self.members.values() if m.screen is screen)
            if screen is self.fleet_screen:
                return None
        return None

    def open_cluster(self, name: str) -> None:
        """That cluster's console over the fleet view (whatever cluster was shown before)."""
        member = self.members[name]
        while len(self.screen_stack) > 1 and self.screen is not self.fleet_screen:
            self.pop_screen()
        if member.screen is None:
            member.screen = FleetClusterScreen(member, self.fleet_line)
            self._member_pump(member)
        self.push_screen(member.screen)

    def action_switch_cluster(self) -> None:
        self.push_screen(ClusterSwitch(list(self.members)),
                         lambda name: self.open_cluster(name) if name else None)

    # --- the whole terminal's verbs -------------------------------------------------------------

    def action_next_theme(self) -> None:
        names = list(self.themes)
        current = names.index(self.theme) if self.theme in names else -1
        self.theme = names[(current + 1) % len(names)]
        self.notify(f"theme: {self.theme}", timeout=2)

    def action_request_quit(self) -> None:
        if not any(m.drill_running for m in self.members.values()):
            self.exit(0)
            return
        self.push_screen(Confirm("Quit while a drill runs?", (
            "the drill stops where it is; the audit log keeps what already ran",)),
            lambda ok: self.exit(0) if ok else None)

    def action_who_hears_whom(self) -> None:
        if (member := self.active) is not None:
            self.push_screen(AdvertMatrixScreen(member.monitor))

    def action_maintenance(self) -> None:
        member = self.active
        if member is not None and member.screen is not None and not member.read_only:
            ask_maintenance(self, member, member.screen.selected_node())

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        """The palette: a switch to each cluster, the shown cluster's actions and drills."""
        for name, each in self.members.items():
            yield SystemCommand(f"Cluster: {name}", f"open {each.cluster_file}",
                                partial(self.open_cluster, name))
        member = self.active
        if member is not None and member.screen is not None:
            for c in keymap.MAIN:
                if not (member.read_only and c.writes):
                    run = partial(member.screen.call_later, member.screen.run_action, c.action)
                    yield SystemCommand(c.label, f"{keymap.key_label(c.keys)}: {c.description}",
                                        run)
            if not member.read_only:
                for drill, title in BUILTIN:
                    yield SystemCommand(f"Drill: {drill}", f"{title} (shows its steps, asks)",
                                        partial(ask_to_start, self, member, drill))
        yield from super().get_system_commands(screen)


def make_fleet_app(clusters: Sequence[Cluster], *, sessions: SessionsFor = lambda _: None,
                   read_only: bool = False, theme: str | None = None,
                   audit: AuditLog | None = None, save_dir: Path | None = None,
                   pane_lines: int = 5_000, run_sessions: bool = True) -> FleetApp:
    """The fleet console on `clusters`: over SSH by default, or the given sessions."""
    available = load_themes()
    name = theme or next(iter(available))
    if name not in available:
        raise InputError("--theme", f"no theme {name!r}; available: {', '.join(available)}")
    fleet = FleetMonitor(clusters, sessions)
    files = {n: m.cluster.path for n, m in fleet.monitors.items()}
    return FleetApp(fleet, files, read_only=read_only, theme=name, audit=audit or AuditLog(),
                    save_dir=save_dir or Path.cwd(), pane_lines=pane_lines,
                    run_sessions=run_sessions)
