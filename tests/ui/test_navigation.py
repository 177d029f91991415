"""Navigation at 3 a.m.: panes from the keyboard, search, follow per pane, zoom, the detail view,
the `:` command line and a palette of kaconsole's commands only; usable at 80x24."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import ContentSwitcher, Input
from textual.widgets._footer import FooterKey

from kaconsole.core.insight.timeline import Entry
from kaconsole.ui.screens.command_line import CommandLine
from kaconsole.ui.screens.detail import Detail
from kaconsole.ui.widgets.ring_pane import RingPane
from tests.kits.demo import demo_app, drill_screen, pick
from tests.kits.ui import console, lab_facts, until

SIZE = (130, 42)
SMALL = (80, 24)


def ring(app: object, name: str) -> RingPane[object]:
    deck = app.main.deck  # type: ignore[attr-defined]
    return deck.ring(name)  # type: ignore[no-any-return]


async def test_j_k_g_G_and_pages_move_the_cursor_and_moving_up_pauses(tmp_path: Path) -> None:
    app = console(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("l")
        logs = ring(app, "logs")
        assert logs.has_focus
        assert logs.follow
        last = len(logs.visible_items) - 1
        assert logs.cursor == last
        await pilot.press("k")
        assert logs.cursor == last - 1
        assert not logs.follow
        await pilot.press("up", "j", "down")
        assert logs.cursor == last - 0 or logs.cursor == last
        await pilot.press("g")
        assert logs.cursor == 0
        assert logs.scroll_offset.y == 0
        await pilot.press("ctrl+d")
        page = logs.cursor
        assert page >= logs.size.height - 1 > 0
        await pilot.press("pagedown", "pageup", "ctrl+u")
        assert logs.cursor == 0
        await pilot.press("home")
        assert logs.cursor == 0
        await pilot.press("G")
        assert logs.follow
        assert logs.cursor == last
        await pilot.press("g", "end")
        assert logs.follow
        assert logs.cursor == last


async def test_escape_gives_j_k_back_to_the_node_list(tmp_path: Path) -> None:
    app = console(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("e", "escape", "j")
        assert app.main.selected == 1
        assert app.focused is None


async def test_a_paused_wire_pane_stays_where_the_reader_is(tmp_path: Path) -> None:
    app = console(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("w")
        wire = ring(app, "adverts")
        assert wire.follow
        await pilot.press("k")
        assert not wire.follow
        shown = list(wire.visible_items)
        wire.extend(shown[-3:])  # more adverts arrive
        await pilot.pause()
        assert list(wire.visible_items) == shown
        await pilot.press("f")  # f follows the active pane (the wire), not the log
        assert wire.follow
        assert ring(app, "logs").follow
        await pilot.press("f")
        assert not wire.follow
        assert ring(app, "logs").follow


async def test_the_wire_folds_repeats_and_keeps_each_change(tmp_path: Path) -> None:
    app = console(tmp_path, lab_facts(until="2026-11-25T15:32:30"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("w")
        wire = ring(app, "adverts")
        rows = list(wire.visible_items)
        assert len(rows) < wire.lines  # repeats folded
        assert any(wire.row_count(i) > 1 for i in range(len(rows)))
        prios = [r.advert.priority for r in rows]  # type: ignore[attr-defined]
        assert 0 in prios  # node1's resignation keeps its own row
        text = app.export_screenshot()
        assert "since" in text
        assert "×" in text


async def test_slash_filters_the_wire_by_vrid_or_source(tmp_path: Path) -> None:
    app = console(tmp_path, lab_facts(until="2026-11-25T15:32:30"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("w", "slash", *"prio 0 ")
        wire = ring(app, "adverts")
        rows = list(wire.visible_items)
        assert rows
        assert all(r.advert.priority == 0 for r in rows)
        await pilot.press("escape")
        assert len(wire.visible_items) > len(rows)


async def test_slash_searches_the_timeline_with_n_and_shift_n(tmp_path: Path) -> None:
    app = console(tmp_path, lab_facts(until="2026-11-25T15:32:30"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("e", "g", "slash", *"master", "enter")
        timeline = ring(app, "timeline")
        assert timeline.has_focus
        assert timeline.highlight == "master"
        assert len(timeline.visible_items) > 1  # a search does not filter
        hits = [i for i, e in enumerate(timeline.visible_items)
                if "master" in e.text.lower()]  # type: ignore[attr-defined]
        assert len(hits) >= 2
        assert timeline.cursor == hits[0]
        await pilot.press("n")
        assert timeline.cursor == hits[1]
        await pilot.press("N")
        assert timeline.cursor == hits[0]
        assert "/master (n/N)" in str(app.main.query_one("#pane-status").render())


async def test_z_zooms_the_active_pane(tmp_path: Path) -> None:
    app = console(tmp_path)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        before = ring(app, "logs").region.height
        await pilot.press("z")
        await pilot.pause()
        assert app.main.has_class("-zoom")
        assert not app.main.query_one("#top").region.height
        assert ring(app, "logs").region.height > before
        await pilot.press("z")
        assert not app.main.has_class("-zoom")


async def test_enter_on_a_node_shows_it_whole(tmp_path: Path) -> None:
    app = console(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("j", "enter")
        assert isinstance(app.screen, Detail)
        assert app.screen.text.startswith("node2 (203.0.113.12)  up")
        assert "VI_CLUSTER" in app.screen.text
        await pilot.press("W")
        assert app.screen.has_class("-nowrap")
        await pilot.press("escape")
        assert app.screen is app.main


async def test_enter_on_a_takeover_shows_the_cause_chain_with_its_evidence(
    tmp_path: Path,
) -> None:
    app = console(tmp_path, lab_facts(until="2026-11-25T15:32:17"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("e")
        timeline = ring(app, "timeline")
        items: list[Entry] = list(timeline.visible_items)  # type: ignore[arg-type]
        index = next(i for i, e in enumerate(items) if "BACKUP → MASTER (priority_zero)" in e.text)
        timeline.move_to(index)
        await pilot.press("enter")
        assert isinstance(app.screen, Detail)
        text = app.screen.text
        assert "sent priority 0" in text
        assert "took over" in text
        assert "     log   " in text  # evidence: a log line, with its source and time
        assert "     wire  " in text  # and the priority-0 advert


async def test_enter_on_a_log_line_and_an_advert(tmp_path: Path) -> None:
    app = console(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("l", "enter")
        assert isinstance(app.screen, Detail)
        assert "raw" in app.screen.text
        assert "keepalived log" in app.screen.text
        await pilot.press("escape", "w", "enter")
        assert isinstance(app.screen, Detail)
        assert "advert_int" in app.screen.text
        assert "vrid" in app.screen.text


async def test_colon_runs_a_command_by_name(tmp_path: Path) -> None:
    app = console(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("colon")
        assert isinstance(app.screen, CommandLine)
        await pilot.press(*"pane wire", "enter")
        await pilot.pause()
        assert app.main.query_one(ContentSwitcher).current == "adverts"
        await pilot.press("escape", "colon", *"node node2", "enter")
        await pilot.pause()
        assert app.main.selected == 1
        await pilot.press("colon", *"theme light", "enter")
        await pilot.pause()
        assert app.theme == "light"
        await pilot.press("colon", *"nonsense", "enter")
        assert isinstance(app.screen, CommandLine)
        assert "no command" in str(app.screen.query_one("#hint").render())
        await pilot.press("escape")
        assert app.screen is app.main


async def test_colon_stop_nginx_asks_like_the_menu(tmp_path: Path) -> None:
    app = console(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("colon", *"stop nginx on node1", "enter")
        await until(pilot, lambda: type(app.screen).__name__ == "Confirm")
        await pilot.press("n")


async def test_the_palette_holds_kaconsoles_commands_only(tmp_path: Path) -> None:
    app = console(tmp_path)
    async with app.run_test(size=SIZE):
        titles = [c.title for c in app.get_system_commands(app.main)]
    assert "Screenshot" not in titles
    assert titles.count("Theme") == 1  # kaconsole's next theme; none of Textual's
    assert {"Stop nginx on node1", "Restart keepalived on node2", "Pane: wire", "Pane: what-if",
            "Theme: light", "Node: node2", "Drill: recovery"} <= set(titles)
    assert "Keys" not in titles
    assert "Quit the application" not in titles


async def test_read_only_palette_has_no_service_action(tmp_path: Path) -> None:
    app = console(tmp_path, read_only=True)
    async with app.run_test(size=SIZE):
        titles = [c.title for c in app.get_system_commands(app.main)]
    assert not any(" on node" in t for t in titles)


async def test_80x24_every_pane_reachable_and_in_the_footer(tmp_path: Path) -> None:
    app = console(tmp_path)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        assert app.main.has_class("-short")
        shown = {k.key: k.description for k in app.main.query(FooterKey)
                 if k.region.width and k.region.right <= SMALL[0]}
        for key, label in (("l", "Log"), ("w", "Wire"), ("e", "Events"), ("c", "Conf"),
                           ("i", "WhatIf"), ("o", "Cmds")):
            assert shown.get(key) == label
        strip = str(app.main.query_one("#pane-status").render())
        assert "i what-if" in strip
        assert "o cmds" in strip
        for key, pane in (("l", "logs"), ("w", "adverts"), ("e", "timeline"), ("c", "config"),
                          ("i", "whatif"), ("o", "commands")):
            await pilot.press(key)
            await pilot.pause()
            assert ring(app, pane).region.height >= 3, pane
        assert not app.main.query_one("#filter", Input).display


async def test_a_drill_left_running_is_named_on_the_main_screen(tmp_path: Path) -> None:
    app, demo = demo_app(tmp_path)
    demo.world.nodes["node1"].script_status = 0  # the drill waits for a failover that never comes
    async with app.run_test(size=SMALL) as pilot:
        await pick(pilot, app, "nginx-failover")
        await pilot.press("y")
        await drill_screen(pilot, app)
        await until(pilot, lambda: type(app.screen).__name__ == "Confirm", timeout=20)
        await pilot.press("y")
        await pilot.press("escape")
        assert app.screen is app.main
        note = app.main.query_one("#drill-note")
        await until(pilot, lambda: note.display)
        assert str(note.render()) == "drill nginx-failover running — d shows it"
        assert note.region.height == 1
