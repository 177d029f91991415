"""The runner end to end on the demo's simulated nodes (the same parsers as real ones): the
reference failure and recovery, a wait that never comes, an abort with rollback, a declined
confirmation and a refused start. Probes ask the simulated world who serves the VIP."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from kaconsole.core.insight.anomalies import summarize
from kaconsole.core.inventory.load import load_cluster
from kaconsole.core.inventory.model import Cluster
from kaconsole.drills.events import ConfirmRequest, DrillEvent, DrillRefused
from kaconsole.drills.model import Runbook
from kaconsole.drills.runbook import load_drill, parse_runbook
from kaconsole.drills.runner import DrillRunner
from kaconsole.engine.actions import ActionOutcome, ActionRequest, Actions
from kaconsole.engine.audit import AuditError, AuditLog
from kaconsole.engine.monitor import ClusterMonitor
from kaconsole.sim.cluster import DemoCluster, demo_sessions
from kaconsole.transport.ingest import Ingest

ROOT = Path(__file__).resolve().parents[3]
NEVER = str(ROOT / "tests/data/drills/never-comes.yaml")


class Rig:
    def __init__(self, cluster: Cluster, demo: DemoCluster, monitor: ClusterMonitor,
                 tmp: Path) -> None:
        self.cluster, self.demo, self.monitor, self.tmp = cluster, demo, monitor, tmp
        self.asked: list[str] = []
        self.answer = True

    async def confirm(self, request: ConfirmRequest) -> bool:
        self.asked.append(request.prompt)
        return self.answer

    def runner(self, drill: str | Runbook, **kw: object) -> DrillRunner:
        actions = Actions(self.cluster, self.monitor.runner, AuditLog(self.tmp / "audit.jsonl"))
        book = load_drill(drill) if isinstance(drill, str) else drill
        return DrillRunner(book, self.monitor, actions, confirm=self.confirm,
                           report_path=self.tmp / "r.json", **kw)  # type: ignore[arg-type]

    def audited(self) -> list[str]:
        path = self.tmp / "audit.jsonl"
        if not path.exists():
            return []
        lines = [json.loads(line) for line in path.read_text().splitlines()]
        return [f"{a['action']} on {a['node']}" for a in lines if a["phase"] == "completed"]

    def saved(self) -> dict[str, object]:
        data: dict[str, object] = json.loads((self.tmp / "r.json").read_text())
        return data


@pytest.fixture
async def rig(tmp_path: Path) -> AsyncIterator[Rig]:
    cluster = load_cluster(ROOT / "clusters/demo.yaml")
    demo = demo_sessions(cluster, speed=10)
    monitor = ClusterMonitor(cluster, demo)
    task = asyncio.create_task(monitor.run())
    yield Rig(cluster, demo, monitor, tmp_path)
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


def statuses(report: dict[str, object], section: str = "steps") -> list[str]:
    steps = report[section]
    assert isinstance(steps, list)
    return [s["status"] for s in steps]


async def test_reference_failure_then_recovery(rig: Rig) -> None:
    report = await rig.runner("nginx-failover").run()
    assert report.result == "passed", report
    assert report.roles == {"master": "node1", "backup": "node2"}
    assert report.measurements.new_master == "node2"
    assert report.measurements.failover_basis == "http"
    assert report.measurements.failover_seconds is not None
    assert rig.demo.world.vip_server() == "node2"
    assert rig.audited() == ["stop nginx on node1"]
    # the reference's weight -20 ties 120 with 100: the report says why the weight alone
    # would not move the VIP (the script stopping keepalived does)
    assert any(n.startswith("configuration warning weight_tie") for n in report.notes)
    assert statuses(rig.saved(), "rollback") == ["skipped"] * 5

    report = await rig.runner("recovery").run()
    assert report.result == "passed", report.steps
    assert rig.audited() == ["stop nginx on node1", "start nginx on node1",
                             "start keepalived on node1"]
    assert rig.demo.world.vip_server() == "node1"


async def test_a_wait_that_never_comes_fails_there_and_runs_no_later_action(rig: Rig) -> None:
    report = await rig.runner(NEVER).run()
    data = rig.saved()
    assert (report.result, data["result"]) == ("failed", "failed")
    assert statuses(data) == ["failed", "skipped"]
    assert report.steps[0].evidence.startswith("not within 3 s: MASTER of VI_CLUSTER: node1")
    assert rig.audited() == []
    assert rig.asked == []  # nothing acted, so no rollback is offered
    assert rig.demo.world.vip_server() == "node1"


async def test_abort_mid_drill_offers_the_rollback_which_restores_the_start(rig: Rig) -> None:
    events: list[DrillEvent] = []

    def on_event(event: DrillEvent) -> None:
        events.append(event)
        if (event.kind, event.section, event.index) == ("step_finished", "steps", 3):
            # the VIP has moved: abort with the cluster broken
            runner.abort()

    runner = rig.runner("nginx-failover", on_event=on_event)
    report = await runner.run()
    assert report.result == "aborted"
    assert statuses(rig.saved()) == ["passed"] * 4 + ["skipped"] * 3
    assert statuses(rig.saved(), "rollback") == ["passed"] * 5
    assert rig.asked[-1].startswith("Run the rollback (5 steps)")
    assert report.notes[-1] == "rollback passed"
    assert rig.audited() == ["stop nginx on node1", "start nginx on node1",
                             "restart keepalived on node1"]
    assert rig.demo.world.vip_server() == "node1"
    kinds = [e.kind for e in events]
    assert kinds[0] == "started"
    assert kinds[-1] == "finished"
    assert "rollback_offered" in kinds
    assert "evidence" in kinds


async def test_an_abort_before_the_poll_saw_the_stop_still_restarts_what_was_stopped(
    rig: Rig, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Aborted as soon as `stop nginx` returns while node1's service polls lag (a loaded
    machine), its last poll still says running: the rollback must not trust it and leave nginx
    stopped, as it did on a loaded lab."""
    lagging = True
    real = Ingest.service

    def lagging_service(self: Ingest, name: str, exit_status: int | None) -> None:
        if not (lagging and self.node == "node1" and name == "nginx"):
            real(self, name, exit_status)

    def on_event(event: DrillEvent) -> None:
        nonlocal lagging
        if (event.kind, event.section, event.index) == ("step_finished", "steps", 2):
            node1 = runner.monitor.state.node("node1")
            assert node1 is not None
            assert node1.service("nginx").value == "running"  # the poll has not come yet
            runner.abort()
            lagging = False

    runner = rig.runner("nginx-failover", on_event=on_event)
    await rig.monitor.wait_for(
        lambda s: all(n.service("nginx").value == "running" for n in s.nodes), 30)
    monkeypatch.setattr(Ingest, "service", lagging_service)
    report = await runner.run()
    assert report.result == "aborted"
    assert statuses(rig.saved(), "rollback") == ["passed"] * 5
    assert rig.audited() == ["stop nginx on node1", "start nginx on node1",
                             "restart keepalived on node1"]
    assert rig.demo.world.vip_server() == "node1"


