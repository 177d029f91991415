"""The priority chart (`P`): per VRRP instance, each node's effective priority over time, the
VIP holder as a band along the top, transitions and operator actions as vertical lines.

It draws what the console's `PriorityHistory` hands it (plotext, through textual-plotext) and
redraws every second, so a failover is seen as it happens while the chart is open.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static
from textual_plotext import PlotextPlot

from kaconsole.ui.present.priorities import Chart, PriorityHistory

#: Node colours in inventory order (plotext's names, which Rich knows too), the VIP band in
#: the holder's colour; marks in plotext's and Rich's name for one orange.
COLOURS = ("green", "cyan", "magenta", "yellow", "blue", "red", "white")
MARK_COLOURS = {"transition": ("orange", "orange1"), "action": ("red", "red")}
#: Only the latest marks get a label: more would write over each other.
LABELLED = 6


class PriorityChart(PlotextPlot):
    DEFAULT_CSS = """
    PriorityChart { height: 16; min-height: 10; }
    """

    def __init__(self, instance: str) -> None:
        super().__init__()
        self.instance = instance

    def show(self, chart: Chart) -> None:
        plt = self.plt
        plt.clear_data()
        values = [p for _, runs in chart.lines for run in runs for _, p in run] or [0]
        top = max(values)
        gap = max(5, (top - min(values)) * 0.15)
        band = top + gap  # the VIP band above the lines, the marks' labels above the band
        for i, (_, runs) in enumerate(chart.lines):
            colour = COLOURS[i % len(COLOURS)]
            for run in runs:
                xs, ys = zip(*run, strict=True)
                plt.plot(xs, ys, color=colour, marker="braille")
        for i, (_, spans) in enumerate(chart.holders):
            for start, end in spans:
                plt.plot([start, end], [band, band], color=COLOURS[i % len(COLOURS)], marker="█")
        for n, mark in enumerate(chart.marks):
            colour = MARK_COLOURS[mark.kind][0]
            plt.vline(mark.at, color=colour)
            if n >= len(chart.marks) - LABELLED:
                plt.text(mark.text, mark.at, band + (n % 2 + 1) * gap / 2, color=colour)
        plt.title(f"{chart.instance}: effective priority")
        plt.xlabel("seconds (0 = now)")
        plt.xlim(-max(chart.span, 1.0), 0)
        plt.ylim(max(min(values) - 5, 0), band + gap * 1.5)
        self.refresh()


def legend(chart: Chart) -> Text:
    """Under the chart (plotext's own legend would cover its oldest part)."""
    text = Text()
    for i, (node, _) in enumerate(chart.lines):
        text.append("━━ ", style=COLOURS[i % len(COLOURS)]).append(f"{node}   ")
    text.append("██", style="bold").append(" VIP holder, in its node's colour   ")
    text.append("│ ", style=MARK_COLOURS["transition"][1]).append("transition   ")
    text.append("│ ", style=MARK_COLOURS["action"][1]).append("operator action")
    return text


class PriorityScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,P,q", "close", "Close")]
    DEFAULT_CSS = """
    PriorityScreen { align: center middle; }
    PriorityScreen > Vertical {
        width: 95%; height: 90%; border: thick $primary; background: $surface; padding: 0 1;
    }
    PriorityScreen .title { text-style: bold; }
    PriorityScreen .legend { margin-bottom: 1; }
    """

    def __init__(self, history: Callable[[], PriorityHistory]) -> None:
        """`history`: the console's, asked each time (a replay that seeks starts a new one)."""
        super().__init__()
        self.history = history
        #: Each instance's chart and legend, once drawn.
        self.shown: dict[str, tuple[PriorityChart, Static]] = {}

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("Priorities over time (escape closes)", classes="title")
            yield Static("no VRRP instance seen yet", id="no-chart")
            yield VerticalScroll(id="charts")

    def on_mount(self) -> None:
        self._refresh()
        self.set_interval(1.0, self._refresh)

    def _refresh(self) -> None:
        charts = self.query_one("#charts", VerticalScroll)
        history = self.history()
        for name in history.instances:
            chart = history.chart(name)
            if chart is None:
                continue
            if name not in self.shown:
                self.shown[name] = (PriorityChart(name), Static(classes="legend"))
                charts.mount(*self.shown[name])
            plot, key = self.shown[name]
            plot.show(chart)
            key.update(legend(chart))
        self.query_one("#no-chart", Static).display = not history.instances

    def action_close(self) -> None:
        self.dismiss(None)
