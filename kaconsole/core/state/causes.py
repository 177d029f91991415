"""Why an instance changed state, from the evidence around the change (CONTRACTS.md section 4).

The rule is to name a cause only when the evidence shows it, and to say "unknown" otherwise:
an on-call engineer acts on this text.
"""

from __future__ import annotations

from collections.abc import Callable

from kaconsole.core.events import LogKind, VrrpState
from kaconsole.core.state.model import ClusterState, Evidence, InstanceState, NodeState
from kaconsole.core.vrrp.timers import master_down_interval, skew_time

#: After keepalived starts, an election settles within the master-down interval (about 3.6 s at
#: advert_int 1); a little more is allowed for slow starts.
STARTUP_WINDOW = 8.0
#: A peer's resignation (priority 0, stop, fault) explains a takeover this soon after it.
RESIGN_WINDOW = 5.0
#: The detail of a stop seen only by the service poll (state.py): keepalived may have been
#: killed (SIGKILL, OOM) without sending priority 0, so it is no resignation by itself.
POLLED_STOP = "keepalived is not running"
#: After a priority 0 advert the backup waits its skew (< 1 s) and logs "Receive advertisement
#: timeout" (seen on keepalived 2.2.7), and a preempting BACKUP logs one after the last lower
#: advert it ignored: a timeout this soon after either is theirs.
TIMEOUT_AFTER = 2.0


def _recent(items: tuple[Evidence, ...], kind: LogKind, at: float | None) -> Evidence | None:
    for ev in reversed(_within(items, at, RESIGN_WINDOW * 2)):
        if ev.kind is kind:
            return ev
    return None


def _ago(at: float | None, then: float | None) -> str:
    """How long after; log times have whole seconds, and then no false precision is given."""
    if at is None or then is None:
        return "shortly"
    if at.is_integer() and then.is_integer():
        return "within a second" if at - then < 1 else f"about {at - then:.0f} s"
    return f"{at - then:.2f} s"


def infer_cause(
    state: ClusterState,
    node: NodeState,
    inst: InstanceState,
    to: VrrpState,
    at: float | None,
) -> tuple[str, str]:
    """(cause, detail) for `inst` on `node` entering `to` at `at`."""
    if to is VrrpState.STOP:
        return "stopped", "keepalived stopped"
    if to is VrrpState.FAULT:
        return "fault", "entered FAULT (a tracked interface or script with weight 0 failed)"
    started = (
        node.started_at is not None
        and at is not None
        and 0 <= at - node.started_at <= STARTUP_WINDOW
    )
    ev = inst.evidence
    if to is VrrpState.MASTER:
        # one that started as a BACKUP under a live MASTER takes over for another reason
        election = (
            started
            and not _master_heard_since(state, node, inst)
            and not _outlasted_master_down(inst, at)
        )
        return _why_master(state, node, inst, at, election)
    if to is VrrpState.BACKUP:
        higher = _recent(ev, LogKind.ADVERT_HIGHER, at)
        if inst.state is VrrpState.MASTER and higher is not None:
            return _why_demoted(state, inst, higher)
        if started or inst.state in (VrrpState.INIT, VrrpState.UNKNOWN, VrrpState.STOP):
            return "startup", "keepalived started: instances begin as BACKUP"
        if higher is not None:
            peer, prio = state.name_of(higher.fields.get("peer")), higher.fields.get("priority")
            return "higher_priority_seen", f"advert from {peer} with higher priority {prio}"
        if inst.state is VrrpState.FAULT:
            return "unknown", "left FAULT: what it tracks works again (the logs do not say what)"
    if to is VrrpState.INIT and started:
        return "startup", "keepalived started"
    return "unknown", "no evidence of the cause in the logs or on the wire"


def _why_master(
    state: ClusterState,
    node: NodeState,
    inst: InstanceState,
    at: float | None,
    election: bool,
) -> tuple[str, str]:
    """The latest piece of evidence that explains a takeover wins; older ones are history.

    `election`: keepalived started moments ago and no MASTER has been heard since.
    """
    found: list[tuple[float, str, str]] = []
    resigned = _peer_resignation(state, node, inst, at)
    if resigned is not None:
        who, then = resigned
        found.append(
            (
                then or 0.0,
                "priority_zero",
                f"{who} sent priority 0 (keepalived stopping); took over after the skew, "
                f"{_ago(at, then)}{_expected(inst, skew_time)}",
            )
        )
    for ev in _within(inst.evidence, at, RESIGN_WINDOW):
        if ev.kind is LogKind.ADVERT_ZERO:
            peer = ev.fields.get("peer")
            who = state.name_of(peer) if peer else "the master"
            found.append(
                (
                    ev.at or 0.0,
                    "priority_zero",
                    f"{who} sent priority 0; took over after the skew, {_ago(at, ev.at)}"
                    f"{_expected(inst, skew_time)}",
                )
            )
        elif ev.kind is LogKind.ADVERT_LOWER and inst.state is VrrpState.BACKUP:
            found.append(
                (
                    ev.at or 0.0,
                    "preempted",
                    f"took over from {state.name_of(ev.fields.get('peer'))} (priority "
                    f"{ev.fields.get('priority')}) with a higher priority"
                    + (f", {inst.effective_priority}" if inst.effective_priority else ""),
                )
            )
        elif ev.kind is LogKind.ADVERT_TIMEOUT and not election:
            found.append(
                (
                    ev.at or 0.0,
                    "advert_timeout",
                    "no advert from the master within the master-down interval"
                    f"{_expected(inst, master_down_interval)}",
                )
            )
    if found:
        when, cause, detail = max(found, key=lambda f: f[0])
        # keepalived logs a timeout both after the skew that follows a priority 0 advert and
        # when a BACKUP that ignores a lower master's adverts preempts it: the earlier
        # evidence is the cause
        for kind in ("priority_zero", "preempted") if cause == "advert_timeout" else ():
            near = [f for f in found if f[1] == kind and when - f[0] <= TIMEOUT_AFTER]
            if near:
                return near[0][1], near[0][2]  # a peer's resignation comes first: it names it
        return cause, detail
    if election:
        return "startup", "startup election: no advert from a higher-priority master"
    silent = _silent_master(state, node, inst, at)
    if silent is not None:
        return "advert_timeout", silent
    return "unknown", "no evidence of the cause in the logs or on the wire"


