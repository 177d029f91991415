"""Is the cluster whole again? The checks after a split brain heals or a drill ends.

Exactly one VIP holder in `ip addr`, a gratuitous ARP from the winner (or neighbours keep the
old MAC), no VIP left on a node whose keepalived is down (a SIGKILL leaves it), and each node's
keepalived state agreeing with the wire: a MASTER whose adverts nobody captures, or adverts from
a node that claims BACKUP, is a split brain keepalived itself does not see.
"""

from __future__ import annotations

from collections.abc import Iterable

from kaconsole.core.events import LogKind, VrrpState
from kaconsole.core.facts import LogSeen, ServiceState
from kaconsole.core.insight.anomalies import Anomaly, summaries
from kaconsole.core.state.model import ClusterState


def heal_findings(
    state: ClusterState, logs: Iterable[LogSeen] | None = None, since: float | None = None
) -> list[Anomaly]:
    """What is still wrong; empty when healed. `logs` (seen since `since`) enable the GARP check."""
    garps = None
    if logs is not None:
        garps = {
            s.node
            for s in logs
            if s.event.kind is LogKind.GARP
            and (since is None or s.event.ts is None or s.event.ts.timestamp() >= since)
        }
    out: list[Anomaly] = []
    for s in summaries(state):
        if len(s.vip_holders) != 1:
            where = ", ".join(s.vip_holders) or "no node"
            out.append(Anomaly("vip_holders", f"{s.name}: the VIP is on {where}", s.name,
                               s.vip_holders))
        for holder in s.vip_holders:
            node = state.node(holder)
            if node is not None and node.service("keepalived") is ServiceState.STOPPED:
                out.append(Anomaly(
                    "vip_left_behind",
                    f"{s.name}: the VIP is still on {holder}, where keepalived is not running "
                    "(killed without removing it)", s.name, (holder,)))
        if garps is not None and s.master is not None and s.master not in garps:
            out.append(Anomaly(
                "no_garp", f"{s.name}: no gratuitous ARP logged by {s.master}, the MASTER",
                s.name, (s.master,)))
        out.extend(_wire_disagrees(state, s.name, s.advert_sources))
    return out


def _wire_disagrees(state: ClusterState, name: str, sources: tuple[str, ...]) -> list[Anomaly]:
    """keepalived's claimed state against the adverts captured (only when a capture runs)."""
    if not any(n.instance(name) and n.reachable is not False for n in state.nodes):
        return []
    capturing = any(
        "capture" not in n.degraded for n in state.nodes if n.reachable is not False
    )
    vrids = {i.vrid for n in state.nodes if (i := n.instance(name)) and i.vrid is not None}
    if not capturing or not any(state.wire.get(v) for v in vrids):
        return []
    out = []
    for node in state.nodes:
        inst = node.instance(name)
        if inst is None or node.addresses is None:
            continue
        sending = [src for src in sources if src in node.addresses]
        if inst.state is VrrpState.MASTER and not sending:
            out.append(Anomaly(
                "state_wire_mismatch",
                f"{node.name} claims MASTER of {name} but no capture sees its adverts",
                name, (node.name,)))
        elif sending and inst.state is not VrrpState.MASTER:
            out.append(Anomaly(
                "state_wire_mismatch",
                f"adverts for {name} come from {node.name} ({', '.join(sending)}), which "
                f"claims {inst.state.value}", name, (node.name,)))
    return out
