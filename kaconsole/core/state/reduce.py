"""The cluster state and the one reducer that folds facts into it.

`reduce(state, fact)` is pure: it never reads a clock, so the same facts give the same state.
"Now" is the latest time any fact carried (`ClusterState.clock`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from types import MappingProxyType
from typing import Any, NamedTuple

from kaconsole.core.events import LogEvent, LogKind, VrrpState
from kaconsole.core.facts import (
    AddressesObserved,
    AdvertSeen,
    ChannelStatus,
    ConfigObserved,
    DumpObserved,
    Fact,
    InstanceSpec,
    LogSeen,
    NeighbourObserved,
    ProbeResult,
    Reachability,
    ServiceObserved,
    ServiceState,
)
from kaconsole.core.state.causes import POLLED_STOP, infer_cause
from kaconsole.core.state.clock import observe
from kaconsole.core.state.model import (
    EMPTY_MAP,
    ClusterState,
    Evidence,
    InstanceState,
    NodeState,
    Transition,
    WireSource,
)

#: How long log evidence is kept for explaining a transition (seconds).
EVIDENCE_WINDOW = 20.0
#: Evidence items kept per instance; older ones fall off first.
MAX_EVIDENCE = 16
#: Transitions kept for the timeline; the console's own panes keep their own history.
MAX_TRANSITIONS = 500
#: Wire sources not heard from for this long are forgotten.
WIRE_MEMORY = 60.0


class Heard(NamedTuple):
    """Whose clock a time reads (a node's name; None: the console's) and when it arrived."""

    stamped_by: str | None
    received: float | None


#: A poll's time: the console's clock, stamped on arrival.
CONSOLE = Heard(None, None)


def garp_sign(vip: str) -> str:
    """The `NodeState.signs` key of the last gratuitous ARP (or NA) the node logged for `vip`."""
    return f"garp {vip}"


def fold(state: ClusterState, facts: Iterable[Fact]) -> ClusterState:
    for fact in facts:
        state = reduce(state, fact)
    return state


def reduce(state: ClusterState, fact: Fact) -> ClusterState:
    """Fold one fact into the state. Facts about unknown nodes are ignored."""
    if isinstance(fact, AdvertSeen):
        return _advance(_on_advert(state, fact), fact.advert.ts)
    if isinstance(fact, ProbeResult):
        return _advance(replace(state, probe=fact), fact.at, fact.at)
    if isinstance(fact, NeighbourObserved):
        seen = MappingProxyType({**state.neighbours, (fact.node, fact.vip): fact})
        return _advance(replace(state, neighbours=seen), fact.at, fact.at)
    node = state.node(fact.node)
    if node is None:
        return state
    if isinstance(fact, LogSeen):
        return _on_line(state, node, fact)
    if isinstance(fact, Reachability):
        state = _put_node(state, replace(node, reachable=fact.reachable, error=fact.error))
    elif isinstance(fact, ServiceObserved):
        state = _put_node(
            state, replace(node, services=_with(node.services, fact.service, fact.state))
        )
        if fact.service == "keepalived" and fact.state is ServiceState.STOPPED:
            state = _stop_all(state, node.name, fact.at, POLLED_STOP)
    elif isinstance(fact, AddressesObserved):
        state = _put_node(state, replace(node, addresses=fact.addresses, macs=fact.macs))
    elif isinstance(fact, ConfigObserved):
        instances = _apply_specs(node.instances, fact.instances)
        # An unchanged configuration stays the same object: what is derived from it (the
        # configuration findings) is recomputed only when a node's configuration changes.
        config = node.config if fact.config is None or fact.config == node.config else fact.config
        state = _put_node(state, replace(node, instances=instances, config=config))
    elif isinstance(fact, ChannelStatus):
        degraded = {k: v for k, v in node.degraded.items() if k != fact.channel}
        notes = {k: v for k, v in node.notes.items() if k != fact.channel}
        if not fact.ok:
            degraded[fact.channel] = fact.message or "not working"
        elif fact.message:
            notes[fact.channel] = fact.message
        state = _put_node(state, replace(node, degraded=MappingProxyType(degraded),
                                         notes=MappingProxyType(notes)))
    else:
        state = _on_dump(state, node, fact)
    return _advance(state, fact.at, fact.at)  # polls are stamped by the console when they arrive


def _advance(state: ClusterState, at: float | None, received: float | None = None) -> ClusterState:
    """Move "now" (`clock`) to `at` and the console's clock to `received`, never backwards."""
    later = at is not None and (state.clock is None or at > state.clock)
    heard = received is not None and (state.console_clock is None or received > state.console_clock)
    if later and heard:
        return replace(state, clock=at, console_clock=received)
    if later:
        return replace(state, clock=at)
    if heard:
        return replace(state, console_clock=received)
    return state


