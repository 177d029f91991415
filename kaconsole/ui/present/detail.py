"""The detail view's lines: one row of a pane, a node or a transition shown whole.

A pane row is cut at the pane's width; at 3 a.m. the engineer needs all of it and where it came
from. A transition is shown with its cause chain (`core.insight.explain`) and, under each link,
the evidence the console holds for it: log lines, adverts, service polls and audited actions,
each with its source and time. Pure: the caller hands in the rows the panes keep.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import fields

from kaconsole.core.events import LogKind
from kaconsole.core.facts import AdvertSeen, LogSeen
from kaconsole.core.insight.explain import ACTION_WINDOW, OperatorAction, explain
from kaconsole.core.insight.timeline import Entry
from kaconsole.core.state.causes import RESIGN_WINDOW
from kaconsole.core.state.model import ClusterState, Transition
from kaconsole.ui.present.common import Seg, clock_text, state_label, state_role
from kaconsole.ui.present.panes import PaneLine, advert_line

Lines = list[list[Seg]]
_ENTRY_ROLE = {"anomaly": "anomaly", "operator": "log-change", "state": ""}
#: Log kinds that back a link, by what the link says; the last (empty) one is any other link.
_LINK_KINDS: tuple[tuple[str, frozenset[LogKind]], ...] = (
    ("operator ran", frozenset()),
    ("service poll", frozenset()),
    ("stopped keepalived", frozenset({LogKind.SCRIPT, LogKind.PRIORITY, LogKind.DAEMON})),
    ("track script", frozenset({LogKind.SCRIPT, LogKind.PRIORITY})),
    ("failed", frozenset({LogKind.SCRIPT, LogKind.PRIORITY})),
    ("priority 0", frozenset({LogKind.SENT_ZERO, LogKind.ADVERT_ZERO})),
    ("", frozenset({LogKind.STATE, LogKind.TRANSITION, LogKind.ADVERT_ZERO,
                    LogKind.ADVERT_TIMEOUT, LogKind.SENT_ZERO})),
)
#: How far a link's evidence may precede the link before's: logs stamp whole seconds, an audited
#: action is on the console's clock, and a loaded node logs late.
EVIDENCE_SLACK = 3.0
#: Priority-0 adverts shown for a link: keepalived sends a few; the first ones make the point.
_ADVERTS = 2


def entry_line(e: Entry) -> PaneLine:
    """One timeline row: time, source, node and what happened, coloured by kind."""
    role = _ENTRY_ROLE.get(e.source, "")
    if e.source == "state":
        role = f"vrrp-{e.kind}"
    if e.kind in ("cleared", "done"):
        role = "healthy"
    if e.kind == "failed":
        role = "anomaly"
    return PaneLine(e.node, (
        (f"{clock_text(e.at)} ", "muted"), (f"{e.source:<9}", "muted"),
        (f"{e.node or '-':<10} ", ""), (e.text, role),
    ))


def _log_time(f: LogSeen) -> float | None:
    return f.event.ts.timestamp() if f.event.ts else None


def log_detail(f: LogSeen) -> Lines:
    e = f.event
    where = f"{f.node} (keepalived log{f', line {e.line}' if e.line else ''})"
    lines: Lines = [
        [("log line from ", "muted"), (where, "")],
        [("time      ", "muted"), (e.ts.isoformat() if e.ts else "unknown", "")],
        [("kind      ", "muted"), (e.kind.value, "")],
    ]
    if e.instance:
        lines.append([("instance  ", "muted"), (e.instance, "")])
    if e.host or e.pid:
        lines.append([("host/pid  ", "muted"), (f"{e.host or '-'} / {e.pid or '-'}", "")])
    lines += [[(f"{k:<10}", "muted"), (str(v), "")] for k, v in e.fields.items()]
    return [*lines, [("", "")], [("raw", "muted")], [(e.text, "")]]


def advert_detail(f: AdvertSeen, state: ClusterState | None) -> Lines:
    adv = f.advert
    owner = state.owner(adv.src) if state else None
    lines: Lines = [
        [("advert captured on ", "muted"), (f.node, ""), (f" at {clock_text(adv.ts)}", "muted")],
        [("sender    ", "muted"), (f"{owner} ({adv.src})" if owner else adv.src, "")],
    ]
    for field in fields(adv):
        value = getattr(adv, field.name)
        if field.name == "auth_fingerprint":
            value = "present (a keyed hash; the password is never kept)" if value else "none"
        elif field.name == "ts":
            value = f"{clock_text(value)} ({value})"
        elif isinstance(value, tuple):
            value = ", ".join(map(str, value)) or "none"
        role = "vrrp-stop" if field.name == "priority" and value == 0 else ""
        lines.append([(f"{field.name:<17}", "muted"), (str(value), role)])
    return lines


def text_detail(title: str, line: PaneLine) -> Lines:
    return [[(title, "muted")], [("", "")], list(line.segs)]


def find_transition(state: ClusterState, entry: Entry) -> Transition | None:
    """The transition a timeline row was written for (same node, stamp and states)."""
    at = entry.stamped if entry.stamped_by is not None else entry.at
    for t in reversed(state.transitions):
        arrow = f"{t.instance}: {t.from_state.value} → {t.to_state.value} "
        if t.node == entry.node and t.at == at and entry.text.startswith(arrow):
            return t
    return None


def _whose(tr: Transition) -> str:
    """Whose clock a transition's time reads: a node's own (the timeline row is the console's)."""
    return f" on {tr.stamped_by}'s clock" if tr.stamped_by is not None else ""


def transition_detail(
    state: ClusterState,
    tr: Transition,
    actions: Sequence[OperatorAction],
    logs: Sequence[LogSeen],
    adverts: Sequence[AdvertSeen],
) -> Lines:
    """The transition, its full cause chain, and the evidence behind each link."""
    why = explain(state, tr, actions)
    lines: Lines = [
        [(f"{tr.instance} on {tr.node}: ", ""), (state_label(tr.from_state), state_role(
            tr.from_state)), (" → ", ""), (state_label(tr.to_state), state_role(tr.to_state)),
         (f"  at {clock_text(tr.at)}{_whose(tr)}  cause {tr.cause}", "muted")],
        [("", "")], [("cause chain (oldest first)", "muted")],
    ]
    nodes = {tr.node, *(n.name for n in state.nodes if any(n.name in s for s in why.chain))}
    window = start = (tr.at or 0.0) - ACTION_WINDOW
    previous = {tr.node}
    for number, link in enumerate(why.chain, 1):
        lines.append([(f"{number}. ", "muted"), (link, "log-change")])
        # "its track script ..." is the node the link before named, not the one that moved
        named = {n for n in nodes if n in link} or (previous if link.startswith("its ")
                                                     else {tr.node})
        previous = named
        # an effect's evidence never predates its cause's (a node stopped by earlier work is not
        # this stop), within EVIDENCE_SLACK
        found = [(at, segs) for at, segs in
                 _evidence(link, state, tr, actions, logs, adverts, named, window)
                 if at is None or at >= start - EVIDENCE_SLACK]
        timed = [at for at, _ in found if at is not None]
        start = max(start, min(timed)) if timed else start
        lines += [segs for _, segs in found] or [
            [("     (no evidence kept for this link)", "muted")]]
    return lines


def _evidence(
    link: str,
    state: ClusterState,
    tr: Transition,
    actions: Sequence[OperatorAction],
    logs: Sequence[LogSeen],
    adverts: Sequence[AdvertSeen],
    named: set[str],
    start: float,
) -> list[tuple[float | None, list[Seg]]]:
    end = (tr.at or 0.0) + 2.0
    out: list[tuple[float | None, list[Seg]]] = []
    if "operator ran" in link:
        for a in actions:
            if a.node in named and start <= a.at <= end:
                out.append(_ev("audit", a.at, a.node, f"{a.action}: $ {a.command}"))
    if "service poll" in link:
        for name in named:
            node = state.node(name)
            for service, st in (node.services.items() if node else ()):
                # the poll's "now", not when it saw this: it places no later link
                out.append((None, _ev("poll", state.clock, name, f"{service} {st}")[1]))
    if "priority 0" in link:
        zero = [ad for ad in adverts if ad.advert.priority == 0 and start <= ad.advert.ts <= end
                and state.owner(ad.advert.src) in named]
        for ad in zero[:_ADVERTS]:
            line = advert_line(ad.node, ad.advert, state.owner(ad.advert.src))
            out.append(_ev("wire", ad.advert.ts, ad.node, line.text))
    kinds = next(k for word, k in _LINK_KINDS if word in link)
    # a takeover's own lines are seconds before it; a script's failure may be further back
    since = start if "script" in link or "failed" in link else (tr.at or 0.0) - RESIGN_WINDOW
    for f in logs:
        at = _log_time(f)
        if _says_nothing(f):
            continue
        if f.node in named and f.event.kind in kinds and at is not None and since <= at <= end:
            out.append(_ev("log", at, f.node, f"{f.event.kind.value}: {f.event.text}"))
    return out


def _says_nothing(f: LogSeen) -> bool:
    """A script that succeeded, or keepalived starting, is no evidence of why a node left."""
    fields = f.event.fields
    return (f.event.kind is LogKind.SCRIPT and bool(fields.get("ok"))) or (
        f.event.kind is LogKind.DAEMON and fields.get("action") == "start")


def _ev(source: str, at: float | None, node: str, text: str) -> tuple[float | None, list[Seg]]:
    return at, [(f"     {source:<5} {clock_text(at)} {node:<8} ", "muted"), (text, "")]


def row_detail(
    item: object,
    state: ClusterState | None,
    actions: Sequence[OperatorAction],
    logs: Sequence[LogSeen],
    adverts: Sequence[AdvertSeen],
) -> tuple[str, Lines]:
    """The title and lines of a pane row opened with enter, whatever the pane."""
    if isinstance(item, LogSeen):
        return f"log line on {item.node}", log_detail(item)
    if isinstance(item, AdvertSeen):
        return f"advert from {item.advert.src}", advert_detail(item, state)
    if isinstance(item, Entry):
        tr = find_transition(state, item) if state else None
        if state is not None and tr is not None:
            title = f"{tr.node}: {tr.instance} {tr.from_state.value} → {tr.to_state.value}"
            return title, transition_detail(state, tr, actions, logs, adverts)
        return "timeline entry", text_detail(item.source, entry_line(item))
    if isinstance(item, list | tuple):
        return "line", [[(str(t), str(r)) for t, r in item]]
    return "line", [[(str(item), "")]]


def node_detail(
    state: ClusterState,
    name: str,
    actions: Sequence[OperatorAction],
    logs: Sequence[LogSeen],
    adverts: Sequence[AdvertSeen],
) -> Lines:
    """A node whole: reachability, services, addresses, and each instance's last change."""
    node = state.node(name)
    if node is None:
        return [[(f"{name}: nothing known yet", "muted")]]
    reach = {True: "up", False: "unreachable", None: "unknown"}[node.reachable]
    lines: Lines = [
        [(f"{name} ({node.host})  ", ""), (reach, "healthy" if node.reachable else "anomaly")],
        *([[("error     ", "muted"), (node.error, "anomaly")]] if node.error else []),
        [("services  ", "muted"), (", ".join(f"{s} {st}" for s, st in node.services.items())
                                   or "unknown", "")],
        [("addresses ", "muted"), (", ".join(sorted(node.addresses or ())) or "unknown", "")],
    ]
    for inst in node.instances:
        lines += [[("", "")], [(f"{inst.name}: ", ""), (state_label(inst.state),
                                                       state_role(inst.state)),
                              (f"  priority {inst.effective_priority} (base "
                               f"{inst.base_priority})", "muted")]]
        if inst.last_transition is not None:
            lines += transition_detail(state, inst.last_transition, actions, logs, adverts)
    return lines
