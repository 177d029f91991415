"""What a session showed, fact by fact: transitions with their causes, anomalies appearing and
clearing. The same trace is taken of a live session and of its replay, and compared."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from kaconsole.core.facts import Fact
from kaconsole.core.insight.anomalies import Anomaly, find_anomalies
from kaconsole.core.state.model import ClusterState
from kaconsole.engine.monitor import ClusterMonitor
from kaconsole.engine.recording import Recorder
from kaconsole.engine.replay import Player

Event = tuple[str, ...]
Picture = tuple[tuple[str, str, str], ...]


def picture(state: ClusterState) -> Picture:
    """Each node's keepalived service and VRRP instance states: what the node list shows."""
    return tuple(
        (node.name, node.service("keepalived").value,
         ",".join(f"{i.name}={i.state.value}" for i in node.instances))
        for node in state.nodes
    )


def _key(anomaly: Anomaly) -> tuple[str, ...]:
    extra = anomaly.extra
    return (anomaly.kind, anomaly.instance or "", ",".join(anomaly.nodes),
            str(extra.get("service", "")), str(extra.get("likely_cause", "")))


@dataclass
class Trace:
    """The transitions and anomaly changes seen, in order, after each folded fact."""

    events: list[Event] = field(default_factory=list)
    #: When each event was seen (the record's time in a replay), and the cluster at that moment.
    times: list[float] = field(default_factory=list)
    pictures: list[Picture] = field(default_factory=list)
    #: A transition's receive time on the console's clock; None for one the session replayed
    #: from the log's history as it started (and for anomaly changes).
    received: list[float | None] = field(default_factory=list)
    _count: int = 0
    _anomalies: frozenset[tuple[str, ...]] = frozenset()

    def observe(self, state: ClusterState, at: float) -> None:
        seen: list[Event] = []
        received: list[float | None] = []
        new = state.transition_count - self._count
        if new > 0:
            for tr in state.transitions[-new:]:
                seen.append(("transition", tr.node, tr.instance, tr.from_state.value,
                             tr.to_state.value, tr.cause))
                # a poll's transition is stamped on the console's clock already
                received.append(tr.received if tr.received is not None or tr.stamped_by
                                else tr.at)
        self._count = state.transition_count
        found = frozenset(_key(a) for a in find_anomalies(state))
        seen.extend(("appears", *k) for k in sorted(found - self._anomalies))
        seen.extend(("clears", *k) for k in sorted(self._anomalies - found))
        self._anomalies = found
        received += [None] * (len(seen) - len(received))
        if seen:
            self.received.extend(received)
            self.events.extend(seen)
            self.times.extend([at] * len(seen))
            self.pictures.extend([picture(state)] * len(seen))

    def first(self, event: Event, start: int = 0, *, received_after: float | None = None) -> int:
        """The index of the first event from `start` on that starts with `event`'s items (and,
        with `received_after`, that the console received live after that time)."""
        return next(
            i for i in range(start, len(self.events))
            if self.events[i][: len(event)] == event and (
                received_after is None or (self.received[i] or 0.0) > received_after))

    def transitions(self) -> list[Event]:
        return [e for e in self.events if e[0] == "transition"]


def trace_live(monitor: ClusterMonitor) -> Trace:
    """Trace `monitor` on every fact it folds (through its recorder's hook: the same facts, in
    the same order, as the recording gets)."""
    recorder = monitor.recorder
    assert isinstance(recorder, Recorder)
    trace = Trace()
    record = recorder.fact

    def fact(f: Fact) -> None:
        record(f)
        trace.observe(monitor.state, time.time())

    recorder.fact = fact  # type: ignore[method-assign]
    return trace


def trace_replay(player: Player) -> Trace:
    """Step `player` one record at a time from its start, tracing its monitor."""
    trace = Trace()
    player.goto(0)
    for index in range(1, len(player.records) + 1):
        player.goto(index)
        trace.observe(player.monitor.state, player.times[index - 1])
    return trace
