"""The node list, the cluster header and the anomaly banner: view -> rows and lines."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from kaconsole.core.events import VrrpState
from kaconsole.core.facts import ServiceState
from kaconsole.core.insight.view import ClusterView
from kaconsole.core.state.model import ClusterState, InstanceState, NodeState
from kaconsole.ui.present.common import LOUD, SYMBOL, Seg, state_label, state_role

_SERVICE = {
    ServiceState.RUNNING: ("▲ running", "healthy"),
    ServiceState.STOPPED: ("▼ STOPPED", "down"),
    ServiceState.UNKNOWN: ("? unknown", "muted"),
}




@dataclass(frozen=True, slots=True)
class NodeRow:
    name: str
    cells: tuple[Seg, ...]


def columns(view: ClusterView) -> tuple[str, ...]:
    return ("node", "reach", "nginx", "keepalived", *view.instance_names)


def reach_cell(node: NodeState) -> Seg:
    if node.reachable is None:
        return ("… connecting", "muted")
    if node.reachable:
        said = "; ".join(f"{channel}: {note}" for channel, note in node.notes.items())
        return (f"✔ up · {said}", "log-change") if said else ("✔ up", "healthy")
    return ("✖ UNREACHABLE", "down")


def service_cell(node: NodeState, service: str) -> Seg:
    return _SERVICE[node.service(service)]


def instance_cell(
    inst: InstanceState | None, vips: tuple[str, ...], node: NodeState, left: bool = False
) -> Seg:
    """State, priorities and the VIP: on a MASTER; on another node only when the view's
    anomalies say it was left there (a STOP row right after a stop shows no stale `ip addr`)."""
    if inst is None:
        return ("-", "muted")
    eff = inst.effective_priority if inst.effective_priority is not None else "?"
    base = inst.base_priority if inst.base_priority is not None else "?"
    holds = node.addresses is not None and bool(node.addresses & set(vips))
    vip = ""
    if holds and inst.state is VrrpState.MASTER:
        vip = " VIP"
    elif holds and left:
        vip = " VIP LEFT"
    return (f"{state_label(inst.state)} {eff}/{base}{vip}", state_role(inst.state))


def node_rows(view: ClusterView) -> list[NodeRow]:
    """One row per node, in inventory order: name, reachability, services, instance states."""
    sums = view.summaries
    left = {(a.instance, n) for a in view.anomalies if a.kind == "vip_on_non_master"
            for n in a.nodes}
    rows = []
    for node in view.state.nodes:
        cells: list[Seg] = [
            (node.name, ""),
            reach_cell(node),
            service_cell(node, "nginx"),
            service_cell(node, "keepalived"),
        ]
        cells += [
            instance_cell(node.instance(s.name), s.vips, node, (s.name, node.name) in left)
            for s in sums
        ]
        rows.append(NodeRow(node.name, tuple(cells)))
    return rows




def header_lines(
    view: ClusterView, description: str = "", *, read_only: bool = False,
    badge: Seg | None = None,
) -> list[list[Seg]]:
    """The cluster (and the configuration findings' `badge`), then one line per instance: its
    MASTER and where its VIPs are."""
    lines: list[list[Seg]] = [[(f"cluster {view.state.cluster}", "")]]
    if badge is not None:
        lines[0].append((f"  [{badge[0]}]", badge[1]))
    if read_only:
        lines[0].append(("  [READ-ONLY: actions disabled]", "log-change"))
    if description:
        lines[0].append((f"  {description}", "muted"))
    for s in view.summaries:
        master = ", ".join(s.masters) or "none"
        role = "vrrp-master" if len(s.masters) == 1 else "anomaly"
        holders = ", ".join(s.vip_holders) or "no node"
        lines.append(
            [
                (f"{s.name} (VRID {s.vrid if s.vrid is not None else '?'})  ", ""),
                (f"{SYMBOL[VrrpState.MASTER]} MASTER {master}", role),
                (f"   VIP {', '.join(s.vips) or '?'} on {holders}", "muted"),
            ]
        )
    return lines


def degraded(state: ClusterState) -> list[str]:
    """Evidence the console is missing: each node's streams that do not work, and why."""
    return [
        f"{node.name} {channel}: {why}"
        for node in state.nodes
        if node.reachable is not False
        for channel, why in node.degraded.items()
    ]


def banner(view: ClusterView, missing: Sequence[str] = ()) -> tuple[str, bool]:
    """The anomaly banner's text and whether it is an alarm (it must not be missed).

    It words the view's verdicts: each anomaly, each other problem, an election running, and
    "no anomalies" only when the cluster is whole (as the what-if says "Cluster whole: yes").
    Degraded streams are said too (quietly): without them the console sees less than it shows.
    """
    anomalies = view.anomalies
    loud = any(a.kind in LOUD for a in anomalies)
    lines = [f"⚠ {a.kind.replace('_', ' ').upper()}: {a.message}" for a in anomalies]
    lines += [f"⚠ {p}" for p in view.problems[len(anomalies):]]
    lines += [f"{v.text.upper()}: {v.instance} should be MASTER {v.should or 'nobody'}"
              for v in view.electing]
    lines += [f"◐ DEGRADED {m}" for m in missing]
    return ("\n".join(lines) or "✔ no anomalies", loud)


