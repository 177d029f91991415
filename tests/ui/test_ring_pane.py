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


class _Folding(App[None]):
    """Items are (stream, value): repeats of a stream's value fold; a change is a new row."""

    def compose(self) -> ComposeResult:
        yield RingPane[tuple[str, int]](
            lambda i: PaneLine(i[0], ((f"{i[0]} {i[1]}", ""),)),
            capacity=100,
            collapse=lambda i: (i[0], i[1]),
            folded=lambda first, last, n: PaneLine(last[0], ((f"{last} ×{n}", ""),)),
        )


async def test_repeats_fold_and_every_change_keeps_its_row() -> None:
    app = _Folding()
    async with app.run_test(size=(60, 20)) as pilot:
        pane = app.query_one(RingPane)
        pane.extend([("a", 100), ("b", 90), ("a", 100), ("b", 90), ("a", 0), ("a", 0), ("a", 100)])
        await pilot.pause()
        assert list(pane.visible_items) == [("a", 100), ("b", 90), ("a", 0), ("a", 100)]
        assert [pane.row_count(i) for i in range(4)] == [2, 2, 2, 1]
        assert "×2" in app.export_screenshot()


async def test_search_moves_the_cursor_between_matches_without_filtering() -> None:
    app = _Host()
    async with app.run_test(size=(60, 20)) as pilot:
        pane = app.query_one(RingPane)
        pane.extend(list(range(30)))
        pane.focus()
        await pilot.press("g")
        pane.search("line 2")
        assert len(pane.visible_items) == 30
        assert pane.cursor == 2
        assert pane.next_match(1)
        assert pane.cursor == 20
        assert pane.next_match(-1)
        assert pane.cursor == 2
        pane.search("nowhere")
        assert not pane.next_match(1)


async def test_a_cut_line_ends_in_an_ellipsis() -> None:
    app = _Host()
    async with app.run_test(size=(8, 5)) as pilot:
        pane = app.query_one(RingPane)
        pane.extend([123456])
        await pilot.pause()
        assert "…" in app.export_screenshot()
