"""The console's timeline: state changes, anomalies appearing and clearing, operator actions.

Pure and bounded. It reuses the incident timeline's `Entry`, so the Markdown written by ctrl+s
reads like `kaconsole timeline`'s output. One clock orders it: the console's. A transition
logged by a node is placed at the console's time of it, corrected from the node's stamp by that
node's clock estimate (`core.state.clock`): never earlier than it happened, never later than it
arrived; anomalies and actions carry the console's time. Equal times keep the order they came in,
so a cause journalled first stays first. When a clock estimate improves, the entries are re-timed
and re-sorted (`reordered` tells the pane to draw them all again).
"""

from __future__ import annotations

import bisect
from dataclasses import replace

from kaconsole.core.insight.anomalies import Anomaly
from kaconsole.core.insight.timeline import Entry
from kaconsole.core.insight.view import ClusterView
from kaconsole.core.state.clock import ClockOffset, corrected
from kaconsole.core.state.model import ClusterState, Transition
from kaconsole.ui.present.common import clock_text

Row = tuple[float, int, Entry]  # (the console's time, arrival, entry)


class TransitionCursor:
    """Hands each transition the reducer records out once, across states."""

    def __init__(self) -> None:
        self._seen = 0  # transitions already handed out (the state's transition_count)

    def new(self, state: ClusterState) -> tuple[Transition, ...]:
        """What the reducer recorded since the last call (those that fell out are gone)."""
        new = min(state.transition_count - self._seen, len(state.transitions))
        self._seen = state.transition_count
        return state.transitions[len(state.transitions) - new:] if new > 0 else ()


class Journal:
    def __init__(self, capacity: int = 2_000) -> None:
        self.capacity = capacity
        self._rows: list[Row] = []  # in timeline order
        self._arrived = 0
        self._clocks: dict[str, ClockOffset] = {}
        self._transitions = TransitionCursor()
        self._active: dict[tuple[str, str | None, str], Anomaly] = {}
        #: The last change put an entry before others or re-timed them: redraw every entry.
        self.reordered = False

    @property
    def entries(self) -> list[Entry]:
        """Every entry kept, in timeline order."""
        return [e for _, _, e in self._rows]

    def observe(self, view: ClusterView) -> list[Entry]:
        """Record what is new in the view since the last call; returns the new entries.

        A transition carries the view's cause chain: the one the diagram shows too.
        """
        state = view.state
        self.reordered = False
        clocks = {n.name: n.clock_offset for n in state.nodes if n.clock_offset is not None}
        if clocks != self._clocks:
            self._clocks = clocks
            self._retime()
        new = [self._timed(self._transition(view, t)) for t in self._transitions.new(state)]
        now = state.console_clock if state.console_clock is not None else state.clock
        active = {(a.kind, a.instance, a.message): a for a in view.anomalies}
        for key, a in active.items():
            if key not in self._active:
                new.append(Entry(now, ",".join(a.nodes), "anomaly", a.kind, a.message, {}))
        for key, a in self._active.items():
            if key not in active:
                text = f"cleared: {a.message}"
                new.append(Entry(now, ",".join(a.nodes), "anomaly", "cleared", text, {}))
        self._active = active
        self._add(new)
        return new

    def action(self, at: float, node: str, kind: str, text: str) -> Entry:
        """An operator's action at `at`, on the console's clock (the monitor's `clock`)."""
        entry = Entry(at, node, "operator", kind, text, {})
        self._add([entry])
        return entry

    def _timed(self, e: Entry) -> Entry:
        """`e` at the console's time of it, from its node's stamp and that node's clock."""
        if e.stamped_by is None or e.stamped is None:
            return e
        at = corrected(e.stamped, e.received, self._clocks.get(e.stamped_by))
        return e if at == e.at else replace(e, at=at)

    def _key(self, e: Entry) -> float:
        """Where `e` goes: its time; one without a time goes last, as it came."""
        if e.at is not None:
            return e.at
        return self._rows[-1][0] if self._rows else float("-inf")

    def _add(self, entries: list[Entry]) -> None:
        for e in entries:
            self._arrived += 1
            row = (self._key(e), self._arrived, e)
            if self._rows and row[0] < self._rows[-1][0]:
                bisect.insort(self._rows, row)
                self.reordered = True
            else:
                self._rows.append(row)
        del self._rows[: max(len(self._rows) - self.capacity, 0)]

    def _retime(self) -> None:
        rows = []
        for key, arrived, e in self._rows:
            timed = self._timed(e)
            rows.append((key if timed.at is None else timed.at, arrived, timed))
            self.reordered |= timed is not e
        self._rows = sorted(rows)

    @staticmethod
    def _transition(view: ClusterView, t: Transition) -> Entry:
        detail = view.cause(t).detail
        text = f"{t.instance}: {t.from_state.value} → {t.to_state.value} ({t.cause}): {detail}"
        stamp = t.at if t.stamped_by is not None else None
        return Entry(t.at, t.node, "state", t.to_state.value.lower(), text, {},
                     t.stamped_by, stamp, t.received)

    def to_markdown(self, cluster: str) -> str:
        """Times on the console's clock, in timeline order; a node's own stamp beside it."""
        lines = [
            f"# kaconsole timeline: {cluster}",
            "",
            "Times are the console's clock; a node's own stamp is beside its entries.",
            "",
            "| time | node's clock | source | node | what |",
            "| --- | --- | --- | --- | --- |",
        ]
        for e in self.entries:
            what = e.text.replace("|", "\\|").replace("\n", " ")
            own = clock_text(e.stamped) if e.stamped_by is not None else "-"
            lines.append(
                f"| {clock_text(e.at)} | {own} | {e.source} | {e.node or '-'} | {what} |"
            )
        return "\n".join(lines) + "\n"
