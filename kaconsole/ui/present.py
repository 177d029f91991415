"""Pure rendering decisions: cluster state -> rows, labels and colour roles. No Textual here.

A segment is (text, role); a role names a theme variable ("vrrp-master", "anomaly", ...) or is ""
for plain text. Widgets turn segments into styled content; tests read them directly. States are
told apart by symbol and word as well as by colour. Times shown are relative to the state's own
clock (the latest time a fact carried), so the same facts always render the same screen.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from kaconsole.core.events import Advert, LogEvent, LogKind, VrrpState
from kaconsole.core.facts import ServiceState
from kaconsole.core.insight.anomalies import Anomaly, InstanceSummary, summaries
from kaconsole.core.insight.effects import election
from kaconsole.core.insight.explain import explain
from kaconsole.core.state.model import ClusterState, InstanceState, NodeState, Transition
from kaconsole.core.vrrp.election import elect
from kaconsole.core.vrrp.timers import master_down_interval

Seg = tuple[str, str]

SYMBOL = {
    VrrpState.MASTER: "●",
    VrrpState.BACKUP: "○",
    VrrpState.FAULT: "✖",
    VrrpState.STOP: "■",
    VrrpState.INIT: "◌",
    VrrpState.UNKNOWN: "?",
}

#: The VRRP state machine's states, in the diagram's order (UNKNOWN is "no evidence", not a state).
MACHINE = (VrrpState.INIT, VrrpState.BACKUP, VrrpState.MASTER, VrrpState.FAULT, VrrpState.STOP)

#: Anomaly kinds that turn the banner into an alarm.
LOUD = frozenset({"split_brain", "no_master", "vip_on_non_master", "unreachable"})

_SERVICE = {
    ServiceState.RUNNING: ("▲ running", "healthy"),
    ServiceState.STOPPED: ("▼ STOPPED", "down"),
    ServiceState.UNKNOWN: ("? unknown", "muted"),
}

_LOG_ROLE = {
    LogKind.PRIORITY: "log-change",
    LogKind.SCRIPT: "log-change",
    LogKind.TRANSITION: "log-change",
    LogKind.ADVERT_HIGHER: "log-advert",
    LogKind.ADVERT_LOWER: "log-advert",
    LogKind.ADVERT_ZERO: "log-change",
    LogKind.SENT_ZERO: "log-change",
    LogKind.ADVERT_TIMEOUT: "log-change",
    LogKind.VIPS: "log-advert",
    LogKind.GARP: "log-advert",
    LogKind.DAEMON: "vrrp-init",
    LogKind.AUTH_ERROR: "anomaly",
    LogKind.CONFIG: "vrrp-fault",
    LogKind.OTHER: "muted",
}


def state_role(state: VrrpState) -> str:
    return f"vrrp-{state.value.lower()}"


def state_label(state: VrrpState) -> str:
    return f"{SYMBOL[state]} {state.value}"


def clock_text(at: float | None) -> str:
    """Wall-clock time of a fact, in the console host's zone."""
    if at is None:
        return "--:--:--"
    return datetime.fromtimestamp(at, tz=UTC).astimezone().strftime("%H:%M:%S")


def ago(state: ClusterState, at: float | None) -> str:
    if at is None or state.clock is None:
        return ""
    return f"{max(state.clock - at, 0.0):.0f} s ago"


# --- node list ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NodeRow:
    name: str
    cells: tuple[Seg, ...]


def columns(state: ClusterState) -> tuple[str, ...]:
    return ("node", "reach", "nginx", "keepalived", *instance_names(state))


def instance_names(state: ClusterState) -> list[str]:
    return [s.name for s in summaries(state)]


def reach_cell(node: NodeState) -> Seg:
    if node.reachable is None:
        return ("… connecting", "muted")
    if node.reachable:
        said = "; ".join(f"{channel}: {note}" for channel, note in node.notes.items())
        return (f"✔ up · {said}", "log-change") if said else ("✔ up", "healthy")
    return ("✖ UNREACHABLE", "down")


def service_cell(node: NodeState, service: str) -> Seg:
    return _SERVICE[node.service(service)]


def instance_cell(inst: InstanceState | None, vips: tuple[str, ...], node: NodeState) -> Seg:
    if inst is None:
        return ("-", "muted")
    eff = inst.effective_priority if inst.effective_priority is not None else "?"
    base = inst.base_priority if inst.base_priority is not None else "?"
    vip = " VIP" if node.addresses is not None and node.addresses & set(vips) else ""
    return (f"{state_label(inst.state)} {eff}/{base}{vip}", state_role(inst.state))


def node_rows(state: ClusterState) -> list[NodeRow]:
    """One row per node, in inventory order: name, reachability, services, instance states."""
    sums = summaries(state)
    rows = []
    for node in state.nodes:
        cells: list[Seg] = [
            (node.name, ""),
            reach_cell(node),
            service_cell(node, "nginx"),
            service_cell(node, "keepalived"),
        ]
        cells += [instance_cell(node.instance(s.name), s.vips, node) for s in sums]
        rows.append(NodeRow(node.name, tuple(cells)))
    return rows


# --- header and banner --------------------------------------------------------------------------


