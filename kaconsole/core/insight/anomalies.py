"""Per-instance summaries and the anomalies of CONTRACTS.md section 4, from the cluster state.

Three kinds of evidence are weighed separately (keepalived's claim, `ip addr`, the wire) so that
where they disagree, the disagreement itself is reported.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from kaconsole.core.conf.firewall import drops_vip_traffic
from kaconsole.core.events import LogKind, VrrpState
from kaconsole.core.facts import ServiceState
from kaconsole.core.insight.matrix import advert_matrix
from kaconsole.core.insight.neighbours import stale_neighbours
from kaconsole.core.state.clock import skews
from kaconsole.core.state.model import ClusterState, InstanceState, NodeState, Transition

#: Anomalies about the evidence rather than VRRP (the nodes' clocks disagree): a failover
#: drill does not wait on them.
EVIDENCE_ONLY = frozenset({"clock_skew"})
#: Signs in a node's log that explain a split brain, newest first wins.
_SIGN_WINDOW = 60.0


@dataclass(frozen=True, slots=True)
class InstanceSummary:
    name: str
    vrid: int | None
    vips: tuple[str, ...]
    masters: tuple[str, ...]
    vip_holders: tuple[str, ...]
    advert_sources: tuple[str, ...]
    last_transition: Transition | None
    advert_int: float = 1.0

    @property
    def master(self) -> str | None:
        return self.masters[0] if self.masters else None

    @property
    def split_brain(self) -> bool:
        return max(len(self.masters), len(self.vip_holders), len(self.advert_sources)) > 1


@dataclass(frozen=True, slots=True)
class Anomaly:
    kind: str
    message: str
    instance: str | None = None
    nodes: tuple[str, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "instance": self.instance,
            "nodes": list(self.nodes),
            "message": self.message,
            **self.extra,
        }


def instance_names(state: ClusterState) -> list[str]:
    names: dict[str, None] = {}
    for node in state.nodes:
        for inst in node.instances:
            names.setdefault(inst.name)
    return list(names)


def _of(node: NodeState, name: str) -> InstanceState | None:
    return node.instance(name)


def summarize(state: ClusterState, name: str) -> InstanceSummary:
    insts = [(n, i) for n in state.nodes if (i := n.instance(name)) is not None]
    spec = next((i.spec for _, i in insts if i.spec is not None), None)
    vrid = spec.vrid if spec else next((i.vrid for _, i in insts if i.vrid is not None), None)
    vips = tuple(dict.fromkeys(v for _, i in insts if i.spec for v in i.spec.vips))
    masters = tuple(n.name for n, i in insts if i.state is VrrpState.MASTER)
    holders = tuple(
        n.name for n in state.nodes if n.addresses is not None and n.addresses & set(vips)
    )
    advert_int = spec.advert_int if spec else 1.0
    sources: tuple[str, ...] = ()
    if vrid is not None and state.clock is not None:
        window = 3 * advert_int + 1.0
        sources = tuple(
            src
            for src, seen in state.wire.get(vrid, {}).items()
            if seen.advert.priority > 0 and state.clock - seen.advert.ts <= window
        )
    # The reducer's order, not the time stamps: log times have whole seconds, and a takeover
    # is often logged in the same second as the stop that caused it.
    last = next((t for t in reversed(state.transitions) if t.instance == name), None)
    return InstanceSummary(name, vrid, vips, masters, holders, sources, last, advert_int)


def summaries(state: ClusterState) -> list[InstanceSummary]:
    return [summarize(state, name) for name in instance_names(state)]


def find_anomalies(state: ClusterState,
                   sums: Sequence[InstanceSummary] | None = None) -> list[Anomaly]:
    """The anomalies of `state`; `sums` are its summaries when the caller has them already."""
    out: list[Anomaly] = []
    for node in state.nodes:
        if node.reachable is False:
            why = f": {node.error}" if node.error else ""
            out.append(
                Anomaly("unreachable", f"{node.name} is unreachable{why}", None, (node.name,))
            )
            continue
        for service, st in node.services.items():
            if st is ServiceState.STOPPED:
                out.append(
                    Anomaly(
                        "service_down",
                        f"{service} is stopped on {node.name}",
                        None,
                        (node.name,),
                        {"service": service},
                    )
                )
    if sums is None:
        sums = summaries(state)
    names = {n.name for n in state.nodes}
    for summary in sums:
        out.extend(_instance_anomalies(state, summary))
        if len(summary.masters) == 1:
            out.extend(
                Anomaly("stale_neighbour", st.message, st.instance,
                        tuple(dict.fromkeys(n for n in (st.master, st.observation.node,
                                                        st.answered_by) if n in names)),
                        {"observer": st.observation.node, "vip": st.observation.vip,
                         "mac": st.observation.mac, "expected_mac": st.expected,
                         "answered_by": st.answered_by, "likely_cause": st.cause})
                for st in stale_neighbours(state, summary.name, summary.vips, summary.master)
            )
    out.extend(_vip_unreachable(state, sums))
    clocks = ((n.name, n.clock_offset) for n in state.nodes if n.clock_offset is not None)
    out.extend(
        Anomaly("clock_skew", sk.message, None, (sk.ahead, sk.behind),
                {"seconds": round(sk.seconds, 1)})
        for sk in skews(clocks)
    )
    return out


def _vip_unreachable(state: ClusterState, sums: Sequence[InstanceSummary]) -> Iterable[Anomaly]:
    """The VIP probe fails while exactly one node holds the VIP: say which of the usual causes."""
    probe = state.probe
    if probe is None or probe.ok:
        return
    host = urlsplit(probe.url).hostname
    for s in sums:
        if host not in s.vips or len(s.vip_holders) != 1:
            continue
        holder = state.node(s.vip_holders[0])
        assert holder is not None
        cause, why = "unknown", "the holder runs its services and keepalived lets traffic in"
        config = holder.config
        inst = config.instance(s.name) if config else None
        if config is not None and inst is not None and drops_vip_traffic(config.global_defs, inst):
            cause = "no_accept_firewall"
            why = (
                f"keepalived on {holder.name} drops every packet to the VIP (vrrp_strict, "
                "strict_mode or no_accept without `accept`): add `accept` to the instance"
            )
        elif any(st is ServiceState.STOPPED for st in holder.services.values()):
            down = [n for n, st in holder.services.items() if st is ServiceState.STOPPED]
            cause, why = "service_down", f"{', '.join(down)} is stopped on {holder.name}"
        failure = probe.error or f"HTTP {probe.status}"
        yield Anomaly(
            "vip_unreachable",
            f"{probe.url} fails ({failure}) while {holder.name} holds the VIP of {s.name}: {why}",
            s.name,
            (holder.name,),
            {"likely_cause": cause},
        )


def _instance_anomalies(state: ClusterState, s: InstanceSummary) -> Iterable[Anomaly]:
    if s.split_brain:
        nodes = tuple(
            dict.fromkeys((*s.masters, *s.vip_holders, *_owners(state, s.advert_sources)))
        )
        cause, why = likely_split_brain_cause(state, s)
        yield Anomaly(
            "split_brain",
            f"split brain on {s.name} (VRID {s.vrid}): "
            + "; ".join(_split_evidence(state, s))
            + f". Likely cause: {why}",
            s.name,
            nodes,
            {"likely_cause": cause},
        )
    known = [
        i
        for n in state.nodes
        if n.reachable is not False
        if (i := n.instance(s.name)) is not None and i.state is not VrrpState.UNKNOWN
    ]
    # An election takes up to a master-down interval, and `ip addr` follows within a poll:
    # what is normal while it settles is not reported.
    settle = 3 * s.advert_int + 1.0
    if known and not s.masters and not s.advert_sources and not _changed(state, known, settle):
        yield Anomaly("no_master", f"no node is MASTER of {s.name}", s.name)
    for holder in s.vip_holders:
        if holder not in s.masters:
            node = state.node(holder)
            inst = node.instance(s.name) if node else None
            if inst is not None and _changed(state, [inst], settle):
                continue
            word = inst.state.value if inst else "UNKNOWN"
            if node is not None and node.service("keepalived") is ServiceState.STOPPED:
                yield Anomaly(
                    "vip_on_non_master",
                    f"{holder} holds a VIP of {s.name} but keepalived is not running there: it "
                    "was killed without removing its VIPs (SIGKILL, OOM); delete the VIP with "
                    "`ip addr del` or start keepalived",
                    s.name,
                    (holder,),
                    {"likely_cause": "keepalived_killed"},
                )
                continue
            yield Anomaly(
                "vip_on_non_master",
                f"{holder} holds a VIP of {s.name} but is {word}",
                s.name,
                (holder,),
            )


def _changed(state: ClusterState, insts: Iterable[InstanceState], within: float) -> bool:
    clock = state.clock
    return clock is not None and any(
        i.since is not None and clock - i.since < within for i in insts
    )


def _split_evidence(state: ClusterState, s: InstanceSummary) -> list[str]:
    parts = []
    if len(s.masters) > 1:
        parts.append(f"{', '.join(s.masters)} all claim MASTER")
    if len(s.vip_holders) > 1:
        parts.append(f"the VIP is on {', '.join(s.vip_holders)}")
    if len(s.advert_sources) > 1:
        senders = ", ".join(state.name_of(src) for src in s.advert_sources)
        parts.append(f"adverts for VRID {s.vrid} come from {senders}")
    return parts


def _owners(state: ClusterState, sources: Iterable[str]) -> list[str]:
    return [owner for src in sources if (owner := state.owner(src))]


def likely_split_brain_cause(state: ClusterState, s: InstanceSummary) -> tuple[str, str]:
    """The likely cause of a split brain, named only from evidence (issue 11 refines this)."""
    stale = [
        h
        for h in s.vip_holders
        if h not in s.masters
        and (n := state.node(h)) is not None
        and n.service("keepalived") is ServiceState.STOPPED
    ]
    if stale and len(s.masters) <= 1 and len(s.advert_sources) <= 1:
        return "unknown", (
            f"not an election: the VIP was left on {', '.join(stale)}, where keepalived is not "
            "running (killed without cleanup)"
        )
    sources = state.wire.get(s.vrid, {}) if s.vrid is not None else {}
    live = {src: sources[src] for src in s.advert_sources}
    foreign = [src for src in live if not _owners(state, [src])]
    if foreign and any(n.addresses is not None for n in state.nodes):
        return "vrid_collision", f"adverts for VRID {s.vrid} from {', '.join(foreign)}, not a node"
    prints = {w.advert.auth_fingerprint for w in live.values() if w.advert.auth_type == "simple"}
    if len(prints) > 1:
        return "auth_mismatch", "the masters' adverts carry different passwords"
    clock = state.clock or 0.0
    other_vips = _signed(state, "vip_mismatch", clock)
    if other_vips:
        return "vrid_collision", (
            f"keepalived on {', '.join(other_vips)} receives adverts for VRID {s.vrid} with "
            "another VIP list: another router uses this VRID (or the nodes' "
            "virtual_ipaddress differ)"
        )
    refused = _auth_refused(state, s.name, clock)
    if refused:
        return (
            "auth_mismatch",
            f"keepalived on {', '.join(refused)} logs `received an invalid passwd`: "
            "the nodes' auth_pass differ",
        )
    unicast = _unicast_mismatch(state, s.name)
    if unicast:
        return "unicast_mismatch", unicast
    starving = _signed(state, "timer_expired", clock)
    if starving:
        return "cpu_starvation", f"VRRP thread timer expired on {', '.join(starving)}"
    blocked = _blocked(state, s, live)
    if blocked:
        return "vrrp_blocked", blocked
    return "unknown", "the evidence does not show why"


def _signed(state: ClusterState, tag: str, clock: float) -> list[str]:
    """Nodes whose log showed this sign recently."""
    return [
        n.name for n in state.nodes if clock - n.signs.get(tag, float("-inf")) <= _SIGN_WINDOW
    ]


def _auth_refused(state: ClusterState, name: str, clock: float) -> list[str]:
    """Nodes whose keepalived recently refused a peer's advert for its password."""
    out = []
    for node in state.nodes:
        inst = node.instance(name)
        if inst is not None and any(
            ev.kind is LogKind.AUTH_ERROR and (ev.at is None or clock - ev.at <= _SIGN_WINDOW)
            for ev in inst.evidence
        ):
            out.append(node.name)
    return out