def _expected(inst: InstanceState, timer: Callable[[int, float, int], float]) -> str:
    """The timer keepalived should have used, to compare with what was observed ("" unknown)."""
    prio, spec = inst.effective_priority, inst.spec
    if prio is None or spec is None or not 1 <= prio <= 255:
        return ""
    return f" (expected {timer(prio, spec.advert_int, spec.version):.2f} s at priority {prio})"


def _within(items: tuple[Evidence, ...], at: float | None, window: float) -> list[Evidence]:
    return [e for e in items if at is None or e.at is None or 0 <= at - e.at <= window]


def _outlasted_master_down(inst: InstanceState, at: float | None) -> bool:
    """It stayed BACKUP longer than its master-down interval: a MASTER was advertising all the
    while (a startup election ends within that interval), so its takeover is not the election."""
    if inst.state is not VrrpState.BACKUP or inst.since is None or at is None:
        return False
    spec = inst.spec
    try:
        interval = (
            master_down_interval(spec.priority, spec.advert_int, spec.version)
            if spec is not None and 1 <= spec.priority <= 254
            else 3.7
        )
    except ValueError:
        return False
    return at - inst.since > interval + 1.0  # whole-second log times


def _master_heard_since(state: ClusterState, node: NodeState, inst: InstanceState) -> bool:
    """A peer advertised (priority > 0) after this node's keepalived started."""
    if inst.vrid is None or node.started_at is None:
        return False
    return any(
        seen.advert.priority > 0
        and seen.advert.ts > node.started_at
        and not (node.addresses and src in node.addresses)
        for src, seen in state.wire.get(inst.vrid, {}).items()
    )


def _silent_master(
    state: ClusterState, node: NodeState, inst: InstanceState, at: float | None
) -> str | None:
    """A peer's adverts for this VRID stopped well before the takeover: it went silent."""
    if inst.vrid is None or at is None:
        return None
    for src, seen in state.wire.get(inst.vrid, {}).items():
        if node.addresses and src in node.addresses:
            continue
        quiet = at - seen.advert.ts
        if seen.advert.priority > 0 and 2.5 * seen.advert.advert_int <= quiet <= 30:
            return (
                f"no advert from {state.name_of(src)} for {quiet:.2f} s: the master-down "
                "interval ran out"
                f"{_expected(inst, master_down_interval)}"
            )
    return None


def _why_demoted(
    state: ClusterState, inst: InstanceState, higher: Evidence
) -> tuple[str, str]:
    prio, ours = higher.fields.get("priority"), higher.fields.get("ours")
    peer = state.name_of(higher.fields.get("peer"))
    drop = _recent(inst.evidence, LogKind.PRIORITY, higher.at)
    failed = _recent(inst.evidence, LogKind.SCRIPT, higher.at)
    if drop is not None and (drop.fields.get("to") or 0) < (drop.fields.get("from") or 0):
        what = (
            f"{failed.fields.get('script')} failed: "
            if failed and not failed.fields.get("ok")
            else ""
        )
        return (
            "script_failed",
            f"{what}priority {drop.fields.get('from')} -> {drop.fields.get('to')}; "
            f"{peer} advertises {prio}, higher",
        )
    if prio is not None and prio == ours:
        return (
            "preempted",
            f"{peer} also claims MASTER with the same priority {prio} and a higher IP address: "
            "between two MASTERs the higher IP wins (a split brain healing)",
        )
    return "preempted", f"{peer} advertises higher priority {prio} (ours {ours})"


def _peer_resignation(
    state: ClusterState, node: NodeState, inst: InstanceState, at: float | None
) -> tuple[str, float | None] | None:
    """The peer whose stop or priority 0 advert this takeover follows, if any."""
    for tr in reversed(state.transitions):
        if at is not None and tr.at is not None and at - tr.at > RESIGN_WINDOW:
            break
        if (
            tr.instance == inst.name
            and tr.node != node.name
            and tr.from_state is VrrpState.MASTER
            and tr.to_state in (VrrpState.STOP, VrrpState.FAULT)
            and tr.detail != POLLED_STOP
        ):
            return tr.node, tr.at
    vrid = inst.vrid
    if vrid is None or at is None:
        return None
    for src, seen in state.wire.get(vrid, {}).items():
        adv = seen.advert
        if adv.priority == 0 and 0 <= at - adv.ts <= RESIGN_WINDOW:
            return state.name_of(src), adv.ts
    return None