async def test_declining_the_confirmation_aborts_before_any_action(rig: Rig) -> None:
    rig.answer = False
    report = await rig.runner("keepalived-stop").run()
    assert report.result == "aborted"
    assert [s.status for s in report.steps] == ["passed", "failed", "skipped", "skipped",
                                                "skipped", "skipped"]
    assert report.steps[1].evidence == "declined by the operator"
    assert rig.asked == ["Stop keepalived on node1 now?"]
    assert rig.audited() == []


async def test_a_split_brain_refuses_a_failover_drill_and_says_why(rig: Rig) -> None:
    rig.demo.world.block_vrrp("node2")
    assert await rig.monitor.wait_for(lambda s: len(summarize(s, "VI_CLUSTER").masters) == 2, 10)
    runner = rig.runner("nginx-failover", settle_timeout=10)
    with pytest.raises(DrillRefused, match="exactly one MASTER"):
        await runner.run()
    data = rig.saved()
    assert data["result"] == "failed"
    assert statuses(data) == ["skipped"] * 7
    assert rig.audited() == []


async def test_split_brain_check_fails_with_its_evidence(rig: Rig) -> None:
    rig.demo.world.block_vrrp("node2")
    book = load_drill("split-brain-check")
    quick = replace(book, steps=(book.steps[0], replace(book.steps[1], timeout=3.0)))
    report = await rig.runner(quick).run()
    assert report.result == "failed"
    assert "MASTER: node1, node2" in report.steps[1].evidence