def _on_line(state: ClusterState, node: NodeState, fact: LogSeen) -> ClusterState:
    """A log line: its time is the node's clock, which its arrival on the console's measures."""
    ts, received = fact.event.ts, fact.received
    if ts is None:  # a line without a time happened "now", on no clock of its own
        return _advance(_on_log(state, node, fact.event, state.clock, Heard(None, received)),
                        None, received)
    at = ts.timestamp()
    if received is not None:
        est = observe(node.clock_offset, at, received)
        if est is not node.clock_offset:
            node = replace(node, clock_offset=est)
            state = _put_node(state, node)
    return _advance(_on_log(state, node, fact.event, at, Heard(node.name, received)), at, received)


def _with(mapping: Mapping[str, Any], key: str, value: Any) -> Mapping[str, Any]:
    if mapping.get(key) == value:
        return mapping
    return MappingProxyType({**mapping, key: value})


def _put_node(state: ClusterState, node: NodeState) -> ClusterState:
    nodes = tuple(node if n.name == node.name else n for n in state.nodes)
    return replace(state, nodes=nodes)


def _put_instance(node: NodeState, inst: InstanceState) -> NodeState:
    if node.instance(inst.name) is None:
        return replace(node, instances=(*node.instances, inst))
    return replace(
        node, instances=tuple(inst if i.name == inst.name else i for i in node.instances)
    )


def _apply_specs(
    current: tuple[InstanceState, ...], specs: tuple[InstanceSpec, ...]
) -> tuple[InstanceState, ...]:
    by_name = {i.name: i for i in current}
    out = []
    for spec in specs:
        old = by_name.pop(spec.name, None) or InstanceState(spec.name)
        base = spec.priority
        out.append(
            replace(
                old,
                spec=spec,
                base_priority=base,
                effective_priority=old.effective_priority or base,
            )
        )
    # Instances seen in logs or dumps but not in the configuration stay: evidence over belief.
    return (*out, *by_name.values())


# --- log events ------------------------------------------------------------------------------

_EVIDENCE_KINDS = frozenset(
    {
        LogKind.TRANSITION,
        LogKind.PRIORITY,
        LogKind.SCRIPT,
        LogKind.ADVERT_HIGHER,
        LogKind.ADVERT_LOWER,
        LogKind.ADVERT_ZERO,
        LogKind.SENT_ZERO,
        LogKind.ADVERT_TIMEOUT,
        LogKind.AUTH_ERROR,
    }
)


_ENTERABLE = frozenset(s.value for s in VrrpState if s is not VrrpState.UNKNOWN)


def _on_log(
    state: ClusterState, node: NodeState, event: LogEvent, at: float | None, heard: Heard
) -> ClusterState:
    kind = event.kind
    if kind is LogKind.DAEMON:
        return _on_daemon(state, node, event, at, heard)
    if kind is LogKind.OTHER and event.fields.get("tag") and at is not None:
        return _put_node(state, replace(node, signs=_with(node.signs, event.fields["tag"], at)))
    if kind is LogKind.GARP and at is not None:  # the last gratuitous ARP logged for a VIP
        sign = garp_sign(str(event.fields.get("address")))
        return _put_node(state, replace(node, signs=_with(node.signs, sign, at)))
    if kind is LogKind.SCRIPT and event.instance is None:
        # Script results are node-wide: every instance that may track the script keeps it.
        ev = Evidence.of(event, at)
        instances = tuple(_remember(i, ev) for i in node.instances)
        return _put_node(state, replace(node, instances=instances))
    if event.instance is None:
        return state
    inst = node.instance(event.instance) or InstanceState(event.instance)
    if kind is LogKind.STATE:
        word = event.fields.get("state")
        if word not in _ENTERABLE:
            return state
        return _enter(state, node.name, inst, VrrpState(word), at, heard=heard)
    if kind is LogKind.PRIORITY:
        inst = replace(inst, effective_priority=event.fields.get("to"))
    if kind in _EVIDENCE_KINDS:
        inst = _remember(inst, Evidence.of(event, at))
    return _put_node(state, _put_instance(node, inst))


