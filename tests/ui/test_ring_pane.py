"""The bounded pane: memory stays at `capacity` under any burst; pause freezes the view."""

from __future__ import annotations

from textual.app import App, ComposeResult

from kaconsole.ui.present.panes import PaneLine
from kaconsole.ui.widgets.ring_pane import RingPane


def _line(i: int) -> PaneLine:
    return PaneLine(f"n{i % 2}", ((f"line {i}", "muted"),))


class _Host(App[None]):
    def compose(self) -> ComposeResult:
        yield RingPane[int](
            _line, capacity=100, searchable=lambda i: f"line {i}", node_of=lambda i: f"n{i % 2}"
        )


async def test_burst_keeps_only_capacity_and_follows_the_end() -> None:
    app = _Host()
    async with app.run_test(size=(60, 20)) as pilot:
        pane = app.query_one(RingPane)
        for start in range(0, 50_000, 5_000):
            pane.extend(list(range(start, start + 5_000)))
        await pilot.pause()
        assert pane.lines == 100
        assert pane.received == 50_000
        assert list(pane.visible_items) == list(range(49_900, 50_000))
        assert pane.scroll_offset.y == pane.max_scroll_y > 0
        assert "line&#160;49999" in app.export_screenshot()  # the last line is on screen


async def test_pause_freezes_the_view_and_resume_catches_up() -> None:
    app = _Host()
    async with app.run_test(size=(60, 20)) as pilot:
        pane = app.query_one(RingPane)
        pane.extend(list(range(10)))
        pane.set_follow(False)
        pane.extend(list(range(10, 20)))
        await pilot.pause()
        assert list(pane.visible_items) == list(range(10))
        pane.set_follow(True)
        assert list(pane.visible_items) == list(range(20))


async def test_filter_by_text_and_node() -> None:
    app = _Host()
    async with app.run_test(size=(60, 20)):
        pane = app.query_one(RingPane)
        pane.extend(list(range(30)))
        pane.set_filter("LINE 1")
        assert list(pane.visible_items) == [1, *range(10, 20)]
        pane.set_filter("line 1", node="n1")
        assert list(pane.visible_items) == [1, 11, 13, 15, 17, 19]
        pane.set_filter(None)
        assert len(pane.visible_items) == 30
