"""Live sessions, actions and `kaconsole status` against the real lab, over real SSH (issue 4)."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from kaconsole.core.facts import ServiceState
from kaconsole.core.insight.anomalies import find_anomalies, summarize
from kaconsole.core.inventory.load import load_cluster
from kaconsole.core.inventory.model import Cluster
from kaconsole.core.state.model import ClusterState
from kaconsole.engine.actions import ActionRequest, Actions
from kaconsole.engine.audit import AuditLog
from kaconsole.engine.monitor import ClusterMonitor
from kaconsole.engine.status import all_ready, take_status
from kaconsole.errors import HostKeyError
from kaconsole.lab import faults, nodes
from kaconsole.transport.pool import ConnectionPool
from tests.kits.lab import Lab, eventually

pytestmark = pytest.mark.lab
INSTANCE = "VI_CLUSTER"


@pytest.fixture
def cluster(lab: Lab) -> Cluster:
    lab.ensure_up()
    return load_cluster(lab.dir / "cluster.yaml")


def status_cli(path: Path) -> tuple[int, dict[str, Any]]:
    """`kaconsole status PATH --json` as a user runs it: exit status and parsed stdout."""
    proc = subprocess.run(
        [sys.executable, "-m", "kaconsole", "status", str(path), "--json"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    return proc.returncode, json.loads(proc.stdout)


def master(state: ClusterState) -> str | None:
    return summarize(state, INSTANCE).master


async def test_steady_state_status(lab: Lab, cluster: Cluster) -> None:
    await eventually("VIP on node1", lambda: lab.holders_are(["node1"]))
    code, snap = status_cli(lab.dir / "cluster.yaml")
    assert code == 0, snap["anomalies"]
    (inst,) = snap["instances"]
    assert (inst["master"], inst["vip_holders"], inst["split_brain"]) == ("node1", ["node1"], False)
    assert inst["advert_sources"] == [lab.state.node("node1").svc_ip]
    assert inst["vrid"] == 51
    node1, node2 = snap["nodes"]
    assert node1["services"] == {"nginx": "running", "keepalived": "running"}
    assert node1["instances"][0]["state"] == "MASTER"
    assert node1["instances"][0]["base_priority"] == 120
    assert node2["instances"][0]["state"] == "BACKUP"
    assert snap["anomalies"] == []


async def test_reference_failure_and_recovery_through_audited_actions(
    lab: Lab, cluster: Cluster, tmp_path: Path
) -> None:
    monitor = ClusterMonitor(cluster)
    sessions = asyncio.create_task(monitor.run())
    audit = AuditLog(tmp_path / "audit.jsonl")
    actions = Actions(cluster, monitor.runner, audit)
    try:
        assert await monitor.wait_for(lambda s: all_ready(s, cluster) and master(s) == "node1", 60)
        stop = await actions.execute(ActionRequest("node1", "nginx", "stop"), confirmed=True)
        assert stop.ok, stop.summary()
        state = await monitor.wait_for(lambda s: master(s) == "node2", 60)
        assert state is not None, "node2 never became MASTER"
        tr = summarize(state, INSTANCE).last_transition
        assert tr is not None
        assert (tr.node, tr.cause) == ("node2", "priority_zero"), tr
        # the track script stopped keepalived: wait until it has exited, as an operator would
        # (a keepalived started while the old one still shuts down refuses to run)
        state = await monitor.wait_for(
            lambda s: s.node("node1").service("keepalived") is ServiceState.STOPPED,
            10,  # type: ignore[union-attr]
        )
        assert state is not None
        down = {(a.kind, a.extra.get("service")) for a in find_anomalies(state)}
        assert {("service_down", "nginx"), ("service_down", "keepalived")} <= down

        for service in ("nginx", "keepalived"):
            done = await actions.execute(ActionRequest("node1", service, "start"), confirmed=True)
            assert done.ok, done.summary()
        state = await monitor.wait_for(lambda s: master(s) == "node1", 60)
        seen = [(t.node, t.to_state.value, t.cause) for t in monitor.state.transitions[-6:]]
        assert state is not None, f"node1 did not take the VIP back; last transitions: {seen}"
        state = await monitor.wait_for(lambda s: not find_anomalies(s), 60)
        assert state is not None, [a.message for a in find_anomalies(monitor.state)]
    finally:
        sessions.cancel()
    entries = audit.read()
    assert [(e["phase"], e["action"]) for e in entries] == [
        ("started", "stop nginx"),
        ("completed", "stop nginx"),
        ("started", "start nginx"),
        ("completed", "start nginx"),
        ("started", "start keepalived"),
        ("completed", "start keepalived"),
    ]
    assert all(e["node"] == "node1" and e["cluster"] == cluster.name for e in entries)
    assert all(e["result"] == "ok" for e in entries if e["phase"] == "completed")


async def test_split_brain_from_a_vrrp_firewall(lab: Lab, cluster: Cluster) -> None:
    faults.apply(lab.dir, "node2", "vrrp-deaf")
    try:
        await eventually("VIP on both nodes", lambda: lab.holders_are(["node1", "node2"]), 60)
        state = await take_status(cluster)
        (anomaly,) = [a for a in find_anomalies(state) if a.kind == "split_brain"]
        assert set(anomaly.nodes) == {"node1", "node2"}
        assert anomaly.extra["likely_cause"] == "vrrp_blocked"
        assert "node2" in anomaly.message
    finally:
        faults.heal(lab.dir, "node2")
    await eventually("VIP on node1 alone", lambda: lab.holders_are(["node1"]), 60)


async def test_unreachable_node_exit_1_and_the_other_still_reported(
    lab: Lab, cluster: Cluster
) -> None:
    faults.apply(lab.dir, "node2", "mgmt-down")
    try:
        code, snap = status_cli(lab.dir / "cluster.yaml")
    finally:
        faults.heal(lab.dir, "node2")
    assert code == 1
    node1, node2 = snap["nodes"]
    assert node1["reachable"] is True
    assert node1["instances"][0]["state"] == "MASTER"
    assert node2["reachable"] is False
    assert node2["error"]
    assert [a["nodes"] for a in snap["anomalies"] if a["kind"] == "unreachable"] == [["node2"]]


async def test_session_reconnects_after_sshd_restart(lab: Lab, cluster: Cluster) -> None:
    monitor = ClusterMonitor(cluster)
    sessions = asyncio.create_task(monitor.run())

    def reachable(s: ClusterState, want: bool) -> bool:
        node = s.node("node1")
        return node is not None and node.reachable is want

    try:
        assert await monitor.wait_for(lambda s: reachable(s, True), 60)
        faults.apply(lab.dir, "node1", "stop-sshd")
        try:
            # Stopping the listener keeps established sessions: drop ours too, to force a reconnect.
            await monitor_drop(lab)
            assert await monitor.wait_for(lambda s: reachable(s, False), 60)
        finally:
            faults.heal(lab.dir, "node1")
        assert await monitor.wait_for(lambda s: reachable(s, True), 40), "no reconnect"
        assert await monitor.wait_for(lambda s: master(s) == "node1", 60)
    finally:
        sessions.cancel()


async def monitor_drop(lab: Lab) -> None:
    """Kill the SSH sessions sshd is serving on node1 (the console's among them)."""
    await asyncio.to_thread(nodes.node_exec, lab.state.node("node1").init_pid, "pkill -x sshd")


async def test_changed_host_key_is_refused(lab: Lab, cluster: Cluster, tmp_path: Path) -> None:
    known = (lab.dir / "known_hosts").read_text().splitlines()
    node1_ip = lab.state.node("node1").mgmt_ip
    node2_key = next(line for line in known if not line.startswith(node1_ip)).split(None, 1)[1]
    forged = tmp_path / "known_hosts"
    forged.write_text(
        "\n".join(
            f"{node1_ip} {node2_key}" if line.startswith(node1_ip) else line for line in known
        )
        + "\n"
    )
    text = (lab.dir / "cluster.yaml").read_text().replace(str(lab.dir / "known_hosts"), str(forged))
    path = tmp_path / "cluster.yaml"
    path.write_text(text)
    node = load_cluster(path).node("node1")
    with pytest.raises(HostKeyError, match="CHANGED"):
        await ConnectionPool().acquire(node)
    code, snap = status_cli(path)
    assert code == 1
    assert "CHANGED" in snap["nodes"][0]["error"]


async def test_jump_host_reaches_a_node_through_another(lab: Lab, tmp_path: Path) -> None:
    text = (lab.dir / "cluster.yaml").read_text()
    node1_ip = lab.state.node("node1").mgmt_ip
    text = text.replace(
        "  host_key_policy: strict", f"  host_key_policy: strict\n  jump: root@{node1_ip}"
    )
    path = tmp_path / "cluster.yaml"
    path.write_text(text)
    node2 = load_cluster(path).node("node2")
    assert node2.ssh.jump == f"root@{node1_ip}"
    async with ConnectionPool().connection(node2) as conn:
        result = await conn.run("hostname; echo $SSH_CONNECTION", check=True, timeout=10)
    hostname, via = str(result.stdout).splitlines()
    assert hostname == "node2"
    assert via.split()[0] == node1_ip  # the connection came from node1, not from this host
