"""`kaconsole replay`: a recorded demo failover replays with the same transitions, seeks, and
offers no key that acts."""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path

import pytest

from kaconsole.engine.monitor import ClusterMonitor
from kaconsole.engine.recording import Recorder
from kaconsole.engine.replay import Player
from kaconsole.sim.cluster import demo_cluster, demo_sessions
from kaconsole.ui.replay import PositionBar, ReplayScreen, replay_app
from kaconsole.ui.widgets.node_table import NodeList
from tests.kits.ui import until


async def record_demo_failover(directory: Path) -> tuple[Path, ClusterMonitor]:
    """A demo session at 20x, node1's keepalived stopped then started, recorded on the
    simulated clock (so its times are the facts' times)."""
    cluster, _ = demo_cluster()
    demo = demo_sessions(cluster, speed=20.0)
    monitor = ClusterMonitor(cluster, demo)
    monitor.recorder = Recorder(cluster, "console", directory, clock=demo.world.now)
    task = asyncio.create_task(monitor.run())
    await monitor.wait_for(lambda s: "MASTER" in str(s.nodes[0].instances), 10)
    demo.world._node("node1").stop_keepalived()
    await monitor.wait_for(lambda s: "MASTER" in str(s.nodes[1].instances), 10)
    await asyncio.sleep(0.3)
    demo.world._node("node1").start_keepalived()
    await monitor.wait_for(lambda s: s.transition_count >= 7, 10)
    await asyncio.sleep(0.2)
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
    return monitor.recorder.path, monitor


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
