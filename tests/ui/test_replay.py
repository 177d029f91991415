"""`kaconsole replay`: a recorded demo failover replays with the same transitions, seeks, and
offers no key that acts."""

from __future__ import annotations

from pathlib import Path

import pytest

from kaconsole.engine.monitor import ClusterMonitor
from kaconsole.engine.replay import Player
from kaconsole.ui.replay import PositionBar, ReplayScreen, replay_app
from kaconsole.ui.widgets.node_table import NodeList
from tests.kits.demo import record_demo_failover
from tests.kits.ui import until


def _states(screen: ReplayScreen) -> dict[str, str]:
    rows = screen.query_one(NodeList).rows
    return {r.name: r.cells[4][0] if len(r.cells) > 4 else "" for r in rows}


@pytest.fixture
async def recorded(tmp_path: Path) -> tuple[Path, ClusterMonitor]:
    return await record_demo_failover(tmp_path)


async def test_replay_folds_to_the_same_transitions_and_causes(
        recorded: tuple[Path, ClusterMonitor]) -> None:
    path, live = recorded
    player = Player(str(path))
    player.goto(len(player.records))
    seen = [(t.node, t.instance, t.from_state, t.to_state, t.cause)
            for t in player.monitor.state.transitions]
    assert seen == [(t.node, t.instance, t.from_state, t.to_state, t.cause)
                    for t in live.state.transitions]
    assert [m.text for m in player.marks if m.kind == "transition"][-len(seen):] == [
        f"{n} {i} {a} -> {b} ({c})" for n, i, a, b, c in seen]


async def test_stepping_to_the_failover_shows_that_moment_and_no_key_acts(
        recorded: tuple[Path, ClusterMonitor]) -> None:
    path, _ = recorded
    player = Player(str(path))
    failover = next(m for m in player.marks if "node2" in m.text and "-> MASTER" in m.text)
    app = replay_app(player, at=player.start)
    async with app.run_test(size=(140, 45)) as pilot:
        screen = app.main
        assert isinstance(screen, ReplayScreen)
        await pilot.press("space")
        assert not screen.playing
        while player.now < failover.t:
            await pilot.press("right")
        await until(pilot, lambda: "MASTER" in _states(screen).get("node2", ""), timeout=5)
        assert "MASTER" not in _states(screen)["node1"]
        assert abs(player.now - failover.t) < 0.01
        await pilot.press("left_square_bracket")
        await until(pilot, lambda: "MASTER" not in _states(screen).get("node2", ""), timeout=5)
        for key in ("a", "d", "m", "1", "y"):
            await pilot.press(key)
            assert app.screen is screen
        assert "READ-ONLY" in str(screen.query_one("#replay-banner").render())
        assert "paused" in str(screen.query_one(PositionBar).render())
