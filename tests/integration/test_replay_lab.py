"""A console session through the reference failover and recovery, recorded as the console records
it, then replayed headless (issue 20): the same transitions, causes and anomalies in the same
order, and seeking shows the cluster as it was at that moment."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest

from kaconsole.commands.console import record
from kaconsole.core.insight.anomalies import find_anomalies, summarize
from kaconsole.core.inventory.load import load_cluster
from kaconsole.core.state.model import ClusterState
from kaconsole.engine.actions import ActionRequest, Actions
from kaconsole.engine.audit import AuditLog
from kaconsole.engine.monitor import ClusterMonitor
from kaconsole.engine.replay import Player
from kaconsole.engine.status import all_ready
from tests.kits.lab import Lab
from tests.kits.replaytrace import picture, trace_live, trace_replay

pytestmark = pytest.mark.lab
INSTANCE = "VI_CLUSTER"


def master(state: ClusterState) -> str | None:
    return summarize(state, INSTANCE).master


def keepalived_down(state: ClusterState) -> bool:
    node = state.node("node1")
    return node is not None and node.service("keepalived").value == "stopped"


async def test_a_recorded_failover_and_recovery_replays_the_same(
    lab: Lab, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KACONSOLE_RECORDINGS", str(tmp_path / "recordings"))
    cluster = load_cluster(lab.dir / "cluster.yaml")
    monitor = ClusterMonitor(cluster)
    audit = AuditLog(tmp_path / "audit.jsonl")
    recorder = record(monitor, audit, "console")  # as `kaconsole CLUSTER.yaml` records
    live = trace_live(monitor)
    sessions = asyncio.create_task(monitor.run())
    actions = Actions(cluster, monitor.runner, audit)
    try:
        ready = await monitor.wait_for(lambda s: all_ready(s, cluster) and master(s) == "node1", 60)
        assert ready is not None, "node1 never seen MASTER"
        # the log a session replays as it starts holds earlier tests' transitions (and may
        # arrive after this point): the failover is the first takeover received after the stop
        acted = time.time()
        stop = await actions.execute(ActionRequest("node1", "nginx", "stop"), confirmed=True)
        assert stop.ok, stop.summary()
        assert await monitor.wait_for(lambda s: master(s) == "node2", 60), "no failover"
        # the track script stops keepalived on node1: wait until it has exited before starting it
        assert await monitor.wait_for(keepalived_down, 60), "keepalived never seen stopped"
        for service in ("nginx", "keepalived"):
            done = await actions.execute(ActionRequest("node1", service, "start"), confirmed=True)
            assert done.ok, done.summary()
        assert await monitor.wait_for(lambda s: master(s) == "node1", 60), "no recovery"
        calm = await monitor.wait_for(lambda s: not find_anomalies(s), 60)
        assert calm is not None, [a.message for a in find_anomalies(monitor.state)]
    finally:
        sessions.cancel()
        with pytest.raises(asyncio.CancelledError):
            await sessions
    assert recorder.error is None
    assert recorder.path.exists()

    failover = live.first(("transition", "node2", INSTANCE, "BACKUP", "MASTER"),
                          received_after=acted)
    assert live.events[failover][-1] == "priority_zero", live.events
    down = live.first(("appears", "service_down", "", "node1", "keepalived"), failover)
    back = [e for e in live.events[down:] if e[:2] == ("transition", "node1") and e[4] == "MASTER"]
    assert back, live.transitions()
    assert failover < down

    player = Player(str(recorder.path))
    replay = trace_replay(player)
    assert replay.events == live.events
    assert replay.pictures == live.pictures
    assert [m.kind for m in player.marks].count("transition") == len(live.transitions())

    # seek to the failover: node2 MASTER, node1 as the live console showed it then (its own
    # MASTER -> STOP may be logged a moment later: who `summarize` calls MASTER is not asked)
    player.seek(replay.times[failover])
    node2 = player.monitor.state.node("node2")
    assert node2 is not None
    assert node2.instances[0].state.value == "MASTER"
    assert picture(player.monitor.state) == live.pictures[failover]
    # ... to keepalived seen stopped on node1: node1 stopped, node2 still MASTER
    player.seek(replay.times[down])
    state = player.monitor.state
    assert keepalived_down(state)
    assert master(state) == "node2"
    node1 = state.node("node1")
    assert node1 is not None
    assert node1.instances[0].state.value == "STOP"
    # ... and back before it, to the audited stop of nginx: node1 MASTER
    (action,) = [m for m in player.marks if m.kind == "action" and "stop nginx" in m.text]
    player.seek(action.t)
    assert master(player.monitor.state) == "node1"
    assert action.t < replay.times[failover]
