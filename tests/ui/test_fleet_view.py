"""The fleet console (`kaconsole demo --fleet`, `kaconsole DIR`): the split brain on top, `/`
filters, enter opens a cluster, escape comes back, `:` and the palette switch, read-only holds."""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path

from textual.widgets import DataTable, Input, Static

from kaconsole.core.facts import Reachability
from kaconsole.engine.audit import AuditLog
from kaconsole.sim.fleet import SPLIT, demo_fleet, fleet_sessions
from kaconsole.ui.fleet_app import FleetApp, make_fleet_app
from kaconsole.ui.screens.confirm import Confirm
from kaconsole.ui.screens.fleet import ClusterSwitch, FleetClusterScreen, FleetScreen
from kaconsole.ui.widgets.header import ClusterHeader
from tests.kits.ui import until


def _app(tmp_path: Path, count: int = 4, read_only: str | None = None,
         speed: float = 10.0) -> FleetApp:
    clusters = [replace(c, read_only=c.name == read_only) for c in demo_fleet(count)]
    return make_fleet_app(clusters, sessions=fleet_sessions(speed=speed),
                          audit=AuditLog(tmp_path / "audit.jsonl"), save_dir=tmp_path)


def _table(app: FleetApp) -> list[list[str]]:
    table = app.fleet_screen.query_one("#fleet", DataTable)
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


def _settled(app: FleetApp) -> bool:
    rows = _table(app)
    return len(rows) == 4 and rows[0][5].startswith("split brain") and all(
        r[2] == "node1" for r in rows[1:])


async def test_the_split_brain_is_on_top_and_enter_opens_its_console(tmp_path: Path) -> None:
    app = _app(tmp_path)
    async with app.run_test(size=(160, 45)) as pilot:
        await until(pilot, lambda: _settled(app), timeout=20)
        assert _table(app)[0][0] == SPLIT
        summary = str(app.fleet_screen.query_one("#fleet-summary", Static).render())
        assert f"fleet: 4 clusters, 1 split brain ({SPLIT})" in summary
        await pilot.press("enter")
        assert isinstance(app.screen, FleetClusterScreen)
        assert app.screen.console.cluster.name == SPLIT
        await until(pilot, lambda: "split brain" in str(
            app.screen.query_one("#header", ClusterHeader).render()), timeout=10)
        await pilot.press("escape")
        assert isinstance(app.screen, FleetScreen)


async def test_slash_filters_and_escape_clears(tmp_path: Path) -> None:
    app = _app(tmp_path)
    async with app.run_test(size=(160, 45)) as pilot:
        await until(pilot, lambda: _settled(app), timeout=20)
        await pilot.press("slash", *"web-us")
        assert [r[0] for r in _table(app)] == ["web-us"]
        await pilot.press("enter")  # leaves the filter for the table
        await pilot.press("enter")
        assert isinstance(app.screen, FleetClusterScreen)
        assert app.screen.console.cluster.name == "web-us"
        await pilot.press("escape")
        await pilot.press("escape")
        assert not app.fleet_screen.query_one("#fleet-filter", Input).display
        assert len(_table(app)) == 4


async def test_colon_switches_cluster_from_anywhere(tmp_path: Path) -> None:
    app = _app(tmp_path, speed=1.0)
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.press("colon")
        assert isinstance(app.screen, ClusterSwitch)
        await pilot.press(*"db-us", "enter")
        assert isinstance(app.screen, FleetClusterScreen)
        assert app.screen.console.cluster.name == "db-us"
        await pilot.press("colon", *"web-e", "enter")  # a unique prefix is enough
        assert app.screen.console.cluster.name == "web-eu"
        await pilot.press("colon", *"nope", "enter")
        assert isinstance(app.screen, ClusterSwitch)
        await pilot.press("escape", "escape")
        assert isinstance(app.screen, FleetScreen)


