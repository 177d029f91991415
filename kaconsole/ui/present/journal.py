"""The console's timeline: state changes, anomalies appearing and clearing, operator actions.

Pure and bounded. It reuses the incident timeline's `Entry`, so the Markdown written by ctrl+s
reads like `kaconsole timeline`'s output.
"""

from __future__ import annotations

from collections import deque

from kaconsole.core.insight.anomalies import Anomaly
from kaconsole.core.insight.timeline import Entry
from kaconsole.core.insight.view import ClusterView
from kaconsole.core.state.model import ClusterState, Transition
from kaconsole.ui.present.common import clock_text


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
        self.entries: deque[Entry] = deque(maxlen=capacity)
        self._transitions = TransitionCursor()
        self._active: dict[tuple[str, str | None, str], Anomaly] = {}

    def observe(self, view: ClusterView) -> list[Entry]:
        """Record what is new in the view since the last call; returns the new entries.

        A transition carries the view's cause chain: the one the diagram shows too.
        """
        state = view.state
        new = [self._transition(view, t) for t in self._transitions.new(state)]
        now = {(a.kind, a.instance, a.message): a for a in view.anomalies}
        for key, a in now.items():
            if key not in self._active:
                new.append(Entry(state.clock, ",".join(a.nodes), "anomaly", a.kind, a.message, {}))
        for key, a in self._active.items():
            if key not in now:
                text = f"cleared: {a.message}"
                new.append(Entry(state.clock, ",".join(a.nodes), "anomaly", "cleared", text, {}))
        self._active = now
        self.entries.extend(new)
        return new

    def action(self, at: float, node: str, kind: str, text: str) -> Entry:
        entry = Entry(at, node, "operator", kind, text, {})
        self.entries.append(entry)
        return entry

    @staticmethod
    def _transition(view: ClusterView, t: Transition) -> Entry:
        detail = view.cause(t).detail
        text = f"{t.instance}: {t.from_state.value} → {t.to_state.value} ({t.cause}): {detail}"
        return Entry(t.at, t.node, "state", t.to_state.value.lower(), text, {})

    def to_markdown(self, cluster: str) -> str:
        lines = [
            f"# kaconsole timeline: {cluster}",
            "",
            "| time | source | node | what |",
            "| --- | --- | --- | --- |",
        ]
        for e in self.entries:
            what = e.text.replace("|", "\\|").replace("\n", " ")
            lines.append(f"| {clock_text(e.at)} | {e.source} | {e.node or '-'} | {what} |")
        return "\n".join(lines) + "\n"