def _remember(inst: InstanceState, ev: Evidence) -> InstanceState:
    kept = tuple(
        e for e in inst.evidence if ev.at is None or e.at is None or ev.at - e.at <= EVIDENCE_WINDOW
    )
    return replace(inst, evidence=(*kept, ev)[-MAX_EVIDENCE:])


def _on_daemon(
    state: ClusterState, node: NodeState, event: LogEvent, at: float | None, heard: Heard
) -> ClusterState:
    action = event.fields.get("action")
    if action == "start":
        return _put_node(state, replace(node, started_at=at))
    if action == "stop":
        return _stop_all(state, node.name, at, event.text, heard)
    return state


def _stop_all(
    state: ClusterState, name: str, at: float | None, why: str, heard: Heard = CONSOLE
) -> ClusterState:
    node = state.node(name)
    assert node is not None
    for inst in node.instances:
        if inst.state not in (VrrpState.STOP, VrrpState.UNKNOWN):
            state = _enter(state, name, inst, VrrpState.STOP, at, why, heard)
    return state


def _enter(
    state: ClusterState,
    name: str,
    inst: InstanceState,
    to: VrrpState,
    at: float | None,
    why: str | None = None,
    heard: Heard = CONSOLE,
) -> ClusterState:
    """Put `inst` on node `name` in state `to`, recording the transition and its cause; `heard`
    says whose clock `at` reads and when the console received it."""
    node = state.node(name)
    assert node is not None
    if to is inst.state:
        return _put_node(state, _put_instance(node, inst))
    cause, detail = ("stopped", why) if why is not None else infer_cause(state, node, inst, to, at)
    tr = Transition(node.name, inst.name, inst.state, to, at, cause, detail, *heard)
    inst = replace(inst, state=to, since=at, last_transition=tr)
    state = _put_node(state, _put_instance(node, inst))
    return replace(state, transitions=(*state.transitions, tr)[-MAX_TRANSITIONS:],
                   transition_count=state.transition_count + 1)


# --- polled facts and adverts ----------------------------------------------------------------


def _on_dump(state: ClusterState, node: NodeState, fact: DumpObserved) -> ClusterState:
    for d in fact.instances:
        current = state.node(node.name)
        assert current is not None
        inst = current.instance(d.name) or InstanceState(d.name)
        inst = replace(
            inst,
            effective_priority=d.effective_priority or inst.effective_priority,
            base_priority=d.base_priority or inst.base_priority,
        )
        state = _enter(state, node.name, inst, d.state, fact.at)
    return state


def _on_advert(state: ClusterState, fact: AdvertSeen) -> ClusterState:
    adv = fact.advert
    sources = dict(state.wire.get(adv.vrid, EMPTY_MAP))
    old = sources.get(adv.src)
    seen = old.seen_at if old else EMPTY_MAP
    gaps = old.gaps if old else EMPTY_MAP
    last = seen.get(fact.node)
    if last is not None and adv.ts > last:
        gaps = _with(gaps, fact.node, adv.ts - last)
    sources[adv.src] = WireSource(adv, _with(seen, fact.node, adv.ts), gaps)
    fresh = {s: w for s, w in sources.items() if adv.ts - w.advert.ts <= WIRE_MEMORY}
    wire = MappingProxyType({**state.wire, adv.vrid: MappingProxyType(fresh)})
    return replace(state, wire=wire)
