"""Each instance's effective priorities over time, for the priority chart (`P`).

The state keeps only the priorities of now; this keeps a bounded history per instance, fed from
each ClusterView like the journal, so the chart widget only draws what `chart` hands it. A node
whose instance is stopped or in FAULT counts 0: it takes no part in the election (keepalived
stopping says so with a priority 0 advert). Pure: no Textual.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass

from kaconsole.core.events import VrrpState
from kaconsole.core.insight.view import ClusterView
from kaconsole.core.state.model import ClusterState, InstanceState
from kaconsole.ui.present.journal import TransitionCursor

#: Out of the election: plotted at priority 0.
_OUT = frozenset({VrrpState.STOP, VrrpState.FAULT})


@dataclass(frozen=True, slots=True)
class Sample:
    """From `at` on: each node's priority (None: not known yet) and who holds the VIP."""

    at: float
    priorities: tuple[int | None, ...]
    holders: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Mark:
    """A moment drawn as a vertical line: a transition or an operator action."""

    at: float
    kind: str
    """transition, or action."""
    text: str


@dataclass(frozen=True, slots=True)
class Chart:
    """One instance's chart, x in seconds before `now` (0 is now, the past negative)."""

    instance: str
    #: Per node: runs of (x, priority) points drawn as steps; a gap (priority unknown) ends a run.
    lines: tuple[tuple[str, tuple[tuple[tuple[float, int], ...], ...]], ...]
    #: Per node: (from, to) spans it held the VIP.
    holders: tuple[tuple[str, tuple[tuple[float, float], ...]], ...]
    marks: tuple[Mark, ...]
    #: How far back the chart reaches, in seconds.
    span: float


def priority(inst: InstanceState | None) -> int | None:
    if inst is None or inst.state is VrrpState.UNKNOWN:
        return None
    if inst.state in _OUT:
        return 0
    return inst.effective_priority if inst.effective_priority is not None else inst.base_priority


class PriorityHistory:
    def __init__(self, capacity: int = 1_000) -> None:
        self.capacity = capacity
        self.nodes: tuple[str, ...] = ()
        self._samples: dict[str, deque[Sample]] = {}
        self._marks: dict[str, deque[Mark]] = {}
        self._actions: deque[Mark] = deque(maxlen=capacity)
        self._transitions = TransitionCursor()
        self._acted = 0.0
        self.now: float | None = None

    @property
    def instances(self) -> list[str]:
        return list(self._samples)

    def observe(self, view: ClusterView) -> None:
        """Record what changed in the view: priorities, VIP holders, transitions, actions."""
        state = view.state
        at = state.clock
        if at is None:
            return
        self.now = at if self.now is None else max(self.now, at)
        self.nodes = tuple(n.name for n in state.nodes)
        for s in view.summaries:
            samples = self._samples.setdefault(s.name, deque(maxlen=self.capacity))
            sample = Sample(at, _priorities(state, s.name), s.vip_holders)
            last = samples[-1] if samples else None
            if last is None or (last.priorities, last.holders) != (sample.priorities,
                                                                    sample.holders):
                samples.append(sample)
        for t in self._transitions.new(state):
            self._marks.setdefault(t.instance, deque(maxlen=self.capacity)).append(
                Mark(t.at if t.at is not None else at, "transition",
                     f"{t.node} {t.to_state.value}"))
        for a in view.actions:
            if a.at > self._acted:
                self._actions.append(Mark(a.at, "action", f"{a.action} on {a.node}"))
        self._acted = max((a.at for a in view.actions), default=self._acted)

    def chart(self, instance: str) -> Chart | None:
        samples = list(self._samples.get(instance, ()))
        if not samples or self.now is None:
            return None
        now, start = self.now, samples[0].at
        ends = [s.at for s in samples[1:]] + [now]
        lines = tuple((node, _runs([(s.at - now, s.priorities[i], e - now)
                                    for s, e in zip(samples, ends, strict=True)
                                    if i < len(s.priorities)]))
                      for i, node in enumerate(self.nodes))
        holders = tuple((node, tuple((s.at - now, e - now)
                                     for s, e in zip(samples, ends, strict=True)
                                     if node in s.holders))
                        for node in self.nodes)
        marks = sorted((*self._marks.get(instance, ()), *self._actions), key=lambda m: m.at)
        return Chart(instance, lines, holders,
                     tuple(Mark(m.at - now, m.kind, m.text) for m in marks if m.at >= start),
                     now - start)


def _priorities(state: ClusterState, instance: str) -> tuple[int | None, ...]:
    return tuple(priority(n.instance(instance)) for n in state.nodes)


def _runs(steps: Sequence[tuple[float, int | None, float]]
          ) -> tuple[tuple[tuple[float, int], ...], ...]:
    """(from, priority, to) steps as runs of points, two a step so the line is square."""
    runs: list[list[tuple[float, int]]] = []
    current: list[tuple[float, int]] = []
    for start, value, end in steps:
        if value is None:
            if current:
                runs.append(current)
            current = []
            continue
        current += [(start, value), (end, value)]
    if current:
        runs.append(current)
    return tuple(tuple(r) for r in runs)