async def test_the_palette_lists_every_cluster(tmp_path: Path) -> None:
    app = _app(tmp_path)
    async with app.run_test(size=(160, 45)) as pilot:
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert [t for t in titles if t.startswith("Cluster: ")] == [
            f"Cluster: {c.name}" for c in demo_fleet(4)]
        dict(zip(titles, app.get_system_commands(app.screen), strict=True))[
            "Cluster: db-us"].callback()
        await pilot.pause()
        assert app.active is not None
        assert app.active.cluster.name == "db-us"


async def test_actions_and_drills_are_refused_on_a_read_only_cluster(tmp_path: Path) -> None:
    app = _app(tmp_path, read_only="web-us")
    async with app.run_test(size=(160, 45)) as pilot:
        app.open_cluster("web-us")
        await pilot.pause()
        await pilot.press("a")
        assert isinstance(app.screen, FleetClusterScreen)  # no action menu
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert not [t for t in titles if t.startswith("Drill:")]
        assert app.members["web-us"].actions.read_only
        app.open_cluster("web-eu")
        await pilot.pause()
        await pilot.press("a")
        assert not isinstance(app.screen, (FleetClusterScreen, Confirm))
    assert not (tmp_path / "audit.jsonl").exists()


def _unreachable(app: FleetApp, cluster: str) -> None:
    app.fleet.monitors[cluster].feed(Reachability("node2", False, time.time(), "test"))


def _row_of(app: FleetApp, cluster: str) -> list[str]:
    return next(r for r in _table(app) if r[0] == cluster)


async def test_a_cluster_changing_behind_another_console_reaches_its_row(tmp_path: Path) -> None:
    app = _app(tmp_path)
    async with app.run_test(size=(160, 45)) as pilot:
        await until(pilot, lambda: _settled(app), timeout=20)
        app.open_cluster("web-eu")
        await pilot.pause()
        _unreachable(app, "db-us")
        await until(pilot, lambda: _row_of(app, "db-us")[4:6] == ["1/2", "unreachable"],
                    timeout=20)
        await until(pilot, lambda: "1 unreachable (db-us)" in str(
            app.screen.query_one("#header", ClusterHeader).render()), timeout=20)
        await pilot.press("escape")
        assert isinstance(app.screen, FleetScreen)
        await pilot.pause()
        table = app.fleet_screen.query_one("#fleet", DataTable)
        drawn = table.render_line(1 + app.fleet_screen.shown.index("db-us")).text
        assert "db-us" in drawn
        assert "unreachable" in drawn


async def test_the_cursor_stays_on_its_row_when_rows_move(tmp_path: Path) -> None:
    app = _app(tmp_path)
    async with app.run_test(size=(160, 45)) as pilot:
        await until(pilot, lambda: _settled(app), timeout=20)
        assert [r[0] for r in _table(app)] == [SPLIT, "db-us", "web-eu", "web-us"]
        await pilot.press("j", "j")
        table = app.fleet_screen.query_one("#fleet", DataTable)
        assert table.cursor_row == 2
        _unreachable(app, "web-us")  # breaks, and moves above the cursor's row
        await until(pilot, lambda: _table(app)[1][0] == "web-us", timeout=20)
        assert table.cursor_row == 3
        assert app.fleet_screen.shown[table.cursor_row] == "web-eu"


async def test_a_console_out_of_sight_derives_no_view_and_catches_up_when_back(
        tmp_path: Path) -> None:
    app = _app(tmp_path)
    async with app.run_test(size=(160, 45)) as pilot:
        await until(pilot, lambda: _settled(app), timeout=20)
        app.open_cluster("web-us")
        await pilot.pause()
        member = app.members["web-us"]
        assert member.shown.is_set()
        await pilot.press("escape")
        assert isinstance(app.screen, FleetScreen)
        assert not member.shown.is_set()
        _unreachable(app, "web-us")
        await until(pilot, lambda: _row_of(app, "web-us")[5] == "unreachable", timeout=20)
        app.open_cluster("web-us")
        await pilot.pause()
        assert member.shown.is_set()
        screen = member.screen
        assert screen is not None
        await until(pilot, lambda: screen.state is not None
                    and screen.state.node("node2").reachable is False, timeout=20)
