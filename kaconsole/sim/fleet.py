"""`kaconsole demo --fleet`: several simulated clusters, one of them in split brain.

Each cluster is the demo pair under another name with its own simulated world; in the split one
the backup's input drops VRRP (the lab's `vrrp-deaf`), so it never hears the MASTER and takes
the VIP too: the fleet view has something to put on top.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from importlib import resources

from kaconsole.core.inventory.load import parse_cluster
from kaconsole.core.inventory.model import Cluster
from kaconsole.sim.cluster import DEMO_RESOURCE, DemoCluster, demo_cluster

#: The demo fleet's clusters; the one named SPLIT runs with its backup deaf to VRRP.
FLEET_NAMES = ("web-eu", "web-us", "db-eu", "db-us", "cache-eu", "cache-us")
SPLIT = "db-eu"


def demo_fleet(count: int = len(FLEET_NAMES)) -> list[Cluster]:
    """`count` copies of the demo cluster, each under its own name (web-eu, web-us, ...)."""
    base, where = demo_cluster()
    text = _demo_text()
    names = [FLEET_NAMES[i] if i < len(FLEET_NAMES) else f"site-{i + 1:02d}"
             for i in range(count)]
    return [parse_cluster(text.replace(f"name: {base.name}", f"name: {n}", 1),
                          f"{where} as {n}") for n in names]


def _demo_text() -> str:
    return (resources.files(DEMO_RESOURCE[0]) / DEMO_RESOURCE[1]).read_text("utf-8")


def fleet_sessions(*, speed: float = 1.0, split: str | None = SPLIT,
                   clock: Callable[[], float] = time.time) -> Callable[[Cluster], DemoCluster]:
    """Sessions for each demo cluster: its own world; `split`'s backup deaf to VRRP."""
    def make(cluster: Cluster) -> DemoCluster:
        sim = DemoCluster(cluster, speed=speed, clock=clock)
        if cluster.name == split and len(cluster.nodes) > 1:
            sim.world.block_vrrp(cluster.nodes[1].name, inbound=True, outbound=False)
        return sim

    return make
