"""FleetMonitor and the fleet presenters: every cluster's digest, the broken rows first, the
one-line summary, findings counted from the configurations read."""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import replace

from kaconsole.core.facts import Reachability
from kaconsole.core.insight.digest import digest_of
from kaconsole.core.state.model import initial_state
from kaconsole.core.state.reduce import fold
from kaconsole.engine.fleet import FleetMonitor, fleet_names
from kaconsole.sim.fleet import SPLIT, demo_fleet, fleet_sessions
from kaconsole.ui.present.fleet import fleet_rows, fleet_summary
from tests.kits.facts import advert, at
from tests.kits.ui import IdleSession


async def test_the_fleet_sees_every_cluster_and_the_split_brain() -> None:
    fleet = FleetMonitor(demo_fleet(3), fleet_sessions(speed=20.0))
    runner = asyncio.create_task(fleet.run())
    try:
        async with asyncio.timeout(20):
            async for update in fleet.updates():
                rows = fleet_rows(update.clusters, 0.0)
                masters = {r.cluster: r.master for r in rows}
                if len(rows) == 3 and masters.get(SPLIT) == "node1, node2" and all(
                        m == "node1" for c, m in masters.items() if c != SPLIT):
                    break
        assert rows[0].cluster == SPLIT
        assert rows[0].worst.startswith("split brain")
        assert [r.nodes for r in rows] == ["2/2"] * 3
        assert fleet_summary(update.clusters).startswith(
            f"fleet: 3 clusters, 1 split brain ({SPLIT})")
        assert all(isinstance(update.clusters[r.cluster].findings, int) for r in rows)
    finally:
        runner.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await runner


def test_two_files_with_one_name_are_told_apart() -> None:
    a, b = demo_fleet(2)
    assert fleet_names([a, replace(b, name=a.name)]) == [
        f"{a.name} ({a.path})", f"{a.name} ({b.path})"]


def test_before_anything_is_known_one_row_a_cluster_and_a_filter() -> None:
    digests = {name: digest_of(initial_state(name, [("n1", "192.0.2.1")]), findings)
               for name, findings in (("db-eu", None), ("web-us", 2))}
    rows = fleet_rows(digests, 0.0)
    assert [(r.cluster, r.instance, r.nodes, r.findings) for r in rows] == [
        ("db-eu", "-", "0/1", "?"), ("web-us", "-", "0/1", "2")]
    assert [r.cluster for r in fleet_rows(digests, 0.0, "WEB")] == ["web-us"]
    assert fleet_summary(digests) == "fleet: 2 clusters, 2 findings"
    assert fleet_summary({}) == "fleet: 0 clusters, all healthy"


def test_only_what_a_row_shows_wakes_the_fleet() -> None:
    fleet = FleetMonitor(demo_fleet(2), lambda _: IdleSession)
    state = fleet.monitors["web-us"].state
    up = fold(state, [Reachability("node1", True, at(0)), Reachability("node2", True, at(0))])
    assert fleet.observe("web-us", up)
    assert fleet.snapshot().clusters["web-us"].nodes_up == 2
    assert not fleet.observe("web-us", fold(up, [advert("node2", 1, "node1", 120)]))
    assert fleet.observe("web-us", fold(up, [Reachability("node2", False, at(2))]))
    assert fleet.snapshot().clusters["web-us"].nodes_up == 1
    assert fleet.snapshot().clusters["web-eu"].nodes_up == 0  # the other one untouched


async def test_a_change_in_any_cluster_reaches_the_fleets_readers() -> None:
    fleet = FleetMonitor(demo_fleet(3), lambda _: IdleSession)
    runner = asyncio.create_task(fleet.run())
    try:
        async with asyncio.timeout(30):
            for name, monitor in fleet.monitors.items():
                monitor.feed(Reachability("node2", False, at(0), "connection refused"))
                async for update in fleet.updates():
                    digest = update.clusters[name]
                    if ("unreachable", None) in digest.anomalies:
                        break
                assert "unreachable" in fleet_summary(update.clusters)
    finally:
        runner.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await runner
