"""The replay console: the live console's screen on a recording, read-only by construction.

Its monitor is fed from the recording (no sessions, nothing reaches a node), the audit log is
the recording's, and the keys that act (node actions, drills, maintenance) are neither bound
nor offered. Space pauses, left/right step to the previous/next transition, anomaly or action,
`[`/`]` seek 10 s; the position bar shows where those moments are. Following a live recording,
the view stays at its end until paused or sent back.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from datetime import datetime
from functools import partial
from typing import Any, ClassVar

from rich.text import Text
from textual.app import SystemCommand
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Footer, Static

from kaconsole.engine.replay import Mark, Player, RecordedAudit
from kaconsole.ui.app import KaConsoleApp, make_app
from kaconsole.ui.context import Console
from kaconsole.ui.present.journal import Journal
from kaconsole.ui.present.priorities import PriorityHistory
from kaconsole.ui.screens.main import MainScreen
from kaconsole.ui.widgets.ring_pane import RingPane

#: Keys of the live console that act on nodes: a replay neither binds nor offers them.
ACTING = frozenset({"actions", "drills", "maintenance"})
TICK = 0.1
SEEK = 10.0
_GLYPHS = {"action": ("◆", "bold cyan"), "transition": ("┃", "bold yellow"),
           "anomaly": ("!", "bold red")}


def _clock(t: float) -> str:
    return datetime.fromtimestamp(t).strftime("%H:%M:%S")  # noqa: DTZ006 - the viewer's time


def _span(seconds: float) -> str:
    s = int(max(seconds, 0))
    return f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}"


class PositionBar(Static):
    """Where the replay is, and where its transitions, anomalies and actions are."""

    DEFAULT_CSS = "PositionBar { height: 2; padding: 0 1; }"

    def show(self, player: Player, status: str, last: Mark | None) -> None:
        width = max(self.size.width - 2, 10)
        start, span = player.start, max(player.end - player.start, 1e-9)
        cells: list[tuple[str, str]] = [("─", "dim")] * width
        rank = {"action": 0, "transition": 1, "anomaly": 2}
        kinds: list[str | None] = [None] * width
        for m in player.marks:
            i = min(int((m.t - start) / span * (width - 1)), width - 1)
            kind = kinds[i]
            if kind is None or rank[m.kind] >= rank[kind]:
                kinds[i], cells[i] = m.kind, _GLYPHS[m.kind]
        here = min(int((player.now - start) / span * (width - 1)), width - 1)
        cells[here] = ("●", "bold reverse")
        bar = Text()
        for glyph, style in cells:
            bar.append(glyph, style)
        line = (f"\n{_clock(player.now)}  +{_span(player.now - start)} / "
                f"{_span(player.end - start)}  {status}  ·  space pause · ←/→ previous/next "
                "transition or anomaly · [ ] 10 s")
        if last is not None:
            line += f"  ·  {_clock(last.t)} {last.kind}: {last.text}"
        self.update(bar + Text(line))


class ReplayScreen(MainScreen):
    BINDINGS: ClassVar[list[BindingType]] = [
        *MainScreen.BINDINGS,
        Binding("space", "play", "Pause/Play"),
        Binding("left", "mark(-1)", "Prev mark"),
        Binding("right", "mark(1)", "Next mark"),
        Binding("left_square_bracket", "jump(-10)", "-10 s"),
        Binding("right_square_bracket", "jump(10)", "+10 s"),
    ]

    def __init__(self, console: Console, player: Player, *, speed: float, at: float | None,
                 follow: bool, banner: str) -> None:
        super().__init__(console)
        self.player, self.speed, self.follow = player, speed, follow
        self.banner = banner
        self.playing = True
        self.cursor = player.end if follow and at is None else (at or player.start)
        self.last: Mark | None = None
        self.started_at = player.start  # the command pane lists the recording's actions
        self._ticked = time.monotonic()

    def on_mount(self) -> None:
        super().on_mount()
        self.mount(Static(self.banner, id="replay-banner"), before=0)
        self.mount(PositionBar(id="position"), before=self.query_one(Footer))
        self._go(self.cursor)
        self.set_interval(TICK, self._tick)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ACTING:
            return False
        return super().check_action(action, parameters)

    def _tick(self) -> None:
        now = time.monotonic()
        elapsed, self._ticked = now - self._ticked, now
        if self.follow:
            self.player.poll()
        if not self.playing:
            self._show_position()
            return
        end = self.player.end
        target = self.cursor + elapsed * self.speed
        if target >= end:
            target = end
            self.playing = self.follow
        self._go(target)

    def _go(self, t: float) -> None:
        self.cursor = max(self.player.start, min(t, self.player.end))
        if self.player.seek(self.cursor):
            for pane in self.query(RingPane):
                pane.replace(())
            self.console.journal = Journal()  # the events pane starts again too
            self.console.priorities = PriorityHistory()  # and the priority chart
        self._show_position()

    def _show_position(self) -> None:
        status = ("▶ live" if self.follow and self.cursor >= self.player.end else
                  f"▶ x{self.speed:g}") if self.playing else "❚❚ paused"
        self.query_one(PositionBar).show(self.player, status, self.last)

    def action_play(self) -> None:
        self.playing = not self.playing
        if self.playing and self.cursor >= self.player.end and not self.follow:
            self._go(self.player.start)
        self._show_position()

    def action_mark(self, direction: int) -> None:
        self.last = self.player.step(direction)
        if self.last is None:
            self.notify("no mark that way", timeout=2)
            return
        self.playing = False
        self._go(self.last.t)

    def action_jump(self, seconds: float) -> None:
        self._go(self.cursor + seconds)


class ReplayApp(KaConsoleApp):
    """The console on a recording: the replay screen, and no acting command anywhere."""

    def __init__(self, *args: Any, player: Player, speed: float, at: float | None,
                 follow: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        h = player.file.header
        who = f"{h.get('user', '?')}@{h.get('host', '?')}"
        what = "following" if follow else "replaying"
        banner = (f"READ-ONLY · {what} {who}'s {h.get('purpose', 'session')} session on "
                  f"{player.cluster.name} · {player.file.path.name} · no action reaches a node")
        self.sub_title = banner
        self.main = ReplayScreen(self, player, speed=speed, at=at, follow=follow, banner=banner)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return False if action in ACTING else super().check_action(action, parameters)

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        """Textual's own commands only: the console's palette would offer actions and drills."""
        yield from super(KaConsoleApp, self).get_system_commands(screen)


def replay_app(player: Player, *, speed: float = 1.0, at: float | None = None,
               follow: bool = False, theme: str | None = None) -> KaConsoleApp:
    """The replay (or follower) console on `player`'s recording."""
    return make_app(
        player.cluster,
        monitor=player.monitor,
        audit=RecordedAudit(player),
        cluster_file=str(player.file.path),
        read_only=True,
        theme=theme,
        run_sessions=False,
        app_class=partial(ReplayApp, player=player, speed=speed, at=at, follow=follow),
    )
