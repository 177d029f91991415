"""One look at the cluster (`kaconsole status`): connect, poll, listen for adverts, probe the VIP.

Adverts are listened to for one master-down interval (from the nodes' configuration), the
longest a healthy master can stay silent: shorter, and a missing master could look present.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable, Sequence

from kaconsole.core.facts import Reachability
from kaconsole.core.inventory.model import Cluster
from kaconsole.core.state.model import ClusterState, NodeState
from kaconsole.core.vrrp.timers import master_down_interval
from kaconsole.engine.monitor import ClusterMonitor, SessionFactory

#: Without a configuration to compute it from: keepalived's default (advert_int 1, priority 100).
DEFAULT_LISTEN = 3.7
#: Nodes that have not answered by then are reported as they are (unreachable or partial).
CONNECT_GRACE = 15.0


def node_ready(node: NodeState, services: int) -> bool:
    """Everything a snapshot needs from this node has arrived (or the node is unreachable)."""
    if node.reachable is False:
        return True
    if node.reachable is None or node.addresses is None or len(node.services) < services:
        return False
    return node.config is not None or "config" in node.degraded


def all_ready(state: ClusterState, cluster: Cluster) -> bool:
    return all(node_ready(n, len(cluster.node(n.name).services)) for n in state.nodes)


def listen_seconds(state: ClusterState) -> float:
    """The longest master-down interval among the instances the nodes run."""
    intervals = []
    for node in state.nodes:
        for inst in node.instances:
            spec = inst.spec
            if spec is not None and 1 <= spec.priority <= 254:
                with contextlib.suppress(ValueError):  # a value keepalived itself would refuse
                    intervals.append(
                        master_down_interval(spec.priority, spec.advert_int, spec.version)
                    )
    return max(intervals, default=DEFAULT_LISTEN)


async def take_status(
    cluster: Cluster,
    sessions: SessionFactory | None = None,
    *,
    listen: float | None = None,
    limit: float | None = None,
) -> ClusterState:
    """The cluster's state after connecting, listening and probing; with `limit`, whatever is
    known when it runs out (nodes not heard from stay unknown), so one slow site never holds a
    fleet's snapshot."""
    monitor = ClusterMonitor(cluster, sessions)
    runner = asyncio.create_task(monitor.run(), name="status-sessions")
    try:
        try:
            async with asyncio.timeout(limit):
                await monitor.wait_for(lambda s: all_ready(s, cluster), CONNECT_GRACE)
                await asyncio.sleep(listen if listen is not None else listen_seconds(monitor.state))
                if monitor.observe_host:  # before the probe, which may refresh the entry
                    await monitor.observe_host_once()
                if cluster.vip_probe is not None:
                    monitor.feed(await monitor.probe(cluster.vip_probe))
        except TimeoutError:
            for node in monitor.state.nodes:
                if node.reachable is None:
                    why = f"no answer within the {limit:g} s limit"
                    monitor.feed(Reachability(node.name, False, time.time(), why))
        return monitor.state
    finally:
        runner.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await runner


#: A fleet's per-cluster time limit: the connect grace, one listen and a probe, with slack.
FLEET_LIMIT = CONNECT_GRACE + 2 * DEFAULT_LISTEN + 5.0


async def take_statuses(
    clusters: Sequence[Cluster],
    sessions: Callable[[Cluster], SessionFactory | None] = lambda _: None,
    *,
    listen: float | None = None,
    limit: float = FLEET_LIMIT,
) -> list[ClusterState]:
    """Every cluster's state, looked at in parallel, each within `limit` seconds."""
    looks = (take_status(c, sessions(c), listen=listen, limit=limit) for c in clusters)
    return list(await asyncio.gather(*looks))
