"""The state diagram per VRRP instance: every node's place, timers, should-be vs is MASTER."""

from __future__ import annotations

from dataclasses import dataclass

from kaconsole.core.events import VrrpState
from kaconsole.core.insight.anomalies import InstanceSummary
from kaconsole.core.insight.verdict import Verdict, verdict
from kaconsole.core.insight.view import ClusterView
from kaconsole.core.state.model import InstanceState, Transition
from kaconsole.core.vrrp.timers import master_down_interval
from kaconsole.ui.present.common import MACHINE, Seg, ago, clock_text, state_label, state_role


@dataclass(frozen=True, slots=True)
class DiagramNode:
    name: str
    state: VrrpState
    priority: str
    since: str
    master_down: float | None


@dataclass(frozen=True, slots=True)
class Diagram:
    instance: str
    vrid: int | None
    advert_int: float
    nodes: tuple[DiagramNode, ...]
    verdict: Verdict
    last: Transition | None
    last_text: str

    @property
    def agrees(self) -> bool:
        return self.verdict.status == "agrees"


def _master_down(inst: InstanceState, summary: InstanceSummary) -> float | None:
    prio = inst.effective_priority or inst.base_priority
    if prio is None or not 1 <= prio <= 255:
        return None
    version = inst.spec.version if inst.spec else 2
    try:
        return master_down_interval(prio, summary.advert_int, version)
    except ValueError:
        return None


def diagram(view: ClusterView, summary: InstanceSummary) -> Diagram:
    """Every node's place in the instance's state machine, and who should be MASTER: the view's
    verdict and cause, as the banner and the timeline show them."""
    state = view.state
    nodes = []
    for node in state.nodes:
        inst = node.instance(summary.name)
        if inst is None:
            continue
        eff = inst.effective_priority if inst.effective_priority is not None else "?"
        base = inst.base_priority if inst.base_priority is not None else "?"
        nodes.append(
            DiagramNode(
                node.name,
                inst.state,
                f"{eff}/{base}",
                f"since {clock_text(inst.since)} ({ago(state, inst.since)})" if inst.since else "",
                _master_down(inst, summary),
            )
        )
    last = summary.last_transition
    last_text = (
        f"last: {last.node} {last.from_state.value} → {last.to_state.value} at "
        f"{clock_text(last.at)} ({last.cause}): {view.cause(last).detail}"
        if last
        else "last: no transition seen yet"
    )
    found = view.verdict(summary.name) or verdict(state, summary, view.anomalies)
    return Diagram(
        summary.name, summary.vrid, summary.advert_int, tuple(nodes), found, last, last_text
    )


def diagrams(view: ClusterView) -> list[Diagram]:
    return [diagram(view, s) for s in view.summaries]


_VERDICT_ROLE = {"agrees": "healthy", "electing": "log-change", "disagrees": "anomaly",
                 "unknown": "muted"}


def diagram_lines(d: Diagram, *, big: bool = False) -> list[list[Seg]]:
    """The diagram as text: a column per machine state, the node's mark in its current one.

    `big` (presentation mode) widens the columns and spaces the rows for a shared screen.
    """
    col = 15 if big else 12
    width = max([len(n.name) for n in d.nodes] + [4]) + 9
    head: list[Seg] = [(f"{d.instance}  VRID {d.vrid if d.vrid is not None else '?'}  ", "")]
    head.append((f"advert every {d.advert_int:g} s", "muted"))
    states: list[Seg] = [(" " * width, "")] + [(f"{s.value:^{col}}", "muted") for s in MACHINE]
    lines: list[list[Seg]] = [head, states]
    for n in d.nodes:
        if big:
            lines.append([("", "")])
        row: list[Seg] = [(f"{n.name} {n.priority}".ljust(width), "")]
        for s in MACHINE:
            mark = f"[{state_label(s)}]" if s is n.state else "·"
            row.append((f"{mark:^{col}}", state_role(s) if s is n.state else "muted"))
        if n.state is VrrpState.UNKNOWN:
            row.append((" ? no evidence yet", "vrrp-unknown"))
        if n.state is VrrpState.BACKUP and n.master_down is not None:
            row.append((f" master-down {n.master_down:.2f} s", "muted"))
        if n.since:
            row.append((f" {n.since}", "muted"))
        lines.append(row)
    if big:
        lines.append([("", "")])
    v = d.verdict
    lines.append(
        [
            (f"should be MASTER: {v.should or 'nobody'}   is: {', '.join(v.actual) or 'nobody'}"
             "   ", ""),
            (v.text, _VERDICT_ROLE[v.status]),
            (f"   {v.should_reason}", "muted"),
        ]
    )
    lines.append([(d.last_text, "log-change" if d.last else "muted")])
    return lines




def master_timer(view: ClusterView) -> tuple[str, str]:
    """Presentation mode's big timer: how long the first instance's MASTER has held it, as
    (label, mm:ss)."""
    state, sums = view.state, view.summaries
    if not sums:
        return "no VRRP instance yet", "--:--"
    s = sums[0]
    node = state.node(s.master) if s.master else None
    inst = node.instance(s.name) if node else None
    if inst is None or inst.since is None or state.clock is None:
        return f"{s.name}: no MASTER", "--:--"
    secs = int(max(state.clock - inst.since, 0))
    return f"{s.name}: {s.master} MASTER for", f"{secs // 60:02d}:{secs % 60:02d}"