async def test_an_abort_during_a_wait_keeps_what_the_wait_saw(rig: Rig) -> None:
    def on_event(event: DrillEvent) -> None:
        if (event.kind, event.section, event.index) == ("step_started", "steps", 0):
            asyncio.get_running_loop().call_later(0.3, runner.abort)

    runner = rig.runner(load_drill(NEVER), on_event=on_event)
    report = await runner.run()
    assert report.result == "aborted"
    assert [s.status for s in report.steps] == ["failed", "skipped"]
    assert report.steps[0].evidence.startswith(
        "aborted by the operator; last seen: MASTER of VI_CLUSTER: node1 (")
    assert rig.audited() == []


class FullOnce(AuditLog):
    """A disk that fills up right after the first action ran: its completion is lost."""

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self.full = True

    def finished(self, action_id: str, **fields: Any) -> None:
        if self.full:
            self.full = False
            raise AuditError(f"the audit log {self.path} cannot be written: No space left")
        super().finished(action_id, **fields)


async def test_an_action_whose_end_is_not_audited_fails_and_the_rollback_runs(rig: Rig) -> None:
    actions = Actions(rig.cluster, rig.monitor.runner, FullOnce(rig.tmp / "audit.jsonl"))
    runner = DrillRunner(load_drill("nginx-failover"), rig.monitor, actions,
                         confirm=rig.confirm, report_path=rig.tmp / "r.json")
    report = await runner.run()
    assert report.result == "failed"
    assert [s.status for s in report.steps[:4]] == ["passed", "passed", "failed", "skipped"]
    assert "NOT AUDITED" in report.steps[2].evidence
    assert rig.asked[-1].startswith("Run the rollback (5 steps)")
    assert report.notes[-1] == "rollback passed"
    assert rig.demo.world.vip_server() == "node1"


async def test_an_error_after_an_action_still_offers_the_rollback(rig: Rig) -> None:
    actions = Actions(rig.cluster, rig.monitor.runner, AuditLog(rig.tmp / "audit.jsonl"))
    runner = DrillRunner(load_drill("nginx-failover"), rig.monitor, actions,
                         confirm=rig.confirm, report_path=rig.tmp / "r.json")
    real = actions.execute

    async def ran_then_broke(request: ActionRequest, *, confirmed: bool) -> ActionOutcome:
        await real(request, confirmed=confirmed)
        raise OSError(28, "No space left on device")

    actions.execute = ran_then_broke  # type: ignore[method-assign]
    with pytest.raises(OSError, match="No space left"):
        await runner.run()
    assert rig.asked[-1].startswith("Run the rollback (5 steps)")
    assert any(n.startswith("the drill stopped on an error: OSError") for n in runner.report.notes)
    assert rig.saved()["result"] == "failed"


@pytest.mark.parametrize(("text", "why"), [
    ("name: x\nsteps:\n  - action: {node: $master, service: nginx, verb: stop}\n"
     "  - action: {node: nodeX, service: nginx, verb: start}\n",
     "<t>:4: steps[1]: no node 'nodeX' in cluster demo"),
    ("name: x\nsteps:\n  - action: {node: $master, service: nginx, verb: stop}\n"
     "  - wait: {master: $backup, instance: VI_TYPO, timeout: 20}\n",
     "<t>:4: steps[1]: no node runs the instance 'VI_TYPO'"),
])
async def test_unknown_names_are_refused_before_anything_runs(rig: Rig, text: str,
                                                               why: str) -> None:
    runner = rig.runner(parse_runbook(text, "<t>"), settle_timeout=30)
    started = asyncio.get_running_loop().time()
    with pytest.raises(DrillRefused) as caught:
        await runner.run()
    assert str(caught.value).startswith(why), str(caught.value)
    assert asyncio.get_running_loop().time() - started < 30  # not a timeout
    assert rig.audited() == []
    assert rig.asked == []
    assert statuses(rig.saved()) == ["skipped", "skipped"]
