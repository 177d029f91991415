"""Every built-in drill end to end on the lab, through `kaconsole drill` and the runner: the
reports, an abort that rolls back to the starting state, and a wait that never comes."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import sys
from pathlib import Path
from typing import Any

import pytest

from kaconsole.core.inventory.load import load_cluster
from kaconsole.drills.events import ConfirmRequest, DrillEvent
from kaconsole.drills.runbook import load_drill
from kaconsole.drills.runner import DrillRunner
from kaconsole.engine.actions import Actions
from kaconsole.engine.audit import AuditLog
from kaconsole.engine.monitor import ClusterMonitor
from kaconsole.lab import faults
from tests.kits.lab import Lab, drill, eventually

pytestmark = pytest.mark.lab
DATA = Path(__file__).resolve().parents[1] / "data" / "drills"


def statuses(report: dict[str, Any], section: str = "steps") -> list[tuple[str, str]]:
    return [(s["kind"], s["status"]) for s in report[section]]


async def services(lab: Lab, node: str) -> tuple[bool, bool]:
    nginx = (await lab.sh(node, "pgrep -x nginx"))[0] == 0
    keepalived = (await lab.sh(node, "pgrep -x keepalived"))[0] == 0
    return nginx, keepalived


async def healthy(lab: Lab) -> None:
    await eventually("VIP on node1 only", lambda: lab.holders_are(["node1"]), timeout=15)
    assert await services(lab, "node1") == (True, True)
    assert await services(lab, "node2") == (True, True)


async def test_nginx_failover_then_recovery(lab: Lab, tmp_path: Path) -> None:
    await healthy(lab)
    code, report, md = drill(lab, tmp_path, "nginx-failover")
    assert (code, report["result"]) == (0, "passed"), report
    assert all(s["status"] == "passed" for s in report["steps"]), report["steps"]
    assert report["roles"] == {"$master": "node1", "$backup": "node2"}
    assert [s["kind"] for s in report["steps"]] == [
        "say", "confirm", "action", "wait", "probe", "wait", "say"]
    assert (report["old_master"], report["new_master"]) == ("node1", "node2")
    assert report["failover_basis"] == "http"
    # the track script (interval 1) stops keepalived, node2 takes over after its skew; the
    # bound is loose, as the probes that time the failover run late on a loaded machine
    assert 0.5 < report["failover_seconds"] < 12
    assert 0 <= report["client_outage_seconds"] <= report["failover_seconds"]
    assert report["expected_master_down_seconds"] == pytest.approx(3.609, abs=0.01)
    assert report["new_master_first_advert_seconds"] is not None
    # probed through the drill: node2 answered after the trigger (failover_basis http); how
    # many probes went out depends on the machine's speed, so no count is asserted
    assert report["probes"]["sent"] > report["probes"]["failed"]
    assert "HTTP 200 node2" in report["steps"][4]["evidence"]
    assert "| failover" in md
    assert "PASSED" in md
    assert "labpass1" not in json.dumps(report) + md
    assert await lab.vip_holders() == ["node2"]
    assert await services(lab, "node1") == (False, False)

    code, report, _ = drill(lab, tmp_path, "recovery")
    assert (code, report["result"]) == (0, "passed"), report
    assert report["roles"]["$failed"] == "node1"
    assert report["new_master"] == "node1"
    assert report["failover_seconds"] is not None
    await healthy(lab)


async def test_keepalived_stop_then_recovery(lab: Lab, tmp_path: Path) -> None:
    await healthy(lab)
    code, report, _ = drill(lab, tmp_path, "keepalived-stop")
    assert (code, report["result"]) == (0, "passed"), report
    assert report["new_master"] == "node2"
    # priority 0 on the way out: node2 waits only its skew, not the master-down interval
    assert report["failover_seconds"] < report["expected_master_down_seconds"]
    assert await services(lab, "node1") == (True, False)
    code, report, _ = drill(lab, tmp_path, "recovery")
    assert (code, report["result"]) == (0, "passed"), report
    nginx_start = report["steps"][2]
    assert (nginx_start["kind"], nginx_start["status"]) == ("action", "skipped")
    await healthy(lab)


async def test_split_brain_check_passes_on_a_healthy_lab(lab: Lab, tmp_path: Path) -> None:
    await healthy(lab)
    code, report, _ = drill(lab, tmp_path, "split-brain-check")
    assert (code, report["result"]) == (0, "passed"), report
    assert "198.18.2.11" in report["steps"][1]["evidence"]


async def test_split_brain_check_fails_when_the_backup_is_deaf(lab: Lab, tmp_path: Path) -> None:
    await healthy(lab)
    faults.apply(lab.dir, "node2", "vrrp-deaf")
    try:
        await eventually("VIP on both", lambda: lab.holders_are(["node1", "node2"]), timeout=10)
        code, report, _ = drill(lab, tmp_path, "split-brain-check")
    finally:
        faults.heal(lab.dir, "node2")
    assert (code, report["result"]) == (1, "failed"), report
    wait = report["steps"][1]
    assert wait["status"] == "failed"
    assert "node1, node2" in wait["evidence"], wait
    await healthy(lab)


async def test_a_condition_that_never_comes_fails_there_and_acts_no_further(
    lab: Lab, tmp_path: Path
) -> None:
    await healthy(lab)
    code, report, md = drill(lab, tmp_path, str(DATA / "never-comes.yaml"))
    assert (code, report["result"]) == (1, "failed")
    assert statuses(report) == [("wait", "failed"), ("action", "skipped")]
    assert "not within 3 s: MASTER of VI_CLUSTER: node1" in report["steps"][0]["evidence"]
    # nothing acted, so there is nothing to roll back
    assert statuses(report, "rollback") == [("action", "skipped")]
    assert report["failover_seconds"] is None
    assert "FAILED" in md
    assert not (tmp_path / "audit.jsonl").exists()
    await healthy(lab)


async def test_an_aborted_drill_rolls_back_to_the_starting_state(
    lab: Lab, tmp_path: Path
) -> None:
    await healthy(lab)
    cluster = load_cluster(lab.dir / "cluster.yaml")
    monitor = ClusterMonitor(cluster)
    sessions = asyncio.create_task(monitor.run())
    asked: list[str] = []

    async def confirm(request: ConfirmRequest) -> bool:
        asked.append(request.prompt)
        return True

    def on_event(event: DrillEvent) -> None:
        # abort once the VIP has moved: in the middle of the drill, with the lab broken
        if (event.kind, event.section, event.index) == ("step_finished", "steps", 3):
            runner.abort()

    runner = DrillRunner(load_drill("nginx-failover"), monitor,
                         Actions(cluster, monitor.runner, AuditLog(tmp_path / "audit.jsonl")),
                         confirm=confirm, on_event=on_event, report_path=tmp_path / "r.json")
    try:
        report = await runner.run()
    finally:
        sessions.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await sessions
    data = json.loads((tmp_path / "r.json").read_text())
    assert data["result"] == "aborted"
    assert [s["status"] for s in data["steps"]][3:] == ["passed", "skipped", "skipped", "skipped"]
    assert [s["status"] for s in data["rollback"]] == ["passed"] * 5
    assert any("rollback" in p for p in asked)
    assert report.notes[-1] == "rollback passed"
    await healthy(lab)
    audit = [json.loads(line) for line in (tmp_path / "audit.jsonl").read_text().splitlines()]
    assert [(a["action"], a["phase"]) for a in audit] == [
        ("stop nginx", "started"), ("stop nginx", "completed"),
        ("start nginx", "started"), ("start nginx", "completed"),
        ("restart keepalived", "started"), ("restart keepalived", "completed"),
    ]  # fmt: skip


async def test_ctrl_c_aborts_the_command_which_rolls_back(lab: Lab, tmp_path: Path) -> None:
    await healthy(lab)
    report = tmp_path / "r.json"
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "kaconsole", "drill", str(lab.dir / "cluster.yaml"),
        "nginx-failover", "--yes", "--report", str(report),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        env={**os.environ, "KACONSOLE_AUDIT_LOG": str(tmp_path / "audit.jsonl")},
    )  # fmt: skip

    async def nginx_stopped() -> bool:
        with contextlib.suppress(OSError, ValueError):
            return bool(json.loads(report.read_text())["steps"][2]["status"] == "passed")
        return False

    try:
        # interrupt while the drill waits for the VIP to move
        await eventually("the report says nginx was stopped", nginx_stopped, timeout=40)
        proc.send_signal(signal.SIGINT)
        out, err = await asyncio.wait_for(proc.communicate(), 60)
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
    assert proc.returncode == 1, err.decode()
    assert b"Traceback" not in err
    assert b"aborting at the current step" in out
    data = json.loads(report.read_text())
    assert data["result"] == "aborted"
    assert [s["status"] for s in data["rollback"]] == ["passed"] * 5
    await healthy(lab)
