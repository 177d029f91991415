"""The drill screen: every step with its status, the current one's evidence and timer, live.

The runner works in an app worker, so `escape` goes back to the main screen while the drill
keeps running and `d` comes back here (the screen stays installed as "drill" until closed).
`x` aborts at the current step; the runner then offers the rollback through the same
confirmation dialog as every other change (cancel is the default).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar

from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Static

from kaconsole.core.insight.view import ClusterView, view_of
from kaconsole.drills.events import ConfirmRequest, DrillEvent, DrillRefused
from kaconsole.drills.model import Runbook
from kaconsole.drills.runner import DrillRunner
from kaconsole.errors import KaconsoleError
from kaconsole.ui.context import Console
from kaconsole.ui.messages import StateChanged
from kaconsole.ui.present.drill import (
    ProbeTally,
    confirm_effect,
    header,
    live_lines,
    report_path,
    result_lines,
    section_rows,
    trigger_started,
)
from kaconsole.ui.screens.confirm import Confirm
from kaconsole.ui.widgets.styled import line_content, lines_content

#: The name the running drill's screen is installed under.
NAME = "drill"
#: How often the timers and live measurements redraw.
TICK = 0.25


class DrillUpdated(Message):
    """The runner reported progress (posted from its `on_event`)."""

    def __init__(self, event: DrillEvent) -> None:
        super().__init__()
        self.event = event


class DrillRun(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("x", "abort", "Abort"),
        Binding("escape", "back", "Back (drill keeps running)"),
        Binding("q", "quit", "Quit"),
    ]
    DEFAULT_CSS = """
    DrillRun { padding: 0 1; }
    DrillRun #drill-head { height: auto; padding: 1 0 0 0; }
    DrillRun #drill-title { height: auto; color: $muted; }
    DrillRun VerticalScroll { height: 1fr; border: round $panel; margin-top: 1; }
    DrillRun #drill-live { height: auto; border-top: solid $panel; }
    DrillRun #drill-result { height: auto; }
    """

    def __init__(self, runner: DrillRunner, path: Path | None, console: Console,
                 *, clock: Callable[[], float] = time.time) -> None:
        super().__init__()
        self.console = console
        self.runner = runner
        self.report = runner.report
        self.path = path
        self.clock = clock
        self.tally = ProbeTally()
        #: The monitor's latest view, as the app hands it to every screen (never polled).
        self.view: ClusterView | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="drill-head")
        yield Static(self.runner.runbook.title, id="drill-title", markup=False)
        with VerticalScroll():
            yield Static(id="drill-steps")
        yield Static(id="drill-live")
        yield Static(id="drill-result", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        if self.view is None:  # until the next update arrives: the monitor's state now
            self.view = view_of(self.console.monitor.state)
        self.draw()
        self.set_interval(TICK, self.draw)

    def start(self) -> None:
        """Run the drill in an app worker: it outlives this screen being out of view."""
        self.console.drill_running = True
        self.app.run_worker(self._run(), group=NAME, exit_on_error=False,
                                description=f"drill {self.runner.runbook.name}")

    async def _run(self) -> None:
        try:
            await self.runner.run()
        except DrillRefused as exc:
            self.notify(f"drill not started: {exc}", severity="error", timeout=10)
        except KaconsoleError as exc:
            self.notify(f"drill stopped: {exc}", severity="error", timeout=10)
        finally:
            self.console.drill_running = False
            self.report = self.runner.report
            if self.is_mounted:
                self.draw()

    def drill_event(self, event: DrillEvent) -> None:
        """The runner's `on_event`: called on the event loop, so a message is enough."""
        self.post_message(DrillUpdated(event))

    def on_state_changed(self, message: StateChanged) -> None:
        self.view = message.update.view

    def on_drill_updated(self, message: DrillUpdated) -> None:
        self.report = message.event.report
        self.draw()

    async def confirm(self, request: ConfirmRequest) -> bool:
        """The runner's `confirm`: the confirmation dialog, cancelled with the step on abort."""
        answer: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        rollback = request.kind == "rollback"
        dialog = Confirm(request.prompt, confirm_effect(self.runner.report, rollback=rollback))

        def done(ok: bool | None) -> None:
            if not answer.done():
                answer.set_result(bool(ok))

        self.app.push_screen(dialog, done)
        try:
            return await answer
        except asyncio.CancelledError:
            stack = self.app.screen_stack
            if stack and stack[-1] is dialog:
                self.app.pop_screen()
            raise

    def draw(self) -> None:
        now = self.clock()
        self.query_one("#drill-head", Static).update(line_content(header(self.report, now)))
        rows = section_rows(self.report, now)
        self.query_one("#drill-steps", Static).update(lines_content(rows))
        view = self.view
        instance = self.report.instance
        live = self.query_one("#drill-live", Static)
        s = next((x for x in view.summaries if x.name == instance), None) if view else None
        if view is not None and s is not None and self.report.result == "running":
            self.tally.feed(view.state.probe)
            trigger = trigger_started(self.report, self.runner.runbook)
            live.update(line_content(live_lines(self.tally, s.masters, s.vip_holders, now,
                                                trigger)))
        live.display = instance is not None and self.report.result == "running"
        result = self.query_one("#drill-result", Static)
        done = self.report.result != "running"
        result.display = done
        if done:
            keys = "escape closes this screen"
            result.update("\n".join([*result_lines(self.report, self.path), keys]))

    # --- keys -------------------------------------------------------------------------------

    def action_abort(self) -> None:
        if not self.console.drill_running:
            self.notify("the drill has finished", timeout=3)
            return
        self.runner.abort()
        self.notify("aborting at the current step (a running action completes first)",
                    severity="warning", timeout=5)

    def action_back(self) -> None:
        self.app.pop_screen()
        if not self.console.drill_running:
            self.app.call_later(self.app.uninstall_screen, NAME)

    def action_quit(self) -> None:
        self.console.request_quit()


def start_drill(app: App[Any], console: Console, runbook: Runbook,
                *, clock: Callable[[], float] = time.time) -> DrillRun:
    """Install and show the drill screen, and start the drill; its report goes to `save_dir`."""
    if app.is_screen_installed(NAME):  # the last drill's, finished: make way for this one
        if app.screen_stack[-1] is app.get_screen(NAME):
            app.pop_screen()
        app.uninstall_screen(NAME)
    path = report_path(console.save_dir, console.cluster.name, runbook.name)
    screen: DrillRun
    runner = DrillRunner(runbook, console.monitor, console.actions,
                         confirm=lambda request: screen.confirm(request),
                         on_event=lambda event: screen.drill_event(event),
                         report_path=path, prober=console.prober)
    screen = DrillRun(runner, path, console, clock=clock)
    app.install_screen(screen, NAME)
    app.push_screen(NAME)
    screen.start()
    return screen
