"""The main screen: header and banner, node list, state diagrams, switchable panes.

It renders the state it is given (StateChanged from the bridge) and turns keys into intents;
actions go through the node menu and the confirmation to the engine's `Actions`.
"""

from __future__ import annotations

import time
from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import ContentSwitcher, Digits, Footer, Input, Static

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
from kaconsole.ui.present.common import clock_text
from kaconsole.ui.present.config import config_lines
from kaconsole.ui.present.explain import command_lines, session_entries, whatif_view
from kaconsole.ui.present.nodes import columns, degraded, node_rows
from kaconsole.ui.present.panes import PaneLine, advert_line, advert_sources, log_line, owner_of
from kaconsole.ui.screens.confirm import Confirm
from kaconsole.ui.screens.drills import Drills
from kaconsole.ui.screens.help import Help
from kaconsole.ui.screens.node_actions import NodeActions
from kaconsole.ui.widgets.header import Banner, ClusterHeader
from kaconsole.ui.widgets.node_table import NodeList
from kaconsole.ui.widgets.ring_pane import RingPane
from kaconsole.ui.widgets.state_diagram import StateDiagram
from kaconsole.ui.widgets.styled import lines_content

PANES = ("logs", "adverts", "timeline", "config", "whatif", "commands")
_ENTRY_ROLE = {"anomaly": "anomaly", "operator": "log-change", "state": ""}


def _entry_line(e: Entry) -> PaneLine:
    role = _ENTRY_ROLE.get(e.source, "")
    if e.source == "state":
        role = f"vrrp-{e.kind}"
    if e.kind in ("cleared", "done"):
        role = "healthy"
    if e.kind == "failed":
        role = "anomaly"
    return PaneLine(
        e.node,
        (
            (f"{clock_text(e.at)} ", "muted"),
            (f"{e.source:<9}", "muted"),
            (f"{e.node or '-':<10} ", ""),
            (e.text, role),
        ),
    )


class MainScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = list(keymap.bindings())
    #: Nothing takes the keyboard at start: every key is the console's until `/` opens the filter.
    AUTO_FOCUS = ""

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
        yield Static(id="pane-status")
        yield Input(placeholder="filter the log (escape clears)", id="filter")
        with ContentSwitcher(initial="logs", id="panes"):
            yield RingPane[LogSeen](
                lambda f: log_line(f.node, f.event),
                capacity=cap,
                searchable=lambda f: f"{f.node} {f.event.text}",
                node_of=lambda f: f.node,
                id="logs",
            )
            with Vertical(id="adverts"):
                yield Static(id="sources")
                yield RingPane[AdvertSeen](self._advert_line, capacity=cap, id="advert-lines")
            yield RingPane[Entry](_entry_line, capacity=cap, id="timeline")
            with Vertical(id="config"):
                yield Static(id="config-text")
            with Vertical(id="whatif"):
                yield Static(id="whatif-text")
            with Vertical(id="commands"):
                yield Static(id="commands-text")
        yield Footer()

    def on_mount(self) -> None:
        self._pane_status()

    def _advert_line(self, f: AdvertSeen) -> PaneLine:
        owner = owner_of(self.state, f.advert.src) if self.state else None
        return advert_line(f.node, f.advert, owner)

    # --- state in ---------------------------------------------------------------------------

    def on_state_changed(self, message: StateChanged) -> None:
        update = message.update
        self.query_one("#logs", RingPane).extend(update.logs)
        self.query_one("#advert-lines", RingPane).extend(update.adverts)
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
        new = self.console.journal.observe(view)
        self.query_one("#timeline", RingPane).extend(new)
        c = self.console
        self.query_one("#header", ClusterHeader).show(
            view, c.cluster.description, read_only=c.read_only
        )
        self.query_one("#banner", Banner).show(view, degraded(state))
        self.query_one("#nodes", NodeList).show(columns(view), node_rows(view), self.selected)
        big = self.has_class("-presentation")
        self.query_one("#diagram", StateDiagram).show(view, big=big)
        self.query_one("#sources", Static).update(lines_content(advert_sources(view)))
        self._refresh_pane()
        self._timer(view)

    def _timer(self, view: ClusterView) -> None:
        """Presentation mode's big timer: how long the first instance's MASTER has held it."""
        state, sums = view.state, view.summaries
        label, value = "no VRRP instance yet", "--:--"
        if sums:
            s = sums[0]
            node = state.node(s.master) if s.master else None
            inst = node.instance(s.name) if node else None
            if inst is not None and inst.since is not None and state.clock is not None:
                secs = int(max(state.clock - inst.since, 0))
                label, value = (
                    f"{s.name}: {s.master} MASTER for",
                    f"{secs // 60:02d}:{secs % 60:02d}",
                )
            else:
                label = f"{s.name}: no MASTER"
        self.query_one("#timer-label", Static).update(label)
        self.query_one("#timer", Digits).update(value)

    def _pane_status(self) -> None:
        logs = self.query_one("#logs", RingPane)
        parts = [f"[{self.pane}]", "l log · w wire · e events · c config"]
        if self.pane == "logs":
            parts.append("all nodes" if self.merged else f"node {self.selected_node()}")
            parts.append("following" if logs.follow else "PAUSED (f)")
            if logs.query_text:
                parts.append(f"filter {logs.query_text!r}")
            parts.append(f"{logs.lines}/{logs.capacity} lines")
            if self.console.missed:
                parts.append(f"{self.console.missed} skipped in bursts")
        self.query_one("#pane-status", Static).update(" · ".join(parts))

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

    def action_drills(self) -> None:
        self.app.push_screen(Drills(self.console))

    def action_filter(self) -> None:
        self.action_pane("logs")
        field = self.query_one("#filter", Input)
        field.display = True
        field.focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "filter":
            self._apply_log_filter()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "filter":
            self.set_focus(None)

    def action_clear_filter(self) -> None:
        field = self.query_one("#filter", Input)
        field.value = ""
        field.display = False
        self.set_focus(None)
        self._apply_log_filter()

    def _apply_log_filter(self) -> None:
        text = self.query_one("#filter", Input).value
        node = None if self.merged else self.selected_node()
        self.query_one("#logs", RingPane).set_filter(text, node)
        self._pane_status()

    def action_follow(self) -> None:
        logs = self.query_one("#logs", RingPane)
        logs.set_follow(not logs.follow)
        self._pane_status()

    def action_merge(self) -> None:
        self.merged = not self.merged
        self._apply_log_filter()

    def action_pane(self, name: str) -> None:
        self.pane = name
        self.query_one("#panes", ContentSwitcher).current = name
        self._refresh_pane()
        self._pane_status()

    def _refresh_pane(self) -> None:
        """The computed panes are drawn only while shown."""
        if self.pane == "commands":
            c, since = self.console, self.started_at
            entries = session_entries(c.audit.since(since), c.cluster.name, since)
            self.query_one("#commands-text", Static).update(lines_content(command_lines(entries)))
        if self.state is None:
            return
        if self.pane == "config":
            self.query_one("#config-text", Static).update(lines_content(config_lines(self.state)))
        elif self.pane == "whatif":
            self.query_one("#whatif-text", Static).update(lines_content(whatif_view(self.view)))

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
                time.time(), request.node, "cancelled", f"{request.label}: cancelled"
            )
            self.query_one("#timeline", RingPane).extend([entry])
            return
        now = time.time()
        self.console.monitor.record_action(
            OperatorAction(request.node, request.label, now, self.console.actions.command(request))
        )
        entry = journal.action(
            now,
            request.node,
            "confirmed",
            f"{request.label} on {request.node}: confirmed, running",
        )
        self.query_one("#timeline", RingPane).extend([entry])
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
        entry = self.console.journal.action(time.time(), r.node, kind, text)
        self.query_one("#timeline", RingPane).extend([entry])
        self.notify(text, severity="information" if ok else "error", timeout=8)
        self.console.monitor.refresh(r.node)
        if self.pane == "commands":
            self._refresh_pane()
