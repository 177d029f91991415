"""Who hears whom: per VRID, what each node's capture carries from each router, and whether the
capturing node's keepalived says it received it.

tcpdump sees a packet before nftables' input hook, so a capture proves that an advert reached a
node, not that its keepalived got it. A MASTER logs every advert it receives (`Received advert
from P with lower priority ...`, or a higher one and it steps down), so a MASTER whose wire
carries a peer's adverts that its log never mentions drops them on input. The node to blame in a
split brain is the MASTER whose wire brings it a priority that beats its own and stays MASTER.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from typing import Any

from kaconsole.core.events import LogKind, VrrpState
from kaconsole.core.state.model import ClusterState, InstanceState, NodeState, WireSource

#: Observed gaps this far from the advertised interval (as a fraction of it) are wrong.
RATE_TOLERANCE = 0.5
#: Log lines carry whole seconds: evidence and silence get this much slack.
LOG_SLACK = 2.0


@dataclass(frozen=True, slots=True)
class Cell:
    """What one node (`listener`) captured from one advert source, and what its keepalived made
    of it. `received`: True when the listener's log shows the source's adverts, False when the
    listener is a MASTER (which logs every advert it gets) and the log shows none, None when
    nothing is expected in the log (a BACKUP, the listener's own adverts)."""

    listener: str
    source: str
    router: str | None
    priority: int
    advert_int: float
    age: float
    gap: float | None
    rate: str
    received: bool | None

    def to_json(self) -> dict[str, Any]:
        return {
            "listener": self.listener,
            "source": self.source,
            "router": self.router,
            "priority": self.priority,
            "advert_int": self.advert_int,
            "age": round(self.age, 2),
            "interval": round(self.gap, 2) if self.gap is not None else None,
            "rate": self.rate,
            "received": self.received,
        }


@dataclass(frozen=True, slots=True)
class Blocked:
    """A MASTER that stays MASTER although its wire brings it adverts that beat its own."""

    node: str
    router: str
    message: str


@dataclass(frozen=True, slots=True)
class AdvertMatrix:
    instance: str
    vrid: int
    listeners: tuple[str, ...]
    cells: tuple[Cell, ...]
    losses: tuple[str, ...]
    blocked: tuple[Blocked, ...]

    def cell(self, listener: str, router: str) -> Cell | None:
        return next(
            (c for c in self.cells if c.listener == listener and c.router == router), None
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "listeners": list(self.listeners),
            "cells": [c.to_json() for c in self.cells],
            "one_way": list(self.losses),
            "blocked": [b.node for b in self.blocked],
        }


def advert_matrix(state: ClusterState, instance: str) -> AdvertMatrix | None:
    """The matrix for one instance, or None when its VRID is unknown or nothing was captured."""
    insts = {n.name: i for n in state.nodes if (i := n.instance(instance)) is not None}
    vrid = next((i.vrid for i in insts.values() if i.vrid is not None), None)
    if vrid is None or state.clock is None or not state.wire.get(vrid):
        return None
    clock = state.clock
    wire = state.wire[vrid]
    listeners = tuple(
        n.name for n in state.nodes if any(n.name in w.seen_at for w in wire.values())
    )
    cells = tuple(
        _cell(state, node, insts.get(node.name), src, w, clock)
        for node in state.nodes
        if node.name in listeners
        for src, w in wire.items()
        if node.name in w.seen_at
    )
    matrix = AdvertMatrix(instance, vrid, listeners, cells, (), ())
    blocked = tuple(_blocked(state, matrix, insts))
    return AdvertMatrix(instance, vrid, listeners, cells, tuple(_losses(state, matrix)), blocked)


def _cell(
    state: ClusterState,
    node: NodeState,
    inst: InstanceState | None,
    src: str,
    w: WireSource,
    clock: float,
) -> Cell:
    adv = w.advert
    interval = adv.advert_int or 1.0
    age = clock - w.seen_at[node.name]
    gap = w.gaps.get(node.name)
    if adv.priority == 0 or age > 3 * interval + RATE_TOLERANCE * interval:
        rate = "silent"
    elif gap is not None and abs(gap - interval) > RATE_TOLERANCE * interval:
        rate = "wrong"
    else:
        rate = "ok"
    router = state.owner(src)
    return Cell(
        node.name,
        src,
        router,
        adv.priority,
        interval,
        age,
        gap,
        rate,
        _received(node, inst, src, router, interval, clock),
    )


def _received(
    node: NodeState,
    inst: InstanceState | None,
    src: str,
    router: str | None,
    interval: float,
    clock: float,
) -> bool | None:
    if inst is None or router == node.name or "logs" in node.degraded:
        return None
    window = 3 * interval + LOG_SLACK
    if any(
        ev.kind in (LogKind.ADVERT_HIGHER, LogKind.ADVERT_LOWER)
        and ev.fields.get("peer") in (src, None)
        and (ev.at is None or clock - ev.at <= window)
        for ev in inst.evidence
    ):
        return True
    # A MASTER for less than an advert interval may not have logged yet; a state first seen in
    # a poll (from UNKNOWN) is not a fresh transition.
    tr = inst.last_transition
    fresh = (
        tr is not None
        and tr.from_state is not VrrpState.UNKNOWN
        and inst.since is not None
        and clock - inst.since <= interval + LOG_SLACK
    )
    if inst.state is VrrpState.MASTER and not fresh:
        return False
    return None


def _own_priority(matrix: AdvertMatrix, node: str, inst: InstanceState) -> tuple[int | None, str]:
    """The priority a node advertises (its own capture, else its effective priority) and its
    source address."""
    own = next((c for c in matrix.cells if c.router == node and c.listener == node), None)
    if own is None:
        own = next((c for c in matrix.cells if c.router == node), None)
    if own is not None:
        return own.priority, own.source
    return inst.effective_priority, ""


def _beats(prio: int, src: str, ours: int, our_src: str) -> bool:
    """RFC 3768 6.4.3: a MASTER yields to a higher priority, or an equal one from a higher
    primary address."""
    if prio != ours:
        return prio > ours
    try:
        theirs, ours_ip = ipaddress.ip_address(src), ipaddress.ip_address(our_src)
    except ValueError:
        return False
    return (theirs.version, int(theirs)) > (ours_ip.version, int(ours_ip))


def _blocked(
    state: ClusterState, matrix: AdvertMatrix, insts: dict[str, InstanceState]
) -> list[Blocked]:
    out = []
    for name, inst in insts.items():
        if inst.state is not VrrpState.MASTER:
            continue
        ours, our_src = _own_priority(matrix, name, inst)
        if ours is None:
            continue
        for c in matrix.cells:
            if (
                c.listener != name
                or c.router in (None, name)
                or c.rate == "silent"
                or c.received is True
                or not _beats(c.priority, c.source, ours, our_src)
            ):
                continue
            how = "higher priority" if c.priority > ours else "equal priority from a higher address"
            log = "its keepalived logs none of them" if c.received is False else "it ignores them"
            out.append(
                Blocked(
                    name,
                    str(c.router),
                    f"{name} stays MASTER while its wire carries {c.router}'s adverts with "
                    f"{how} ({c.priority}, ours {ours}) and {log}: VRRP is dropped on {name} "
                    f"(firewall): look at {name}'s input filter for protocol 112",
                )
            )
            break
    return out


def _losses(state: ClusterState, matrix: AdvertMatrix) -> list[str]:
    """One-way losses in words: each listener that misses a router whose adverts are live."""
    live = {
        c.router: c.source
        for c in matrix.cells
        if c.router is not None and c.rate != "silent"
    }
    out = []
    for a in matrix.listeners:
        for b, src in live.items():
            if b == a:
                continue
            why = _not_heard(state, matrix, a, b, src)
            if why is None:
                continue
            back = matrix.cell(b, a)
            heard_back = (
                back is not None and back.rate != "silent" and back.received is not False
            )
            lead = f"{b} hears {a}; " if heard_back else ""
            out.append(f"{lead}{a} does not hear {b}: {why}")
    return out


def _not_heard(
    state: ClusterState, matrix: AdvertMatrix, a: str, b: str, src: str
) -> str | None:
    cell = matrix.cell(a, b)
    if cell is not None and cell.rate != "silent":
        if cell.received is False:
            return f"look at {a}'s input filter for protocol 112"
        return None
    sender = state.node(b)
    listener = state.node(a)
    conf = sender.config.instance(matrix.instance) if sender and sender.config else None
    mine = set(listener.addresses or ()) if listener else set()
    if conf is not None and conf.unicast_peer and not mine & set(conf.unicast_peer):
        return f"{b}'s unicast_peer ({', '.join(conf.unicast_peer)}) does not list {a}"
    return f"{b}'s adverts ({src}) never reach {a}'s wire: look at {b}'s output filter and the path"
