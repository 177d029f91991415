"""A mixed cluster, as in a rolling upgrade: node1 on the distribution's keepalived 2.2.7, node2 on
2.3.3 built from Debian's source package (`kaconsole lab build 2.3.3`), with the newer dump
settings (`json_version 2`, a moved `json_dump_file`). The console must see it as it sees a
uniform one.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kaconsole.core.facts import ChannelStatus, DumpObserved, Fact
from kaconsole.core.insight.anomalies import find_anomalies, summarize
from kaconsole.core.insight.matrix import advert_matrix
from kaconsole.core.inventory.load import load_cluster
from kaconsole.engine.actions import ActionRequest, Actions
from kaconsole.engine.audit import AuditLog
from kaconsole.engine.monitor import ClusterMonitor
from kaconsole.engine.status import all_ready, take_status
from kaconsole.errors import LabError
from kaconsole.lab import build, configs, control, faults
from kaconsole.lab.configs import LabSpec
from kaconsole.transport.pollers import PollSettings
from kaconsole.transport.session import NodeSession, SessionSettings
from tests.kits.lab import Lab, assert_node2_deaf, drill, eventually, unavailable

pytestmark = pytest.mark.lab
NEW = "2.3.3"
INSTANCE = "VI_CLUSTER"


@pytest.fixture(scope="module")
def mixed(lab_session: Lab) -> Iterator[Lab]:
    """The session's lab rebuilt mixed; taken down after, so the next test gets a uniform one."""
    if build.built(NEW) is None:
        unavailable(f"keepalived {NEW} is not built: run `kaconsole lab build {NEW}`")
    started = time.monotonic()
    try:
        state = control.up(lab_session.dir, LabSpec(keepalived={"node2": NEW}))
    except LabError as exc:
        unavailable(str(exc))
    yield Lab(lab_session.dir, state, time.monotonic() - started)
    control.down(lab_session.dir)  # `lab` (ensure_up) brings the uniform lab back when needed


def _cli(*args: str) -> tuple[int, Any]:
    proc = subprocess.run([sys.executable, "-m", "kaconsole", *args], capture_output=True,
                          text=True, timeout=90, check=False)
    return proc.returncode, json.loads(proc.stdout) if proc.stdout.strip() else proc.stderr


def _answers(snap: dict[str, Any]) -> dict[str, Any]:
    """What an engineer reads in a snapshot, without times."""
    (inst,) = snap["instances"]
    return {
        "nodes": [(n["name"], n["reachable"], n["services"],
                   [(i["state"], i["base_priority"], i["effective_priority"], i["holds_vips"])
                    for i in n["instances"]]) for n in snap["nodes"]],
        "instance": (inst["master"], inst["vip_holders"], inst["advert_sources"],
                     inst["split_brain"]),
        "anomalies": snap["anomalies"],
    }


def test_lab_status_shows_each_nodes_keepalived(mixed: Lab) -> None:
    code, report = _cli("lab", "status", "--dir", str(mixed.dir), "--json")
    assert code == 0, report
    assert [(n["name"], n["keepalived_version"]) for n in report["nodes"]] == [
        ("node1", build.parse_version(_system_version())), ("node2", NEW)]
    assert mixed.up_seconds < 15


def _system_version() -> str:
    proc = subprocess.run(["keepalived", "--version"], capture_output=True, text=True,
                          check=False)
    return proc.stderr + proc.stdout


async def test_status_answers_as_on_a_uniform_cluster(mixed: Lab) -> None:
    await eventually("VIP on node1", lambda: mixed.holders_are(["node1"]))
    code, snap = _cli("status", str(mixed.dir / "cluster.yaml"), "--json")
    assert code == 0, snap
    running = {"nginx": "running", "keepalived": "running"}
    assert _answers(snap) == {
        "nodes": [("node1", True, running, [("MASTER", 120, 120, True)]),
                  ("node2", True, running, [("BACKUP", 100, 100, False)])],
        "instance": ("node1", ["node1"], [mixed.state.node("node1").svc_ip], False),
        "anomalies": [],
    }


async def test_the_new_nodes_moved_version_2_dump_is_read(mixed: Lab) -> None:
    _, conf = await mixed.sh("node2", f"cat {configs.KEEPALIVED_CONF}")
    assert "json_version 2\n" in conf
    assert f"json_dump_file {configs.MOVED_JSON_DUMP}\n" in conf
    facts: list[Fact] = []
    cluster = load_cluster(mixed.dir / "cluster.yaml")
    session = NodeSession(cluster.node("node2"), facts.append,
                          SessionSettings(PollSettings(dump_interval=0.5), capture=False))
    task = asyncio.create_task(session.run())

    async def dumped() -> bool:
        failed = [f for f in facts if isinstance(f, ChannelStatus) and f.channel == "dump"
                  and not f.ok]
        assert not failed, failed[0].message
        return any(isinstance(f, DumpObserved) for f in facts)

    try:
        await eventually("a dump read from node2", dumped, timeout=20)
    finally:
        task.cancel()
    (dump,) = [f for f in facts if isinstance(f, DumpObserved)][:1]
    assert [(i.name, i.state.value, i.vrid, i.base_priority) for i in dump.instances] == [
        ("VI_CLUSTER", "BACKUP", 51, 100)]
    # 2.3.3 parses json_dump_file but still writes $TMPDIR/keepalived.json, in the v2 layout
    _, head = await mixed.sh("node2", "head -c 9 /tmp/keepalived.json")
    assert head == '{"vrrp":['


