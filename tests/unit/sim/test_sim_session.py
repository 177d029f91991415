"""The demo's sessions and runner: the ClusterMonitor sees the reference failure and recovery
through the same parsers as on real nodes, and the runner behaves like systemctl and a shell."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from kaconsole.core.events import VrrpState
from kaconsole.core.facts import ServiceState
from kaconsole.core.inventory.load import load_cluster
from kaconsole.core.inventory.model import Cluster
from kaconsole.core.state.model import ClusterState
from kaconsole.engine.monitor import ClusterMonitor
from kaconsole.sim.cluster import DemoCluster, demo_sessions
from kaconsole.transport import remote_commands as commands
from kaconsole.transport.configfetch import fetch_config
from kaconsole.transport.pollers import PollSettings

ROOT = Path(__file__).resolve().parents[3]
SPEED = 20.0
#: A whole second to start from: the virtual times of events, hence the whole-second log times
#: the causes are inferred from, are then the same on every run.
T0 = 1795620728.0


@pytest.fixture
def cluster() -> Cluster:
    return load_cluster(ROOT / "clusters/demo.yaml")


def vrrp(state: ClusterState, node: str) -> VrrpState | None:
    n = state.node(node)
    inst = n.instance("VI_CLUSTER") if n else None
    return inst.state if inst else None


def addresses(state: ClusterState, node: str) -> frozenset[str]:
    n = state.node(node)
    return n.addresses or frozenset() if n else frozenset()


def states(**expected: VrrpState) -> Callable[[ClusterState], bool]:
    return lambda s: all(vrrp(s, node) is want for node, want in expected.items())


@pytest.fixture
async def monitor(cluster: Cluster) -> AsyncIterator[ClusterMonitor]:
    mon = ClusterMonitor(cluster, demo_sessions(cluster, speed=SPEED, clock=lambda: T0))
    task = asyncio.create_task(mon.run())
    yield mon
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task


async def run(mon: ClusterMonitor, node: str, command: str) -> int | None:
    runner = mon.runner(node)
    assert runner is not None
    return (await runner.run(command, timeout=10, privileged=True)).exit_status


async def test_the_monitor_sees_the_reference_failure_and_recovery(
    monitor: ClusterMonitor, cluster: Cluster
) -> None:
    M, B, S = VrrpState.MASTER, VrrpState.BACKUP, VrrpState.STOP
    settled = await monitor.wait_for(
        lambda s: states(node1=M, node2=B)(s) and "192.168.10.100" in addresses(s, "node1"),
        timeout=30,
    )
    assert settled is not None
    assert "192.168.10.100" not in addresses(settled, "node2")
    node1 = settled.node("node1")
    assert node1 is not None
    assert node1.service("nginx") is ServiceState.RUNNING
    inst = node1.instance("VI_CLUSTER")
    assert inst is not None
    assert inst.spec is not None
    assert (inst.spec.vrid, inst.spec.priority) == (51, 120)
    assert monitor.adverts()
    assert all(a.advert.problems == () for a in monitor.adverts())
    before = len(monitor.state.transitions)

    nginx = cluster.nodes[0].services["nginx"]
    keepalived = cluster.nodes[0].services["keepalived"]
    assert await run(monitor, "node1", nginx.command("stop")) == 0
    assert await monitor.wait_for(states(node1=S, node2=M), timeout=30) is not None
    assert await run(monitor, "node1", nginx.command("start")) == 0
    assert await run(monitor, "node1", keepalived.command("status")) == 3
    assert await run(monitor, "node1", keepalived.command("start")) == 0
    assert await monitor.wait_for(states(node1=M, node2=B), timeout=30) is not None

    seq = [(t.node, t.to_state.value, t.cause) for t in monitor.state.transitions[before:]]
    assert seq == [
        ("node1", "STOP", "stopped"),
        ("node2", "MASTER", "priority_zero"),
        ("node1", "BACKUP", "startup"),
        ("node1", "MASTER", "preempted"),
        ("node2", "BACKUP", "preempted"),
    ]


async def test_systemctl_stop_returns_once_keepalived_has_exited(cluster: Cluster) -> None:
    demo = DemoCluster(cluster, speed=SPEED, settings=PollSettings(poll_interval=3600))
    session = demo(cluster.nodes[0], lambda fact: None)
    task = asyncio.create_task(session.run())
    await asyncio.sleep(0.01)
    spec = cluster.nodes[0].services["keepalived"]
    done = await session.runner.run(spec.command("stop"), timeout=5)
    assert done.exit_status == 0
    assert done.duration >= 0.8  # virtual seconds: `Stopping` to `Stopped`
    node = demo.world.nodes["node1"]
    assert not node.running
    assert node.lines[-1].endswith("Stopped Keepalived v2.2.7 (01/16,2022)")
    status = await session.runner.run(spec.command("status"), timeout=5)
    assert (status.exit_status, status.stdout) == (3, "inactive\n")
    dump = await session.runner.run(commands.DUMP_JSON, timeout=5)
    assert dump.exit_status == 3
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task


async def test_unknown_commands_fail_like_a_shell(cluster: Cluster) -> None:
    demo = demo_sessions(cluster, speed=SPEED)
    runner = demo(cluster.nodes[1], lambda fact: None).runner
    done = await runner.run("rm -rf /srv/www", timeout=5, privileged=True)
    assert done.exit_status == 127
    assert done.stderr == "bash: line 1: rm: command not found\n"
    assert (await runner.run("systemctl stop sshd", timeout=5)).exit_status == 127


async def test_the_config_read_over_the_runner_is_the_reference_made_to_work(
    cluster: Cluster,
) -> None:
    demo = demo_sessions(cluster, speed=SPEED)
    runner = demo(cluster.nodes[1], lambda fact: None).runner
    config = await fetch_config(runner, cluster.nodes[1].keepalived_conf)
    assert config.errors == ()
    (inst,) = config.instances
    assert (inst.name, inst.virtual_router_id, inst.priority, inst.advert_int) == (
        "VI_CLUSTER", 51, 100, 1.0)
    assert inst.vips == ("192.168.10.100",)
    (script,) = config.scripts
    assert (script.name, script.interval, script.weight) == ("check_nginx", 2, -20)
    assert config.global_defs.vrrp_strict is False
