"""Explain and predict on the real lab (issue 11): the reference failure's cause chain, a weight
that only reaches a tie (predicted and observed to leave the VIP where it is), a VRRP firewall,
a `vrrp_strict` node's unreachable VIP, and a SIGKILLed MASTER's VIP flagged until healed.

Every change is undone: faults healed, configs restored, keepalived and nginx running.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from kaconsole.core.insight.anomalies import find_anomalies, summarize
from kaconsole.core.insight.explain import explain, operator_actions
from kaconsole.core.insight.heal import heal_findings
from kaconsole.core.insight.snapshot import snapshot_json
from kaconsole.core.insight.whatif import whatif
from kaconsole.core.inventory.load import load_cluster
from kaconsole.core.inventory.model import Cluster
from kaconsole.core.state.model import ClusterState
from kaconsole.engine.actions import ActionRequest, Actions
from kaconsole.engine.audit import AuditLog
from kaconsole.engine.monitor import ClusterMonitor
from kaconsole.engine.status import all_ready, take_status
from kaconsole.lab import faults
from kaconsole.lab.configs import KEEPALIVED_CONF, SCRIPT_PATH, SERVICES
from tests.kits.lab import Lab, eventually

pytestmark = pytest.mark.lab
INSTANCE = "VI_CLUSTER"


@pytest.fixture
def cluster(lab: Lab) -> Cluster:
    return load_cluster(lab.dir / "cluster.yaml")


@asynccontextmanager
async def watching(cluster: Cluster) -> AsyncIterator[ClusterMonitor]:
    """A live monitor of the lab, ready with node1 MASTER."""
    monitor = ClusterMonitor(cluster)
    task = asyncio.create_task(monitor.run())
    try:
        ready = await monitor.wait_for(lambda s: all_ready(s, cluster) and master(s) == "node1", 60)
        assert ready is not None, "the monitor never saw node1 MASTER"
        yield monitor
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


def _backup_for(state: ClusterState, node: str) -> float:
    """Seconds the node's instance has been BACKUP (0 when it is not)."""
    n = state.node(node)
    inst = n.instance(INSTANCE) if n else None
    if inst is None or inst.state.value != "BACKUP" or inst.since is None or state.clock is None:
        return 0.0
    return state.clock - inst.since


def master(state: ClusterState) -> str | None:
    return summarize(state, INSTANCE).master


async def wait(
    monitor: ClusterMonitor, what: str, check: Callable[[ClusterState], bool], timeout: float = 60
) -> ClusterState:
    state = await monitor.wait_for(check, timeout)
    if state is None:
        now = monitor.state
        seen = [
            (n.name, n.services, [(i.state.value, i.effective_priority) for i in n.instances])
            for n in now.nodes
        ]
        last = [(t.node, t.to_state.value, t.cause) for t in now.transitions[-4:]]
        pytest.fail(f"timed out after {timeout} s waiting for {what}: {seen}, {last}")
    return state


@asynccontextmanager
async def confs(
    lab: Lab, edit: Callable[[str], str], nodes: tuple[str, ...]
) -> AsyncIterator[None]:
    """The nodes' keepalived.conf edited, keepalived restarted (in this order), then restored."""
    originals = {n: (await lab.sh(n, f"cat {KEEPALIVED_CONF}"))[1] for n in nodes}
    try:
        for n in nodes:
            await write(lab, n, edit(originals[n]))
            await lab.sh(n, SERVICES["keepalived"]["restart"])
        await eventually("VIP on node1", lambda: lab.holders_are(["node1"]), 60)
        yield
    finally:
        for n in nodes:
            await write(lab, n, originals[n])
            await lab.sh(n, SERVICES["keepalived"]["restart"])
        await eventually("VIP back on node1", lambda: lab.holders_are(["node1"]), 60)


