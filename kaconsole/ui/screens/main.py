"""The main screen: header and banner, node list, state diagrams, switchable panes.

It renders the state it is given (StateChanged from the bridge) and turns keys into intents;
actions go through the node menu and the confirmation to the engine's `Actions`.
"""

from __future__ import annotations

import time
from typing import ClassVar, cast

from textual import work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Digits, Footer, Input, Static

from kaconsole.core.facts import AdvertSeen, LogSeen
from kaconsole.core.insight.effects import expected_effect
from kaconsole.core.insight.explain import OperatorAction
from kaconsole.core.insight.timeline import Entry
from kaconsole.core.insight.view import ClusterView, view_of
from kaconsole.core.state.model import ClusterState
from kaconsole.engine.actions import ActionRequest
from kaconsole.errors import ActionRefused
from kaconsole.ui import keymap
from kaconsole.ui.context import Console
from kaconsole.ui.messages import ActionDone, StateChanged
from kaconsole.ui.palette import Entry as PaletteEntry
from kaconsole.ui.present.config import config_lines
from kaconsole.ui.present.detail import Lines, node_detail, row_detail
from kaconsole.ui.present.diagram import master_timer
from kaconsole.ui.present.explain import command_lines, session_entries, whatif_view
from kaconsole.ui.present.nodes import columns, degraded, node_rows
from kaconsole.ui.present.panes import PaneLine, advert_line, advert_sources
from kaconsole.ui.screens.command_line import CommandLine
from kaconsole.ui.screens.confirm import Confirm
from kaconsole.ui.screens.detail import Detail
from kaconsole.ui.screens.drill_run import NAME as DRILL_SCREEN
from kaconsole.ui.screens.drills import Drills
from kaconsole.ui.screens.help import Help
from kaconsole.ui.screens.node_actions import NodeActions
from kaconsole.ui.widgets.header import Banner, ClusterHeader
from kaconsole.ui.widgets.node_table import NodeList
from kaconsole.ui.widgets.pane_deck import PaneDeck
from kaconsole.ui.widgets.ring_pane import RingPane
from kaconsole.ui.widgets.state_diagram import StateDiagram
from kaconsole.ui.widgets.styled import lines_content


class MainScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = list(keymap.bindings())
    #: Nothing takes the keyboard at start: every key is the console's until `/` opens the filter.
    AUTO_FOCUS = ""
    #: Fewer than 36 rows: `-short` shrinks the top area (app.tcss).
    VERTICAL_BREAKPOINTS = [(0, "-short"), (36, "-tall")]  # noqa: RUF012 - Textual's own name

    def __init__(self, console: Console) -> None:
        super().__init__()
        self.console = console
        self.state: ClusterState | None = None
        self.view: ClusterView | None = None
        self.selected = 0
        self.merged = True
        self.pane = "logs"
        self.started_at = time.time()

    def compose(self) -> ComposeResult:
        cap = self.console.pane_lines
        yield ClusterHeader(id="header")
        yield Banner(id="banner")
        with Vertical(id="top"):
            yield NodeList(id="nodes")
            yield StateDiagram(id="diagram")
            yield Static(id="timer-label")
            yield Digits("--:--", id="timer")
        yield Static(id="drill-note")
        yield PaneDeck(cap, self._advert_line)
        yield Footer()

    def on_mount(self) -> None:
        self._pane_status()

    def _advert_line(self, f: AdvertSeen) -> PaneLine:
        owner = self.state.owner(f.advert.src) if self.state else None
        return advert_line(f.node, f.advert, owner)

    # --- state in ---------------------------------------------------------------------------

    def on_state_changed(self, message: StateChanged) -> None:
        update = message.update
        self.deck.ring("logs").extend(update.logs)
        self.deck.ring("adverts").extend(update.adverts)
        if update.missed:
            self.console.missed += update.missed
        if update.state is not self.state:
            self.show_view(update.view)
        self._pane_status()

    def show_state(self, state: ClusterState) -> None:
        """Render a fixed state (tests, snapshots): its view, as the monitor would derive it."""
        self.show_view(view_of(state, self.console.monitor.actions))

    def show_view(self, view: ClusterView) -> None:
        """Render one derived view: every widget reads the same summaries and anomalies."""
        state = self.state = view.state
        self.view = view
        self.selected = min(self.selected, max(len(state.nodes) - 1, 0))
        self._journalled(self.console.journal.observe(view))
        self.console.priorities.observe(view)
        c = self.console
        self.query_one("#header", ClusterHeader).show(
            view, c.cluster.description, read_only=c.read_only, findings=c.monitor.findings(state)
        )
        self.query_one("#banner", Banner).show(view, degraded(state))
        self.query_one("#nodes", NodeList).show(columns(view), node_rows(view), self.selected)
        big = self.has_class("-presentation")
        self.query_one("#diagram", StateDiagram).show(view, big=big)
        self.query_one("#sources", Static).update(lines_content(advert_sources(view)))
        self._refresh_pane()
        self._timer(view)

    def _journalled(self, new: list[Entry]) -> None:
        """The timeline pane after the journal took `new`: drawn again when it reordered."""
        ring = self.deck.ring("timeline")
        if self.console.journal.reordered:
            ring.replace(self.console.journal.entries)
        else:
            ring.extend(new)

    def _timer(self, view: ClusterView) -> None:
        label, value = master_timer(view)
        self.query_one("#timer-label", Static).update(label)
        self.query_one("#timer", Digits).update(value)

    def _pane_status(self) -> None:
        parts = []
        if self.deck.pane == "logs":
            parts.append("all nodes" if self.merged else f"node {self.selected_node()}")
            if self.console.missed:
                parts.append(f"{self.console.missed} skipped in bursts")
        self.deck.status(parts)
        self._drill_note()

    def _drill_note(self) -> None:
        """Escaping a running drill leaves it running: say so, and how to get back to it."""
        note = self.query_one("#drill-note", Static)
        running = self.console.drill_running and self.app.is_screen_installed(DRILL_SCREEN)
        note.display = running
        if running:
            drill = self.app.get_screen(DRILL_SCREEN)
            name = getattr(getattr(drill, "runner", None), "runbook", None)
            note.update(f"drill {getattr(name, 'name', '')} running — d shows it")

    def on_screen_resume(self) -> None:
        self._pane_status()

    def on_ring_pane_moved(self) -> None:
        self._pane_status()

    @property
    def deck(self) -> PaneDeck:
        return self.query_one(PaneDeck)

    def selected_node(self) -> str:
        nodes = self.console.cluster.nodes
        return nodes[self.selected].name if nodes else ""

    # --- keys -------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Read-only mode hides the actions key (and the footer does not show it)."""
        return not (action == "actions" and self.console.read_only)

    def action_help(self) -> None:
        c = self.console
        self.app.push_screen(
            Help(cluster_file=c.cluster_file, audit_log=str(c.audit.path), read_only=c.read_only)
        )

    def action_quit(self) -> None:
        self.console.request_quit()

    def action_select(self, delta: int) -> None:
        count = len(self.console.cluster.nodes)
        self.selected = max(0, min(count - 1, self.selected + delta))
        if self.view is not None:
            nodes = self.query_one("#nodes", NodeList)
            nodes.show(columns(self.view), node_rows(self.view), self.selected)
        if not self.merged:
            self._apply_log_filter()

    def action_priorities(self) -> None:
        # plotext loads on first use: the console's start-up does not pay for it
        from kaconsole.ui.widgets.priority_chart import PriorityScreen

        self.app.push_screen(PriorityScreen(lambda: self.console.priorities))

    def action_drills(self) -> None:
        self.app.push_screen(Drills(self.console))

    def action_filter(self) -> None:
        self.deck.open_search()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "filter":
            self.deck.searched(event.value, self._log_node())
            self._pane_status()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "filter":
            self.deck.active.focus()

    def action_clear_filter(self) -> None:
        if not self.deck.clear_search(self._log_node()):
            self.set_focus(None)
        self._pane_status()

    def _log_node(self) -> str | None:
        return None if self.merged else self.selected_node()

    def _apply_log_filter(self) -> None:
        logs = self.deck.ring("logs")
        logs.set_filter(logs.query_text, self._log_node())
        self._pane_status()

    def action_search_next(self, direction: int) -> None:
        self.deck.active.next_match(direction)

    def action_follow(self) -> None:
        pane = self.deck.active
        pane.set_follow(not pane.follow)
        self._pane_status()

    def action_merge(self) -> None:
        self.merged = not self.merged
        self._apply_log_filter()

    def action_pane(self, name: str) -> None:
        self.pane = name
        self.deck.switch(name)
        self._refresh_pane()
        self._pane_status()

    def action_zoom(self) -> None:
        """The active pane alone on screen (the banner stays: an alarm must not hide)."""
        self.toggle_class("-zoom")
        self.deck.active.focus()

    def _refresh_pane(self) -> None:
        """The computed panes are drawn only while shown."""
        deck = self.deck
        if self.pane == "commands":
            c, since = self.console, self.started_at
            entries = session_entries(c.audit.since(since), c.cluster.name, since)
            deck.ring("commands").replace(command_lines(entries))
        if self.state is None:
            return
        if self.pane == "config":
            state, found = self.state, self.console.monitor.findings(self.state)
            deck.document("config", (*(n.config for n in state.nodes), found),
                          lambda: config_lines(state, found))
        elif self.pane == "whatif":
            deck.ring("whatif").replace(whatif_view(self.view))

    # --- the detail view, the command line ---------------------------------------------------

    def action_open_node(self) -> None:
        if self.state is not None and self.console.cluster.nodes:
            name = self.selected_node()
            self._detail(f"node {name}", node_detail(self.state, name, *self._evidence()))

    def on_ring_pane_opened(self, message: RingPane.Opened) -> None:
        self._detail(*row_detail(message.item, self.state, *self._evidence()))

    def _evidence(self) -> tuple[list[OperatorAction], list[LogSeen], list[AdvertSeen]]:
        deck = self.deck
        logs = cast("RingPane[LogSeen]", deck.ring("logs"))
        adverts = cast("RingPane[AdvertSeen]", deck.ring("adverts"))
        return list(self.console.monitor.actions), list(logs.items), list(adverts.items)

    def _detail(self, title: str, lines: Lines) -> None:
        self.app.push_screen(Detail(title, lines))

    def action_command_line(self) -> None:
        def run(entry: PaletteEntry | None) -> None:
            if entry is not None:
                entry.run()

        self.app.push_screen(CommandLine(self.console.commands()), run)

    def select_node(self, name: str) -> None:
        names = [n.name for n in self.console.cluster.nodes]
        if name in names:
            self.action_select(names.index(name) - self.selected)

    def ask(self, request: ActionRequest) -> None:
        """A service action from the palette: the same confirmation as from the menu."""
        self._chosen(request)

    def action_next_theme(self) -> None:
        self.console.next_theme()

    def action_presentation(self) -> None:
        self.toggle_class("-presentation")
        if self.state is not None:
            self.show_state(self.state)

    def action_save(self) -> None:
        svg, md = self.console.save()
        self.notify(f"screenshot: {svg}\ntimeline: {md}", title="Saved", timeout=8)

    # --- actions ----------------------------------------------------------------------------

    def action_actions(self) -> None:
        if self.console.read_only or not self.console.cluster.nodes:
            return
        name = self.selected_node()
        node = self.state.node(name) if self.state else None
        services = {s: str(node.service(s)) for s in ("nginx", "keepalived")} if node else {}
        self.app.push_screen(NodeActions(name, services), self._chosen)

    def _chosen(self, request: ActionRequest | None) -> None:
        if request is None or self.state is None:
            return
        try:
            command = self.console.actions.command(request)
        except ActionRefused as exc:
            self.notify(str(exc), severity="error")
            return
        effect = expected_effect(self.state, request.node, request.service, request.verb)
        require = request.node if effect.no_master else None
        danger = (
            f"This leaves {', '.join(effect.no_master)} with no node able to be MASTER."
            if effect.no_master
            else ""
        )
        title = f"{request.verb.capitalize()} {request.service} on {request.node}?"
        self.app.push_screen(
            Confirm(title, effect.lines, command=command, require=require, danger=danger),
            lambda ok: self._confirmed(request, bool(ok)),
        )

    def _confirmed(self, request: ActionRequest, ok: bool) -> None:
        journal = self.console.journal
        if not ok:
            entry = journal.action(
                self.console.monitor.clock(), request.node, "cancelled",
                f"{request.label}: cancelled"
            )
            self._journalled([entry])
            return
        now = self.console.monitor.clock()
        self.console.monitor.record_action(
            OperatorAction(request.node, request.label, now, self.console.actions.command(request))
        )
        entry = journal.action(
            now,
            request.node,
            "confirmed",
            f"{request.label} on {request.node}: confirmed, running",
        )
        self._journalled([entry])
        self._execute(request)

    @work(group="actions", exit_on_error=False, description="run a confirmed service action")
    async def _execute(self, request: ActionRequest) -> None:
        try:
            outcome = await self.console.actions.execute(request, confirmed=True)
        except ActionRefused as exc:
            self.post_message(ActionDone(request, None, str(exc)))
            return
        except Exception as exc:  # a worker dies silently: the operator must see it at once
            self.post_message(ActionDone(request, None, f"{type(exc).__name__}: {exc}"))
            raise
        self.post_message(ActionDone(request, outcome))

    def on_action_done(self, message: ActionDone) -> None:
        r = message.request
        if message.outcome is not None:
            ok = message.outcome.ok and message.outcome.audit_error is None
            text, kind = message.outcome.summary(), ("done" if ok else "failed")
        else:
            ok, text, kind = False, f"{r.label} on {r.node}: refused: {message.error}", "failed"
        entry = self.console.journal.action(self.console.monitor.clock(), r.node, kind, text)
        self._journalled([entry])
        self.notify(text, severity="information" if ok else "error", timeout=8)
        self.console.monitor.refresh(r.node)
        if self.pane == "commands":
            self._refresh_pane()