def header_lines(
    state: ClusterState, description: str = "", *, read_only: bool = False
) -> list[list[Seg]]:
    """The cluster, then one line per instance: its MASTER and where its VIPs are."""
    lines: list[list[Seg]] = [[(f"cluster {state.cluster}", "")]]
    if read_only:
        lines[0].append(("  [READ-ONLY: actions disabled]", "log-change"))
    if description:
        lines[0].append((f"  {description}", "muted"))
    for s in summaries(state):
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


def banner(anomalies: list[Anomaly], missing: Sequence[str] = ()) -> tuple[str, bool]:
    """The anomaly banner's text and whether it is an alarm (it must not be missed).

    Degraded streams are said too (quietly): without them the console sees less than it shows.
    """
    loud = any(a.kind in LOUD for a in anomalies)
    lines = [f"⚠ {a.kind.replace('_', ' ').upper()}: {a.message}" for a in anomalies]
    lines += [f"◐ DEGRADED {m}" for m in missing]
    return ("\n".join(lines) or "✔ no anomalies", loud)


# --- state diagram ------------------------------------------------------------------------------


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
    should: str | None
    should_reason: str
    actual: tuple[str, ...]
    last: Transition | None
    last_text: str

    @property
    def agrees(self) -> bool:
        return self.actual == ((self.should,) if self.should else ())


def _master_down(inst: InstanceState, summary: InstanceSummary) -> float | None:
    prio = inst.effective_priority or inst.base_priority
    if prio is None or not 1 <= prio <= 255:
        return None
    version = inst.spec.version if inst.spec else 2
    try:
        return master_down_interval(prio, summary.advert_int, version)
    except ValueError:
        return None


def diagram(state: ClusterState, summary: InstanceSummary) -> Diagram:
    """Every node's place in the instance's state machine, and who should be MASTER."""
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
    e = election(state, summary.name)
    outcome = elect(e) if e is not None else None
    last = summary.last_transition
    last_text = (
        f"last: {last.node} {last.from_state.value} → {last.to_state.value} at "
        f"{clock_text(last.at)} ({last.cause}): {explain(state, last).detail}"
        if last
        else "last: no transition seen yet"
    )
    return Diagram(
        summary.name,
        summary.vrid,
        summary.advert_int,
        tuple(nodes),
        outcome.master if outcome else None,
        outcome.reason if outcome else "priorities unknown yet",
        summary.masters,
        last,
        last_text,
    )


def diagrams(state: ClusterState) -> list[Diagram]:
    return [diagram(state, s) for s in summaries(state)]


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
    actual = ", ".join(d.actual) or "nobody"
    verdict = ("✔ agrees", "healthy") if d.agrees else ("✖ DISAGREES", "anomaly")
    lines.append(
        [
            (f"should be MASTER: {d.should or 'nobody'}   is: {actual}   ", ""),
            verdict,
            (f"   {d.should_reason}", "muted"),
        ]
    )
    lines.append([(d.last_text, "log-change" if d.last else "muted")])
    return lines


# --- panes --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PaneLine:
    """One line of a scrolling pane; `node` lets the log pane show one node or all."""

    node: str
    segs: tuple[Seg, ...]

    @property
    def text(self) -> str:
        return "".join(t for t, _ in self.segs)


def log_role(event: LogEvent) -> str:
    if event.kind is LogKind.STATE:
        word = str(event.fields.get("state"))
        return state_role(VrrpState(word)) if word in VrrpState.__members__ else "vrrp-unknown"
    return _LOG_ROLE.get(event.kind, "")


def log_line(node: str, event: LogEvent) -> PaneLine:
    ts = event.ts.strftime("%H:%M:%S") if event.ts else "--:--:--"
    return PaneLine(
        node,
        (
            (f"{ts} ", "muted"),
            (f"{node:<10} ", ""),
            (f"{event.kind.value:<14} ", "muted"),
            (event.text, log_role(event)),
        ),
    )


def advert_line(node: str, adv: Advert, owner: str | None) -> PaneLine:
    """One advert: time, who sent it, VRID, priority, interval, VIPs, and any problems."""
    source = f"{owner} ({adv.src})" if owner else adv.src
    role = "vrrp-stop" if adv.priority == 0 else ("anomaly" if adv.problems else "log-advert")
    segs: list[Seg] = [
        (f"{clock_text(adv.ts)} ", "muted"),
        (f"{source:<24} ", ""),
        (f"VRID {adv.vrid:<3} prio {adv.priority:<3} every {adv.advert_int:g} s  ", role),
        (", ".join(adv.addresses), "muted"),
        (f"  seen by {node}", "muted"),
    ]
    if adv.problems:
        segs.append((f"  ⚠ {'; '.join(adv.problems)}", "anomaly"))
    return PaneLine(node, tuple(segs))


def owner_of(state: ClusterState, src: str) -> str | None:
    return next((n.name for n in state.nodes if n.addresses and src in n.addresses), None)


def advert_sources(state: ClusterState) -> list[list[Seg]]:
    """Per VRID, who advertises now: more than one source is split brain."""
    lines: list[list[Seg]] = []
    for s in summaries(state):
        names = [owner_of(state, src) or src for src in s.advert_sources]
        role = "anomaly" if len(names) > 1 else ("log-advert" if names else "muted")
        lines.append(
            [(f"VRID {s.vrid} ({s.name}): adverts from ", ""), (", ".join(names) or "nobody", role)]
        )
    return lines
