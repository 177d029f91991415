"""The demo's `--clock-skew`: a simulated node's log times off the console's clock are measured
through the real ingest and reported as skew; the demo's default, in step, reports none."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from kaconsole.core.events import VrrpState
from kaconsole.core.insight.anomalies import find_anomalies
from kaconsole.core.inventory.load import load_cluster
from kaconsole.core.state.model import ClusterState
from kaconsole.engine.monitor import ClusterMonitor
from kaconsole.sim.cluster import demo_sessions

ROOT = Path(__file__).resolve().parents[3]


def _skews(state: ClusterState) -> list[str]:
    return [a.message for a in find_anomalies(state) if a.kind == "clock_skew"]


def _elected(state: ClusterState) -> bool:
    """Both nodes measured (a line each) and the election over (node2 BACKUP after MASTER)."""
    node2 = state.node("node2")
    inst = node2.instance("VI_CLUSTER") if node2 else None
    return all(n.clock_offset is not None for n in state.nodes) and inst is not None and (
        inst.state is VrrpState.BACKUP)


@pytest.mark.parametrize(("skew", "shown"), [({"node2": 3.0}, True), ({}, False)])
async def test_the_demo_reports_a_skewed_node_and_stays_silent_in_step(
    skew: dict[str, float], shown: bool
) -> None:
    cluster = load_cluster(ROOT / "clusters/demo.yaml")
    monitor = ClusterMonitor(cluster, demo_sessions(cluster, speed=20.0, skew=skew))
    task = asyncio.create_task(monitor.run())
    try:
        state = await monitor.wait_for(_elected, 60)
        assert state is not None
        if shown:
            state = await monitor.wait_for(lambda s: bool(_skews(s)), 60)
            assert state is not None
            (message,) = _skews(state)
            assert message.startswith("clock skew: node2 is ")
            assert "ahead of node1" in message
        else:
            assert _skews(state) == []
    finally:
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
