"""Per VRRP instance: every node's place in the state machine, timers, should-be vs is MASTER."""

from __future__ import annotations

from textual.widgets import Static

from kaconsole.core.insight.view import ClusterView
from kaconsole.ui.present.common import Seg
from kaconsole.ui.present.diagram import diagram_lines, diagrams
from kaconsole.ui.widgets.styled import lines_content


class StateDiagram(Static):
    DEFAULT_CSS = """
    StateDiagram {
        height: auto; padding: 0 1; border-top: solid $panel;
        text-wrap: nowrap; text-overflow: ellipsis;
    }
    """

    def show(self, view: ClusterView, *, big: bool = False) -> None:
        lines: list[list[Seg]] = []
        for d in diagrams(view):
            if lines:
                lines.append([("", "")])
            lines += diagram_lines(d, big=big)
        self.update(lines_content(lines or [[("no VRRP instance seen yet", "muted")]]))