async def write(lab: Lab, node: str, text: str) -> None:
    async with await lab.connect(node) as conn:
        done = await conn.run(f"cat > {KEEPALIVED_CONF}", input=text, check=False, timeout=10)
    assert done.exit_status == 0


async def test_reference_failure_is_explained_end_to_end(
    lab: Lab, cluster: Cluster, tmp_path: Path
) -> None:
    audit = AuditLog(tmp_path / "audit.jsonl")
    async with watching(cluster) as monitor:
        actions = Actions(cluster, monitor.runner, audit)
        try:
            done = await actions.execute(ActionRequest("node1", "nginx", "stop"), confirmed=True)
            assert done.ok, done.summary()
            state = await wait(monitor, "node2 MASTER", lambda s: master(s) == "node2")
            # both down in the poll (starting keepalived again before the old one is gone fails)
            state = await wait(
                monitor,
                "nginx and keepalived stopped on node1",
                lambda s: (
                    sorted(
                        a.extra.get("service", "")
                        for a in find_anomalies(s)
                        if a.kind == "service_down" and a.nodes == ("node1",)
                    )
                    == ["keepalived", "nginx"]
                ),
            )
            tr = summarize(state, INSTANCE).last_transition
            assert tr is not None
            assert (tr.node, tr.cause) == ("node2", "priority_zero"), tr
            # from the poll alone: nginx down -> its script stopped keepalived -> priority 0
            chain = explain(state, tr).chain
            assert chain[:3] == (
                "nginx is stopped on node1 (service poll)",
                "its track script stopped keepalived",
                "node1 sent priority 0",
            ), chain
            assert chain[3].startswith("took over after the skew"), chain
            # with the audit log: the operator's action starts the chain
            acts = operator_actions(audit.read())
            snap = snapshot_json(state, datetime.now(UTC), acts)
            last = snap["instances"][0]["last_transition"]
            assert last["cause"] == "priority_zero"
            assert last["chain"][:3] == [
                "operator ran `stop nginx` on node1 (audit log)",
                "its track script stopped keepalived",
                "node1 sent priority 0",
            ]
        finally:
            for service in ("nginx", "keepalived"):
                started = await actions.execute(
                    ActionRequest("node1", service, "start"), confirmed=True
                )
                assert started.ok, started.summary()
        await wait(monitor, "node1 MASTER again", lambda s: master(s) == "node1", 20)


def weight_only(text: str) -> str:
    """A track script that fails while nginx is down, without stopping keepalived."""
    assert f'script "{SCRIPT_PATH}"' in text
    return text.replace(f'script "{SCRIPT_PATH}"', 'script "/usr/bin/pgrep -x nginx"')


async def test_weight_to_a_tie_is_predicted_and_observed_to_stay(
    lab: Lab, cluster: Cluster
) -> None:
    async with confs(lab, weight_only, ("node1",)), watching(cluster) as monitor:
        state = await wait(monitor, "priorities", lambda s: whatif(s, INSTANCE) is not None)
        w = whatif(state, INSTANCE)
        assert w is not None
        (tracker,) = w.nodes[0].trackers
        assert (tracker.master_after, tracker.stays_on_broken) == ("node1", True)
        assert "a BACKUP does not take over on equal priority" in tracker.reason
        stopped_at = int(time.time()) - 1  # log times have whole seconds
        await lab.sh("node1", SERVICES["nginx"]["stop"])
        try:

            def dropped(s: ClusterState) -> bool:
                node = s.node("node1")
                inst = node.instance(INSTANCE) if node else None
                return inst is not None and inst.effective_priority == 100

            state = await wait(monitor, "node1 at priority 100", dropped)
            before = len(state.transitions)
            # longer than node2's master-down interval (3.61 s): nothing moves on a tie
            await asyncio.sleep(5)
            state = monitor.state
            assert master(state) == "node1"
            assert await lab.holders_are(["node1"])
            # (a log replay after a reconnect may re-fold older transitions: count only new ones)
            moved = [
                t
                for t in state.transitions[before:]
                if t.instance == INSTANCE and (t.at or 0) >= stopped_at
            ]
            assert moved == []
        finally:
            await lab.sh("node1", SERVICES["nginx"]["start"])


