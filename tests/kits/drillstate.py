"""Cluster states for drill tests, built from the facts the monitor folds (no network)."""

from __future__ import annotations

from kaconsole.core.events import Advert, VrrpState
from kaconsole.core.facts import (
    AddressesObserved,
    AdvertSeen,
    ConfigObserved,
    DumpInstance,
    DumpObserved,
    Fact,
    InstanceSpec,
    Reachability,
    ServiceObserved,
    ServiceState,
)
from kaconsole.core.state.model import ClusterState, initial_state
from kaconsole.core.state.reduce import fold

T = 1_800_000_000.0
VIP = "192.0.2.100"
ADDR = {"node1": "192.0.2.11", "node2": "192.0.2.12"}
PRIORITY = {"node1": 120, "node2": 100}


def cluster(
    states: dict[str, str],
    *,
    vip: tuple[str, ...] = ("node1",),
    adverts: tuple[str, ...] = ("node1",),
    stopped: dict[str, tuple[str, ...]] | None = None,
) -> ClusterState:
    """node1 (120) and node2 (100) in the given VRRP states, VIP holders, advert sources and
    stopped services (nginx/keepalived)."""
    facts: list[Fact] = []
    for name, word in states.items():
        down = (stopped or {}).get(name, ())
        facts += [
            Reachability(name, True, T),
            ConfigObserved(name, (InstanceSpec("VI_1", 51, PRIORITY[name], vips=(VIP,)),), T),
            AddressesObserved(name, frozenset({ADDR[name], *((VIP,) if name in vip else ())}), T),
            ServiceObserved(name, "nginx",
                            ServiceState.STOPPED if "nginx" in down else ServiceState.RUNNING, T),
            ServiceObserved(name, "keepalived", ServiceState.STOPPED if "keepalived" in down
                            else ServiceState.RUNNING, T),
        ]
        if "keepalived" not in down:
            facts.append(DumpObserved(name, (DumpInstance("VI_1", VrrpState(word), 51),), T))
    for src in adverts:
        adv = Advert(T + 0.5, ADDR[src], "224.0.0.18", 2, 51, PRIORITY[src], 1.0, "none",
                     (VIP,), 255)
        facts += [AdvertSeen(n, adv) for n in states]
    return fold(initial_state("lab", [(n, ADDR[n]) for n in states]), facts)


def healthy() -> ClusterState:
    return cluster({"node1": "MASTER", "node2": "BACKUP"})
