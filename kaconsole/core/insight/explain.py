"""Cause chains: a transition's cause carried back to what started it.

`causes.infer_cause` names a transition's immediate cause when it happens. What started it (why
did the MASTER stop?) is often known only later: the service poll sees nginx stopped a second
after keepalived already resigned, and the audit log holds the operator's action. So the chain
is built when it is shown, from the state and the actions known then. The contract's `cause` is
never changed here; the chain goes into `detail` and the extra `chain` list.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from kaconsole.core.events import LogKind, VrrpState
from kaconsole.core.facts import ServiceState
from kaconsole.core.state.causes import RESIGN_WINDOW
from kaconsole.core.state.clock import corrected
from kaconsole.core.state.model import ClusterState, NodeState, Transition

_UNKNOWN = "why keepalived left MASTER on"
#: Log times are often whole seconds: an action may seem up to a second later than its effect.
LOG_SLACK = 1.0
#: An operator's action explains a stop this long after it (a track script runs every few s).
ACTION_WINDOW = 30.0


@dataclass(frozen=True, slots=True)
class OperatorAction:
    """One audited action (`stop nginx` on node1), from the audit log's entries."""

    node: str
    action: str
    at: float
    command: str = ""


@dataclass(frozen=True, slots=True)
class Explanation:
    cause: str
    detail: str
    chain: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {"cause": self.cause, "detail": self.detail, "chain": list(self.chain)}


def operator_actions(entries: Iterable[Mapping[str, Any]]) -> tuple[OperatorAction, ...]:
    """The actions that started, from audit entries; malformed entries are skipped."""
    out = []
    for e in entries:
        if e.get("phase") != "started":
            continue
        node, action, when = e.get("node"), e.get("action"), e.get("time")
        if not (isinstance(node, str) and isinstance(action, str) and isinstance(when, str)):
            continue
        try:
            at = datetime.fromisoformat(when).timestamp()
        except (ValueError, OverflowError):
            continue
        command = e.get("command")
        out.append(OperatorAction(node, action, at, command if isinstance(command, str) else ""))
    return tuple(out)


def explain(
    state: ClusterState, tr: Transition, actions: Iterable[OperatorAction] = ()
) -> Explanation:
    """The transition's cause with the chain of evidence that led to it, oldest first."""
    acts = tuple(actions)
    stop: Transition | None = None
    steps: tuple[str, ...] = (tr.detail,)
    if tr.cause == "priority_zero":
        stop = _resigned(state, tr)
        if stop is not None:
            steps = (f"{stop.node} sent priority 0", _tail(tr.detail))
    elif tr.cause in ("stopped", "fault") and tr.from_state is VrrpState.MASTER:
        stop = tr
    if stop is None:
        return Explanation(tr.cause, tr.detail, steps)
    upstream = why_stopped(state, stop, acts)
    chain = (*upstream, *steps)
    if upstream[0].startswith(_UNKNOWN):
        # the known part first: a narrow pane shows the start of the line
        return Explanation(tr.cause, f"{tr.detail} ({upstream[0]})", chain)
    return Explanation(tr.cause, " -> ".join(chain), chain)


def _tail(detail: str) -> str:
    """The takeover part of a priority_zero detail ("took over after the skew, 0.61 s")."""
    _, sep, rest = detail.partition("; ")
    return rest if sep else detail


def _resigned(state: ClusterState, tr: Transition) -> Transition | None:
    """The peer's MASTER -> STOP/FAULT that this takeover followed."""
    best = None
    for other in state.transitions:
        if (
            other.instance == tr.instance
            and other.node != tr.node
            and other.from_state is VrrpState.MASTER
            and other.to_state in (VrrpState.STOP, VrrpState.FAULT)
            and (tr.at is None or other.at is None or 0 <= tr.at - other.at <= RESIGN_WINDOW)
        ):
            best = other
    return best


def why_stopped(
    state: ClusterState, stop: Transition, actions: tuple[OperatorAction, ...] = ()
) -> tuple[str, ...]:
    """What made `stop.node` leave MASTER, as far as the evidence shows; never a guess."""
    node = state.node(stop.node)
    at = stop.at
    if at is not None and stop.stamped_by is not None:  # actions are on the console's clock
        clocked = state.node(stop.stamped_by)
        at = corrected(at, stop.received, clocked.clock_offset if clocked else None)
    acted = [
        a
        for a in actions
        if a.node == stop.node and (at is None or -LOG_SLACK <= at - a.at <= ACTION_WINDOW)
    ]
    if acted:
        last = acted[-1]
        steps = [f"operator ran `{last.action}` on {last.node} (audit log)"]
        if "keepalived" not in last.action:
            steps.append(
                "its track script stopped keepalived"
                if stop.to_state is VrrpState.STOP
                else "its track script failed (weight 0: FAULT)"
            )
        return tuple(steps)
    if node is None:
        return (f"{_UNKNOWN} {stop.node}: unknown",)
    failed = _failed_script(node, stop)
    if failed:
        return (f"{failed} failed on {stop.node}",)
    down = [
        s for s, st in node.services.items() if s != "keepalived" and st is ServiceState.STOPPED
    ]
    if down and stop.to_state is VrrpState.STOP:
        return (
            f"{', '.join(down)} is stopped on {stop.node} (service poll)",
            "its track script stopped keepalived",
        )
    return (
        f"{_UNKNOWN} {stop.node}: unknown (no script result, no service down, no audited action)",
    )


def _failed_script(node: NodeState, stop: Transition) -> str | None:
    inst = node.instance(stop.instance)
    if inst is None:
        return None
    for ev in reversed(inst.evidence):
        if (
            ev.kind is LogKind.SCRIPT
            and not ev.fields.get("ok")
            and (stop.at is None or ev.at is None or 0 <= stop.at - ev.at <= RESIGN_WINDOW * 2)
        ):
            return str(ev.fields.get("script") or "a track script")
    return None