async def test_vrrp_firewall_on_one_node_is_diagnosed(lab: Lab, cluster: Cluster) -> None:
    faults.apply(lab.dir, "node2", "vrrp-block")
    try:
        await eventually("VIP on both nodes", lambda: lab.holders_are(["node1", "node2"]), 60)
        state = await take_status(cluster)
        (split,) = [a for a in find_anomalies(state) if a.kind == "split_brain"]
        assert split.extra["likely_cause"] == "vrrp_blocked"
        assert "VRRP is dropped on node2 (firewall)" in split.message
    finally:
        faults.heal(lab.dir, "node2")
    await eventually("VIP on node1 alone", lambda: lab.holders_are(["node1"]), 60)


def strict(text: str) -> str:
    return text.replace("global_defs {", "global_defs {\n   vrrp_strict", 1)


async def test_vrrp_strict_unreachable_vip_is_diagnosed(lab: Lab, cluster: Cluster) -> None:
    # both nodes: with vrrp_strict keepalived ignores the PASS block, so both must agree
    async with confs(lab, strict, ("node2", "node1")):
        await asyncio.sleep(1)
        assert lab.http_vip() is None  # keepalived's own table drops it
        state = await take_status(cluster)
    (anomaly,) = [a for a in find_anomalies(state) if a.kind == "vip_unreachable"]
    assert anomaly.nodes == ("node1",)
    assert anomaly.extra["likely_cause"] == "no_accept_firewall"
    assert "keepalived on node1 drops every packet to the VIP" in anomaly.message


async def test_sigkilled_master_leaves_its_vip_flagged_until_healed(
    lab: Lab, cluster: Cluster
) -> None:
    async with watching(cluster) as monitor:
        # node2 must have been a BACKUP under node1 for a master-down interval: a node2 that
        # started moments ago and never heard node1 would rightly call its takeover a startup
        await wait(monitor, "node2 settled as BACKUP", lambda s: _backup_for(s, "node2") > 5.0)
        faults.apply(lab.dir, "node1", "kill-keepalived")
        try:
            await eventually("VIP on both", lambda: lab.holders_are(["node1", "node2"]), 60)
            state = await wait(
                monitor,
                "the VIP left on node1 flagged",
                lambda s: any(
                    a.extra.get("likely_cause") == "keepalived_killed" for a in find_anomalies(s)
                ),
            )
            kinds = {a.kind for a in heal_findings(state)}
            assert "vip_left_behind" in kinds
            takeover = next(
                t
                for t in reversed(state.transitions)
                if t.node == "node2" and t.to_state.value == "MASTER"
            )
            assert takeover.cause == "advert_timeout", takeover
        finally:
            faults.heal(lab.dir, "node1")
            healed_at = time.time()
        await eventually("VIP on node1 alone", lambda: lab.holders_are(["node1"]), 60)
        state = await wait(
            monitor,
            "healed",
            lambda s: (
                master(s) == "node1"
                and not any(
                    a.kind in ("split_brain", "vip_on_non_master") for a in find_anomalies(s)
                )
            ),
            60,
        )

        def findings(s: ClusterState) -> list[Any]:
            logs = [
                f
                for f in monitor.logs()
                if f.event.ts is None or f.event.ts.timestamp() >= int(healed_at) - 1
            ]
            return list(heal_findings(s, logs, since=int(healed_at) - 1))

        # whole once the polls and adverts after the heal are in (however long a busy machine
        # takes to bring them): waited for, not slept on
        if await monitor.wait_for(lambda s: not findings(s), 60) is None:
            pytest.fail(f"not whole: {[a.message for a in findings(monitor.state)]}")