async def test_check_runs_on_the_mixed_cluster(mixed: Lab) -> None:
    code, report = _cli("check", str(mixed.dir / "cluster.yaml"), "--json", "--no-capture")
    assert code == 1, report
    assert sorted(f["code"] for f in report["findings"]) == ["weight_tie"]  # as when uniform


async def test_reference_failover_from_old_to_new_is_seen(mixed: Lab, tmp_path: Path) -> None:
    """Stop nginx on the 2.2.7 MASTER: its track script stops keepalived, 2.3.3 takes over."""
    cluster = load_cluster(mixed.dir / "cluster.yaml")
    monitor = ClusterMonitor(cluster)
    sessions = asyncio.create_task(monitor.run())
    actions = Actions(cluster, monitor.runner, AuditLog(tmp_path / "audit.jsonl"))
    try:
        ready = await monitor.wait_for(
            lambda s: all_ready(s, cluster) and summarize(s, INSTANCE).master == "node1", 15)
        assert ready is not None, "node1 never seen as MASTER"
        stop = await actions.execute(ActionRequest("node1", "nginx", "stop"), confirmed=True)
        assert stop.ok, stop.summary()
        state = await monitor.wait_for(lambda s: summarize(s, INSTANCE).master == "node2", 10)
        assert state is not None, "node2 never seen as MASTER"
        tr = summarize(state, INSTANCE).last_transition
        assert tr is not None
        assert (tr.node, tr.cause) == ("node2", "priority_zero"), tr
    finally:
        sessions.cancel()
    await eventually("VIP on node2 only", lambda: mixed.holders_are(["node2"]), timeout=5)

    async def served_by_node2() -> bool:
        return mixed.http_vip() == "node2\n"

    await eventually("HTTP through the VIP answered by node2", served_by_node2, timeout=5)
    code, snap = _cli("status", str(mixed.dir / "cluster.yaml"), "--json")
    (inst,) = snap["instances"]
    assert (inst["master"], inst["vip_holders"]) == ("node2", ["node2"]), snap
    assert snap["nodes"][1]["instances"][0]["state"] == "MASTER"
    assert code == 1  # nginx (and by its script keepalived) stopped on node1
    assert {a["kind"] for a in snap["anomalies"]} == {"service_down"}


@pytest.fixture
def healed(mixed: Lab) -> Lab:
    """The mixed lab with faults healed, services running and the VIP on node1 (as `lab` does
    for the uniform one): the failover above leaves node1 stopped."""
    mixed.ensure_up()
    return mixed


async def test_split_brain_is_blamed_on_the_deaf_new_node(healed: Lab, tmp_path: Path) -> None:
    """node2 (2.3.3) drops VRRP in input: the same matrix, cause and drill verdict as uniform."""
    faults.apply(healed.dir, "node2", "vrrp-deaf")
    try:
        await eventually("VIP on both", lambda: healed.holders_are(["node1", "node2"]), 15)
        state = await take_status(load_cluster(healed.dir / "cluster.yaml"))
        m = advert_matrix(state, INSTANCE)
        assert m is not None
        assert_node2_deaf(m)
        (split,) = [a for a in find_anomalies(state) if a.kind == "split_brain"]
        assert split.extra["likely_cause"] == "vrrp_blocked"
        assert "VRRP is dropped on node2 (firewall)" in split.message
        assert "dropped on node1" not in split.message
        code, report, _ = drill(healed, tmp_path, "split-brain-check")
        assert (code, report["result"]) == (1, "failed"), report
        assert report["steps"][1]["status"] == "failed"
        assert "node1, node2" in report["steps"][1]["evidence"]
    finally:
        faults.heal(healed.dir, "node2")
    await eventually("VIP on node1 alone", lambda: healed.holders_are(["node1"]), 15)


async def test_nginx_failover_then_recovery_drills(healed: Lab, tmp_path: Path) -> None:
    """From the 2.2.7 MASTER to the 2.3.3 BACKUP and back, with the uniform cluster's report."""
    await eventually("VIP on node1", lambda: healed.holders_are(["node1"]), 15)
    code, report, md = drill(healed, tmp_path, "nginx-failover")
    assert (code, report["result"]) == (0, "passed"), report
    assert [(s["kind"], s["status"]) for s in report["steps"]] == [
        ("say", "passed"), ("confirm", "passed"), ("action", "passed"), ("wait", "passed"),
        ("probe", "passed"), ("wait", "passed"), ("say", "passed")]  # fmt: skip
    assert report["roles"] == {"$master": "node1", "$backup": "node2"}
    assert (report["old_master"], report["new_master"]) == ("node1", "node2")
    assert report["failover_basis"] == "http"
    assert 0.5 < report["failover_seconds"] < 12  # loose: probes run late on a loaded machine
    assert 0 <= report["client_outage_seconds"] <= report["failover_seconds"]
    assert report["expected_master_down_seconds"] == pytest.approx(3.609, abs=0.01)
    assert report["new_master_first_advert_seconds"] is not None
    assert "HTTP 200 node2" in report["steps"][4]["evidence"]
    assert "PASSED" in md
    assert await healed.vip_holders() == ["node2"]

    code, report, _ = drill(healed, tmp_path, "recovery")
    assert (code, report["result"]) == (0, "passed"), report
    assert report["roles"]["$failed"] == "node1"
    assert report["new_master"] == "node1"
    assert report["failover_seconds"] is not None
    await eventually("VIP back on node1", lambda: healed.holders_are(["node1"]), 15)
