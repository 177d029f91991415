"""The demo against the lab: the reference failure and recovery (REFERENCE.md), run the same way
on simulated nodes and on real keepalived, folded by the same ClusterMonitor, must give each node
the same transitions with the same causes, and the same keepalived log events in the same order.

Order is compared per node: lines from two nodes logged in the same second reach the console over
separate streams, so their interleaving is a race on real nodes and says nothing about keepalived.

The lab fixture queues on /var/lib/kaconsole/lab.lock itself: run `python -m pytest
tests/integration/test_demo_fidelity.py` plainly (inside `flock` on the same file the fixture
waits for its own caller until it gives up and skips).
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from kaconsole.core.events import VrrpState
from kaconsole.core.facts import AdvertSeen, DumpObserved, Fact, LogSeen
from kaconsole.core.inventory.load import load_cluster
from kaconsole.core.inventory.model import Cluster, Node
from kaconsole.core.state.model import ClusterState
from kaconsole.engine.monitor import ClusterMonitor, Session, SessionFactory, Sink, ssh_sessions
from kaconsole.sim.cluster import demo_sessions
from tests.kits.lab import Lab

pytestmark = pytest.mark.lab

ROOT = Path(__file__).resolve().parents[2]
M, B, S = VrrpState.MASTER, VrrpState.BACKUP, VrrpState.STOP
#: The demo runs this many times faster than real time.
SPEED = 4.0
#: Seconds between the failover and the recovery, as an engineer checks the result.
LOOK = 6.0
#: Log kinds that carry the state machine (GARP repeats, banners and dump notices left out).
KEY_KINDS = {"state", "advert_zero", "sent_zero", "advert_timeout", "daemon", "advert_higher",
             "advert_lower", "vips", "priority"}
EXPECTED = {
    "node1": [
        ("VI_CLUSTER", "MASTER", "STOP", "stopped"),
        ("VI_CLUSTER", "STOP", "BACKUP", "startup"),
        ("VI_CLUSTER", "BACKUP", "MASTER", "preempted"),
    ],
    "node2": [
        ("VI_CLUSTER", "BACKUP", "MASTER", "priority_zero"),
        ("VI_CLUSTER", "MASTER", "BACKUP", "preempted"),
    ],
}


@dataclass
class Run:
    #: Per node: (instance, from, to, cause) of each transition, in order.
    transitions: dict[str, list[tuple[str, str, str, str]]]
    #: Per node: (kind, state or action) of the key log events, repeats collapsed.
    logs: dict[str, list[tuple[str, str]]]
    #: The key facts in arrival order and the transitions they made, for a failure message.
    story: list[str]


def _is(**want: VrrpState) -> Callable[[ClusterState], bool]:
    def check(state: ClusterState) -> bool:
        for name, expected in want.items():
            node = state.node(name)
            inst = node.instance("VI_CLUSTER") if node else None
            if inst is None or inst.state is not expected:
                return False
        return True

    return check


async def reference_run(cluster: Cluster, sessions: SessionFactory, speed: float) -> Run:
    """Settle, stop nginx on node1, look, start nginx and keepalived on node1, settle."""
    story: list[str] = []

    def told(node: Node, sink: Sink) -> Session:
        """The sessions' facts, as they arrive: key ones, and each transition they cause."""

        def feed(fact: Fact) -> None:
            before = len(monitor.state.transitions)
            sink(fact)
            if isinstance(fact, LogSeen) and fact.event.kind.value in KEY_KINDS:
                story.append(f"{fact.node}: {fact.event.ts} {fact.event.text}")
            elif isinstance(fact, AdvertSeen) and fact.advert.priority == 0:
                story.append(f"{fact.node}: captured priority 0 from {fact.advert.src}")
            elif isinstance(fact, DumpObserved):
                story.append(f"{fact.node}: dump {fact.instances}")
            for t in monitor.state.transitions[before:]:
                story.append(f"  -> {t.node} {t.from_state.value}->{t.to_state.value} at {t.at}:"
                             f" {t.cause}, {t.detail}")

        return sessions(node, feed)

    monitor = ClusterMonitor(cluster, told)
    task = asyncio.create_task(monitor.run())
    nginx = cluster.nodes[0].services["nginx"]
    keepalived = cluster.nodes[0].services["keepalived"]

    async def wait(what: str, **want: VrrpState) -> None:
        if await monitor.wait_for(_is(**want), timeout=30) is None:
            nodes = [(n.name, n.reachable, n.error, dict(n.degraded), n.instances)
                     for n in monitor.state.nodes]
            probes = []
            for n in cluster.nodes:
                runner = monitor.runner(n.name)
                done = await runner.run("ip -j addr", timeout=10) if runner else None
                probes.append((n.name, done.describe(), done.tail()) if done else (n.name, None))
            pytest.fail(f"{what}: not seen within 30 s: {nodes}; ip -j addr now: {probes}")

    async def run(command: str) -> None:
        runner = monitor.runner("node1")
        assert runner is not None
        done = await runner.run(command, timeout=20, privileged=True)
        assert done.exit_status == 0, done.describe()

    try:
        await wait("startup", node1=M, node2=B)
        await asyncio.sleep(2 / speed)  # the log replay and first polls are folded
        transitions, logs = len(monitor.state.transitions), len(monitor.logs())
        story.clear()
        await run(nginx.command("stop"))
        await wait("failover", node1=S, node2=M)
        await asyncio.sleep(LOOK / speed)
        await run(nginx.command("start"))
        await run(keepalived.command("start"))
        await wait("recovery", node1=M, node2=B)
        await asyncio.sleep(2 / speed)  # nothing else should follow
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    seen: dict[str, list[tuple[str, str, str, str]]] = {n.name: [] for n in cluster.nodes}
    for t in monitor.state.transitions[transitions:]:
        seen[t.node].append((t.instance, t.from_state.value, t.to_state.value, t.cause))
    by_node: dict[str, list[tuple[str, str]]] = {n.name: [] for n in cluster.nodes}
    for item in monitor.logs()[logs:]:
        ev = item.event
        # The parent logs "Starting VRRP child process" while the child logs its own first
        # lines: two processes, one log, so their order is a race (seen under load), not
        # keepalived's state machine.
        if ev.kind.value == "daemon" and "child process" in ev.text:
            continue
        if ev.kind.value in KEY_KINDS:
            word = ev.fields.get("state") or ev.fields.get("action") or ""
            by_node[item.node].append((ev.kind.value, str(word)))
    collapsed = {n: [k for k, _ in itertools.groupby(seq)] for n, seq in by_node.items()}
    return Run(seen, collapsed, story)


async def test_demo_and_lab_agree_on_the_reference_failure_and_recovery(lab: Lab) -> None:
    demo_cluster = load_cluster(ROOT / "clusters/demo.yaml")
    start = float(int(time.time()))  # whole seconds: the same log times on every run
    sessions = demo_sessions(demo_cluster, speed=SPEED, clock=lambda: start)
    demo = await reference_run(demo_cluster, sessions, SPEED)
    assert demo.transitions == EXPECTED

    lab_cluster = load_cluster(lab.dir / "cluster.yaml")
    real = await reference_run(lab_cluster, ssh_sessions(), 1.0)
    told = "\n".join(["lab:", *real.story, "demo:", *demo.story])
    assert real.logs == demo.logs, told
    assert real.transitions == demo.transitions, told