def _unicast_mismatch(state: ClusterState, name: str) -> str | None:
    """Unicast peers that cannot reach each other, from the nodes' keepalived.conf."""
    confs = [
        (n, i) for n in state.nodes if n.config and (i := n.config.instance(name)) is not None
    ]
    if len(confs) < 2 or not any(i.unicast_peer for _, i in confs):
        return None
    multicast = [n.name for n, i in confs if not i.unicast_peer]
    if multicast:
        unicast = [n.name for n, i in confs if i.unicast_peer]
        return (
            f"{', '.join(unicast)} send unicast (unicast_peer) but {', '.join(multicast)} "
            "multicast: they never hear each other"
        )
    for node, inst in confs:
        for peer, pinst in confs:
            if peer is node:
                continue
            mine = {pinst.unicast_src_ip} if pinst.unicast_src_ip else set(peer.addresses or ())
            if mine and not mine & set(inst.unicast_peer):
                return (
                    f"{node.name}'s unicast_peer ({', '.join(inst.unicast_peer)}) does not list "
                    f"{peer.name}'s address ({', '.join(sorted(mine))}): its adverts are ignored"
                )
    return None


def _blocked(state: ClusterState, s: InstanceSummary, live: dict[str, Any]) -> str | None:
    """Name the MASTER whose keepalived cannot hear (or be heard by) its peer.

    The advert matrix names a MASTER whose wire carries a priority that beats its own (tcpdump
    sees packets before nftables' input hook); a node that drops on output is heard by nobody.
    """
    matrix = advert_matrix(state, s.name)
    if matrix is not None and matrix.blocked:
        return "; ".join(b.message for b in matrix.blocked)
    capturing = {n for w in live.values() for n in w.seen_at}
    for master in s.masters:
        own = [src for src in live if master in _owners(state, [src])]
        peers = capturing - {master}
        if peers and not any(p in live[src].seen_at for src in own for p in peers):
            return f"no peer receives the adverts of {master} (firewall or path)"
    return None
