"""Stale neighbours: a segment's ARP cache still sends the VIP's clients to another MAC.

After a failover clients keep the MAC they cached until the new MASTER's gratuitous ARP updates
it (keepalived issues 166, 160, 2459, 1283); a MASTER that never changed state (after a split
brain heals) sends none at all. An answer is judged only when it was taken after the MASTER's
transition, so a check from before the failover never raises a false alarm.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from kaconsole.core.facts import NeighbourObserved
from kaconsole.core.state.model import ClusterState
from kaconsole.core.state.reduce import garp_sign

#: Cache states that gratuitous ARPs never change (a static entry).
STATIC_STATES = frozenset({"PERMANENT", "NOARP"})


@dataclass(frozen=True, slots=True)
class StaleNeighbour:
    """`observation` resolves the VIP to another MAC than `master`'s `expected` one."""

    instance: str
    master: str
    expected: str
    observation: NeighbourObserved
    answered_by: str | None
    cause: str
    message: str


def mac_owner(state: ClusterState, mac: str | None) -> str | None:
    """The node with an interface of this MAC (the VIP's MAC of the node, or a node's own)."""
    return next((n.name for n in state.nodes if mac is not None and mac in n.macs.values()), None)


def _cause(state: ClusterState, master: str, obs: NeighbourObserved,
           since: float | None) -> tuple[str, str]:
    if obs.state in STATIC_STATES:
        return "garp_ignored", f"{obs.node}'s entry is static ({obs.state}): delete it"
    node = state.node(master)
    garp = node.signs.get(garp_sign(obs.vip)) if node is not None else None
    if garp is None or (since is not None and garp < since):
        return "garp_not_sent", (
            f"{master} logged no gratuitous ARP for {obs.vip} since it became MASTER "
            "(it never changed state, or garp is off): send one (`arping -U`) or restart it"
        )
    return "garp_not_received", (
        f"{master} logged gratuitous ARPs but {obs.node} did not update: a filter or switch "
        "drops them, or the cache ignores them (arp_accept, locktime)"
    )


def stale_neighbours(state: ClusterState, instance: str, vips: Iterable[str],
                     master: str | None) -> list[StaleNeighbour]:
    """Observations of `vips`, taken since `master` became MASTER, that name another MAC."""
    node = state.node(master) if master is not None else None
    inst = node.instance(instance) if node is not None else None
    if node is None or inst is None:
        return []
    out = []
    for vip in vips:
        expected = node.macs.get(vip)
        if expected is None:
            continue  # the MASTER does not hold it (yet): another anomaly says so
        for (observer, seen_vip), obs in sorted(state.neighbours.items()):
            if seen_vip != vip or observer == node.name or obs.mac in (None, expected):
                continue
            if inst.since is not None and obs.at < inst.since:
                continue
            owner = mac_owner(state, obs.mac)
            cause, why = _cause(state, node.name, obs, inst.since)
            whose = f" ({owner})" if owner else ""
            out.append(StaleNeighbour(
                instance, node.name, expected, obs, owner, cause,
                f"{observer} resolves {vip} to {obs.mac}{whose}, not {node.name}'s "
                f"{expected}: clients there miss the MASTER. {why}",
            ))
    return out


def neighbours_json(state: ClusterState, vips: Iterable[str],
                    master: str | None) -> list[dict[str, Any]]:
    """Every observer's latest answer for `vips`, and whether it is the MASTER's MAC."""
    node = state.node(master) if master is not None else None
    wanted = set(vips)
    return [
        {
            "observer": obs.node,
            "vip": obs.vip,
            "mac": obs.mac,
            "state": obs.state,
            "answered_by": mac_owner(state, obs.mac),
            "current": node is not None and obs.mac is not None
            and node.macs.get(obs.vip) == obs.mac,
            "at": datetime.fromtimestamp(obs.at, tz=UTC).astimezone().isoformat(),
        }
        for (_, vip), obs in sorted(state.neighbours.items())
        if vip in wanted
    ]
