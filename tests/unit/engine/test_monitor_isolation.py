"""Live sessions under hostile input: one node's bad line or failing session is that node's
problem only; the others keep updating, and the node says what went wrong."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from kaconsole.commands.status import render_text
from kaconsole.core.events import LogEvent
from kaconsole.core.facts import ServiceState
from kaconsole.core.insight.snapshot import snapshot_json
from kaconsole.core.insight.view import view_of
from kaconsole.core.inventory.load import load_cluster
from kaconsole.core.inventory.model import Node
from kaconsole.core.logs.parse import LogParser
from kaconsole.core.state.model import ClusterState, NodeState
from kaconsole.engine.monitor import ClusterMonitor, Sink
from kaconsole.sim.cluster import DemoCluster, demo_sessions
from kaconsole.sim.session import SimSession
from kaconsole.transport.runner import Runner
from kaconsole.ui.present.nodes import node_rows

DEMO = Path(__file__).resolve().parents[3] / "clusters" / "demo.yaml"
#: Generous: evidence is waited for, never assumed to come within a fixed time.
DEADLINE = 60.0


class Flaky:
    """A session whose first run fails at once (a bug in one node's stream); later runs work."""

    def __init__(self, inner: SimSession) -> None:
        self.inner = inner
        self.runs = 0

    @property
    def runner(self) -> Runner | None:
        return self.inner.runner

    def refresh(self) -> None:
        self.inner.refresh()

    async def run(self) -> None:
        self.runs += 1
        if self.runs == 1:
            raise RuntimeError("boom")
        await self.inner.run()


@contextlib.asynccontextmanager
async def running(monitor: ClusterMonitor) -> AsyncIterator[ClusterMonitor]:
    task = asyncio.create_task(monitor.run())
    try:
        yield monitor
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def until(monitor: ClusterMonitor, check: Callable[[ClusterState], bool]) -> ClusterState:
    state = await monitor.wait_for(check, DEADLINE)
    assert state is not None, "timed out waiting for the evidence"
    return state


def node(state: ClusterState, name: str) -> NodeState:
    found = state.node(name)
    assert found is not None
    return found


def nginx_stopped(state: ClusterState) -> bool:
    return node(state, "node2").service("nginx") is ServiceState.STOPPED


def logged(monitor: ClusterMonitor, node: str, text: str) -> bool:
    return any(seen.node == node and seen.event.text == text for seen in monitor.logs())


async def test_a_line_that_breaks_the_parser_costs_that_line_only(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real = LogParser.feed

    def hostile(self: LogParser, line: str) -> LogEvent | None:
        if "HOSTILE" in line:
            raise ValueError("a line the parser cannot take")
        return real(self, line)

    monkeypatch.setattr(LogParser, "feed", hostile)
    cluster = load_cluster(DEMO)
    demo = demo_sessions(cluster, speed=10)
    async with running(ClusterMonitor(cluster, demo)) as monitor:
        await until(monitor, lambda s: all(n.reachable for n in s.nodes))
        demo.world.nodes["node1"].log("HOSTILE " + "9" * 4400)
        demo.world.nodes["node1"].log("node1 after the hostile line")
        demo.world.nodes["node2"].log("node2 still talking")
        demo.world.nodes["node2"].stop_nginx()
        monitor.refresh("node2")
        await until(monitor, nginx_stopped)
        await until(monitor, lambda s: logged(monitor, "node1", "node1 after the hostile line")
                    and logged(monitor, "node2", "node2 still talking"))
        state = monitor.state
        node1 = node(state, "node1")
        assert node1.reachable is True
        assert dict(node1.notes) == {"log": "1 line rejected (ValueError)"}
        assert "log" not in node1.degraded
        reach = node_rows(view_of(state))[0].cells[1][0]
        assert reach == "✔ up · log: 1 line rejected (ValueError)"
        text = render_text(snapshot_json(state, datetime.now(UTC)))
        assert "yes (log: 1 line rejected (ValueError))" in text


async def test_a_failing_session_never_takes_the_other_nodes_down() -> None:
    cluster = load_cluster(DEMO)
    demo: DemoCluster = demo_sessions(cluster, speed=10)
    flaky: list[Flaky] = []

    def sessions(node: Node, sink: Sink) -> Flaky | SimSession:
        session = demo(node, sink)
        if node.name != "node1":
            return session
        flaky.append(Flaky(session))
        return flaky[0]

    monitor = ClusterMonitor(cluster, sessions)
    seen_errors: list[str] = []

    def node1_failed(s: ClusterState) -> bool:
        if error := node(s, "node1").error:
            seen_errors.append(error)
        return bool(seen_errors)

    async with running(monitor):
        await until(monitor, node1_failed)
        assert seen_errors[0].startswith("session failed (RuntimeError: boom); restarting in ")
        await until(monitor, lambda s: node(s, "node2").reachable is True)
        await until(monitor, lambda s: node(s, "node1").reachable is True)
        demo.world.nodes["node2"].stop_nginx()
        monitor.refresh("node2")
        await until(monitor, nginx_stopped)
    assert flaky[0].runs == 2
