"""Priority what-if: for each tracker on each node, who becomes MASTER if it fails.

The answers come from `core.vrrp.predict` on the election the live state shows (`effects`), so
the view, the confirmations and `kaconsole check` apply one rule: a BACKUP takes over only from
a strictly lower priority or priority 0. A failure that leaves the VIP on the node where it
happened (a weight that only reaches a tie) is flagged: clients keep reaching a broken node.
"""

from __future__ import annotations

from dataclasses import dataclass

from kaconsole.core.events import LogKind
from kaconsole.core.insight.effects import election, tracked
from kaconsole.core.state.model import ClusterState, NodeState
from kaconsole.core.vrrp.election import NodeDies, StopKeepalived, TrackerFails, predict


@dataclass(frozen=True, slots=True)
class TrackerWhatIf:
    script: str
    weight: int
    failing_now: bool
    master_after: str | None
    reason: str
    #: The failure leaves the VIP on the node where it failed.
    stays_on_broken: bool


@dataclass(frozen=True, slots=True)
class NodeWhatIf:
    node: str
    base_priority: int | None
    effective_priority: int | None
    trackers: tuple[TrackerWhatIf, ...]
    #: What stopping keepalived (priority 0) and a silent death would do.
    stop: str | None
    dies: str | None


@dataclass(frozen=True, slots=True)
class InstanceWhatIf:
    instance: str
    master: str | None
    nodes: tuple[NodeWhatIf, ...]


def _failing(node: NodeState, instance: str, script: str) -> bool:
    inst = node.instance(instance)
    for ev in reversed(inst.evidence if inst else ()):
        if ev.kind is LogKind.SCRIPT and ev.fields.get("script") == script:
            return not ev.fields.get("ok")
    return False


def whatif(state: ClusterState, instance: str) -> InstanceWhatIf | None:
    """The what-if table of one instance; None while no priorities are known."""
    e = election(state, instance)
    if e is None:
        return None
    nodes = []
    master = None
    for node in state.nodes:
        inst = node.instance(instance)
        if inst is None or node.name not in {r.name for r in e.routers}:
            continue
        rows = []
        for script, weight in tracked(node, instance):
            try:
                p = predict(e, TrackerFails(node.name, weight, script))
            except ValueError:
                continue
            master = p.before
            rows.append(
                TrackerWhatIf(
                    script,
                    weight,
                    _failing(node, instance, script),
                    p.master,
                    p.reason,
                    p.before == node.name and p.master == node.name,
                )
            )
        stop, dies = (predict(e, c(node.name)) for c in (StopKeepalived, NodeDies))
        master = master or stop.before
        nodes.append(
            NodeWhatIf(
                node.name,
                inst.base_priority,
                inst.effective_priority,
                tuple(rows),
                stop.reason,
                dies.reason,
            )
        )
    return InstanceWhatIf(instance, master, tuple(nodes))


def whatif_lines(w: InstanceWhatIf) -> list[str]:
    """The table as plain lines, for the console's view and for text reports."""
    lines = [f"{w.instance}: MASTER now {w.master or 'none'}"]
    for n in w.nodes:
        lines.append(
            f"  {n.node}: base {n.base_priority}, effective now {n.effective_priority}"
        )
        for t in n.trackers:
            now = " (failing now)" if t.failing_now else ""
            lines.append(
                f"    {t.script} weight {t.weight:+d}{now}: if it fails on {n.node}, "
                f"MASTER {t.master_after or 'none'}: {t.reason}"
            )
            if t.stays_on_broken:
                lines.append(
                    f"    ! the VIP stays on {n.node} while {t.script} fails there: "
                    "clients keep reaching the broken node"
                )
        if n.stop:
            lines.append(f"    stop keepalived: {n.stop}")
        if n.dies:
            lines.append(f"    node dies: {n.dies}")
    return lines
